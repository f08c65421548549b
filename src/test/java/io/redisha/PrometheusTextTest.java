package io.redisha;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The test-side reader of the exposition refuses what a scraper refuses. */
class PrometheusTextTest {
  @Test
  void readsSamplesTypesAndHelp() {
    PrometheusText t =
        PrometheusText.parse(
            "# HELP up Whether it is up.\n# TYPE up gauge\nup{job=\"a\",x=\"q\\\"\"} 1.0\nup 0\n");
    assertThat(t.value("up{job=\"a\",x=\"q\\\"\"}")).isEqualTo(1.0);
    assertThat(t.value("up")).isZero();
    assertThat(t.types()).containsEntry("up", "gauge");
    assertThat(t.help()).containsEntry("up", "Whether it is up.");
  }

  @Test
  void refusesWhatAScraperRefuses() {
    assertThatThrownBy(() -> PrometheusText.parse("up{job=a} 1\n")).hasMessageContaining("line 1");
    assertThatThrownBy(() -> PrometheusText.parse("up 1\nup 2\n"))
        .hasMessageContaining("duplicate sample up");
    assertThatThrownBy(() -> PrometheusText.parse("up one\n")).hasMessageContaining("bad value");
    assertThatThrownBy(() -> PrometheusText.parse("up 1")).hasMessageContaining("newline");
  }
}

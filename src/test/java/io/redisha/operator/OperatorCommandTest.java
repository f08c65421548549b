package io.redisha.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.redisha.cli.OperatorCommand;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class OperatorCommandTest {
  @Test
  void parsesOptions() {
    var o =
        OperatorCommand.parse(
            new String[] {
              "--http-port",
              "9000",
              "--namespaces",
              "redis, cache",
              "--agent-image",
              "x/y:1",
              "--leader-election-namespace",
              "redisha-system",
              "--admin-config",
              "/etc/redisha-operator/admin.yaml"
            });
    assertThat(o.httpPort()).isEqualTo(9000);
    assertThat(o.namespaces()).containsExactly("redis", "cache");
    assertThat(o.agentImage()).isEqualTo("x/y:1");
    assertThat(o.leaderElection()).isTrue();
    assertThat(o.adminConfig()).isEqualTo(Path.of("/etc/redisha-operator/admin.yaml"));
    assertThat(OperatorCommand.parse(new String[] {"--no-leader-election"}).leaderElection())
        .isFalse();
  }

  @Test
  void badOptionsNameTheOption() {
    assertThatThrownBy(() -> OperatorCommand.parse(new String[] {"--http-port", "x"}))
        .hasMessage("--http-port: not a number: x");
    assertThatThrownBy(() -> OperatorCommand.parse(new String[] {"--http-port", "70000"}))
        .hasMessage("--http-port: must be 0 to 65535, not 70000");
    assertThatThrownBy(() -> OperatorCommand.parse(new String[] {"--agent-image"}))
        .hasMessage("--agent-image: missing value");
    assertThatThrownBy(() -> OperatorCommand.parse(new String[] {"--admin-config"}))
        .hasMessage("--admin-config: missing value");
    assertThatThrownBy(() -> OperatorCommand.parse(new String[] {"--bogus"}))
        .hasMessage("unknown option --bogus");
  }

  @Test
  void servesHealthAndPrometheusMetrics() throws Exception {
    OperatorMetrics metrics = new OperatorMetrics();
    metrics.reconciled();
    metrics.failoverRecorded();
    AtomicBoolean healthy = new AtomicBoolean(true);
    try (OperatorHttpServer server =
        new OperatorHttpServer(0, healthy::get, healthy::get, metrics::render)) {
      HttpClient http = HttpClient.newHttpClient();
      String base = "http://127.0.0.1:" + server.port();
      assertThat(get(http, base + "/healthz/live").statusCode()).isEqualTo(200);
      healthy.set(false);
      assertThat(get(http, base + "/healthz/ready").statusCode()).isEqualTo(503);
      HttpResponse<String> m = get(http, base + "/metrics");
      assertThat(m.headers().firstValue("Content-Type"))
          .hasValueSatisfying(t -> assertThat(t).startsWith("text/plain; version=0.0.4"));
      assertThat(m.body())
          .contains(
              "# TYPE redisha_operator_reconciles_total counter\nredisha_operator_reconciles_total 1.0\n")
          .contains("redisha_operator_failover_events_total 1.0\n");
    }
  }

  private static HttpResponse<String> get(HttpClient http, String url) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
  }
}

package io.redisha.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.redisha.PrometheusText;
import io.redisha.api.RedisHAPair;
import io.redisha.api.RedisHAPairStatus;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a Prometheus scraper reads from the operator's {@code /metrics}: names, labels, values. */
class OperatorMetricsTest {
  static RedisHAPair pair(String namespace, String name) {
    RedisHAPair pair = new RedisHAPair();
    pair.setMetadata(new ObjectMetaBuilder().withNamespace(namespace).withName(name).build());
    return pair;
  }

  static RedisHAPairStatus status(boolean ready, long failovers) {
    RedisHAPairStatus status = new RedisHAPairStatus();
    status.setConditions(
        List.of(
            Conditions.of(
                null,
                Conditions.READY,
                ready,
                ready ? "AllGroupsServing" : "NoMaster",
                "m",
                1,
                "2026-01-01T00:00:00Z")));
    status.setFailovers(failovers);
    return status;
  }

  @Test
  void countersAndPerPairGaugesKeepTheirNamesAndLabels() {
    OperatorMetrics metrics = new OperatorMetrics();
    metrics.reconciled();
    metrics.reconciled();
    metrics.reconcileFailed();
    metrics.statusPatched();
    metrics.failoverRecorded();
    metrics.specRejected();
    metrics.specRejected();
    metrics.specRejected();
    metrics.observed(pair("redis", "cache"), status(true, 2));
    metrics.observed(pair("redis", "sessions"), status(false, 0));
    metrics.observed(pair("redis", "cache"), status(false, 3));

    PrometheusText scraped = PrometheusText.parse(metrics.render());

    assertThat(scraped.samples())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "redisha_operator_reconciles_total", 2.0,
                "redisha_operator_reconcile_errors_total", 1.0,
                "redisha_operator_status_patches_total", 1.0,
                "redisha_operator_failover_events_total", 1.0,
                "redisha_operator_rejected_specs_total", 3.0,
                "redisha_pair_ready{namespace=\"redis\",pair=\"cache\"}", 0.0,
                "redisha_pair_ready{namespace=\"redis\",pair=\"sessions\"}", 0.0,
                "redisha_pair_failovers{namespace=\"redis\",pair=\"cache\"}", 3.0,
                "redisha_pair_failovers{namespace=\"redis\",pair=\"sessions\"}", 0.0));
    assertThat(scraped.types())
        .containsOnly(
            entry("redisha_operator_reconciles_total", "counter"),
            entry("redisha_operator_reconcile_errors_total", "counter"),
            entry("redisha_operator_status_patches_total", "counter"),
            entry("redisha_operator_failover_events_total", "counter"),
            entry("redisha_operator_rejected_specs_total", "counter"),
            entry("redisha_pair_ready", "gauge"),
            entry("redisha_pair_failovers", "gauge"));
    assertThat(scraped.help())
        .containsEntry("redisha_operator_reconciles_total", "Reconciliations run.")
        .containsEntry(
            "redisha_pair_ready", "Whether every group of the pair has a healthy master.");

    metrics.observed(pair("redis", "cache"), status(true, 3));
    assertThat(
            PrometheusText.parse(metrics.render())
                .value("redisha_pair_ready{namespace=\"redis\",pair=\"cache\"}"))
        .isEqualTo(1.0);
  }
}

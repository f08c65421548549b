package io.redisha.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.redisha.api.AgentReport;
import io.redisha.api.AgentReport.GroupReport;
import io.redisha.api.RedisRole;
import io.redisha.api.ReportedVrrpState;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/**
 * The agent's report sink writing its Lease on the mock API server, read back as the operator does.
 */
@EnableKubernetesMockClient(crud = true)
class LeaseReportSinkIT {
  KubernetesClient client;

  static AgentReport report(String vrrpState, long offset) {
    return new AgentReport(
        "cache",
        "vm-a",
        Instant.now().toString(),
        3L,
        null,
        List.of(
            new GroupReport(
                "a",
                ReportedVrrpState.valueOf(vrrpState),
                RedisRole.MASTER,
                true,
                true,
                offset,
                "r1",
                null,
                1,
                null,
                "Lease")));
  }

  @Test
  void writesTheReportToTheNodesLeaseOwnedByThePair() {
    try (LeaseReportSink sink =
        new LeaseReportSink(
            client,
            "redis",
            "cache",
            "uid-1",
            Clock.systemUTC(),
            Executors.newSingleThreadScheduledExecutor())) {
      sink.publish(report("BACKUP", 1));
      await().atMost(Duration.ofSeconds(10)).until(() -> sink.writes() == 1);
      sink.publish(report("MASTER", 2));
      await().atMost(Duration.ofSeconds(10)).until(() -> sink.writes() == 2);
      Lease lease =
          client
              .leases()
              .inNamespace("redis")
              .withName(PairResources.reportLeaseName("cache", "vm-a"))
              .get();
      System.out.println(lease);
      var read = ReportLease.read(lease).orElseThrow();
      assertThat(read.report().groups().getFirst().vrrpState()).isEqualTo(ReportedVrrpState.MASTER);
      assertThat(read.isFreshAt(Instant.now())).isTrue();
      assertThat(lease.getMetadata().getOwnerReferences())
          .singleElement()
          .satisfies(o -> assertThat(o.getUid()).isEqualTo("uid-1"));
      assertThat(lease.getMetadata().getLabels()).containsEntry(PairResources.LABEL_PAIR, "cache");

      // Only the offset changed: no write until the heartbeat is due.
      sink.publish(report("MASTER", 3));
      sink.publish(report("MASTER", 4));
      assertThat(sink.writes()).isEqualTo(2);
    }
  }
}

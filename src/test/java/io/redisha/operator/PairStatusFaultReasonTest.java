package io.redisha.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.redisha.api.AgentReport;
import io.redisha.api.AgentReport.GroupReport;
import io.redisha.api.RedisHAPair;
import io.redisha.api.RedisHAPairStatus;
import io.redisha.api.RedisRole;
import io.redisha.api.ReportedVrrpState;
import io.redisha.kube.ReportLease.ReceivedReport;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A node in FAULT makes Degraded (and, with no master, Ready) say why, as its agent reports it. */
class PairStatusFaultReasonTest {
  static final Instant T0 = PairStatusAggregatorTest.T0;

  static GroupReport faulted(String name, String fault) {
    return new GroupReport(
        name,
        ReportedVrrpState.FAULT,
        RedisRole.MASTER,
        true,
        false,
        10L,
        "r",
        null,
        2,
        null,
        "None",
        null,
        fault);
  }

  static ReceivedReport received(String node, GroupReport group) {
    return new ReceivedReport(
        new AgentReport(
            "cache",
            node,
            T0.toString(),
            1L,
            null,
            List.of(group),
            new AgentReport.Link("eth0", false, "carrier lost on eth0", T0.toString())),
        T0,
        Duration.ofSeconds(30));
  }

  @Test
  void aNodeInFaultBesideTheMasterMakesDegradedSayWhy() {
    RedisHAPair pair = PairStatusAggregatorTest.pair(1, "a");
    Map<String, ReceivedReport> reports =
        Map.of(
            "vm-a", received("vm-a", faulted("a", "carrier lost on eth0")),
            "vm-b",
                PairStatusAggregatorTest.received(
                    "vm-b", T0, 1, PairStatusAggregatorTest.group("a", "MASTER", "master", true)));

    RedisHAPairStatus status =
        PairStatusAggregator.aggregate(pair, List.of(), reports, null, T0).status();

    assertThat(PairStatusAggregatorTest.condition(status, Conditions.DEGRADED))
        .isEqualTo("True/ReplicaNotFollowing");
    assertThat(status.getMessage())
        .isEqualTo("group a on vm-a: FAULT (carrier lost on eth0), Redis master");
  }

  @Test
  void noMasterNamesTheFaultOfEachNode() {
    RedisHAPair pair = PairStatusAggregatorTest.pair(1, "a");
    Map<String, ReceivedReport> reports =
        Map.of(
            "vm-a", received("vm-a", faulted("a", "link down on eth0")),
            "vm-b", received("vm-b", faulted("a", "Redis on port 6379 down: connection refused")));

    RedisHAPairStatus status =
        PairStatusAggregator.aggregate(pair, List.of(), reports, null, T0).status();

    assertThat(PairStatusAggregatorTest.condition(status, Conditions.READY))
        .isEqualTo("False/NoMaster");
    assertThat(status.getMessage())
        .isEqualTo(
            "group a has no master (vm-a in FAULT: link down on eth0; vm-b in FAULT: Redis on"
                + " port 6379 down: connection refused)");
  }
}

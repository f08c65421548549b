package io.redisha.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.redisha.api.AgentReport;
import io.redisha.api.AgentReport.GroupReport;
import io.redisha.api.AgentReport.Transition;
import io.redisha.api.InstanceSpec;
import io.redisha.api.NodeSpec;
import io.redisha.api.RedisHAPair;
import io.redisha.api.RedisHAPairSpec;
import io.redisha.api.RedisHAPairStatus;
import io.redisha.api.RedisRole;
import io.redisha.api.ReportedVrrpState;
import io.redisha.kube.ReportLease.ReceivedReport;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Status aggregation as a pure function of reports and time. */
class PairStatusAggregatorTest {
  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  static RedisHAPair pair(long generation, String... groups) {
    RedisHAPair pair = new RedisHAPair();
    pair.setMetadata(
        new ObjectMetaBuilder()
            .withName("cache")
            .withNamespace("redis")
            .withGeneration(generation)
            .build());
    RedisHAPairSpec spec = new RedisHAPairSpec();
    NodeSpec a = new NodeSpec();
    a.setName("vm-a");
    NodeSpec b = new NodeSpec();
    b.setName("vm-b");
    spec.setNodes(List.of(a, b));
    spec.setInstances(
        java.util.Arrays.stream(groups)
            .map(
                g -> {
                  InstanceSpec i = new InstanceSpec();
                  i.setName(g);
                  return i;
                })
            .toList());
    pair.setSpec(spec);
    return pair;
  }

  static GroupReport group(String name, String state, String role, boolean healthy) {
    return new GroupReport(
        name,
        ReportedVrrpState.valueOf(state),
        RedisRole.valueOf(role.toUpperCase(Locale.ROOT)),
        healthy,
        "MASTER".equals(state),
        10L,
        "r",
        0L,
        1,
        new Transition(
            ReportedVrrpState.BACKUP, ReportedVrrpState.valueOf(state), "test", T0.toString()),
        "Lease");
  }

  static ReceivedReport received(String node, Instant at, long generation, GroupReport... groups) {
    return new ReceivedReport(
        new AgentReport("cache", node, at.toString(), generation, null, List.of(groups)),
        at,
        Duration.ofSeconds(30));
  }

  static String condition(RedisHAPairStatus s, String type) {
    var c = Conditions.find(s.getConditions(), type);
    return c.getStatus() + "/" + c.getReason();
  }

  @Test
  void healthyPairIsReadyAndTransitionTimesStayWhileNothingChanges() {
    RedisHAPair pair = pair(1, "a");
    Map<String, ReceivedReport> reports =
        Map.of(
            "vm-a", received("vm-a", T0, 1, group("a", "MASTER", "master", true)),
            "vm-b", received("vm-b", T0, 1, group("a", "BACKUP", "replica", true)));
    var first = PairStatusAggregator.aggregate(pair, List.of(), reports, null, T0);
    assertThat(condition(first.status(), Conditions.READY)).isEqualTo("True/AllGroupsServing");
    assertThat(first.recheckAt()).contains(T0.plusSeconds(30));

    pair.setStatus(first.status());
    var later = PairStatusAggregator.aggregate(pair, List.of(), reports, null, T0.plusSeconds(5));
    assertThat(later.status()).isEqualTo(first.status());
    assertThat(later.failovers()).isEmpty();
  }

  @Test
  void aSilentAgentGoesUnknownAfterItsLeaseRunsOut() {
    RedisHAPair pair = pair(1, "a");
    Map<String, ReceivedReport> reports =
        Map.of(
            "vm-a", received("vm-a", T0.plusSeconds(20), 1, group("a", "MASTER", "master", true)),
            "vm-b", received("vm-b", T0, 1, group("a", "BACKUP", "replica", true)));
    var s =
        PairStatusAggregator.aggregate(pair, List.of(), reports, null, T0.plusSeconds(31)).status();
    assertThat(condition(s, Conditions.READY)).isEqualTo("True/AllGroupsServing");
    assertThat(condition(s, Conditions.DEGRADED)).isEqualTo("True/AgentNotReporting");
    assertThat(s.getMessage()).isEqualTo("no current report from vm-b");
    assertThat(s.getInstances().getFirst().getNodes().get(1).getVrrpState().text())
        .isEqualTo("Unknown");

    var none =
        PairStatusAggregator.aggregate(pair, List.of(), reports, null, T0.plusSeconds(60)).status();
    assertThat(condition(none, Conditions.READY)).isEqualTo("False/AgentsNotReporting");
  }

  @Test
  void twoMastersAreSplitBrainAndNotAFailover() {
    RedisHAPair pair = pair(1, "a", "b");
    Map<String, ReceivedReport> reports =
        Map.of(
            "vm-a",
                received(
                    "vm-a",
                    T0,
                    1,
                    group("a", "MASTER", "master", true),
                    group("b", "BACKUP", "replica", true)),
            "vm-b",
                received(
                    "vm-b",
                    T0,
                    1,
                    group("a", "MASTER", "master", true),
                    group("b", "MASTER", "master", true)));
    var r = PairStatusAggregator.aggregate(pair, List.of(), reports, null, T0);
    assertThat(condition(r.status(), Conditions.SPLIT_BRAIN)).isEqualTo("True/TwoMasters");
    assertThat(condition(r.status(), Conditions.READY)).isEqualTo("False/SplitBrain");
    assertThat(r.status().getMasters()).isEqualTo("a=vm-a+vm-b,b=vm-b");
    assertThat(r.status().getMessage()).isEqualTo("group a: vm-a and vm-b are both master");
    assertThat(r.failovers()).isEmpty();
  }

  @Test
  void aNewSoleMasterIsOneFailoverOnlyOnce() {
    RedisHAPair pair = pair(1, "a");
    var before =
        PairStatusAggregator.aggregate(
            pair,
            List.of(),
            Map.of(
                "vm-a", received("vm-a", T0, 1, group("a", "MASTER", "master", true)),
                "vm-b", received("vm-b", T0, 1, group("a", "BACKUP", "replica", true))),
            null,
            T0);
    pair.setStatus(before.status());
    Map<String, ReceivedReport> moved =
        Map.of(
            "vm-a", received("vm-a", T0.plusSeconds(1), 1, group("a", "FAULT", "unknown", false)),
            "vm-b", received("vm-b", T0.plusSeconds(1), 1, group("a", "MASTER", "master", true)));
    var after = PairStatusAggregator.aggregate(pair, List.of(), moved, null, T0.plusSeconds(1));
    assertThat(after.failovers())
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.from()).isEqualTo("vm-a");
              assertThat(f.to()).isEqualTo("vm-b");
              assertThat(f.count()).isEqualTo(1);
            });
    pair.setStatus(after.status());
    var again = PairStatusAggregator.aggregate(pair, List.of(), moved, null, T0.plusSeconds(2));
    assertThat(again.failovers()).isEmpty();
    assertThat(again.status().getFailovers()).isEqualTo(1L);
  }

  @Test
  void rolloutAndOldGenerationsAreProgressingAndABadSpecIsNot() {
    RedisHAPair pair = pair(2, "a");
    Map<String, ReceivedReport> reports =
        Map.of(
            "vm-a", received("vm-a", T0, 2, group("a", "MASTER", "master", true)),
            "vm-b", received("vm-b", T0, 1, group("a", "BACKUP", "replica", true)));
    var s = PairStatusAggregator.aggregate(pair, List.of(), reports, null, T0).status();
    assertThat(condition(s, Conditions.PROGRESSING)).isEqualTo("True/RollingOut");
    assertThat(Conditions.find(s.getConditions(), Conditions.PROGRESSING).getMessage())
        .isEqualTo("vm-b runs generation 1 of 2");
    var rolling =
        PairStatusAggregator.aggregate(
                pair, List.of(), reports, new PairStatusAggregator.Rollout(2, 1, 1), T0)
            .status();
    assertThat(Conditions.find(rolling.getConditions(), Conditions.PROGRESSING).getMessage())
        .isEqualTo("1 of 2 agents updated, 1 ready");
    var bad =
        PairStatusAggregator.aggregate(
                pair, List.of("spec.interface: 'x y' is not an interface name"), reports, null, T0)
            .status();
    assertThat(condition(bad, Conditions.PROGRESSING)).isEqualTo("False/InvalidSpec");
    assertThat(condition(bad, Conditions.DEGRADED)).isEqualTo("True/InvalidSpec");
    assertThat(bad.getObservedGeneration()).isEqualTo(2L);
  }

  @Test
  void anAgentWithAConfigErrorIsNotUpToDate() {
    RedisHAPair pair = pair(3, "a");
    ReceivedReport broken =
        new ReceivedReport(
            new AgentReport(
                "cache",
                "vm-b",
                T0.toString(),
                null,
                "generation file /etc/redisha/generation: 'x' is not a generation number",
                List.of(group("a", "BACKUP", "replica", true))),
            T0,
            Duration.ofSeconds(30));
    Map<String, ReceivedReport> reports =
        Map.of(
            "vm-a", received("vm-a", T0, 3, group("a", "MASTER", "master", true)), "vm-b", broken);
    var s = PairStatusAggregator.aggregate(pair, List.of(), reports, null, T0).status();
    assertThat(condition(s, Conditions.PROGRESSING)).isEqualTo("False/AgentConfigError");
    assertThat(Conditions.find(s.getConditions(), Conditions.PROGRESSING).getMessage())
        .isEqualTo(
            "vm-b cannot apply generation 3: generation file /etc/redisha/generation: 'x' is not a"
                + " generation number");
    assertThat(condition(s, Conditions.READY)).isEqualTo("True/AllGroupsServing");

    var rolling =
        PairStatusAggregator.aggregate(
                pair, List.of(), reports, new PairStatusAggregator.Rollout(2, 1, 1), T0)
            .status();
    assertThat(condition(rolling, Conditions.PROGRESSING)).isEqualTo("True/RollingOut");
  }
}

package io.redisha.operator;

import static io.redisha.operator.PairStatusAggregatorTest.T0;
import static io.redisha.operator.PairStatusAggregatorTest.condition;
import static io.redisha.operator.PairStatusAggregatorTest.group;
import static io.redisha.operator.PairStatusAggregatorTest.pair;
import static io.redisha.operator.PairStatusAggregatorTest.received;
import static org.assertj.core.api.Assertions.assertThat;

import io.redisha.api.AgentReport.CloudRouting;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Each reason follows from what was found, not from the wording of a message: a group with no
 * master, a master whose Redis does not serve, a failed release, and which problem wins.
 */
class ConditionReasonsTest {
  @Test
  void aGroupWithoutMasterIsNoMasterAndDegradedSaysMasterNotServing() {
    var s =
        PairStatusAggregator.aggregate(
                pair(1, "a"),
                List.of(),
                Map.of(
                    "vm-a", received("vm-a", T0, 1, group("a", "BACKUP", "replica", true)),
                    "vm-b", received("vm-b", T0, 1, group("a", "BACKUP", "replica", true))),
                null,
                T0)
            .status();
    assertThat(condition(s, Conditions.READY)).isEqualTo("False/NoMaster");
    assertThat(condition(s, Conditions.DEGRADED)).isEqualTo("True/MasterNotServing");
    assertThat(s.getMessage()).isEqualTo("group a has no master");
    assertThat(s.getMasters()).isEqualTo("a=-");
  }

  @Test
  void aMasterWhoseRedisIsUnhealthyOrAReplicaIsMasterNotServing() {
    var unhealthy =
        PairStatusAggregator.aggregate(
                pair(1, "a"),
                List.of(),
                Map.of(
                    "vm-a", received("vm-a", T0, 1, group("a", "MASTER", "unknown", false)),
                    "vm-b", received("vm-b", T0, 1, group("a", "BACKUP", "replica", true))),
                null,
                T0)
            .status();
    assertThat(condition(unhealthy, Conditions.READY)).isEqualTo("False/MasterNotServing");
    assertThat(unhealthy.getMessage()).isEqualTo("group a: Redis on master vm-a is unhealthy");

    var readOnly =
        PairStatusAggregator.aggregate(
                pair(1, "a"),
                List.of(),
                Map.of(
                    "vm-a", received("vm-a", T0, 1, group("a", "MASTER", "replica", true)),
                    "vm-b", received("vm-b", T0, 1, group("a", "BACKUP", "replica", true))),
                null,
                T0)
            .status();
    assertThat(condition(readOnly, Conditions.READY)).isEqualTo("False/MasterNotServing");
    assertThat(readOnly.getMessage())
        .isEqualTo("group a: Redis on master vm-a is not writable (role replica)");
  }

  @Test
  void splitBrainInOneGroupOutranksNoMasterInAnother() {
    var s =
        PairStatusAggregator.aggregate(
                pair(1, "a", "b"),
                List.of(),
                Map.of(
                    "vm-a",
                    received(
                        "vm-a",
                        T0,
                        1,
                        group("a", "BACKUP", "replica", true),
                        group("b", "MASTER", "master", true)),
                    "vm-b",
                    received(
                        "vm-b",
                        T0,
                        1,
                        group("a", "BACKUP", "replica", true),
                        group("b", "MASTER", "master", true))),
                null,
                T0)
            .status();
    assertThat(condition(s, Conditions.READY)).isEqualTo("False/SplitBrain");
    assertThat(condition(s, Conditions.DEGRADED)).isEqualTo("True/SplitBrain");
    assertThat(condition(s, Conditions.SPLIT_BRAIN)).isEqualTo("True/TwoMasters");
    assertThat(s.getMessage()).isEqualTo("group b: vm-a and vm-b are both master");
  }

  @Test
  void aFailedReleaseIsReleaseFailedUnlessARoutingFailedToo() {
    var releaseFailed =
        new CloudRouting(
            "aws", CloudRouting.Request.BACKUP, CloudRouting.Result.FAILED, 5, "HTTP 500", "t");
    var routed =
        new CloudRouting(
            "aws", CloudRouting.Request.MASTER, CloudRouting.Result.SUCCEEDED, 1, null, "t");
    var s =
        PairStatusAggregator.aggregate(
                pair(1, "a"),
                List.of(),
                Map.of(
                    "vm-a",
                    received(
                        "vm-a",
                        T0,
                        1,
                        group("a", "BACKUP", "replica", true).withCloudRouting(releaseFailed)),
                    "vm-b",
                    received(
                        "vm-b",
                        T0,
                        1,
                        group("a", "MASTER", "master", true).withCloudRouting(routed))),
                null,
                T0)
            .status();
    assertThat(condition(s, Conditions.CLOUD_ROUTING)).isEqualTo("False/ReleaseFailed");
    assertThat(Conditions.find(s.getConditions(), Conditions.CLOUD_ROUTING).getMessage())
        .isEqualTo("group a on vm-a: aws releasing the VIP failed (attempt 5): HTTP 500");
    assertThat(condition(s, Conditions.READY)).isEqualTo("True/AllGroupsServing");

    var routingFailed =
        new CloudRouting(
            "aws", CloudRouting.Request.MASTER, CloudRouting.Result.FAILED, 2, "HTTP 403", "t");
    var both =
        PairStatusAggregator.aggregate(
                pair(1, "a"),
                List.of(),
                Map.of(
                    "vm-a",
                    received(
                        "vm-a",
                        T0,
                        1,
                        group("a", "BACKUP", "replica", true).withCloudRouting(releaseFailed)),
                    "vm-b",
                    received(
                        "vm-b",
                        T0,
                        1,
                        group("a", "MASTER", "master", true).withCloudRouting(routingFailed))),
                null,
                T0)
            .status();
    assertThat(condition(both, Conditions.CLOUD_ROUTING)).isEqualTo("False/HookFailed");
  }
}

package io.redisha.operator;

import static io.redisha.operator.PairStatusAggregatorTest.T0;
import static io.redisha.operator.PairStatusAggregatorTest.condition;
import static io.redisha.operator.PairStatusAggregatorTest.group;
import static io.redisha.operator.PairStatusAggregatorTest.pair;
import static io.redisha.operator.PairStatusAggregatorTest.received;
import static org.assertj.core.api.Assertions.assertThat;

import io.redisha.api.AgentReport.CloudRouting;
import io.redisha.api.RedisHAPair;
import io.redisha.kube.ReportLease.ReceivedReport;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The CloudRouting condition: present only with a hook, False with the error when it failed. */
class CloudRoutingConditionTest {
  static Map<String, ReceivedReport> reports(CloudRouting onMaster) {
    return Map.of(
        "vm-a",
        received("vm-a", T0, 1, group("a", "MASTER", "master", true).withCloudRouting(onMaster)),
        "vm-b",
        received("vm-b", T0, 1, group("a", "BACKUP", "replica", true)));
  }

  @Test
  void noHookNoCondition() {
    RedisHAPair pair = pair(1, "a");
    var result = PairStatusAggregator.aggregate(pair, List.of(), reports(null), null, T0);
    assertThat(Conditions.find(result.status().getConditions(), Conditions.CLOUD_ROUTING)).isNull();
  }

  @Test
  void aFailedHookIsFalseWithItsErrorAndTheGroupStaysReady() {
    RedisHAPair pair = pair(1, "a");
    var failed =
        new CloudRouting(
            "aws",
            CloudRouting.Request.MASTER,
            CloudRouting.Result.FAILED,
            3,
            "AssignPrivateIpAddresses failed: HTTP 403 UnauthorizedOperation: denied",
            T0.toString());
    var result = PairStatusAggregator.aggregate(pair, List.of(), reports(failed), null, T0);
    assertThat(condition(result.status(), Conditions.CLOUD_ROUTING)).isEqualTo("False/HookFailed");
    assertThat(
            Conditions.find(result.status().getConditions(), Conditions.CLOUD_ROUTING).getMessage())
        .isEqualTo(
            "group a on vm-a: aws routing the VIP here failed (attempt 3):"
                + " AssignPrivateIpAddresses failed: HTTP 403 UnauthorizedOperation: denied");
    assertThat(condition(result.status(), Conditions.READY)).isEqualTo("True/AllGroupsServing");

    var ok =
        new CloudRouting(
            "aws",
            CloudRouting.Request.MASTER,
            CloudRouting.Result.SUCCEEDED,
            4,
            null,
            T0.toString());
    pair.setStatus(result.status());
    var healed = PairStatusAggregator.aggregate(pair, List.of(), reports(ok), null, T0);
    assertThat(condition(healed.status(), Conditions.CLOUD_ROUTING)).isEqualTo("True/Routed");
  }

  @Test
  void aPendingCallIsFalsePending() {
    var pending =
        new CloudRouting(
            "alibaba", CloudRouting.Request.MASTER, CloudRouting.Result.PENDING, 0, null, null);
    var result =
        PairStatusAggregator.aggregate(pair(1, "a"), List.of(), reports(pending), null, T0);
    assertThat(condition(result.status(), Conditions.CLOUD_ROUTING)).isEqualTo("False/Pending");
  }
}

package io.redisha.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.redisha.api.AgentReport.CloudRouting;
import io.redisha.api.AgentReport.GroupReport;
import io.redisha.api.AgentReport.Transition;
import io.redisha.vrrp.VrrpState;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The states travel as enums inside and as the same strings as before on the wire: the agent's
 * report (its {@code /status} and the report Lease) and the resource's status.
 */
class ReportJsonTest {
  static final ObjectMapper JSON = new ObjectMapper();

  /** A report as agents before the enums wrote it. */
  static final String GROUP_JSON =
      "{\"name\":\"a\",\"vrrpState\":\"MASTER\",\"redisRole\":\"master\",\"healthy\":true,"
          + "\"holdsVip\":true,\"replicationOffset\":42,\"replicationId\":\"r1\","
          + "\"transitions\":3,\"lastTransition\":{\"from\":\"BACKUP\",\"to\":\"MASTER\","
          + "\"reason\":\"elected\",\"time\":\"2026-01-01T00:00:00Z\"},\"protection\":\"Lease\","
          + "\"cloudRouting\":{\"provider\":\"aws\",\"state\":\"MASTER\",\"result\":\"Succeeded\","
          + "\"attempts\":1,\"time\":\"2026-01-01T00:00:01Z\"}}";

  static GroupReport group() {
    return new GroupReport(
        "a",
        ReportedVrrpState.MASTER,
        RedisRole.MASTER,
        true,
        true,
        42L,
        "r1",
        null,
        3,
        new Transition(
            ReportedVrrpState.BACKUP, ReportedVrrpState.MASTER, "elected", "2026-01-01T00:00:00Z"),
        "Lease",
        new CloudRouting(
            "aws",
            CloudRouting.Request.MASTER,
            CloudRouting.Result.SUCCEEDED,
            1,
            null,
            "2026-01-01T00:00:01Z"));
  }

  @Test
  void aGroupReportIsWrittenAndReadWithTodaysStrings() throws Exception {
    assertThat(JSON.writeValueAsString(group())).isEqualTo(GROUP_JSON);
    assertThat(JSON.readValue(GROUP_JSON, GroupReport.class)).isEqualTo(group());
  }

  @Test
  void everyStateHasOneSpellingOnTheWire() throws Exception {
    assertThat(List.of(ReportedVrrpState.values()))
        .extracting(ReportedVrrpState::text)
        .containsExactly("INITIALIZE", "BACKUP", "MASTER", "FAULT", "Unknown");
    assertThat(List.of(RedisRole.values()))
        .extracting(RedisRole::text)
        .containsExactly("master", "replica", "unknown");
    assertThat(List.of(CloudRouting.Result.values()))
        .extracting(CloudRouting.Result::text)
        .containsExactly("Pending", "Succeeded", "Failed");
    for (VrrpState state : VrrpState.values()) {
      assertThat(JSON.writeValueAsString(ReportedVrrpState.of(state)))
          .isEqualTo("\"" + state.name() + "\"");
    }
    InstanceNodeStatus stale = new InstanceNodeStatus();
    stale.setName("vm-b");
    stale.setVrrpState(ReportedVrrpState.UNKNOWN);
    assertThat(JSON.writeValueAsString(stale))
        .isEqualTo("{\"name\":\"vm-b\",\"vrrpState\":\"Unknown\"}");
  }

  @Test
  void readingIgnoresCaseAndAStateFromANewerAgentReadsAsUnknown() throws Exception {
    assertThat(JSON.readValue("\"unknown\"", ReportedVrrpState.class))
        .isEqualTo(ReportedVrrpState.UNKNOWN);
    assertThat(JSON.readValue("\"Unknown\"", RedisRole.class)).isEqualTo(RedisRole.UNKNOWN);
    assertThat(JSON.readValue("\"backup\"", ReportedVrrpState.class))
        .isEqualTo(ReportedVrrpState.BACKUP);
    assertThat(JSON.readValue("\"PAUSED\"", ReportedVrrpState.class))
        .isEqualTo(ReportedVrrpState.UNKNOWN);
    assertThat(JSON.readValue("\"sentinel\"", RedisRole.class)).isEqualTo(RedisRole.UNKNOWN);
  }

  @Test
  void anUnknownHookResultIsRefusedByName() {
    assertThatThrownBy(
            () ->
                JSON.readValue(
                    GROUP_JSON.replace("\"Succeeded\"", "\"Retrying\""), GroupReport.class))
        .hasMessageContaining(
            "cloudRouting.result: must be one of Pending, Succeeded, Failed, not 'Retrying'");
  }
}

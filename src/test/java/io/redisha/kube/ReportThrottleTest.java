package io.redisha.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.redisha.api.AgentReport;
import io.redisha.api.AgentReport.GroupReport;
import io.redisha.api.RedisRole;
import io.redisha.api.ReportedVrrpState;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReportThrottleTest {
  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  static AgentReport report(String state, long offset, String time) {
    return new AgentReport(
        "cache",
        "vm-a",
        time,
        1L,
        null,
        List.of(
            new GroupReport(
                "a",
                ReportedVrrpState.valueOf(state),
                RedisRole.MASTER,
                true,
                true,
                offset,
                "r",
                0L,
                1,
                null,
                "Lease")));
  }

  @Test
  void firstReportIsWrittenAtOnce() {
    assertThat(new ReportThrottle().dueAt(report("MASTER", 1, "t0"), T0)).isEqualTo(T0);
  }

  @Test
  void aChangeIsWrittenAtOnceButCoalescedToOneWritePerQuarterSecond() {
    ReportThrottle throttle = new ReportThrottle();
    throttle.written(report("BACKUP", 1, "t0"), T0);
    assertThat(throttle.dueAt(report("MASTER", 1, "t1"), T0.plusMillis(100)))
        .isEqualTo(T0.plusMillis(250));
    assertThat(throttle.dueAt(report("MASTER", 1, "t1"), T0.plusSeconds(3)))
        .isEqualTo(T0.plusSeconds(3));
  }

  @Test
  void offsetsLagAndTimeAloneWaitForTheTenSecondHeartbeat() {
    ReportThrottle throttle = new ReportThrottle();
    throttle.written(report("MASTER", 1, "t0"), T0);
    AgentReport moved = report("MASTER", 999, "t5");
    assertThat(ReportThrottle.sameState(moved, report("MASTER", 1, "t0"))).isTrue();
    assertThat(throttle.dueAt(moved, T0.plusSeconds(5))).isEqualTo(T0.plusSeconds(10));
    assertThat(throttle.dueAt(moved, T0.plusSeconds(12))).isEqualTo(T0.plusSeconds(12));
  }

  @Test
  void aConfigErrorAppearingOrGoingIsAChangeOfState() {
    AgentReport fine = report("MASTER", 1, "t0");
    AgentReport broken =
        new AgentReport(
            fine.pair(),
            fine.node(),
            fine.time(),
            fine.configGeneration(),
            "pair file /etc/redisha/pair.yaml: cannot read it (permission denied)",
            fine.groups());
    assertThat(ReportThrottle.sameState(fine, broken)).isFalse();
    ReportThrottle throttle = new ReportThrottle();
    throttle.written(fine, T0);
    assertThat(throttle.dueAt(broken, T0.plusSeconds(1))).isEqualTo(T0.plusSeconds(1));
  }
}

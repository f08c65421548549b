package io.redisha.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AgentHealthTest {
  static final long S = 1_000_000_000L;

  @Test
  void livenessFailsOnAStalledSchedulerOrReceiveLoop() {
    long now = 100 * S;
    assertThat(AgentHealth.liveness(now, now - S, now - S, true).ok()).isTrue();
    assertThat(AgentHealth.liveness(now, now - 6 * S, now, true).reason())
        .isEqualTo("the agent's scheduler has not run for 6000 ms");
    assertThat(AgentHealth.liveness(now, now, now - 6 * S, true).reason())
        .isEqualTo("the VRRP receive loop has not run for 6000 ms");
    assertThat(AgentHealth.liveness(now, now, now, false).reason())
        .isEqualTo("the VRRP receive loop has stopped");
    assertThat(AgentHealth.liveness(now, now - 5 * S, now - 5 * S, true).ok())
        .as("exactly the stall time still passes")
        .isTrue();
  }

  @Test
  void readinessFailsOnARefusedFileOrGroupsWithoutCompletedChecks() {
    long now = 100 * S;
    Map<String, Long> checks = new LinkedHashMap<>();
    checks.put("a", now - S);
    checks.put("b", now - S / 2);
    Duration stall = Duration.ofSeconds(5);
    assertThat(AgentHealth.readiness(now, null, checks, stall).ok()).isTrue();
    assertThat(AgentHealth.readiness(now, "instances[0].port: required", checks, stall).reason())
        .isEqualTo("pair file not in force: instances[0].port: required");
    checks.put("b", -1L);
    assertThat(AgentHealth.readiness(now, null, checks, stall).reason())
        .isEqualTo("group b: no Redis check has completed yet");
    checks.put("b", now - 7 * S);
    assertThat(AgentHealth.readiness(now, null, checks, stall).reason())
        .isEqualTo("group b: no Redis check has completed for 7000 ms");
  }
}

package io.redisha.agent;

import java.time.Duration;
import java.util.Map;

/**
 * What {@code /healthz} (liveness) and {@code /readyz} (readiness) answer, as pure functions of
 * when the agent's parts last made progress. The kubelet restarts an agent that is not live and
 * keeps one that is not ready out of a rollout, so liveness asks only "is the agent stuck", and
 * readiness "is it doing its job".
 */
public final class AgentHealth {
  private AgentHealth() {}

  /** How long a part may go without progress before it counts as stuck. */
  public static final Duration STALL = Duration.ofSeconds(5);

  /**
   * A probe's answer.
   *
   * @param ok whether the probe passes
   * @param reason why not, or what was checked
   */
  public record Probe(boolean ok, String reason) {
    static Probe pass(String what) {
      return new Probe(true, what);
    }

    static Probe fail(String why) {
      return new Probe(false, why);
    }
  }

  /**
   * Liveness: the scheduler thread (every state change runs there) and the VRRP receive loop (it
   * wakes at least every second) both made progress within {@link #STALL}.
   *
   * @param nowNanos the monotonic time now
   * @param schedulerTickNanos when the scheduler last ran its periodic task
   * @param receiveLoopNanos when the receive loop last came round
   * @param receiverAlive whether the receive thread still runs
   */
  public static Probe liveness(
      long nowNanos, long schedulerTickNanos, long receiveLoopNanos, boolean receiverAlive) {
    long stall = STALL.toNanos();
    if (nowNanos - schedulerTickNanos > stall) {
      return Probe.fail(
          "the agent's scheduler has not run for " + millis(nowNanos - schedulerTickNanos) + " ms");
    }
    if (!receiverAlive) {
      return Probe.fail("the VRRP receive loop has stopped");
    }
    if (nowNanos - receiveLoopNanos > stall) {
      return Probe.fail(
          "the VRRP receive loop has not run for " + millis(nowNanos - receiveLoopNanos) + " ms");
    }
    return Probe.pass("scheduler and VRRP receive loop running");
  }

  /**
   * Readiness: the pair file in force is the one on disk (not refused), and every group's Redis
   * check completed recently (a check that fails still completes; one that never ends does not).
   *
   * @param configError why the pair file on disk is not in force, or null
   * @param lastCheckDoneNanos per group, when its last Redis check completed (-1: never)
   * @param checkStall how long a group may go without a completed check
   */
  public static Probe readiness(
      long nowNanos,
      String configError,
      Map<String, Long> lastCheckDoneNanos,
      Duration checkStall) {
    if (configError != null) {
      return Probe.fail("pair file not in force: " + configError);
    }
    for (Map.Entry<String, Long> group : lastCheckDoneNanos.entrySet()) {
      long done = group.getValue();
      if (done < 0) {
        return Probe.fail("group " + group.getKey() + ": no Redis check has completed yet");
      }
      if (nowNanos - done > checkStall.toNanos()) {
        return Probe.fail(
            "group "
                + group.getKey()
                + ": no Redis check has completed for "
                + millis(nowNanos - done)
                + " ms");
      }
    }
    return Probe.pass(lastCheckDoneNanos.size() + " groups checking their Redis");
  }

  private static long millis(long nanos) {
    return Duration.ofNanos(nanos).toMillis();
  }
}

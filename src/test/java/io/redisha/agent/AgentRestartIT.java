package io.redisha.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.redisha.lab.PairLab;
import io.redisha.testing.RequiresHost;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A restart starts clean, with the real parts: the agent of group a's master is killed (SIGKILL,
 * nothing of it runs on) while its VIP stays on the interface and its Redis stays a writable
 * master; a supervisor starts it again 3 s later. The new agent removes what its predecessor left
 * before anything else, so within 3 adverts and skew of its start each VIP has one holder, and no
 * acknowledged write is lost.
 */
@RequiresHost(tools = {"ip", "timeout", "redis-server", "redis-cli"})
class AgentRestartIT {
  private static final Duration SUPERVISOR_DELAY = Duration.ofSeconds(3);

  @TempDir Path dir;

  @Test
  void theMastersAgentKilledAndStartedAgainLeavesOneHolderPerGroupAndLosesNothing()
      throws Exception {
    try (FaultLab f = FaultLab.boot(dir)) {
      PairLab lab = f.lab;
      String restarted = lab.view().get("a").master();
      String survivor = PairLab.other(restarted);
      Duration budget = Duration.ZERO;
      for (PairLab.Group g : lab.groups()) {
        for (String host : List.of(restarted, survivor)) {
          Duration masterDown = f.masterDown(host, g.name());
          budget = masterDown.compareTo(budget) > 0 ? masterDown : budget;
        }
      }
      f.figure(
          "SIGKILL of the agent of "
              + restarted
              + " (master of a), started again "
              + SUPERVISOR_DELAY.toSeconds()
              + " s later; 3 adverts + skew: "
              + budget.toMillis()
              + " ms");

      ProcessHandle agent = ProcessHandle.of(lab.agentPid(restarted)).orElseThrow();
      long killedAt = System.nanoTime();
      agent.destroyForcibly();
      agent.onExit().get(10, TimeUnit.SECONDS);
      boolean tookOver =
          FaultLab.waitFor(() -> f.holders.holders("a").contains(survivor), Duration.ofSeconds(10));
      f.figure(
          tookOver
              ? survivor
                  + " holds VIP a "
                  + FaultLab.millis(
                      f.holders.soleHolderAfter("a", survivor, killedAt) < 0
                          ? -1
                          : f.holders.soleHolderAfter("a", survivor, killedAt))
                  + " ms after the kill (sole holder; -1: never alone)"
              : survivor + " did not take VIP a within 10 s");
      FaultLab.sleep(
          Math.max(0, SUPERVISOR_DELAY.toMillis() - FaultLab.millis(System.nanoTime() - killedAt)));
      for (PairLab.Group g : lab.groups()) {
        f.figure(
            "group "
                + g.name()
                + " while the agent was dead: "
                + VipHolderSampler.describe(
                    f.holders.during(g.name(), killedAt, System.nanoTime()), killedAt));
      }

      long logOffset = Files.size(lab.agentLog(restarted));
      long spawnedAt = System.nanoTime();
      lab.startAgent(restarted);
      boolean settled = f.awaitSettledWithSoleHolders(Duration.ofSeconds(30));
      long settledAt = System.nanoTime();
      FaultLab.sleep(1000);
      long t1 = System.nanoTime();
      long agentStartedAt = firstLogLineNanos(lab.agentLog(restarted), logOffset);
      f.figure(
          "restart: first log line of the new agent "
              + (agentStartedAt < 0 ? "?" : FaultLab.millis(agentStartedAt - spawnedAt))
              + " ms after the spawn; "
              + (settled
                  ? "settled " + FaultLab.millis(settledAt - spawnedAt) + " ms after the spawn"
                  : "not settled 30 s after the spawn: " + lab.view()));
      if (!settled) {
        f.problem("not settled with one holder per group 30 s after the restart");
      }
      long from = agentStartedAt < 0 ? spawnedAt : agentStartedAt;
      for (PairLab.Group g : lab.groups()) {
        long sole = f.holders.soleHolderFromAfter(g.name(), from, t1);
        long lost = f.lost(g.name());
        f.figure(
            "group "
                + g.name()
                + ": one holder from "
                + FaultLab.millis(sole)
                + " ms after the new agent's first log line; holders from the spawn: "
                + VipHolderSampler.describe(f.holders.during(g.name(), spawnedAt, t1), spawnedAt)
                + " longest write gap "
                + f.gapMillis(g.name(), killedAt - 500_000_000L, t1)
                + " ms, "
                + f.writers.get(g.name()).acked()
                + " acknowledged, "
                + lost
                + " lost ("
                + f.lost(g.name(), 0, killedAt)
                + " acknowledged before the kill, "
                + f.lost(g.name(), killedAt, spawnedAt)
                + " while the agent was dead, "
                + f.lost(g.name(), spawnedAt, Long.MAX_VALUE)
                + " after the restart)");
        if (sole < 0 || sole > budget.toNanos()) {
          f.problem(
              "group "
                  + g.name()
                  + ": not one VIP holder within "
                  + budget.toMillis()
                  + " ms of the restart");
        }
        if (lost != 0) {
          f.problem("group " + g.name() + ": " + lost + " acknowledged writes lost");
        }
      }
      f.figure(
          "log of the new agent:\n"
              + f.logExcerpt(
                  restarted, "previous agent", "FAULT", "BACKUP", "replica", "Redis writes"));
      f.print("agent killed and restarted");
      assertThat(f.holders.failure()).as("sampling the VIPs").isNull();
      assertThat(f.problems).as(String.join("\n", f.figures)).isEmpty();
    }
  }

  /** The time (System.nanoTime) of the first timestamped line after {@code offset}, or -1. */
  static long firstLogLineNanos(Path log, long offset) throws Exception {
    byte[] bytes = Files.readAllBytes(log);
    String text =
        new String(
            bytes,
            (int) Math.min(offset, bytes.length),
            (int) Math.max(0, bytes.length - offset),
            StandardCharsets.UTF_8);
    long wallMinusNanoMillis = System.currentTimeMillis() - System.nanoTime() / 1_000_000;
    for (String line : text.lines().toList()) {
      int space = line.indexOf(' ');
      if (space <= 0) {
        continue;
      }
      try {
        long wall = OffsetDateTime.parse(line.substring(0, space)).toInstant().toEpochMilli();
        return (wall - wallMinusNanoMillis) * 1_000_000;
      } catch (DateTimeParseException e) {
        // not a log line (for example a JVM warning)
      }
    }
    return -1;
  }
}

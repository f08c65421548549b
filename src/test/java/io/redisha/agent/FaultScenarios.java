package io.redisha.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.redisha.arbiter.FenceTiming;
import io.redisha.lab.FaultReport;
import io.redisha.lab.LabRun;
import io.redisha.lab.PairLab;
import io.redisha.lab.PairWatch;
import io.redisha.redis.WriteFence;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;

/**
 * The faults of issue 13 with the real parts: two hosts and a client in network namespaces, real
 * Redis, both agents as processes started from the pair file, a client writing through each VIP
 * every 2 ms, and a {@link io.redisha.lab.PairWatch} that looks at the interfaces and probes each
 * Redis for writability every few ms. Each scenario runs once per class on a pair of its own (the
 * first test that needs it runs it); a figures test prints what it measured and checks only that
 * the measurement happened, the other asserts what the issue says must be shown.
 *
 * <p>Times: the fault counts from when it was in effect (the link down, the agent dead or stopped,
 * the Redis killed); "3 adverts + skew" is the lab's Master_Down_Interval; a restart counts from
 * the restarted agent's first log line, since a JVM cannot act before it runs. A sample that
 * started after a deadline saw the pair after it, so "every sample from t on" needs no sampling
 * luck.
 */
abstract class FaultScenarios {
  private final Map<String, FaultReport> reports = new LinkedHashMap<>();
  private final Map<String, String> failures = new LinkedHashMap<>();
  private final List<String> figures = new ArrayList<>();

  /** The protection, as the pair file spells it. */
  abstract String protection();

  /** Prepares a new pair before its agents start (the Lease pair starts its API server). */
  abstract void prepare(PairLab lab) throws Exception;

  /** The pair file's protection lines. */
  String protectionYaml() {
    return "splitBrainProtection: " + protection() + "\n";
  }

  /** Ends what {@link #prepare} started that the lab does not end with itself. */
  void cleanUp() {}

  /** How long a takeover may take: 3 adverts + skew, plus the fence time with a Lease. */
  abstract Duration takeoverBound();

  abstract Path dir();

  @AfterAll
  void printFigures() {
    System.out.println("\n== figures, protection " + protection());
    figures.forEach(System.out::println);
    failures.forEach((scenario, why) -> System.out.println("FAILED " + scenario + ": " + why));
  }

  /** The scenario's report, running it on a pair of its own the first time it is asked for. */
  synchronized FaultReport report(String scenario) throws Exception {
    FaultReport known = reports.get(scenario);
    if (known != null) {
      return known;
    }
    if (failures.containsKey(scenario)) {
      throw new IllegalStateException(scenario + " could not run: " + failures.get(scenario));
    }
    Path work = dir().resolve(scenario);
    PairLab lab = PairLab.create(work, PairLab.DEFAULT_GROUPS, protectionYaml());
    LabRun run = null;
    try {
      prepare(lab);
      run =
          new LabRun(lab, new PrintStream(System.out, true, StandardCharsets.UTF_8), 2)
              .takeoverBound(takeoverBound());
      run.simultaneousBoot();
      if (!lab.awaitSettled(Duration.ofSeconds(30))) {
        throw new IllegalStateException("the pair did not settle at boot: " + lab.view().values());
      }
      FaultReport report =
          switch (scenario) {
            case "link-down" -> run.linkDown("a", false);
            case "carrier" -> run.linkDown("a", true);
            case "crash" -> run.agentCrash("a");
            case "stall" -> run.agentStall("a");
            case "lossy" -> run.lossyPairLink();
            case "empty-now" -> run.restartRedisMasterEmptyAtOnce("a");
            case "isolated-stall" -> run.isolatedMasterAgentStall("a");
            case "key-held-crash" -> run.keyHeldAgentCrash("a");
            case "replica-restart" -> run.restartReplicaRedis("a");
            default -> throw new IllegalArgumentException("no scenario " + scenario);
          };
      System.out.println(run.table());
      figures.add("-- " + scenario + ", protection " + protection());
      figures.addAll(report.figures());
      reports.put(scenario, report);
      keepLogs(lab, work, scenario, !report.settledAfter() || troubled(report));
      return report;
    } catch (Exception | AssertionError e) {
      failures.put(scenario, e.toString());
      for (String host : List.of(PairLab.VM_A, PairLab.VM_B)) {
        System.out.println("agent log of " + host + ":\n" + tail(lab.agentLog(host)));
      }
      throw e;
    } finally {
      if (run != null) {
        run.stopWriters();
      }
      try {
        cleanUp();
      } finally {
        lab.close();
      }
    }
  }

  /**
   * Whether a group had two writable masters or lost an acknowledged write: the agents' logs are
   * printed then, as they are gone with the lab by the time the scenario's assertions fail.
   */
  private static boolean troubled(FaultReport report) {
    for (PairLab.Group group : PairLab.DEFAULT_GROUPS) {
      FaultReport.GroupWrites writes = report.writes().get(group.name());
      if (report.watch().twoWritable(group.name()).periods() > 0
          || (writes != null && writes.lost() > 0)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The agents' logs: printed when the pair did not settle or a group was troubled; with {@code
   * -Dfaults.logs=DIR}, every log of the lab (agents, Redis servers) is copied there (they go with
   * the lab otherwise).
   */
  private void keepLogs(PairLab lab, Path work, String scenario, boolean print) throws Exception {
    if (print) {
      for (String host : List.of(PairLab.VM_A, PairLab.VM_B)) {
        System.out.println(
            "agent log of "
                + host
                + " (not settled, two writable masters or a loss):\n"
                + tail(lab.agentLog(host)));
      }
    }
    String keep = System.getProperty("faults.logs");
    if (keep == null || keep.isBlank()) {
      return;
    }
    Path target = Path.of(keep);
    Files.createDirectories(target);
    try (DirectoryStream<Path> logs = Files.newDirectoryStream(work, "*.log")) {
      for (Path log : logs) {
        Files.copy(
            log,
            target.resolve(protection() + "-" + scenario + "-" + log.getFileName()),
            StandardCopyOption.REPLACE_EXISTING);
      }
    }
  }

  private static String tail(Path log) {
    try {
      List<String> lines = Files.exists(log) ? Files.readAllLines(log) : List.of();
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (Exception e) {
      return "(cannot read " + log + ": " + e + ")";
    }
  }

  static long nanos(Duration duration) {
    return duration.toNanos();
  }

  static long masterDown() {
    return FaultReport.masterDownNanos();
  }

  // ---- what every figures test checks: the measurement happened ----

  /**
   * The scenario ran as planned and was watched: the fault and its repair happened, the watch saw
   * the VIPs and both Redis servers throughout, and the client's writes were acknowledged around
   * it. Holds today, whatever the pair does; it is what keeps the figures honest.
   */
  static void assertMeasured(FaultReport report) {
    assertThat(report.faultNanos()).as("the fault happened").isPositive();
    assertThat(report.repairNanos()).as("the repair happened").isGreaterThan(report.faultNanos());
    assertThat(report.watch().failure()).as("the watch ran to the end").isNull();
    for (PairLab.Group group : PairLab.DEFAULT_GROUPS) {
      String name = group.name();
      assertThat(report.watch().vipHoldersSeen(name, report.faultNanos(), report.endNanos()))
          .as("VIP samples of %s during the scenario", name)
          .hasSizeGreaterThan(10);
      assertThat(report.watch().answers(name, PairLab.VM_A, report.faultNanos(), report.endNanos()))
          .as("Redis samples of %s during the scenario", name)
          .hasSizeGreaterThan(10);
      assertThat(report.writes().get(name).acked())
          .as("acknowledged writes of %s around the fault", name)
          .isPositive();
    }
  }

  // ---- what the issue says must be shown ----

  /**
   * Link down (or carrier lost) on the master's host: within the takeover bound exactly one host,
   * the peer, holds each VIP; from 3 adverts + skew on the downed host holds none and its Redis
   * takes no write, also once the link is back (it rejoins as a replica); nothing lost.
   */
  void assertLinkDownLeavesOneHolderAndLosesNothing(FaultReport report) {
    long takeover = report.faultNanos() + nanos(takeoverBound());
    long isolated = report.faultNanos() + masterDown();
    for (PairLab.Group group : PairLab.DEFAULT_GROUPS) {
      String name = group.name();
      List<List<String>> afterTakeover =
          report.watch().vipHoldersSeen(name, takeover, report.repairNanos());
      String timeline = report.watch().vipTimeline(name, report.faultNanos());
      assertThat(afterTakeover)
          .as("group %s: VIP samples until the link came back", name)
          .isNotEmpty();
      assertThat(afterTakeover.stream().filter(h -> !h.equals(List.of(report.survivor()))).count())
          .as(
              "group %s: samples from %.1f ms after %s's link went down until it came back in which"
                  + " the VIP was not on %s alone (VIP holders: %s)",
              name,
              takeoverBound().toNanos() / 1e6,
              report.faultHost(),
              report.survivor(),
              timeline)
          .isZero();
      assertThat(
              report.watch().vipHoldersSeen(name, isolated, report.repairNanos()).stream()
                  .filter(holders -> holders.contains(report.faultHost()))
                  .count())
          .as(
              "group %s: samples from 3 adverts + skew (%.1f ms) on in which the downed host %s held"
                  + " the VIP (VIP holders: %s)",
              name, masterDown() / 1e6, report.faultHost(), timeline)
          .isZero();
      assertThat(
              report.watch().writableSamples(name, report.faultHost(), isolated, report.endNanos()))
          .as(
              "group %s: samples in which %s's Redis took a write from 3 adverts + skew after the"
                  + " link went down to the end, link back included (%s)",
              name, report.faultHost(), report.watch().writableTimeline(name, report.faultNanos()))
          .isZero();
      assertThat(report.writes().get(name).lost())
          .as("group %s: acknowledged writes lost", name)
          .isZero();
    }
    assertThat(report.settledAfter()).as("settled after the link came back").isTrue();
    assertThat(report.viewAfter().get("a").roles().get(report.faultHost()))
        .as("%s rejoined group a as a replica", report.faultHost())
        .isEqualTo("replica");
  }

  /**
   * The master's agent killed and started again: one VIP holder per group from 3 adverts + skew
   * after the restarted agent runs (and not before the takeover bound from the kill), nothing lost.
   */
  void assertCrashEndsWithOneHolderAndLosesNothing(FaultReport report) {
    assertThat(report.restartedNanos()).as("the restarted agent wrote its first line").isPositive();
    long from =
        Math.max(
            report.restartedNanos() + masterDown(), report.faultNanos() + nanos(takeoverBound()));
    for (PairLab.Group group : PairLab.DEFAULT_GROUPS) {
      String name = group.name();
      List<List<String>> afterRestart =
          report.watch().vipHoldersSeen(name, from, report.endNanos());
      assertThat(afterRestart).as("group %s: VIP samples after the restart", name).isNotEmpty();
      assertThat(afterRestart.stream().filter(holders -> holders.size() != 1).count())
          .as(
              "group %s: samples from %d ms after the kill on (restarted agent ran at +%d ms)"
                  + " without exactly one VIP holder (VIP holders: %s)",
              name,
              report.sinceFault(from),
              report.sinceFault(report.restartedNanos()),
              report.watch().vipTimeline(name, report.faultNanos()))
          .isZero();
      assertThat(report.writes().get(name).lost())
          .as("group %s: acknowledged writes lost", name)
          .isZero();
    }
    assertThat(report.settledAfter()).as("settled after the restart").isTrue();
  }

  /** The master's agent stopped 5 s while its Redis serves: nothing lost. */
  void assertStallLosesNothing(FaultReport report) {
    for (PairLab.Group group : PairLab.DEFAULT_GROUPS) {
      String name = group.name();
      assertThat(report.writes().get(name).lost())
          .as(
              "group %s: acknowledged writes lost (Redis taking writes: %s)",
              name, report.watch().writableTimeline(name, report.faultNanos()))
          .isZero();
    }
    assertThat(report.settledAfter()).as("settled after the stall").isTrue();
  }

  /** A lossy pair link: at most one writable master at any time, nothing lost. */
  void assertLossyLinkKeepsOneWritableMasterAndLosesNothing(FaultReport report) {
    for (PairLab.Group group : PairLab.DEFAULT_GROUPS) {
      String name = group.name();
      assertNeverTwoWritable(report, name);
      assertThat(report.writes().get(name).lost())
          .as("group %s: acknowledged writes lost", name)
          .isZero();
    }
    assertThat(report.settledAfter()).as("settled after the loss ended").isTrue();
  }

  /**
   * The master's Redis killed and restarted empty at once: nothing lost beyond the writes of the
   * last second before the kill (not yet replicated), the empty Redis a replica, the other group
   * lost nothing.
   */
  void assertEmptyRestartLosesOnlyUnreplicatedWrites(FaultReport report) {
    FaultReport.GroupWrites a = report.writes().get("a");
    assertThat(a.lostOutside(report.faultNanos() - 1_000_000_000L, report.faultNanos()))
        .as(
            "group a: acknowledged writes lost that were not in the last second before the kill"
                + " (Redis taking writes: %s)",
            report.watch().writableTimeline("a", report.faultNanos()))
        .isZero();
    assertThat(report.writes().get("b").lost()).as("group b: acknowledged writes lost").isZero();
    assertThat(report.settledAfter()).as("settled after the restart").isTrue();
    assertThat(report.viewAfter().get("a").roles().get(report.faultHost()))
        .as("the empty Redis on %s is a replica (S5)", report.faultHost())
        .isEqualTo("replica");
  }

  /**
   * The master's host cut off from everything and its agent stopped before it could fence itself:
   * for each group it was master of, its Redis refused writes (its replica's acknowledgements
   * stopped) before the peer's Redis took any, and never took one again; never two writable
   * masters; nothing lost. The moments become figures.
   */
  void assertIsolatedStallRefusesBeforeThePeerWrites(FaultReport report) {
    String isolated = report.faultHost();
    String peer = report.survivor();
    for (PairLab.Group group : PairLab.DEFAULT_GROUPS) {
      String name = group.name();
      String timeline = report.watch().writableTimeline(name, report.faultNanos());
      assertNeverTwoWritable(report, name);
      assertThat(report.writes().get(name).lost())
          .as("group %s: acknowledged writes lost (%s)", name, timeline)
          .isZero();
      if (!isolated.equals(report.mastersBefore().get(name))) {
        continue;
      }
      List<PairWatch.ProbeSample> ours =
          report.watch().probeSamples(name, isolated).stream()
              .filter(sample -> sample.nanos() >= report.faultNanos())
              .toList();
      int lastWritable = -1;
      for (int i = 0; i < ours.size(); i++) {
        if (ours.get(i).answer() == PairWatch.Answer.WRITABLE) {
          lastWritable = i;
        }
      }
      assertThat(lastWritable + 1)
          .as(
              "group %s: %s's Redis stopped taking writes during the scenario (%s)",
              name, isolated, timeline)
          .isLessThan(ours.size());
      PairWatch.ProbeSample refused = ours.get(lastWritable + 1);
      PairWatch.ProbeSample peerWritable = firstAfterFault(report, name, peer, true);
      assertThat(peerWritable)
          .as("group %s: %s's Redis took writes after the fault (%s)", name, peer, timeline)
          .isNotNull();
      String line =
          String.format(
              "FIGURE isolated master, agent SIGSTOP, group %s: %s's Redis refused writes (%s) from"
                  + " +%d..%d ms, %s's Redis took its first write at +%d..%d ms",
              name,
              isolated,
              refused.answer(),
              report.sinceFault(refused.nanos()),
              report.sinceFault(refused.endNanos()),
              peer,
              report.sinceFault(peerWritable.nanos()),
              report.sinceFault(peerWritable.endNanos()));
      System.out.println(line);
      synchronized (this) {
        figures.add(line);
      }
      // Upper bound of the one before lower bound of the other: no sampling luck involved.
      assertThat(refused.endNanos())
          .as(
              "group %s: %s's Redis refused writes before %s's took one (%s)",
              name, isolated, peer, timeline)
          .isLessThan(peerWritable.nanos());
    }
    assertThat(report.settledAfter()).as("settled after the agent continued").isTrue();
  }

  /**
   * A master cut off from its peer that holds the key and keeps its Redis writable with its own
   * dead-man replica, its agent then killed: its Redis refused writes within a few probes of the
   * kill (the kernel closed the replica's connection) and before the peer's took any; never two
   * writable masters; lost only writes it took during the cut, which never reached the peer.
   */
  void assertKeyHeldCrashRefusesAtOnce(FaultReport report) {
    String killed = report.faultHost();
    String peer = report.survivor();
    assertThat(report.setUpNanos()).as("the pair cut before the kill").isPositive();
    for (PairLab.Group group : PairLab.DEFAULT_GROUPS) {
      String name = group.name();
      String timeline = report.watch().writableTimeline(name, report.faultNanos());
      assertNeverTwoWritable(report, name);
      assertThat(report.writes().get(name).lostOutside(report.setUpNanos(), report.faultNanos()))
          .as("group %s: acknowledged writes lost outside the cut before the kill", name)
          .isZero();
      if (!killed.equals(report.mastersBefore().get(name))) {
        continue;
      }
      PairWatch.ProbeSample refused = firstAfterFault(report, name, killed, false);
      assertThat(refused)
          .as("group %s: %s's Redis refused after the kill", name, killed)
          .isNotNull();
      PairWatch.ProbeSample peerWritable = firstAfterFault(report, name, peer, true);
      assertThat(peerWritable).as("group %s: %s's Redis took a write", name, peer).isNotNull();
      String line =
          String.format(
              "FIGURE key held, agent SIGKILL, group %s: the cut began %d ms before the kill;"
                  + " %s's Redis refused writes (%s) from +%d..%d ms, %s's Redis took its first"
                  + " write at +%d..%d ms; lost %d (taken during the cut)",
              name,
              (report.faultNanos() - report.setUpNanos()) / 1_000_000,
              killed,
              refused.answer(),
              report.sinceFault(refused.nanos()),
              report.sinceFault(refused.endNanos()),
              peer,
              report.sinceFault(peerWritable.nanos()),
              report.sinceFault(peerWritable.endNanos()),
              report.writes().get(name).lost());
      System.out.println(line);
      synchronized (this) {
        figures.add(line);
      }
      // Redis drops a replica whose connection closed when it reads the EOF: within a few probes,
      // where a stalled keeper would take up to WriteFence.GUARDED_CLOSE.
      assertThat(report.sinceFault(refused.endNanos()))
          .as("group %s: ms from the kill until %s's Redis refused (%s)", name, killed, timeline)
          .isLessThan(WriteFence.GUARDED_CLOSE.toMillis() / 3);
      assertThat(refused.endNanos())
          .as("group %s: %s refused before %s took a write (%s)", name, killed, peer, timeline)
          .isLessThan(peerWritable.nanos());
    }
    assertThat(report.settledAfter()).as("settled after the agent started again").isTrue();
  }

  /** Group {@code name} never had two Redis servers taking writes at once in {@code report}. */
  private static void assertNeverTwoWritable(FaultReport report, String name) {
    assertThat(report.watch().twoWritable(name).periods())
        .as(
            "group %s: times both Redis servers took writes (%s)",
            name, report.watch().writableTimeline(name, report.faultNanos()))
        .isZero();
  }

  /**
   * The first probe of {@code host}'s Redis of group {@code name} from the fault on that took a
   * write ({@code writable}) or did not; null when none did.
   */
  private static PairWatch.ProbeSample firstAfterFault(
      FaultReport report, String name, String host, boolean writable) {
    return report.watch().probeSamples(name, host).stream()
        .filter(
            sample ->
                sample.nanos() >= report.faultNanos()
                    && (sample.answer() == PairWatch.Answer.WRITABLE) == writable)
        .findFirst()
        .orElse(null);
  }

  /**
   * With an arbiter: the fence time, then the 3 health ticks for which the peer's replication
   * stream still counts as proof that it serves (the arbiter's rule: a takeover waits out both),
   * then the takeover itself, 3 adverts + skew.
   */
  static Duration arbitratedTakeoverBound() {
    FenceTiming timing =
        FenceTiming.of(
            Duration.ofMillis(PairLab.ADVERT_MILLIS),
            Duration.ofMillis(PairLab.HEALTH_CHECK_MILLIS));
    return timing
        .fenceTime()
        .plus(timing.tick().multipliedBy(3))
        .plus(PairLab.masterDownInterval());
  }

  /**
   * The replica's Redis killed and started again at once: the master stays master, nothing lost.
   * The write gap is the figure (with an arbiter: the replica gone until the key is held).
   */
  void assertReplicaRestartKeepsTheMasterAndLosesNothing(FaultReport report) {
    for (PairLab.Group group : PairLab.DEFAULT_GROUPS) {
      String name = group.name();
      assertThat(report.viewAfter().get(name).master())
          .as("group %s: the master after the replica's restart", name)
          .isEqualTo(report.mastersBefore().get(name));
      assertThat(report.writes().get(name).lost())
          .as("group %s: acknowledged writes lost", name)
          .isZero();
    }
    assertThat(report.settledAfter()).as("settled after the restart").isTrue();
  }
}

package io.redisha.lab;

import io.redisha.lab.PairLab.GroupView;
import java.io.IOException;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BooleanSupplier;

/**
 * The lab's failure scenarios, one after another, against a running {@link PairLab} with a writer
 * per group. Each scenario measures the write gap around its fault and the acknowledged writes that
 * can no longer be read, and checks what must hold (one master per group, the other group
 * untouched, the restarted Redis a replica).
 */
public final class LabRun {

  /**
   * One row of the summary.
   *
   * @param scenario what was done
   * @param group the group measured
   * @param outcome what happened, in words
   * @param gapMillis longest time without an acknowledged write around the fault, or -1
   * @param acked acknowledged writes in the scenario's window
   * @param lost acknowledged writes of the whole run that cannot be read back afterwards
   * @param passed whether everything that must hold held
   */
  public record Result(
      String scenario,
      String group,
      String outcome,
      long gapMillis,
      long acked,
      long lost,
      boolean passed) {}

  /**
   * How soon a supervisor restarts a dead Redis: systemd's default {@code RestartSec=100ms}, well
   * before a periodic health check (every 100 ms, fall 2) could notice.
   */
  static final Duration SUPERVISOR_RESTART_DELAY = Duration.ofMillis(100);

  private final PairLab lab;
  private final PrintStream out;
  private final Map<String, VipWriter> writers = new LinkedHashMap<>();
  private final List<Result> results = new ArrayList<>();
  private int step;
  private final int steps;

  public LabRun(PairLab lab, PrintStream out, int steps) {
    this.lab = lab;
    this.out = out;
    this.steps = steps;
  }

  public List<Result> results() {
    return results;
  }

  public Map<String, VipWriter> writers() {
    return writers;
  }

  private void announce(String title) {
    step++;
    out.printf("%n[%d/%d] %s%n", step, steps, title);
  }

  private void show() {
    StringBuilder line = new StringBuilder("      ");
    for (GroupView view : lab.view().values()) {
      line.append(view).append("   ");
    }
    for (Map.Entry<String, VipWriter> writer : writers.entrySet()) {
      line.append(writer.getKey()).append(" acked ").append(writer.getValue().acked()).append("  ");
      if (writer.getValue().lastError() != null && !writer.getValue().running()) {
        line.append("(writer stopped: ").append(writer.getValue().lastError()).append(") ");
      }
    }
    out.println(line.toString().stripTrailing());
  }

  /** Polls every 50 ms, showing the pair every second, until {@code done} or the timeout. */
  private boolean waitFor(BooleanSupplier done, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    long nextShow = System.nanoTime();
    while (System.nanoTime() < deadline) {
      if (done.getAsBoolean()) {
        show();
        return true;
      }
      if (System.nanoTime() >= nextShow) {
        show();
        nextShow = System.nanoTime() + 1_000_000_000L;
      }
      PairLab.sleep(50);
    }
    show();
    return false;
  }

  private void pause(Duration duration) {
    waitFor(() -> false, duration);
  }

  /** Both agents start at the same moment: exactly one master per group, the other replicating. */
  public void simultaneousBoot() {
    announce("both hosts boot at the same moment");
    lab.startAgents();
    boolean settled =
        waitFor(
            () -> lab.view().values().stream().allMatch(GroupView::settled),
            Duration.ofSeconds(20));
    for (GroupView view : lab.view().values()) {
      String master = view.master();
      boolean ok = settled && view.settled();
      results.add(
          new Result(
              "simultaneous boot",
              view.group(),
              ok
                  ? master + " master, " + PairLab.other(master) + " replica"
                  : "not settled: " + view,
              -1,
              -1,
              -1,
              ok));
    }
    for (PairLab.Group group : lab.groups()) {
      writers.put(
          group.name(),
          new VipWriter(
                  lab.network(),
                  PairLab.CLIENT,
                  group.vip(),
                  group.port(),
                  "lab:" + group.name(),
                  2)
              .start());
    }
    pause(Duration.ofSeconds(2));
  }

  /**
   * SIGKILL of the Redis master of {@code groupName}: the peer takes over, the other group does not
   * move; a few seconds later the Redis comes back empty and must rejoin as a replica.
   */
  public void killRedisMaster(String groupName) throws Exception {
    announce("kill the Redis master of group " + groupName + " (it comes back empty 3 s later)");
    PairLab.Group group = lab.group(groupName);
    Map<String, GroupView> before = lab.view();
    String master = before.get(groupName).master();
    String survivor = PairLab.other(master);
    long t0 = System.nanoTime();
    lab.killRedis(master, group.port());
    boolean moved =
        waitFor(
            () ->
                survivor.equals(lab.view().get(groupName).master())
                    && lab.vipHolders(group).equals(List.of(survivor)),
            Duration.ofSeconds(10));
    pause(Duration.ofSeconds(1));
    long t1 = System.nanoTime();
    lab.startRedis(master, group.port());
    boolean rejoined = waitFor(() -> lab.view().get(groupName).settled(), Duration.ofSeconds(20));
    pause(Duration.ofSeconds(1));
    recordFault(
        "kill Redis master",
        group,
        t0,
        t1,
        moved && rejoined,
        (moved ? survivor + " took over" : "no takeover")
            + (rejoined ? ", empty Redis rejoined as replica" : ", restarted Redis did not rejoin"),
        t0);
    recordOthersUntouched("kill Redis master", groupName, before, t0, t1);
  }

  /** The master's Redis dies and its supervisor restarts it empty at once. */
  public void restartRedisMasterEmpty(String groupName) throws Exception {
    announce(
        "kill the master's Redis of group "
            + groupName
            + " and restart it empty at once (after "
            + SUPERVISOR_RESTART_DELAY.toMillis()
            + " ms, systemd's default RestartSec)");
    PairLab.Group group = lab.group(groupName);
    Map<String, GroupView> before = lab.view();
    String master = before.get(groupName).master();
    String survivor = PairLab.other(master);
    long t0 = System.nanoTime();
    lab.killRedis(master, group.port());
    Thread.sleep(SUPERVISOR_RESTART_DELAY);
    lab.startRedis(master, group.port());
    boolean settled =
        waitFor(
            () -> {
              GroupView view = lab.view().get(groupName);
              return view.settled() && survivor.equals(view.master());
            },
            Duration.ofSeconds(20));
    pause(Duration.ofSeconds(1));
    long t1 = System.nanoTime();
    recordFault(
        "Redis restarted empty at once",
        group,
        t0,
        t1,
        settled,
        settled
            ? survivor + " took over, empty Redis on " + master + " rejoined as replica"
            : "not settled: " + lab.view().get(groupName),
        t0);
    recordOthersUntouched("Redis restarted empty at once", groupName, before, t0, t1);
  }

  /** The master host of {@code groupName} loses its link for a while, then comes back. */
  public void cutMasterHost(String groupName) throws Exception {
    announce("cut the link of group " + groupName + "'s master host for 3 s");
    PairLab.Group group = lab.group(groupName);
    String master = lab.view().get(groupName).master();
    String survivor = PairLab.other(master);
    long t0 = System.nanoTime();
    lab.network().isolate(master);
    boolean moved =
        waitFor(
            () -> "MASTER".equals(lab.view().get(groupName).states().get(survivor)),
            Duration.ofSeconds(10));
    pause(Duration.ofSeconds(3));
    lab.network().reconnect(master);
    boolean settled =
        waitFor(
            () -> lab.view().values().stream().allMatch(GroupView::settled),
            Duration.ofSeconds(20));
    pause(Duration.ofSeconds(1));
    long t1 = System.nanoTime();
    for (PairLab.Group g : lab.groups()) {
      String now = lab.view().get(g.name()).master();
      recordFault(
          "cut master host " + master,
          g,
          t0,
          t1,
          (!g.name().equals(groupName) || moved) && settled,
          (g.name().equals(groupName) ? (moved ? survivor + " took over" : "no takeover") : "")
              + (settled
                  ? (g.name().equals(groupName) ? ", " : "") + "after heal master " + now
                  : " not settled after heal"),
          -1);
    }
  }

  /**
   * Only the link between the two hosts breaks for {@code cut}; both still reach the client (and
   * the arbiter). With an arbiter each master keeps its role and loses nothing; without one the
   * backups take over too and one side's acknowledged writes are thrown away at the heal.
   *
   * @param protection the pair's protection, for the summary
   * @param arbiter whether the pair has one: then a second master or a lost write fails the row
   */
  public void cutPairLink(String protection, Duration cut, boolean arbiter) throws Exception {
    announce(
        "cut only the link between vm-a and vm-b for "
            + cut.toSeconds()
            + " s (both still reach the client), protection "
            + protection);
    Map<String, GroupView> before = lab.view();
    Map<String, Long> twoMasters = new LinkedHashMap<>();
    Map<String, Long> since = new LinkedHashMap<>();
    long t0 = System.nanoTime();
    lab.network().partition(PairLab.VM_A, PairLab.VM_B);
    long end = t0 + cut.toNanos();
    long nextShow = t0;
    while (System.nanoTime() < end) {
      long now = System.nanoTime();
      for (Map.Entry<String, GroupView> view : lab.view().entrySet()) {
        String group = view.getKey();
        boolean two = view.getValue().master() != null && view.getValue().master().contains("+");
        if (two) {
          since.putIfAbsent(group, now);
          twoMasters.merge(group, (now - since.get(group)) / 1_000_000, Math::max);
        } else {
          since.remove(group);
        }
      }
      if (now >= nextShow) {
        show();
        nextShow = now + 1_000_000_000L;
      }
      PairLab.sleep(50);
    }
    lab.network().heal(PairLab.VM_A, PairLab.VM_B);
    boolean settled =
        waitFor(
            () -> lab.view().values().stream().allMatch(GroupView::settled),
            Duration.ofSeconds(20));
    pause(Duration.ofSeconds(1));
    long t1 = System.nanoTime();
    for (PairLab.Group g : lab.groups()) {
      String was = before.get(g.name()).master();
      String now = lab.view().get(g.name()).master();
      Long both = twoMasters.get(g.name());
      boolean oneMaster = both == null;
      String outcome =
          (oneMaster
                  ? "one master throughout (" + was + ")"
                  : "two masters for " + both + " ms, " + now + " kept the role")
              + (settled ? "" : "; not settled after the heal");
      boolean ok = settled && (!arbiter || (oneMaster && was.equals(now)));
      recordFault("pair link cut, " + protection, g, t0, t1, ok, outcome, -1, !arbiter);
    }
  }

  /** SIGTERM to the agent that is master of {@code groupName}: the peer takes over at once. */
  public void stopMasterAgent(String groupName) throws Exception {
    announce("stop the agent of group " + groupName + "'s master cleanly, then start it again");
    String master = lab.view().get(groupName).master();
    String survivor = PairLab.other(master);
    long t0 = System.nanoTime();
    lab.stopAgent(master);
    boolean moved =
        waitFor(
            () -> "MASTER".equals(lab.view().get(groupName).states().get(survivor)),
            Duration.ofSeconds(10));
    pause(Duration.ofSeconds(1));
    lab.startAgent(master);
    boolean settled =
        waitFor(
            () -> lab.view().values().stream().allMatch(GroupView::settled),
            Duration.ofSeconds(20));
    pause(Duration.ofSeconds(1));
    long t1 = System.nanoTime();
    for (PairLab.Group g : lab.groups()) {
      recordFault(
          "stop master agent " + master,
          g,
          t0,
          t1,
          moved && settled,
          (moved ? "handed over" : "no handover")
              + (settled ? ", agent back as backup" : ", not settled after restart"),
          -1);
    }
  }

  /**
   * Records one group's row. {@code killNanos} is when a Redis master died (writes it had
   * acknowledged but not yet shipped to its replica may be lost: only those, acknowledged in the
   * second before the kill), or -1 when no acknowledged write may be lost.
   */
  private void recordFault(
      String scenario,
      PairLab.Group group,
      long t0,
      long t1,
      boolean ok,
      String outcome,
      long killNanos)
      throws Exception {
    recordFault(scenario, group, t0, t1, ok, outcome, killNanos, false);
  }

  /**
   * As above; with {@code lossExpected} lost writes are the row's point (a pair without an
   * arbiter), shown but not a failure.
   */
  private void recordFault(
      String scenario,
      PairLab.Group group,
      long t0,
      long t1,
      boolean ok,
      String outcome,
      long killNanos,
      boolean lossExpected)
      throws Exception {
    String master = lab.view().get(group.name()).master();
    List<String> holders = lab.vipHolders(group);
    if (master == null || !holders.equals(List.of(master))) {
      ok = false;
      outcome = outcome + "; VIP on " + holders + " but master " + master;
    }
    VipWriter writer = writers.get(group.name());
    VipWriter.Window window = writer.window(t0 - 500_000_000L, t1);
    long[] missing = writer.lostSequences(writer.ackedSequences(0, Long.MAX_VALUE));
    long newlyLost = 0;
    boolean onlyUnreplicated = true;
    for (long seq : missing) {
      if (!previouslyLost.contains(group.name() + ":" + seq)) {
        newlyLost++;
        long acked = writer.ackNanos(seq);
        if (killNanos < 0 || acked > killNanos || acked < killNanos - 1_000_000_000L) {
          onlyUnreplicated = false;
        }
        previouslyLost.add(group.name() + ":" + seq);
      }
    }
    String note =
        newlyLost > 0 && lossExpected
            ? " (no arbiter: the other side's writes were thrown away)"
            : newlyLost > 0 && onlyUnreplicated ? " (not yet replicated when Redis died)" : "";
    if (lossExpected) {
      onlyUnreplicated = true;
    }
    results.add(
        new Result(
            scenario,
            group.name(),
            outcome + note,
            window.longestGapMillis(),
            window.acked(),
            newlyLost,
            ok && onlyUnreplicated));
  }

  private final java.util.Set<String> previouslyLost = new java.util.HashSet<>();

  private void recordOthersUntouched(
      String scenario, String faultGroup, Map<String, GroupView> before, long t0, long t1)
      throws Exception {
    Map<String, GroupView> after = lab.view();
    for (PairLab.Group g : lab.groups()) {
      if (g.name().equals(faultGroup)) {
        continue;
      }
      boolean untouched =
          before.get(g.name()).master().equals(after.get(g.name()).master())
              && before.get(g.name()).transitions().equals(after.get(g.name()).transitions());
      recordFault(
          scenario,
          g,
          t0,
          t1,
          untouched,
          untouched ? "untouched (S6)" : "MOVED: " + after.get(g.name()),
          -1);
    }
  }

  // ---- the faults of issue 13, watched through the real parts (PairWatch) ----

  /** How long after a repair the pair has to settle again. */
  static final Duration SETTLE_TIMEOUT = Duration.ofSeconds(20);

  /** How long a supervisor waits before it starts a crashed agent again. */
  public static final Duration AGENT_RESTART_DELAY = Duration.ofSeconds(3);

  /** How long a stalled agent stays stopped. */
  public static final Duration AGENT_STALL = Duration.ofSeconds(5);

  /** The share of packets the lossy pair link drops, each way. */
  public static final double LOSS_PROBABILITY = 0.3;

  /** How long the pair link stays lossy. */
  public static final Duration LOSSY_TIME = Duration.ofSeconds(10);

  private Duration takeoverBound = PairLab.masterDownInterval();

  /**
   * How long a takeover may take in this pair, when it is more than 3 adverts + skew: with a Lease
   * the peer first waits out the fence time.
   */
  public LabRun takeoverBound(Duration bound) {
    this.takeoverBound = bound;
    return this;
  }

  /** The moments a fault's injection records. */
  private static final class Moments {
    long fault = -1;
    long repair = -1;
    long restarted = -1;
    long setUp = -1;
  }

  @FunctionalInterface
  private interface Injection {
    void inject(String master, String survivor, Moments moments) throws Exception;
  }

  /**
   * {@code ip link set eth0 down} on group {@code groupName}'s master host until the peer holds the
   * VIP and 2 s more, then up again ({@code carrier}: the carrier is lost instead, from the bridge
   * side). Must hold: within the takeover bound exactly the peer holds each VIP; from 3 adverts +
   * skew on the downed host holds none and its Redis takes no write, also after the link returns
   * (it rejoins as a replica); no acknowledged write lost.
   */
  public FaultReport linkDown(String groupName, boolean carrier) throws Exception {
    String what = carrier ? "carrier lost" : "link down";
    announce(
        (carrier
                ? "the carrier of group " + groupName + "'s master host is lost (bridge side down)"
                : "group "
                    + groupName
                    + "'s master host takes its link down (ip link set eth0 down)")
            + " until the peer holds the VIP, then 2 s more");
    PairLab.Group group = lab.group(groupName);
    FaultReport report =
        watched(
            what,
            groupName,
            (master, survivor, moments) -> {
              if (carrier) {
                lab.network().carrierLoss(master);
              } else {
                lab.network().linkDown(master);
              }
              moments.fault = System.nanoTime();
              out.println("      " + master + " eth0: " + lab.network().linkState(master));
              try {
                waitFor(() -> lab.vipHolders(group).contains(survivor), Duration.ofSeconds(30));
                pause(Duration.ofSeconds(2));
              } finally {
                if (carrier) {
                  lab.network().carrierBack(master);
                } else {
                  lab.network().linkUp(master);
                }
                moments.repair = System.nanoTime();
              }
            });
    for (PairLab.Group g : lab.groups()) {
      List<String> problems = new ArrayList<>();
      String name = g.name();
      long isolatedSince = report.faultNanos() + FaultReport.masterDownNanos();
      long wrong =
          report
              .watch()
              .vipSamplesOtherThan(
                  name,
                  List.of(report.survivor()),
                  report.faultNanos() + takeoverBound.toNanos(),
                  report.repairNanos());
      if (wrong > 0) {
        problems.add(wrong + " samples with the VIP not on " + report.survivor() + " alone");
      }
      long isolatedHeld =
          report.watch().vipHoldersSeen(name, isolatedSince, report.repairNanos()).stream()
              .filter(h -> h.contains(report.faultHost()))
              .count();
      if (isolatedHeld > 0) {
        problems.add(report.faultHost() + " held the VIP in " + isolatedHeld + " samples");
      }
      long writable =
          report
              .watch()
              .writableSamples(name, report.faultHost(), isolatedSince, report.endNanos());
      if (writable > 0) {
        problems.add(report.faultHost() + "'s Redis took writes in " + writable + " samples");
      }
      recordWatched(report, g, problems, report.survivor() + " holds the VIP alone", 0);
    }
    return report;
  }

  /**
   * SIGKILL of group {@code groupName}'s master agent, started again {@link #AGENT_RESTART_DELAY}
   * later. Must hold: one VIP holder per group from 3 adverts + skew after the restarted agent runs
   * (and after the takeover bound from the kill), no acknowledged write lost.
   */
  public FaultReport agentCrash(String groupName) throws Exception {
    announce(
        "SIGKILL of group "
            + groupName
            + "'s master agent; its supervisor starts it again "
            + AGENT_RESTART_DELAY.toSeconds()
            + " s later");
    FaultReport report =
        watched(
            "agent SIGKILL, back after " + AGENT_RESTART_DELAY.toSeconds() + " s",
            groupName,
            (master, survivor, moments) -> {
              long logSize = logSize(lab.agentLog(master));
              lab.killAgent(master);
              moments.fault = System.nanoTime();
              lab.restartAgent(master, AGENT_RESTART_DELAY);
              moments.repair = System.nanoTime();
              moments.restarted =
                  firstNewLogLine(lab.agentLog(master), logSize, Duration.ofSeconds(60));
              out.println(
                  "      restarted agent's first log line: "
                      + lineAt(lab.agentLog(master), logSize));
            });
    for (PairLab.Group g : lab.groups()) {
      List<String> problems = new ArrayList<>();
      long from =
          Math.max(
              report.restartedNanos() + FaultReport.masterDownNanos(),
              report.faultNanos() + takeoverBound.toNanos());
      long notOne =
          report.watch().vipHoldersSeen(g.name(), from, report.endNanos()).stream()
              .filter(h -> h.size() != 1)
              .count();
      if (report.restartedNanos() < 0) {
        problems.add("the restarted agent wrote nothing to its log");
      } else if (notOne > 0) {
        problems.add(notOne + " samples after the restart without exactly one VIP holder");
      }
      recordWatched(report, g, problems, "one VIP holder after the restart", 0);
    }
    return report;
  }

  /**
   * SIGSTOP of group {@code groupName}'s master agent for {@link #AGENT_STALL}, then SIGCONT; its
   * Redis keeps serving. Must hold: no acknowledged write lost.
   */
  public FaultReport agentStall(String groupName) throws Exception {
    announce(
        "SIGSTOP of group "
            + groupName
            + "'s master agent for "
            + AGENT_STALL.toSeconds()
            + " s while its Redis serves, then SIGCONT");
    FaultReport report =
        watched(
            "agent SIGSTOP " + AGENT_STALL.toSeconds() + " s",
            groupName,
            (master, survivor, moments) -> {
              moments.fault = System.nanoTime();
              try {
                lab.stallAgent(master, AGENT_STALL);
              } finally {
                moments.repair = System.nanoTime();
              }
            });
    for (PairLab.Group g : lab.groups()) {
      recordWatched(report, g, new ArrayList<>(), "stall ridden out", 0);
    }
    return report;
  }

  /**
   * Group {@code groupName}'s master host cut off from everything (peer, arbiter, clients) and its
   * agent SIGSTOPped at once, before it can fence itself on its own clock; the host is plugged back
   * 2 s after the peer holds the VIP, while the agent still sleeps, and the agent continues 1 s
   * later. With an arbiter its Redis, guarded by its replica, must stop taking writes by itself
   * before the peer's Redis takes any: never two writable masters, nothing acknowledged lost.
   */
  public FaultReport isolatedMasterAgentStall(String groupName) throws Exception {
    announce(
        "group "
            + groupName
            + "'s master host cut off from everything and its agent SIGSTOPped at once; plugged"
            + " back 2 s after the peer holds the VIP, SIGCONT 1 s later");
    PairLab.Group group = lab.group(groupName);
    FaultReport report =
        watched(
            "isolated master, agent SIGSTOP",
            groupName,
            (master, survivor, moments) -> {
              ProcessHandle agent =
                  ProcessHandle.of(lab.agentPid(master))
                      .orElseThrow(() -> new IllegalStateException("no agent runs on " + master));
              lab.network().isolate(master);
              LabNetwork.signal(agent, "STOP");
              moments.fault = System.nanoTime();
              try {
                waitFor(() -> lab.vipHolders(group).contains(survivor), Duration.ofSeconds(30));
                pause(Duration.ofSeconds(2));
              } finally {
                try {
                  lab.network().reconnect(master);
                  pause(Duration.ofSeconds(1));
                } finally {
                  LabNetwork.signal(agent, "CONT");
                  moments.repair = System.nanoTime();
                }
              }
            });
    recordOneWritableMaster(report);
    return report;
  }

  /**
   * Group {@code groupName}'s master cut off from its peer only (clients and the arbiter still
   * reach it) until it holds the arbiter's key and keeps its guarded Redis writable with its own
   * dead-man replica; then its agent is SIGKILLed. The kernel closes that replica's connection, so
   * Redis must refuse writes at once, before the peer, which takes over once the key has run out,
   * takes any. The pair link heals 2 s after the peer holds the VIP and the agent starts again.
   * What the master took during the cut never reached the peer and is excused; nothing after the
   * kill.
   */
  public FaultReport keyHeldAgentCrash(String groupName) throws Exception {
    announce(
        "cut the pair link until group "
            + groupName
            + "'s master holds the key without its replica, then SIGKILL its agent; heal 2 s after"
            + " the peer holds the VIP");
    PairLab.Group group = lab.group(groupName);
    FaultReport report =
        watched(
            "key held, agent SIGKILL",
            groupName,
            (master, survivor, moments) -> {
              Path log = lab.agentLog(master);
              long logSize = logSize(log);
              String keeping = "group " + groupName + ": master on the arbiter's key";
              // Stamped before the rules go in: a write acknowledged while they do may not have
              // reached the peer when they took effect.
              moments.setUp = System.nanoTime();
              lab.network().partition(PairLab.VM_A, PairLab.VM_B);
              try {
                if (!waitFor(() -> logHas(log, logSize, keeping), Duration.ofSeconds(30))) {
                  throw new IllegalStateException(
                      master + "'s agent never kept its Redis on the key: '" + keeping + "'");
                }
                pause(Duration.ofSeconds(1));
                lab.killAgent(master);
                moments.fault = System.nanoTime();
                waitFor(() -> lab.vipHolders(group).contains(survivor), Duration.ofSeconds(30));
                pause(Duration.ofSeconds(2));
              } finally {
                lab.network().heal(PairLab.VM_A, PairLab.VM_B);
                if (moments.fault > 0) {
                  lab.startAgent(master);
                }
                moments.repair = System.nanoTime();
              }
            });
    long excusedMillis =
        report.setUpNanos() < 0 ? 0 : (report.faultNanos() - report.setUpNanos()) / 1_000_000;
    recordOneWritableMaster(report, "one writable master, lost only the cut's", excusedMillis);
    return report;
  }

  /** Whether {@code log} has a line containing {@code text} after byte {@code from}. */
  private static boolean logHas(Path log, long from, String text) {
    try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
      file.seek(from);
      for (String line = file.readLine(); line != null; line = file.readLine()) {
        if (line.contains(text)) {
          return true;
        }
      }
      return false;
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * The replica's Redis of group {@code groupName} killed and started again at once (empty, so it
   * resyncs in full). The master stays; with an arbiter its Redis refuses writes from the moment
   * its replica is gone until its agent holds the arbiter's key: the write gap shows how fast. No
   * acknowledged write lost.
   */
  public FaultReport restartReplicaRedis(String groupName) throws Exception {
    announce(
        "kill the replica's Redis of group " + groupName + " and start it again at once (empty)");
    PairLab.Group group = lab.group(groupName);
    FaultReport report =
        watched(
            "replica Redis restarted",
            groupName,
            (master, survivor, moments) -> {
              lab.killRedis(survivor, group.port());
              moments.fault = System.nanoTime();
              lab.startRedis(survivor, group.port());
              moments.repair = System.nanoTime();
              lab.awaitRedis(survivor, group.port(), Duration.ofSeconds(10));
            });
    for (PairLab.Group g : lab.groups()) {
      List<String> problems = new ArrayList<>();
      String was = report.mastersBefore().get(g.name());
      String now = report.viewAfter().get(g.name()).master();
      if (!Objects.equals(was, now)) {
        problems.add("the master moved from " + was + " to " + now);
      }
      recordWatched(report, g, problems, "master kept", 0);
    }
    return report;
  }

  /**
   * The pair link drops {@link #LOSS_PROBABILITY} of the packets each way for {@link #LOSSY_TIME}.
   * Must hold: never two writable masters of a group, no acknowledged write lost.
   */
  public FaultReport lossyPairLink() throws Exception {
    announce(
        "the pair link drops "
            + Math.round(LOSS_PROBABILITY * 100)
            + " % of the packets each way for "
            + LOSSY_TIME.toSeconds()
            + " s");
    String groupName = lab.groups().getFirst().name();
    FaultReport report =
        watched(
            "pair link "
                + Math.round(LOSS_PROBABILITY * 100)
                + " % loss "
                + LOSSY_TIME.toSeconds()
                + " s",
            groupName,
            (master, survivor, moments) -> {
              moments.fault = System.nanoTime();
              try {
                lab.lossyPairLink(PairLab.VM_A, PairLab.VM_B, LOSS_PROBABILITY, LOSSY_TIME);
              } finally {
                moments.repair = System.nanoTime();
              }
            });
    recordOneWritableMaster(report);
    return report;
  }

  /** Records, per group, whether it ever had two writable masters in {@code report}'s watch. */
  private void recordOneWritableMaster(FaultReport report) {
    recordOneWritableMaster(report, "one writable master throughout", 0);
  }

  /**
   * The same, with the lost writes acknowledged up to {@code excusedBeforeMillis} before the fault
   * excused ({@link #recordWatched}).
   */
  private void recordOneWritableMaster(FaultReport report, String fine, long excusedBeforeMillis) {
    for (PairLab.Group g : lab.groups()) {
      List<String> problems = new ArrayList<>();
      PairWatch.Overlap two = report.watch().twoWritable(g.name());
      if (two.periods() > 0) {
        problems.add(
            "two writable masters "
                + two.periods()
                + " times ("
                + two.totalMillis()
                + " ms in all)");
      }
      recordWatched(report, g, problems, fine, excusedBeforeMillis);
    }
  }

  /**
   * The master's Redis of group {@code groupName} killed and a fresh, empty one started in its
   * place at once (0 ms). Must hold: the empty Redis rejoins as a replica (S5), no acknowledged
   * write lost beyond those of the last second before the kill (not yet replicated), the other
   * group untouched.
   */
  public FaultReport restartRedisMasterEmptyAtOnce(String groupName) throws Exception {
    announce(
        "kill the master's Redis of group " + groupName + " and restart it empty at once (0 ms)");
    PairLab.Group group = lab.group(groupName);
    Map<String, GroupView> before = lab.view();
    FaultReport report =
        watched(
            "Redis restarted empty at 0 ms",
            groupName,
            (master, survivor, moments) -> {
              moments.fault = lab.restartRedisEmptyAtOnce(master, group.port());
              moments.repair = System.nanoTime();
              lab.awaitRedis(master, group.port(), Duration.ofSeconds(10));
            });
    for (PairLab.Group g : lab.groups()) {
      List<String> problems = new ArrayList<>();
      if (g.name().equals(groupName)) {
        if (!"replica".equals(report.viewAfter().get(g.name()).roles().get(report.faultHost()))) {
          problems.add("the empty Redis on " + report.faultHost() + " is not a replica");
        }
        recordWatched(report, g, problems, "empty Redis rejoined as replica", 1000);
      } else {
        GroupView was = before.get(g.name());
        GroupView now = report.viewAfter().get(g.name());
        if (!Objects.equals(was.master(), now.master())
            || !was.transitions().equals(now.transitions())) {
          problems.add("MOVED: " + now);
        }
        recordWatched(report, g, problems, "untouched (S6)", 0);
      }
    }
    return report;
  }

  /**
   * Runs one fault under the watch: 1 s of calm, the injection, the wait until every group is
   * settled with its VIP on its master, 1 s more; then each group's writes and lost writes.
   */
  private FaultReport watched(String scenario, String groupName, Injection injection)
      throws Exception {
    Map<String, GroupView> before = lab.view();
    String master = before.get(groupName).master();
    if (master == null || master.contains("+")) {
      throw new IllegalStateException(
          scenario + ": group " + groupName + " has no single master before: " + before.values());
    }
    String survivor = PairLab.other(master);
    Map<String, String> mastersBefore = new LinkedHashMap<>();
    before.forEach((name, view) -> mastersBefore.put(name, view.master()));
    PairWatch watch = PairWatch.start(lab);
    Moments moments = new Moments();
    boolean settled;
    try {
      pause(Duration.ofSeconds(1));
      injection.inject(master, survivor, moments);
      settled = waitFor(steadily(this::settledWithVipOnMaster), SETTLE_TIMEOUT);
      pause(Duration.ofSeconds(1));
    } finally {
      watch.close();
    }
    long end = System.nanoTime();
    Map<String, FaultReport.GroupWrites> writes = new LinkedHashMap<>();
    for (PairLab.Group g : lab.groups()) {
      VipWriter writer = writers.get(g.name());
      VipWriter.Window window = writer.window(moments.fault - 500_000_000L, end);
      writes.put(
          g.name(),
          new FaultReport.GroupWrites(
              g.name(), window.longestGapMillis(), window.acked(), newlyLost(g.name(), writer)));
    }
    FaultReport report =
        new FaultReport(
            scenario,
            master,
            survivor,
            mastersBefore,
            moments.fault,
            moments.repair,
            moments.restarted,
            end,
            takeoverBound,
            watch,
            writes,
            lab.view(),
            settled && settledWithVipOnMaster(),
            moments.setUp);
    report.figures().forEach(line -> out.println("      " + line));
    return report;
  }

  /**
   * The acknowledged writes of {@code writer} that cannot be read back through the VIP. A client
   * whose ARP entry still names a host that has just let the VIP go cannot connect for a moment: it
   * tries again for up to 10 s before it gives up.
   */
  private static long[] readBack(VipWriter writer) throws Exception {
    long[] acked = writer.ackedSequences(0, Long.MAX_VALUE);
    Exception last = null;
    for (int attempt = 0; attempt < 20; attempt++) {
      try {
        return writer.lostSequences(acked);
      } catch (IOException e) {
        last = e;
        Thread.sleep(500);
      }
    }
    throw new IOException(
        "cannot read the acknowledged writes back through the VIP: " + last, last);
  }

  /**
   * {@code condition}, true only once it has held at every look for {@link #STEADY}: a node whose
   * link came back rejoins as a backup, then its Redis starts to catch up and the S5 gate may put
   * it in FAULT until it has, so one look right after a repair can find the pair settled while it
   * is not yet.
   */
  private static BooleanSupplier steadily(BooleanSupplier condition) {
    long[] since = {-1};
    return () -> {
      if (!condition.getAsBoolean()) {
        since[0] = -1;
        return false;
      }
      long now = System.nanoTime();
      if (since[0] < 0) {
        since[0] = now;
      }
      return now - since[0] >= STEADY.toNanos();
    };
  }

  /** How long the pair must look settled before a scenario counts it so. */
  static final Duration STEADY = Duration.ofMillis(1500);

  private boolean settledWithVipOnMaster() {
    Map<String, GroupView> views = lab.view();
    for (PairLab.Group g : lab.groups()) {
      GroupView view = views.get(g.name());
      if (!view.settled() || !lab.vipHolders(g).equals(List.of(view.master()))) {
        return false;
      }
    }
    return true;
  }

  /**
   * When the writes of the whole run that cannot be read back now, and were not missing at an
   * earlier scenario, had been acknowledged.
   */
  private long[] newlyLost(String group, VipWriter writer) throws Exception {
    long[] missing = readBack(writer);
    List<Long> times = new ArrayList<>();
    for (long seq : missing) {
      if (previouslyLost.add(group + ":" + seq)) {
        times.add(writer.ackNanos(seq));
      }
    }
    return times.stream().mapToLong(Long::longValue).sorted().toArray();
  }

  /**
   * One summary row of a watched fault: {@code problems} plus the pair settling and the lost
   * writes, of which those acknowledged from {@code excusedBeforeMillis} before the fault to {@code
   * excusedAfterMillis} after it are excused (not yet replicated when a Redis died).
   */
  private void recordWatched(
      FaultReport report,
      PairLab.Group group,
      List<String> problems,
      String fine,
      long excusedBeforeMillis) {
    FaultReport.GroupWrites writes = report.writes().get(group.name());
    long beyond =
        excusedBeforeMillis == 0
            ? writes.lost()
            : writes.lostOutside(
                report.faultNanos() - excusedBeforeMillis * 1_000_000, report.faultNanos());
    if (beyond > 0) {
      problems.add(beyond + " acknowledged writes lost");
    }
    if (!report.settledAfter()) {
      problems.add(
          "not settled afterwards: "
              + report.viewAfter().get(group.name())
              + ", VIP on "
              + report.lastVipHolders(group.name()));
    }
    results.add(
        new Result(
            report.scenario(),
            group.name(),
            problems.isEmpty() ? fine : String.join("; ", problems),
            writes.gapMillis(),
            writes.acked(),
            writes.lost(),
            problems.isEmpty()));
  }

  private static long logSize(Path log) {
    try {
      return Files.exists(log) ? Files.size(log) : 0;
    } catch (IOException e) {
      return 0;
    }
  }

  /** The line of {@code log} that starts at byte {@code offset}, or "" when there is none. */
  private static String lineAt(Path log, long offset) {
    try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
      file.seek(offset);
      String line = file.readLine();
      return line == null ? "" : line;
    } catch (IOException e) {
      return "(cannot read " + log + ": " + e.getMessage() + ")";
    }
  }

  /** When {@code log} first grows beyond {@code size} (polled every 5 ms), or -1 on timeout. */
  private static long firstNewLogLine(Path log, long size, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (logSize(log) > size) {
        return System.nanoTime();
      }
      Thread.sleep(5);
    }
    return -1;
  }

  /** The summary table, as printed at the end. */
  public String table() {
    StringBuilder text = new StringBuilder();
    text.append(
        String.format(
            "%-34s %-5s %-58s %9s %7s %5s  %s%n",
            "scenario", "group", "what happened", "gap (ms)", "acked", "lost", "result"));
    for (Result r : results) {
      text.append(
          String.format(
              "%-34s %-5s %-58s %9s %7s %5s  %s%n",
              r.scenario(),
              r.group(),
              r.outcome(),
              r.gapMillis() < 0 ? "-" : Long.toString(r.gapMillis()),
              r.acked() < 0 ? "-" : Long.toString(r.acked()),
              r.lost() < 0 ? "-" : Long.toString(r.lost()),
              r.passed() ? "ok" : "FAILED"));
    }
    return text.toString();
  }

  public boolean allPassed() {
    return results.stream().allMatch(Result::passed);
  }

  /** Stops the writers. */
  public void stopWriters() throws InterruptedException {
    for (VipWriter writer : writers.values()) {
      writer.close();
    }
  }
}

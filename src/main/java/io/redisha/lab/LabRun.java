package io.redisha.lab;

import io.redisha.lab.PairLab.GroupView;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
  private boolean waitFor(java.util.function.BooleanSupplier done, Duration timeout) {
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

package io.redisha.bench;

import io.redisha.bench.PairProbe.GroupState;
import io.redisha.lab.PairLab;
import io.redisha.lab.VipClient;
import io.redisha.lab.WriteLog;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Runs one fault once against a system whose pair is settled: writers through each VIP every 2 ms
 * (every client setting through group a, the primary client through group b), the fault on group a
 * (or its master's host), the repair, the wait until the pair settles again, then the measurements
 * and the read-back of every acknowledged write, the same for every client.
 */
final class FaultRunner {
  static final String FAULT_GROUP = "a";
  static final String OTHER_GROUP = "b";
  private static final long MS = 1_000_000L;
  private static final Duration TAKEOVER_TIMEOUT = Duration.ofSeconds(30);

  /** How long a client may take to acknowledge its first write (a JVM of its own starts first). */
  private static final Duration FIRST_WRITE_TIMEOUT = Duration.ofSeconds(60);

  private final PairLab lab;
  private final SystemUnderTest system;
  private final List<BenchClient> clients;
  private final PairProbe probe;

  /**
   * When the faulted Redis process was seen gone (0 when the fault kills none): a write it
   * acknowledged up to then may not have reached the replica. A client reads such a reply a little
   * after the SIGKILL was sent, so the moment the signal went is too early a bound.
   */
  private long redisGoneNanos;

  /**
   * When the master's host was cut off (0 when the fault cuts none): the cut takes effect when the
   * bridge command returns, some milliseconds after the fault's start, and a write the master
   * acknowledged in between may not have reached its replica, as at a kill.
   */
  private long cutDoneNanos;

  FaultRunner(PairLab lab, SystemUnderTest system, List<BenchClient> clients) {
    if (clients.isEmpty() || clients.get(0) != BenchClient.PRIMARY) {
      throw new IllegalArgumentException("clients must start with " + BenchClient.PRIMARY.id());
    }
    this.lab = lab;
    this.system = system;
    this.clients = List.copyOf(clients);
    this.probe = new PairProbe(lab);
  }

  PairProbe probe() {
    return probe;
  }

  /** Runs {@code fault} once; a pair that is not settled before is reported, not faulted. */
  FaultSample run(Fault fault, int index) throws Exception {
    Map<String, GroupState> before = probe.awaitSettled(system.settleTimeout());
    if (!probe.allSettled(before)) {
      return FaultSample.failed(
          system.name(), fault, index, "pair not settled before the fault: " + before.values());
    }
    PairLab.Group group = lab.group(FAULT_GROUP);
    String master = before.get(FAULT_GROUP).holder();
    String survivor = PairLab.other(master);
    String prefix = "bench:" + system.name() + ":" + fault.id() + ":" + index;
    Map<BenchClient, VipClient> writers = new LinkedHashMap<>();
    VipClient other = null;
    VipProbe vipProbe = null;
    List<String> notes = new ArrayList<>();
    long t0;
    Map<String, GroupState> after;
    long t1;
    try {
      for (BenchClient client : clients) {
        writers.put(client, client.writer(lab, group, prefix + ":a:" + client.id()).start());
      }
      other =
          BenchClient.PRIMARY
              .writer(lab, lab.group(OTHER_GROUP), prefix + ":b:" + BenchClient.PRIMARY.id())
              .start();
      for (Map.Entry<BenchClient, VipClient> writer : writers.entrySet()) {
        if (!awaitFirstWrite(writer.getValue(), FIRST_WRITE_TIMEOUT)) {
          return FaultSample.failed(
              system.name(),
              fault,
              index,
              "client "
                  + writer.getKey().id()
                  + ": no write through the VIP was acknowledged before the fault: "
                  + writer.getValue().lastError());
        }
      }
      Thread.sleep(1000);
      if (fault == Fault.BOOT) {
        system.stopDaemon(PairLab.VM_A);
        system.stopDaemon(PairLab.VM_B);
        Thread.sleep(500);
      }
      vipProbe = new VipProbe(lab.network(), PairLab.CLIENT, group.vip(), group.port()).start();
      t0 = System.nanoTime();
      redisGoneNanos = 0;
      cutDoneNanos = 0;
      inject(fault, group, master, survivor, notes);
      if (redisGoneNanos > 0) {
        // The kernel ends a killed process (and closes its sockets, which is when anyone can see
        // it die) only once the process gets a CPU; on a loaded machine that alone can take tens
        // of milliseconds, and every client's gap contains it.
        notes.add("killed Redis gone after " + (redisGoneNanos - t0) / MS + " ms");
      }
      if (cutDoneNanos > 0) {
        notes.add("host cut off after " + (cutDoneNanos - t0) / MS + " ms");
      }
      after = probe.awaitSettled(system.settleTimeout());
      Thread.sleep(500);
      t1 = System.nanoTime();
    } finally {
      if (vipProbe != null) {
        vipProbe.close();
      }
      for (VipClient writer : writers.values()) {
        writer.close();
      }
      if (other != null) {
        other.close();
      }
    }
    boolean settled = probe.allSettled(after);
    if (!settled) {
      notes.add("not settled afterwards: " + after.values());
    }
    String finalHolder = after.get(FAULT_GROUP).holder();
    if (settled) {
      notes.add(
          finalHolder.equals(master)
              ? "master stayed on " + master
              : "master moved to " + finalHolder);
    }

    long vipMillis = -1;
    long vipAnswered = -1;
    if (finalHolder != null) {
      String runId = probe.runId(finalHolder, group.port());
      vipAnswered = vipProbe.firstAnswerAsMaster(runId, t0);
      vipMillis = vipAnswered < 0 ? -1 : (vipAnswered - t0) / MS;
    }
    // a clean stop hands over while the old master still takes writes
    long unreplicatedUntil =
        fault == Fault.CLEAN_STOP && vipAnswered > 0
            ? vipAnswered
            : Math.max(t0, Math.max(redisGoneNanos, cutDoneNanos));
    boolean readBack = true;
    List<ClientWrites> measured = new ArrayList<>();
    for (Map.Entry<BenchClient, VipClient> writer : writers.entrySet()) {
      ClientWrites writes =
          measure(writer.getKey(), writer.getValue(), fault, t0, t1, unreplicatedUntil, notes);
      readBack &= writes.readBack();
      measured.add(writes);
    }

    long otherGap = other.log().window(t0 - 500 * MS, t1).longestGapMillis();
    notes.add(
        "other group's longest gap from "
            + String.format(
                Locale.ROOT, "%+d", (other.log().longestGapStartNanos(t0 - 500 * MS, t1) - t0) / MS)
            + " ms");
    long[] otherMissing =
        readBack(other, other.log().ackedSequences(0, Long.MAX_VALUE), notes, OTHER_GROUP);
    readBack &= otherMissing != null;
    long otherLost = otherMissing == null ? 0 : otherMissing.length;
    String otherBefore = before.get(OTHER_GROUP).holder();
    boolean otherMoved = !otherBefore.equals(after.get(OTHER_GROUP).holder());
    if (!readBack) {
      notes.add("acknowledged writes could not be checked");
    }
    return new FaultSample(
        system.name(),
        fault,
        index,
        settled && readBack,
        String.join("; ", notes),
        vipMillis,
        otherGap,
        otherLost,
        otherMoved,
        measured);
  }

  /**
   * One client's gap and lost writes: the same computation for every client. A write lost is
   * allowed only where the fault's {@link Fault.Loss} rule allows it.
   */
  private ClientWrites measure(
      BenchClient client,
      VipClient writer,
      Fault fault,
      long t0,
      long t1,
      long unreplicatedUntil,
      List<String> notes) {
    WriteLog log = writer.log();
    long gap = fault.measuresGap() ? log.window(t0 - 500 * MS, t1).longestGapMillis() : -1;
    long gapStart = (log.longestGapStartNanos(t0 - 500 * MS, t1) - t0) / MS;
    // At the instant the killed Redis was seen gone (when the fault kills one): acks that were in
    // flight between the kill's start and the process's end belong before the gap.
    long gapAcross = fault.measuresGap() ? log.gapAcrossMillis(Math.max(t0, redisGoneNanos)) : -1;
    long[] missing =
        readBack(writer, log.ackedSequences(0, Long.MAX_VALUE), notes, "a (" + client.id() + ")");
    boolean readBack = missing != null;
    if (missing == null) {
      missing = new long[0];
    }
    long beyond = 0;
    float[] lostTimeline = new float[missing.length];
    for (int i = 0; i < missing.length; i++) {
      long ackedAt = log.ackNanos(missing[i]);
      lostTimeline[i] = (ackedAt - t0) / (float) MS;
      boolean unreplicated = ackedAt <= unreplicatedUntil && ackedAt >= t0 - 1000 * MS;
      if (fault.loss() == Fault.Loss.NONE
          || (fault.loss() == Fault.Loss.NEEDS_THIRD_VOTER && system.hasThirdVoter())
          || (fault.loss() == Fault.Loss.UNREPLICATED && !unreplicated)) {
        beyond++;
      }
    }
    long[] timelineSeqs = log.ackedSequences(t0 - 1000 * MS, t1);
    float[] timeline = new float[timelineSeqs.length];
    for (int i = 0; i < timelineSeqs.length; i++) {
      timeline[i] = (log.ackNanos(timelineSeqs[i]) - t0) / (float) MS;
    }
    return new ClientWrites(
        client.id(),
        readBack,
        gap,
        gapStart,
        gapAcross,
        missing.length,
        beyond,
        timeline,
        lostTimeline);
  }

  private static boolean awaitFirstWrite(VipClient writer, Duration timeout)
      throws InterruptedException {
    return waitUntil(() -> writer.log().acked() > 0, timeout);
  }

  /** The acknowledged writes that cannot be read back, or null when reading failed. */
  private long[] readBack(VipClient writer, long[] acked, List<String> notes, String groupName) {
    try {
      return writer.lostSequences(acked);
    } catch (Exception e) {
      notes.add("group " + groupName + " could not be read back: " + e);
      return null;
    }
  }

  private void killRedis(String host, int port) throws InterruptedException {
    lab.killRedis(host, port);
    redisGoneNanos = System.nanoTime();
  }

  private void inject(
      Fault fault, PairLab.Group group, String master, String survivor, List<String> notes)
      throws Exception {
    int port = group.port();
    switch (fault) {
      case KILL -> {
        killRedis(master, port);
        awaitTakeover(survivor, notes);
        Thread.sleep(1000);
        restartRedis(master, port);
      }
      case HOST_CUT -> {
        lab.network().isolate(master);
        cutDoneNanos = System.nanoTime();
        try {
          awaitTakeover(survivor, notes);
          Thread.sleep(2000);
        } finally {
          lab.network().reconnect(master);
        }
      }
      case PAIR_CUT -> {
        lab.network().partition(PairLab.VM_A, PairLab.VM_B);
        try {
          Thread.sleep(5000);
        } finally {
          lab.network().heal(PairLab.VM_A, PairLab.VM_B);
        }
      }
      case EMPTY_AT_ONCE -> {
        killRedis(master, port);
        restartRedis(master, port);
      }
      case EMPTY_LATER -> {
        killRedis(master, port);
        Thread.sleep(3000);
        restartRedis(master, port);
      }
      case BOOT -> {
        system.startDaemon(PairLab.VM_A);
        system.startDaemon(PairLab.VM_B);
        watchForTwoHolders(group, Duration.ofSeconds(5), notes);
      }
      case SWITCHOVER -> {
        system.switchover(group.name());
        awaitTakeover(survivor, notes);
      }
      case CLEAN_STOP -> {
        system.stopDaemon(master);
        if (system.cleanStopMovesMaster()) {
          awaitTakeover(survivor, notes);
        } else {
          Thread.sleep(2000);
        }
        Thread.sleep(1000);
        system.startDaemon(master);
      }
      case LINK_DOWN, CARRIER_LOSS, CRASH, STALL, LOSSY_LINK ->
          injectLinkOrDaemonFault(fault, master, survivor, notes);
    }
  }

  // ---- issue 13: a dead link, a crashed or stalled daemon, a lossy pair link ----

  /** How long a supervisor waits before it starts a crashed daemon again. */
  static final Duration CRASH_RESTART_DELAY = Duration.ofSeconds(3);

  /** How long a stalled daemon stays stopped. */
  static final Duration STALL_TIME = Duration.ofSeconds(5);

  /** The share of packets the lossy pair link drops, each way, and for how long. */
  static final double LOSS_PROBABILITY = 0.3;

  static final Duration LOSSY_TIME = Duration.ofSeconds(10);

  private void injectLinkOrDaemonFault(
      Fault fault, String master, String survivor, List<String> notes) throws Exception {
    switch (fault) {
      case LINK_DOWN, CARRIER_LOSS -> {
        boolean carrier = fault == Fault.CARRIER_LOSS;
        if (carrier) {
          lab.network().carrierLoss(master);
        } else {
          lab.network().linkDown(master);
        }
        try {
          awaitTakeover(survivor, notes);
          Thread.sleep(2000);
          List<String> held = new ArrayList<>();
          for (PairLab.Group g : lab.groups()) {
            if (lab.vipHolders(g).contains(master)) {
              held.add(g.name());
            }
          }
          if (!held.isEmpty()) {
            notes.add(master + " still held the VIP of " + String.join(", ", held) + " while down");
          }
        } finally {
          if (carrier) {
            lab.network().carrierBack(master);
          } else {
            lab.network().linkUp(master);
          }
        }
      }
      case CRASH -> {
        system.killDaemon(master);
        Thread.sleep(CRASH_RESTART_DELAY);
        system.startDaemon(master);
      }
      case STALL -> system.stallDaemon(master, STALL_TIME);
      case LOSSY_LINK ->
          lab.lossyPairLink(PairLab.VM_A, PairLab.VM_B, LOSS_PROBABILITY, LOSSY_TIME);
      default -> throw new IllegalArgumentException(fault + " is not a link or daemon fault");
    }
  }

  private void restartRedis(String host, int port) {
    lab.startRedis(host, port);
    lab.awaitRedis(host, port, Duration.ofSeconds(10));
  }

  /** Waits until {@code survivor} holds the VIP and runs a master; notes a timeout. */
  private void awaitTakeover(String survivor, List<String> notes) throws InterruptedException {
    boolean took =
        waitUntil(
            () -> {
              GroupState state = probe.look().get(FAULT_GROUP);
              return state.vipHolders().contains(survivor)
                  && "master".equals(state.redis().get(survivor).role());
            },
            TAKEOVER_TIMEOUT);
    if (!took) {
      notes.add("no takeover by " + survivor + " within " + TAKEOVER_TIMEOUT.toSeconds() + " s");
    }
  }

  /** Samples the VIP holders for a while and notes when both hosts held the VIP at once. */
  private void watchForTwoHolders(PairLab.Group group, Duration duration, List<String> notes)
      throws InterruptedException {
    long deadline = System.nanoTime() + duration.toNanos();
    boolean both = false;
    while (System.nanoTime() < deadline) {
      if (lab.vipHolders(group).size() > 1) {
        both = true;
      }
      Thread.sleep(20);
    }
    if (both) {
      notes.add("both hosts held the VIP for a moment");
    }
  }

  private static boolean waitUntil(BooleanSupplier condition, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (condition.getAsBoolean()) {
        return true;
      }
      Thread.sleep(20);
    }
    return false;
  }
}

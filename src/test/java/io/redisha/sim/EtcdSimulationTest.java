package io.redisha.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.redisha.arbiter.Protection;
import io.redisha.sim.Fault.Kind;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The simulation with {@code splitBrainProtection: Etcd}: the same agents and scenarios as {@link
 * SimulationTest}, with the group records in {@link SimEtcd} (outages, leader changes, slow and
 * lost answers on top of each schedule's faults), S1-S7 asserted after every step. {@code
 * -Dsim.etcdSchedules=N} sets how many (default 1000), {@code -Dsim.firstSeed=S} where to start,
 * {@code -Dsim.threads=T} how many run at once (default 1) and {@code -Dsim.stopAfterFailures=F}
 * after how many failures the sweep stops (default 5).
 */
class EtcdSimulationTest {

  /**
   * Seeds that once lost acknowledged writes with Etcd, replayed on every build with Etcd and with
   * Lease.
   *
   * <p>338 (drops 23 %, pair link lossy 34 % for 9.9 s, the master's agent crashed for 3.5 s): the
   * backup had detached its Redis, its looks at the peer's Redis found it serving and then failed
   * for four seconds on the lossy link, and one failed look counted as "the peer's host is gone";
   * the crashed agent's etcd key had expired, so the backup took group b over with 1233 writes
   * while the old master's Redis, still serving through the VIP, had 1277 (44 acknowledged writes
   * lost). Now a backup whose Redis does not stream does not take over from a peer whose Redis was
   * seen serving since its last advert, whatever later looks say ({@link
   * io.redisha.redis.TakeoverEvidence}).
   *
   * <p>1538 and 2336 (pair link lossy 30 % and 29 %, etcd out): the master lost its proof, could
   * not reach etcd, fenced itself and released the role with priority 0; the backup took over at
   * once while its replica still lacked the last 3 (2) writes. Now a master that fences itself for
   * want of proof withdraws without a release, and a backup whose Redis streams from a peer Redis
   * that takes no writes waits until it has all of that Redis's bytes.
   *
   * <p>4490 (vm-a isolated 2 s, then the pair link dropping 32 %): vm-a came back, took the key and
   * became master while vm-b, which had not heard it since the cut, counted its agent as stalled
   * and began fencing its Redis; vm-a found the fence closed and released the role, and vm-b took
   * over on that release at once, its replica one acknowledged write short. Now a release that
   * comes while we fence the peer's Redis waits for the fence, which ends when ours has every byte.
   *
   * <p>4077, 7579, 7935, 8176, 10655, 10677, 17576: a master cut off from its peer and etcd whose
   * agent stalled or died before it fenced itself kept an open Redis; its fence is now guarded by
   * its replica, so Redis stops by itself before the fence time. 3798 (vm-b isolated 8.9 s while
   * vm-a, master of b and holding b's key, crashed): etcd's TTL removed the key, and vm-b took over
   * 111 ms after the heal on a look at vm-a's Redis that had failed during its own isolation, while
   * that Redis served again; a failed look now counts only when it started once the arbiter
   * answered this node again (a backup whose last call failed reads the key, never writes it, to
   * learn that).
   *
   * <p>110000, 232485, 369760, 441485 (S5, the master's Redis restarted empty at once): the
   * backup's replica reconnected through Redis's own cron and full-synced the empty data set before
   * its agent detached it. Now every Redis boots as a replica of its peer ({@code replicaof} in
   * redis.conf, {@link RedisBoot}), which serves no sync without a master link of its own.
   *
   * <p>19 (found when renewals became more frequent for the dead-man replica): vm-a's agent died
   * holding the key; vm-b fenced vm-a's Redis, took over, lost the role for want of the key, and
   * followed that fenced Redis again; vm-a's agent came back as backup. vm-b then held the key but
   * counted the fenced master as serving its Redis, and waited for it for good. A master whose
   * fence is closed now serves nobody.
   *
   * <p>4890 (pair cut, then vm-a's API cut, then etcd slow): vm-b took over with the key and lost
   * it to the slow etcd; after the heal both Redis servers had writes the other lacked and both
   * refused to become master for good. The newer fork (vm-b's, promoted from vm-a's stream) now
   * may, and vm-a follows it.
   */
  static final long[] RECORDED_SEEDS = {
    19, 338, 1538, 2336, 3798, 4077, 4490, 4890, 7579, 7935, 8176, 10655, 10677, 17576, 110000,
    232485, 369760, 441485
  };

  @Test
  void randomSchedulesWithEtcdTroubleKeepEverySafetyRule() throws Exception {
    int schedules = Integer.getInteger("sim.etcdSchedules", 1000);
    long first = Long.getLong("sim.firstSeed", 1L);
    int threads = SeedSweep.threads();
    int stopAfter = Integer.getInteger("sim.stopAfterFailures", 5);
    List<String> failures = Collections.synchronizedList(new ArrayList<>());
    Map<SimEtcd.Trouble, Integer> troubles = new EnumMap<>(SimEtcd.Trouble.class);
    SimEtcd.Counts total = new SimEtcd.Counts();
    long started = System.nanoTime();
    long ran =
        SeedSweep.run(
            first,
            schedules,
            threads,
            () -> failures.size() >= stopAfter,
            seed -> runOne(seed, failures, troubles, total));
    double seconds = (System.nanoTime() - started) / 1e9;
    System.out.printf(
        "FIGURE etcd simulation: %d schedules from seed %d in %.1f s (%d threads), %d failed; etcd"
            + " episodes %s; %s%n",
        ran, first, seconds, threads, failures.size(), troubles, total);
    failures.forEach(f -> System.out.println("etcd simulation failure: " + f));
    assertThat(failures).isEmpty();
    // The model must have done what it claims, or the run proves nothing about it.
    assertThat(troubles.keySet()).containsExactlyInAnyOrder(SimEtcd.Trouble.values());
    assertThat(total.committedAfterOutage).isPositive();
    assertThat(total.committedBeforeLeaderChange).isPositive();
    assertThat(total.lostAnswers).isPositive();
    assertThat(total.retriedAfterApply).isPositive();
    assertThat(total.conflicts).isPositive();
    assertThat(total.rebased).isPositive();
  }

  private static void runOne(
      long seed,
      List<String> failures,
      Map<SimEtcd.Trouble, Integer> troubles,
      SimEtcd.Counts total) {
    Scenario scenario = Simulation.scenarioOf(seed);
    SimWorld world =
        Simulation.runSchedule(seed, scenario, Protection.ETCD, Simulation.faultsOf(seed));
    synchronized (total) {
      world.etcd.episodes.forEach(e -> troubles.merge(e.kind(), 1, Integer::sum));
      add(total, world.etcd.counts);
    }
    String violation = world.checker.violation();
    if (violation != null) {
      Simulation.Failure failure = Simulation.run(seed, Protection.ETCD);
      System.out.println(failure == null ? seed + ": " + violation : report(failure, world));
      failures.add(seed + " " + violation);
    }
  }

  @Test
  void recordedSeedsStayFixed() {
    for (long seed : RECORDED_SEEDS) {
      for (Protection protection : List.of(Protection.ETCD, Protection.LEASE)) {
        SimWorld world =
            Simulation.runSchedule(
                seed, Simulation.scenarioOf(seed), protection, Simulation.faultsOf(seed));
        assertThat(world.checker.violation())
            .as(
                () ->
                    "seed "
                        + seed
                        + " with "
                        + protection
                        + "\n"
                        + String.join("\n", world.trace()))
            .isNull();
      }
    }
  }

  /** The checker must be able to fail here too: the same cut without protection splits. */
  @Test
  void aPairCutWithEtcdKeepsOneMasterWhereNoneSplits() {
    List<Fault> cut = List.of(new Fault(Kind.PAIR_CUT, 10_000, 6_000, 0, null, 0));
    SimWorld none = Simulation.runSchedule(42, Scenario.PAIR_CUT, Protection.NONE, cut);
    assertThat(none.checker.violation()).contains("S3").contains("appeared on");
    SimWorld etcd = Simulation.runSchedule(42, Scenario.PAIR_CUT, Protection.ETCD, cut);
    assertThat(etcd.checker.violation()).isNull();
    // Each master lost its proof and held its group's key through the cut; the key of a group was
    // never written by both nodes.
    for (String group : SimWorld.GROUPS) {
      List<String> holders =
          etcd.etcd.writes.stream()
              .filter(w -> w.startsWith("/redisha/sim/" + group + " "))
              .map(w -> w.substring(w.indexOf(' ') + 1))
              .filter(h -> !h.equals("-"))
              .distinct()
              .toList();
      assertThat(holders).as("holders of the key of %s", group).hasSize(1);
    }
  }

  /** An isolated master fences itself: S4 is checked, and the peer ends up holding the key. */
  @Test
  void anIsolatedMasterFencesAndThePeerTakesTheKey() {
    List<Fault> isolate = List.of(new Fault(Kind.ISOLATE, 10_000, 8_000, 0, null, 0));
    SimWorld world = Simulation.runSchedule(7, Scenario.CHAOS, Protection.ETCD, isolate);
    assertThat(world.checker.violation()).isNull();
    assertThat(world.etcd.writes).as("vm-b took group a's key").contains("/redisha/sim/a vm-b");
  }

  /**
   * The watch on the guards can fail: a store that forgets its keys and never refuses a write lets
   * both nodes take the key during a pair-link cut, and the run stops on it.
   */
  @Test
  void aStoreThatForgetsAndNeverRefusesIsCaughtWithTwoHolders() {
    List<Fault> cut = List.of(new Fault(Kind.PAIR_CUT, 10_000, 8_000, 0, null, 0));
    SimWorld world = new SimWorld(42, Scenario.PAIR_CUT, Protection.ETCD, cut);
    world.etcd.amnesia = true;
    world.run();
    assertThat(world.checker.violation()).contains("S1: vm-a and vm-b both count themselves");
  }

  private static String report(Simulation.Failure failure, SimWorld world) {
    return failure.report() + "\n  etcd episodes: " + world.etcd.episodes;
  }

  private static void add(SimEtcd.Counts total, SimEtcd.Counts one) {
    total.calls += one.calls;
    total.failedCalls += one.failedCalls;
    total.leaderChanges += one.leaderChanges;
    total.outages += one.outages;
    total.committedAfterOutage += one.committedAfterOutage;
    total.committedBeforeLeaderChange += one.committedBeforeLeaderChange;
    total.lostAnswers += one.lostAnswers;
    total.retriedAfterApply += one.retriedAfterApply;
    total.expiredKeys += one.expiredKeys;
    total.conflicts += one.conflicts;
    total.rebased += one.rebased;
  }
}

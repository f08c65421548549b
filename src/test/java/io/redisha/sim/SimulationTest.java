package io.redisha.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.redisha.arbiter.Protection;
import io.redisha.sim.Fault.Kind;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The deterministic simulation: many random fault schedules against the real agent logic, S1-S7
 * asserted after every step. {@code -Dsim.schedules=N} sets how many (default 2000), {@code
 * -Dsim.firstSeed=S} where to start, {@code -Dsim.threads=T} how many run at once (default 1). The
 * long run outside CI is {@code ./mvnw -B test -Psim-long} (10^6 schedules on every core).
 */
class SimulationTest {

  /** Seeds that once failed; each one is replayed on every build. */
  static final long[] RECORDED_SEEDS = {
    265, 290, 830, 1625, 1760, 2110, 2250, 2300, 712730, 715725
  };

  @Test
  void randomSchedulesKeepEverySafetyRule() throws Exception {
    int schedules = Integer.getInteger("sim.schedules", 2000);
    long first = Long.getLong("sim.firstSeed", 1L);
    int threads = Math.max(1, Integer.getInteger("sim.threads", 1));
    int stopAfter = Integer.getInteger("sim.stopAfterFailures", 5);
    List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
    Map<Scenario, AtomicInteger> perScenario = new EnumMap<>(Scenario.class);
    for (Scenario scenario : Scenario.values()) {
      perScenario.put(scenario, new AtomicInteger());
    }
    AtomicLong next = new AtomicLong(first);
    AtomicInteger done = new AtomicInteger();
    long started = System.nanoTime();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    List<Future<?>> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      workers.add(
          pool.submit(
              () -> {
                while (failures.size() < stopAfter) {
                  long seed = next.getAndIncrement();
                  if (seed >= first + schedules) {
                    return;
                  }
                  perScenario.get(Simulation.scenarioOf(seed)).incrementAndGet();
                  Simulation.Failure failure = Simulation.run(seed);
                  if (failure != null) {
                    System.out.println(failure.report());
                    failures.add(failure.seed() + " " + failure.violation());
                  }
                  int count = done.incrementAndGet();
                  if (count % 50_000 == 0) {
                    System.out.printf(
                        "simulation: %d schedules after %.0f s, %d failed%n",
                        count, (System.nanoTime() - started) / 1e9, failures.size());
                  }
                }
              }));
    }
    for (Future<?> worker : workers) {
      worker.get();
    }
    pool.shutdown();
    double seconds = (System.nanoTime() - started) / 1e9;
    System.out.printf(
        "simulation: %d schedules from seed %d in %.1f s (%.0f schedules/s, %d threads, %d failed)"
            + " %s%n",
        done.get(), first, seconds, done.get() / seconds, threads, failures.size(), perScenario);
    failures.forEach(f -> System.out.println("simulation failure: " + f));
    assertThat(failures).isEmpty();
  }

  /**
   * Every seed that once failed. Seed 2250: the master's Redis dies, its priority 0 release is
   * lost, Redis comes back empty 225 ms later, and the backup's replica would resync the empty
   * dataset at its next reconnect; the backup now detaches its Redis as soon as it sees the peer's
   * Redis come back empty. Seeds 712730 and 715725: see the two tests below.
   */
  @Test
  void recordedSeedsStayFixed() {
    for (long seed : RECORDED_SEEDS) {
      Simulation.Failure failure = Simulation.run(seed);
      assertThat(failure).as(() -> failure.report()).isNull();
    }
  }

  /**
   * Seed 712730, shrunk: the pair link is cut for 7.7 s, the backup's Redis restarts empty, the
   * link heals for 47 ms (no advert gets through, but the backup's replica reconnects and resyncs,
   * so the master counts a fresh acknowledgement as proof for up to two seconds), then is cut
   * again. The backup, silent on VRRP for 8.5 s and never having seen its link up in a check, took
   * the Lease the master had released and both held VIP a with a writable master. The backup now
   * counts its Redis's stream moving between two checks as the peer serving it.
   */
  @Test
  void seed712730AReconnectBetweenTwoChecksCountsAsServed() {
    List<Fault> faults =
        List.of(
            new Fault(Kind.PAIR_CUT, 18_849, 7_666, 0, null, 0),
            new Fault(Kind.REDIS_RESTART_EMPTY, 22_261, 0, 1, "a", 0),
            new Fault(Kind.PAIR_CUT, 26_562, 757, 0, null, 0));
    SimWorld world = Simulation.runSchedule(712730, Scenario.CHAOS, Protection.LEASE, faults);
    assertThat(world.checker.violation()).as(() -> String.join("\n", world.trace())).isNull();
  }

  /**
   * Seed 715725, shrunk: a pair cut makes the backup detach its Redis (new stream B after A); the
   * link heals, the backup points its Redis at the master, and the master is isolated before they
   * link, so the backup detaches again (stream C after B: A forgotten, though B carried nothing).
   * Both sides then found the histories unrelated (DIVERGED) and refused the role: no VIP holder
   * after the heal. The backup now resolves its Redis's history past a stream that added nothing
   * ({@link io.redisha.redis.ReplicationLineage}), follows the master and the pair heals.
   */
  @Test
  void seed715725ADetachTwiceDoesNotForgetTheHistory() {
    List<Fault> faults =
        List.of(
            new Fault(Kind.PAIR_CUT, 25_101, 1_567, 0, null, 0),
            new Fault(Kind.ISOLATE, 26_751, 3_762, 0, null, 0));
    SimWorld world = Simulation.runSchedule(715725, Scenario.CHAOS, Protection.LEASE, faults);
    assertThat(world.checker.violation()).as(() -> String.join("\n", world.trace())).isNull();
  }

  /** The recorded seeds keep the scenario (and so the schedule) they failed with. */
  @Test
  void recordedSeedsKeepTheirScenario() {
    for (long seed : RECORDED_SEEDS) {
      assertThat(Simulation.scenarioOf(seed)).as("seed " + seed).isIn(Scenario.CLASSIC);
      assertThat(Simulation.scenarioOf(seed))
          .as("seed " + seed)
          .isEqualTo(Scenario.CLASSIC.get((int) (seed % 5)));
    }
  }

  /** The checker must be able to fail: without protection a pair-link cut makes two masters. */
  @Test
  void withoutProtectionAPairCutShowsTheSplitBrain() {
    List<Fault> cut = List.of(new Fault(Kind.PAIR_CUT, 10_000, 6_000, 0, null, 0));
    SimWorld world = Simulation.runSchedule(42, Scenario.PAIR_CUT, Protection.NONE, cut);
    assertThat(world.checker.violation()).contains("S3").contains("appeared on");
    SimWorld guarded = Simulation.runSchedule(42, Scenario.PAIR_CUT, Protection.LEASE, cut);
    assertThat(guarded.checker.violation()).isNull();
  }
}

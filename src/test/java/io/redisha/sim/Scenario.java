package io.redisha.sim;

import io.redisha.sim.Fault.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A family of fault schedules and the extra rules that hold under it. Every scenario is checked for
 * S1 (one master), S4 (an isolated master fences itself in time) and S5 (no empty-master wipe).
 */
enum Scenario {
  /** Anything at all, overlapping. */
  CHAOS,
  /** S2: only the API server is cut off (the link may jitter): nothing may move. */
  API_OUTAGE,
  /** S3: only the pair link breaks: the master keeps its role and loses no acknowledged write. */
  PAIR_CUT,
  /** S6: faults of group a's Redis only: group b does not notice. */
  GROUP_FAULT,
  /** S7: planned switchovers, with replica lag that may force an abort: no write is lost. */
  SWITCHOVER;

  static final long FAULTS_FROM_MILLIS = 8_000;
  static final long FAULTS_UNTIL_MILLIS = 34_000;

  List<Fault> generate(Random random) {
    List<Fault> faults = new ArrayList<>();
    int count = 1 + random.nextInt(this == CHAOS ? 6 : 3);
    for (int i = 0; i < count; i++) {
      faults.add(fault(random));
    }
    if (this == API_OUTAGE || this == PAIR_CUT || this == SWITCHOVER) {
      int jitter = random.nextInt(3);
      for (int i = 0; i < jitter; i++) {
        faults.add(jitter(random));
      }
    }
    faults.sort((a, b) -> Long.compare(a.atMillis(), b.atMillis()));
    return faults;
  }

  private Fault fault(Random random) {
    return switch (this) {
      case CHAOS -> {
        Kind kind = Kind.values()[random.nextInt(Kind.values().length)];
        yield make(random, kind, 200, 9_000);
      }
      case API_OUTAGE -> make(random, Kind.API_CUT, 500, 20_000);
      case PAIR_CUT -> make(random, Kind.PAIR_CUT, 500, 10_000);
      case GROUP_FAULT -> {
        Kind kind =
            List.of(Kind.REDIS_CRASH, Kind.REDIS_RESTART_EMPTY, Kind.REDIS_LAG)
                .get(random.nextInt(3));
        Fault fault = make(random, kind, 100, 6_000);
        yield new Fault(kind, fault.atMillis(), fault.durationMillis(), fault.node(), "a", 0);
      }
      case SWITCHOVER ->
          random.nextInt(3) == 0
              ? make(random, Kind.REDIS_LAG, 100, 3_000)
              : make(random, Kind.SWITCHOVER, 0, 0);
    };
  }

  private static Fault jitter(Random random) {
    Kind kind = List.of(Kind.DROP, Kind.DELAY, Kind.DUPLICATE).get(random.nextInt(3));
    Fault fault = make(random, kind, 500, 10_000);
    double rate =
        switch (kind) {
          case DROP -> 0.05 + random.nextDouble() * 0.25;
          case DUPLICATE -> 0.1 + random.nextDouble() * 0.4;
          default -> 1 + random.nextInt(20);
        };
    return new Fault(kind, fault.atMillis(), fault.durationMillis(), 0, null, rate);
  }

  private static Fault make(Random random, Kind kind, long minMillis, long maxMillis) {
    long at = FAULTS_FROM_MILLIS + random.nextLong(FAULTS_UNTIL_MILLIS - FAULTS_FROM_MILLIS);
    long duration =
        minMillis + (maxMillis > minMillis ? random.nextLong(maxMillis - minMillis) : 0);
    int node = random.nextInt(2);
    String group = random.nextBoolean() ? "a" : "b";
    double rate =
        switch (kind) {
          case DROP -> 0.1 + random.nextDouble() * 0.8;
          case DUPLICATE -> 0.1 + random.nextDouble() * 0.5;
          case DELAY -> 1 + random.nextInt(80);
          default -> 0;
        };
    return new Fault(kind, at, duration, node, group, rate);
  }
}

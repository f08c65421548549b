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
  SWITCHOVER,
  /**
   * What happens to the master's agent and link: a stall while its Redis serves, a crash with its
   * VIP and Redis left behind, a lossy pair link, its Redis restarted at once (0 ms), adverts lost
   * in bursts. One writable master at a time, and no acknowledged write lost but those its Redis
   * had not yet replicated when it died.
   */
  AGENT_FAULT,
  /** Anything at all, overlapping, the agent and link faults included. */
  NODE_CHAOS;

  /** The first five scenarios, whose seeds must keep replaying the schedules they once failed. */
  static final List<Scenario> CLASSIC =
      List.of(CHAOS, API_OUTAGE, PAIR_CUT, GROUP_FAULT, SWITCHOVER);

  static final long FAULTS_FROM_MILLIS = 8_000;
  static final long FAULTS_UNTIL_MILLIS = 34_000;

  List<Fault> generate(Random random) {
    List<Fault> faults = new ArrayList<>();
    int count = 1 + random.nextInt(this == CHAOS ? 6 : 3);
    for (int i = 0; i < count; i++) {
      faults.add(fault(random));
    }
    if (this == API_OUTAGE || this == PAIR_CUT || this == SWITCHOVER || this == AGENT_FAULT) {
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
        Kind kind = Fault.CLASSIC.get(random.nextInt(Fault.CLASSIC.size()));
        yield make(random, kind, 200, 9_000);
      }
      case NODE_CHAOS -> {
        Kind kind = Kind.values()[random.nextInt(Kind.values().length)];
        Fault fault = make(random, kind, 200, 9_000);
        yield random.nextBoolean() ? at(fault, Fault.MASTER) : fault;
      }
      case AGENT_FAULT -> agentFault(random);
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

  private static Fault agentFault(Random random) {
    Kind kind =
        List.of(
                Kind.AGENT_STALL,
                Kind.AGENT_STALL,
                Kind.AGENT_CRASH,
                Kind.AGENT_CRASH,
                Kind.LOSSY,
                Kind.LOSSY,
                Kind.REDIS_RESTART_EMPTY,
                Kind.DROP)
            .get(random.nextInt(8));
    Fault fault =
        switch (kind) {
          case AGENT_STALL -> make(random, kind, 100, 9_000);
          case AGENT_CRASH -> make(random, kind, 0, 6_000);
          case LOSSY -> make(random, kind, 500, 10_000);
          case DROP -> make(random, kind, 300, 4_000);
          default -> make(random, kind, 0, 0);
        };
    Fault aimed = random.nextInt(4) == 0 ? fault : at(fault, Fault.MASTER);
    return kind == Kind.REDIS_RESTART_EMPTY
        ? new Fault(kind, aimed.atMillis(), 0, aimed.node(), aimed.group(), 0)
        : aimed;
  }

  private static Fault at(Fault fault, int node) {
    return new Fault(
        fault.kind(), fault.atMillis(), fault.durationMillis(), node, fault.group(), fault.rate());
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
          case LOSSY -> 0.1 + random.nextDouble() * 0.4;
          default -> 0;
        };
    return new Fault(kind, at, duration, node, group, rate);
  }
}

package io.redisha.sim;

import io.redisha.agent.Switchover;
import io.redisha.arbiter.Protection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Asserts the safety rules after every step of a simulation, and the scenario's extra rules at its
 * end. The first violation stops the run.
 */
final class SafetyChecker {
  /** When boot is over and the scenario's "nothing moves" rules start to count. */
  static final long STEADY_NANOS = (Scenario.FAULTS_FROM_MILLIS - 1_000) * 1_000_000L;

  private final SimWorld world;
  private final long overlapToleranceNanos;
  private String violation;
  private final Map<String, Long> overlapSince = new HashMap<>();
  private final long[] isolatedSince = {-1, -1};
  // S4 is what a running agent does: a crashed or stalled one cannot fence (S1 still holds).
  private final boolean[] agentAwayDuringIsolation = {false, false};
  private final Set<String> vipAtIsolation = new HashSet<>();
  private long lastLinkDownNanos;
  private long healedNanos;
  private boolean steadyRecorded;
  private final Map<String, Long> transitionsAtSteady = new HashMap<>();
  private final Map<String, Integer> holderAtSteady = new HashMap<>();
  private final Map<String, Set<Long>> excused = new HashMap<>();
  int switchoversRunning;

  SafetyChecker(SimWorld world) {
    this.world = world;
    this.overlapToleranceNanos = world.timing.advertInterval().toNanos() + 5_000_000L;
  }

  String violation() {
    return violation;
  }

  void fail(String text) {
    if (violation == null) {
      violation = String.format("%.3f s: %s", world.now() / 1e9, text);
    }
  }

  void healedAt(long nanos) {
    healedNanos = nanos;
  }

  private boolean guarded() {
    return world.protection != Protection.NONE;
  }

  void afterStep() {
    long now = world.now();
    if (!world.network.up(0, 1)) {
      lastLinkDownNanos = now;
    }
    for (String group : SimWorld.GROUPS) {
      checkOneMaster(group, now);
    }
    checkIsolation(now);
    if (!steadyRecorded && now >= STEADY_NANOS) {
      steadyRecorded = true;
      recordSteadyState();
    }
    if (steadyRecorded) {
      checkNothingMoves();
    }
  }

  /**
   * S1: never two nodes that hold the VIP and run a writable master, beyond one advert. A master
   * paused by CLIENT PAUSE WRITE or fenced by min-replicas-to-write takes no write, so it does not
   * count.
   */
  private void checkOneMaster(String group, long now) {
    int masters = 0;
    for (int node = 0; node < 2; node++) {
      SimRedis server = world.redis(node, group);
      if (world.vip(node, group).held && server.acceptsWrites()) {
        masters++;
      }
    }
    if (masters < 2) {
      overlapSince.remove(group);
      return;
    }
    long since = overlapSince.computeIfAbsent(group, g -> now);
    if (guarded() && now - since > overlapToleranceNanos) {
      fail(
          "S1: both nodes hold VIP "
              + group
              + " and run a writable master for "
              + (now - since) / 1_000_000
              + " ms");
    }
  }

  /**
   * S4: an isolated master drops its VIP (so no client write reaches it any more) before the peer
   * may take over. Its Redis may stay a master without the VIP: pointing it at an unreachable peer
   * would let Redis resynchronise from whatever the peer holds at the heal (see
   * GroupController.followRefused).
   */
  private void checkIsolation(long now) {
    if (!guarded()) {
      return;
    }
    for (int node = 0; node < 2; node++) {
      boolean isolated = world.network.isolations[node] > 0;
      if (!isolated) {
        isolatedSince[node] = -1;
        agentAwayDuringIsolation[node] = false;
        continue;
      }
      if (isolatedSince[node] < 0) {
        isolatedSince[node] = now;
        for (String group : SimWorld.GROUPS) {
          if (world.vip(node, group).held) {
            vipAtIsolation.add(node + group);
          } else {
            vipAtIsolation.remove(node + group);
          }
        }
      }
      if (!world.agentRunning(node)) {
        agentAwayDuringIsolation[node] = true;
      }
      long isolatedFor = now - isolatedSince[node];
      for (String group : SimWorld.GROUPS) {
        if (world.vip(node, group).held
            && !agentAwayDuringIsolation[node]
            && isolatedFor > world.timing.fenceTime().toNanos()) {
          fail(
              "S4: "
                  + world.nodeName(node)
                  + " still holds VIP "
                  + group
                  + " "
                  + isolatedFor / 1_000_000
                  + " ms after being isolated");
        }
      }
    }
  }

  /** S5: an empty Redis is never promoted over a reachable peer that has data. */
  void promoted(SimRedis server) {
    SimRedis peer = server.peer();
    long linkUpFor = world.now() - lastLinkDownNanos;
    if (server.log.isEmpty()
        && peer.alive
        && !peer.log.isEmpty()
        && world.network.up(0, 1)
        && linkUpFor > 1_000_000_000L) {
      fail(
          "S5: empty Redis on "
              + world.nodeName(server.node)
              + "/"
              + server.group
              + " promoted while the peer holds "
              + peer.log.size()
              + " writes");
    }
  }

  /** S5: no replica throws its acknowledged data away to copy an empty master. */
  void fullSync(SimRedis replica, SimRedis source) {
    if (!source.log.isEmpty()) {
      return;
    }
    Map<Long, Integer> acked = world.acked.get(replica.group);
    long lost = replica.log.stream().filter(acked::containsKey).count();
    if (lost > 0) {
      fail(
          "S5: "
              + world.nodeName(replica.node)
              + "/"
              + replica.group
              + " wiped "
              + lost
              + " acknowledged writes by a full sync from the empty Redis on "
              + world.nodeName(source.node));
    }
  }

  /**
   * A write was acknowledged. While the two nodes cannot reach each other it cannot be replicated,
   * so losing it is the price of asynchronous replication under a partition, not a bug.
   */
  void acked(String group, int node, long id) {
    if (!world.network.up(0, 1)) {
      excuse(group, id);
    }
  }

  /**
   * A Redis dies: the writes it acknowledged that the other Redis does not have yet may be lost
   * ("beyond those not yet replicated at the kill").
   */
  void redisCrashing(SimRedis server) {
    excuseUnreplicated(server);
  }

  /** A partition begins: what either side has not replicated yet may be lost. */
  void faultBegins(Fault fault) {
    if (fault.kind() == Fault.Kind.PAIR_CUT || fault.kind() == Fault.Kind.ISOLATE) {
      for (String group : SimWorld.GROUPS) {
        for (int node = 0; node < 2; node++) {
          excuseUnreplicated(world.redis(node, group));
        }
      }
    }
  }

  /**
   * Every write the server holds and the other does not (its acknowledgement may be on its way).
   */
  private void excuseUnreplicated(SimRedis server) {
    Set<Long> other = new HashSet<>(server.peer().alive ? server.peer().log : java.util.List.of());
    for (long id : server.log) {
      if (!other.contains(id)) {
        excuse(server.group, id);
      }
    }
  }

  private void excuse(String group, long id) {
    excused.computeIfAbsent(group, g -> new HashSet<>()).add(id);
  }

  void switchoverStarted(String group) {
    switchoversRunning++;
  }

  void switchoverEnded(String group, Switchover.Outcome outcome) {
    switchoversRunning--;
    if (outcome
            .pause()
            .compareTo(
                Switchover.Limits.DEFAULT
                    .catchUp()
                    .plus(Switchover.Limits.DEFAULT.handOver())
                    .plusMillis(100))
        > 0) {
      fail("S7: writes paused for " + outcome.pause().toMillis() + " ms: " + outcome.reason());
    }
  }

  private void recordSteadyState() {
    for (String group : SimWorld.GROUPS) {
      int holder = world.vipTarget(group);
      if (holder < 0) {
        fail("liveness: group " + group + " has no master after boot");
        return;
      }
      holderAtSteady.put(group, holder);
      for (int node = 0; node < 2; node++) {
        transitionsAtSteady.put(group + node, world.controller(node, group).router().transitions());
      }
    }
  }

  /** S2, S3 and S6: the groups the scenario does not touch keep their master and VRRP state. */
  private void checkNothingMoves() {
    Set<String> still =
        switch (world.scenario) {
          case API_OUTAGE -> Set.of("a", "b");
          case GROUP_FAULT -> Set.of("b");
          case PAIR_CUT -> Set.of("a", "b");
          default -> Set.of();
        };
    String rule =
        switch (world.scenario) {
          case API_OUTAGE -> "S2";
          case GROUP_FAULT -> "S6";
          default -> "S3";
        };
    for (String group : still) {
      int holder = holderAtSteady.get(group);
      for (int node = 0; node < 2; node++) {
        boolean held = world.vip(node, group).held;
        if (held != (node == holder)) {
          fail(
              rule
                  + ": VIP "
                  + group
                  + (held ? " appeared on " : " dropped on ")
                  + world.nodeName(node));
        }
        if (world.scenario != Scenario.PAIR_CUT
            && world.controller(node, group).router().transitions()
                != transitionsAtSteady.get(group + node)) {
          fail(
              rule
                  + ": group "
                  + group
                  + " on "
                  + world.nodeName(node)
                  + " changed VRRP state to "
                  + world.controller(node, group).router().state());
        }
      }
    }
  }

  /** After the faults healed and the pair settled: one master per group, and nothing lost. */
  void atEnd() {
    for (String group : SimWorld.GROUPS) {
      int holders = 0;
      int holder = -1;
      for (int node = 0; node < 2; node++) {
        if (world.vip(node, group).held) {
          holders++;
          holder = node;
        }
      }
      if (holders != 1 && guarded()) {
        fail("liveness: group " + group + " has " + holders + " VIP holders after healing");
        return;
      }
      if (holder < 0) {
        continue;
      }
      SimRedis master = world.redis(holder, group);
      if (!master.alive || !master.master) {
        fail("liveness: VIP " + group + " on " + world.nodeName(holder) + " but Redis not master");
        return;
      }
      boolean lossless =
          switch (world.scenario) {
            case PAIR_CUT, SWITCHOVER, API_OUTAGE -> true;
            case GROUP_FAULT -> group.equals("b");
            case CHAOS, AGENT_FAULT, NODE_CHAOS -> false;
          };
      Set<Long> held = new HashSet<>(master.log);
      Set<Long> allowed = excused.getOrDefault(group, Set.of());
      long unexcused =
          world.acked.get(group).keySet().stream()
              .filter(id -> !held.contains(id) && !allowed.contains(id))
              .count();
      if (unexcused > 0 && guarded()) {
        fail(
            "loss: "
                + unexcused
                + " acknowledged writes of group "
                + group
                + " lost that were neither unreplicated at a Redis crash nor taken during a"
                + " partition");
        return;
      }
      if (lossless) {
        long lost =
            world.acked.get(group).keySet().stream().filter(id -> !held.contains(id)).count();
        if (lost > 0) {
          fail(
              (world.scenario == Scenario.SWITCHOVER ? "S7" : "loss")
                  + ": "
                  + lost
                  + " acknowledged writes of group "
                  + group
                  + " lost");
        }
      }
    }
  }

  /** Acknowledged writes missing from the final master, per group (for reports). */
  long lostWrites(String group) {
    int holder = world.vipTarget(group);
    if (holder < 0) {
      return world.acked.get(group).size();
    }
    Set<Long> held = new HashSet<>(world.redis(holder, group).log);
    return world.acked.get(group).keySet().stream().filter(id -> !held.contains(id)).count();
  }
}

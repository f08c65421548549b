package io.redisha.redis;

import java.util.Objects;
import java.util.Optional;

/**
 * What a new Redis process (its run id changed between two checks) means for the node. Any restart
 * takes the node's health down at once, so {@code rise} good checks are needed again. A restarted
 * Redis that came back as a master without keys is more: a writable empty master, which the peer's
 * replica would resynchronise from (and be wiped by) as soon as it reconnects. Unless this node is
 * the VRRP master, it is made a replica of the peer at once, without waiting for those checks (seed
 * 1625 family).
 *
 * <p>Pure: a function of two INFO snapshots and the node's VRRP role.
 */
public final class RestartQuarantine {

  /** What the controller does after a check. */
  public enum Verdict {
    /** First check, or the same process as before. */
    SAME_PROCESS,
    /** A new process: health starts over; the role is left to the level-triggered loop. */
    RESTARTED,
    /** A new process, an empty master, and this node is not master: make it a replica now. */
    RESTARTED_EMPTY_MAKE_REPLICA;

    /** Whether the Redis process changed. */
    public boolean restarted() {
      return this != SAME_PROCESS;
    }
  }

  private RestartQuarantine() {}

  /**
   * @param previous the INFO of the last good check, empty before the first
   * @param current the INFO just read
   * @param nodeIsMaster whether this node holds the VRRP master role of the group
   */
  public static Verdict decide(
      Optional<ReplicationInfo> previous, ReplicationInfo current, boolean nodeIsMaster) {
    Objects.requireNonNull(previous, "previous");
    Objects.requireNonNull(current, "current");
    if (previous.isEmpty() || previous.get().runId().equals(current.runId())) {
      return Verdict.SAME_PROCESS;
    }
    boolean emptyMaster =
        current.isMaster() && current.keys().isPresent() && current.keys().getAsLong() == 0;
    return emptyMaster && !nodeIsMaster ? Verdict.RESTARTED_EMPTY_MAKE_REPLICA : Verdict.RESTARTED;
  }
}

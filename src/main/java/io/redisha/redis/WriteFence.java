package io.redisha.redis;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The Redis-level write fence: a master with {@code min-replicas-to-write} above its number of
 * replicas refuses every write ({@code NOREPLICAS}) while it goes on serving reads and replication.
 * A pair has at most one replica per group, so {@link #CLOSED} refuses writes whatever happens; 0
 * ({@link #OPEN}) accepts them; {@link #GUARDED} (1, with {@code min-replicas-max-lag} {@value
 * #GUARD_MAX_LAG_SECONDS}) accepts them only while the replica acknowledges, so Redis itself stops
 * taking writes within {@link #GUARDED_CLOSE} of the replica's last acknowledgement, whether or not
 * its agent still runs.
 *
 * <p>The fence is closed by default and opened only by the agent that has decided its node is the
 * group's master:
 *
 * <ul>
 *   <li>{@code redis.conf} sets {@code min-replicas-to-write 1000000}, so a Redis that its
 *       supervisor restarts at once (empty, and a master) refuses writes before any agent has seen
 *       it;
 *   <li>an agent opens the fence on its own Redis when its node becomes master, and closes it as
 *       soon as the node is anything else (backup, fault, stopping), whatever Redis's role;
 *   <li>with an arbiter (Lease, etcd) a master's fence is always guarded: a master whose agent
 *       stalls or dies while it is cut off from its peer (it can no longer fence itself, and nobody
 *       can reach its Redis) stops taking writes before the peer may take over, because the
 *       replica's acknowledgements stopped too. While it holds the arbiter's key without its
 *       replica, the replica that acknowledges is its agent's own ({@link WriteKeeper}), and only
 *       for as long as the key covers. Without an arbiter nothing but the agent can make a master
 *       legitimate, and the fence is open;
 *   <li>an agent that takes over from a peer whose Redis still serves (the peer's agent stalled or
 *       dead) closes the peer's fence first, over the peer Redis port it already uses;
 *   <li>a master that finds the fence of its own Redis closed, or its Redis made a replica, by
 *       someone else ({@link #decide}) was fenced by the peer: it steps down instead of opening it
 *       again.
 * </ul>
 *
 * <p>Pure: functions of INFO snapshots (with the setting read by {@code CONFIG GET}).
 */
public final class WriteFence {

  /** {@code min-replicas-to-write} of a closed fence (and the value {@code redis.conf} ships). */
  public static final int CLOSED = 1_000_000;

  /** {@code min-replicas-to-write} of an open fence. */
  public static final int OPEN = 0;

  /** {@code min-replicas-to-write} of a guarded fence: the pair's one replica must acknowledge. */
  public static final int GUARDED = 1;

  /**
   * {@code min-replicas-max-lag} the agent sets with every fence: Redis counts a replica good while
   * its last acknowledgement is at most this many whole seconds old.
   */
  public static final int GUARD_MAX_LAG_SECONDS = 1;

  /**
   * How long after the replica's last acknowledgement reached it a guarded Redis may still take
   * writes, at worst. Redis stamps an acknowledgement with its clock in whole seconds and counts
   * the replica good while {@code now - ack <= max-lag} in whole seconds: up to max-lag + 1 s of
   * real time; it recounts only once a second (replicationCron) and at each acknowledgement: 1 s
   * more. Redis 7.0.15 measured here: 553-2517 ms from the replica's SIGSTOP to the first
   * NOREPLICAS over 12 runs (the replica acknowledges once a second, so the last one is 0-1 s older
   * than the stop).
   */
  public static final Duration GUARDED_CLOSE = Duration.ofSeconds(GUARD_MAX_LAG_SECONDS + 1L + 1L);

  /** What an agent sets. */
  public enum Setting {
    OPEN(WriteFence.OPEN),
    GUARDED(WriteFence.GUARDED),
    CLOSED(WriteFence.CLOSED);

    private final int minReplicasToWrite;

    Setting(int minReplicasToWrite) {
      this.minReplicasToWrite = minReplicasToWrite;
    }

    /** The {@code min-replicas-to-write} of this setting. */
    public int minReplicasToWrite() {
      return minReplicasToWrite;
    }
  }

  /** What the setting of one Redis says. */
  public enum State {
    /** 0: writes accepted. */
    OPEN,
    /** 1: writes accepted while the replica acknowledges ({@link #GUARDED}). */
    GUARDED,
    /** Any other value: writes refused unless that many replicas are connected. */
    CLOSED,
    /** The setting could not be read ({@code CONFIG} renamed or not allowed): no fence. */
    UNKNOWN
  }

  private WriteFence() {}

  /** The fence state of {@code info}. */
  public static State state(ReplicationInfo info) {
    Objects.requireNonNull(info, "info");
    if (info.minReplicasToWrite().isEmpty()) {
      return State.UNKNOWN;
    }
    return switch (info.minReplicasToWrite().getAsInt()) {
      case OPEN -> State.OPEN;
      case GUARDED -> State.GUARDED;
      default -> State.CLOSED;
    };
  }

  /** Whether the agent must set the fence of {@code info} to reach {@code wanted}. */
  public static boolean needsChange(ReplicationInfo info, Setting wanted) {
    Objects.requireNonNull(wanted, "wanted");
    if (info.minReplicasToWrite().isEmpty()) {
      return false;
    }
    return info.minReplicasToWrite().getAsInt() != wanted.minReplicasToWrite();
  }

  /** What a master learns from a check of its own Redis. */
  public enum Verdict {
    /** The fence was not opened yet in this term, or the check was sent before it was. */
    NOT_OPENED_YET,
    /** A different Redis process: the restart rules apply, not this one. */
    OTHER_PROCESS,
    /** Still a master with the fence we opened or guarded (or the fence cannot be read). */
    KEPT,
    /** Someone closed the fence we opened: the peer took over, or is taking over. */
    FENCE_CLOSED,
    /** Someone made our Redis a replica: the peer took over and demoted it. */
    MADE_REPLICA;

    /** Whether the master was fenced by someone else and must step down. */
    public boolean fenced() {
      return this == FENCE_CLOSED || this == MADE_REPLICA;
    }
  }

  /**
   * For a node that holds the master role: was its Redis fenced by someone else? Only a check sent
   * after the agent opened (or guarded) the fence counts, and only on the process it opened it on.
   * A guarded fence is ours, not a closed one: only {@link #CLOSED} set by someone else fences.
   *
   * @param local the INFO just read
   * @param openedOnRunId the run id of the process whose fence this agent opened in its current
   *     master term; empty before it did
   * @param checkSentAfterOpening whether the check was sent after the fence was opened
   */
  public static Verdict decide(
      ReplicationInfo local, Optional<String> openedOnRunId, boolean checkSentAfterOpening) {
    Objects.requireNonNull(local, "local");
    Objects.requireNonNull(openedOnRunId, "openedOnRunId");
    if (openedOnRunId.isEmpty() || !checkSentAfterOpening) {
      return Verdict.NOT_OPENED_YET;
    }
    if (!openedOnRunId.get().equals(local.runId())) {
      return Verdict.OTHER_PROCESS;
    }
    if (!local.isMaster()) {
      return Verdict.MADE_REPLICA;
    }
    return state(local) == State.CLOSED ? Verdict.FENCE_CLOSED : Verdict.KEPT;
  }
}

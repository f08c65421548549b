package io.redisha.redis;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Two masters meet (a split brain heals, the peer became master while we are): which one keeps the
 * role. The side whose Redis holds everything the other's has keeps it and the other yields, so the
 * writes taken during the split survive when only one side took any. When both took writes, the
 * side that added more since they parted keeps it, so the fewest acknowledged writes are thrown
 * away. When the data are equal, unrelated or cannot be compared, VRRP priority decides (RFC 5798).
 * Before all of that, a master that holds the arbiter's key keeps the role: the peer's Redis
 * refuses writes without the key, so every write since the split healed came to ours, and yielding
 * on the data would throw them away (simulation seed 1019278: the peer, its agent stalled through
 * the cut, had taken more before it stalled).
 *
 * <p>A conflict is judged on a look at the peer's Redis taken after it began: for up to {@link
 * #LOOK_LIMIT} the master keeps the role while it looks; then priority decides.
 *
 * <p>Pure: a function of the two INFO snapshots and timestamps from the caller's clock.
 */
public final class MasterConflict {

  /** How long a master keeps the role while it waits for a fresh look at the peer's Redis. */
  public static final Duration LOOK_LIMIT = Duration.ofSeconds(2);

  /** What our router does about the peer's claim. */
  public enum Outcome {
    /** Keep the master role, whatever the priorities. */
    KEEP,
    /** Hand the role to the peer. */
    YIELD,
    /** Priority, then address, decide (RFC 5798). */
    BY_PRIORITY
  }

  /** Which case of the rule applied. */
  public enum Reason {
    HOLDS_ARBITER_KEY,
    LOOKING_AT_PEER,
    PEER_NOT_COMPARABLE,
    WE_HOLD_THEIRS,
    THEY_HOLD_OURS,
    WE_ADDED_MORE,
    THEY_ADDED_MORE,
    EQUAL_OR_UNRELATED
  }

  /**
   * @param outcome what to do about the peer's claim
   * @param reason which case applied
   * @param explanation for logs
   */
  public record Verdict(Outcome outcome, Reason reason, String explanation) {
    public Verdict {
      Objects.requireNonNull(outcome, "outcome");
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(explanation, "explanation");
    }

    /** Whether the caller should look at the peer's Redis again (it keeps the role meanwhile). */
    public boolean lookAtPeer() {
      return reason == Reason.LOOKING_AT_PEER;
    }
  }

  private MasterConflict() {}

  /**
   * Whether an advert of the other master begins a new conflict rather than continuing the last.
   *
   * @param lastConflictNanos when the previous conflicting advert came; negative when none did
   */
  public static boolean startsConflict(long lastConflictNanos, long nowNanos) {
    return lastConflictNanos < 0 || nowNanos - lastConflictNanos > LOOK_LIMIT.toNanos();
  }

  /**
   * @param local our Redis's INFO, empty when unknown
   * @param peer the peer's Redis's INFO from its last look, empty when it could not be read
   * @param peerCheckedAtNanos when that look was taken; negative when there was none
   * @param conflictSinceNanos when the conflict began
   * @param nowNanos the time of the advert being judged
   */
  public static Verdict decide(
      Optional<ReplicationInfo> local,
      Optional<ReplicationInfo> peer,
      long peerCheckedAtNanos,
      long conflictSinceNanos,
      long nowNanos) {
    return decide(local, peer, peerCheckedAtNanos, conflictSinceNanos, nowNanos, false);
  }

  /**
   * @param holdsArbiterKey whether this node holds the arbiter's key (Lease, etcd) now
   */
  public static Verdict decide(
      Optional<ReplicationInfo> local,
      Optional<ReplicationInfo> peer,
      long peerCheckedAtNanos,
      long conflictSinceNanos,
      long nowNanos,
      boolean holdsArbiterKey) {
    if (holdsArbiterKey) {
      return new Verdict(Outcome.KEEP, Reason.HOLDS_ARBITER_KEY, "the arbiter's key is ours");
    }
    Objects.requireNonNull(local, "local");
    Objects.requireNonNull(peer, "peer");
    boolean fresh =
        peer.isPresent() && peerCheckedAtNanos > conflictSinceNanos && local.isPresent();
    if (!fresh) {
      return nowNanos - conflictSinceNanos < LOOK_LIMIT.toNanos()
          ? new Verdict(Outcome.KEEP, Reason.LOOKING_AT_PEER, "looking at its Redis")
          : new Verdict(
              Outcome.BY_PRIORITY, Reason.PEER_NOT_COMPARABLE, "its Redis cannot be compared");
    }
    ReplicationInfo ours = local.get();
    ReplicationInfo theirs = peer.get();
    // Holding everything, not the newer fork: between two masters the side that added more keeps
    // the role, so the fewest acknowledged writes are thrown away.
    boolean weHoldTheirs = DataGuard.holdsEverything(ours, theirs);
    boolean theyHoldOurs = DataGuard.holdsEverything(theirs, ours);
    if (weHoldTheirs && !theyHoldOurs) {
      return new Verdict(Outcome.KEEP, Reason.WE_HOLD_THEIRS, "our Redis holds all of its data");
    }
    if (theyHoldOurs && !weHoldTheirs) {
      return new Verdict(Outcome.YIELD, Reason.THEY_HOLD_OURS, "its Redis holds all of ours");
    }
    if (!weHoldTheirs) {
      // Both took writes (or Redis's own replication PINGs) after parting.
      long[] beyond = DataGuard.bytesBeyondFork(ours, theirs);
      if (beyond != null && beyond[0] != beyond[1]) {
        String why = "since the split we added " + beyond[0] + " bytes, the peer " + beyond[1];
        return beyond[0] > beyond[1]
            ? new Verdict(Outcome.KEEP, Reason.WE_ADDED_MORE, why)
            : new Verdict(Outcome.YIELD, Reason.THEY_ADDED_MORE, why);
      }
    }
    return new Verdict(Outcome.BY_PRIORITY, Reason.EQUAL_OR_UNRELATED, "data equal or unrelated");
  }
}

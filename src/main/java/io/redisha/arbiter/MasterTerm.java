package io.redisha.arbiter;

/**
 * The part of the rules that Lease and witness share: when a master last had proof that its peer
 * follows it, and whether a backup's view of the peer allows it to ask the arbiter at all.
 * Package-private; both guards own one.
 */
final class MasterTerm {
  private final FenceTiming timing;
  private long lastHoldCallNanos = Long.MIN_VALUE;
  private long proofNanos;
  private boolean proof;

  MasterTerm(FenceTiming timing) {
    this.timing = timing;
  }

  /**
   * Notes a master tick. A tick long after the previous one starts a new term: a node that just
   * became master counts its start as its last proof, because it got there through the arbiter or
   * through the peer's own release.
   */
  void tick(long now, boolean peerFollowing) {
    boolean newTerm =
        lastHoldCallNanos == Long.MIN_VALUE
            || now - lastHoldCallNanos > timing.tick().multipliedBy(3).toNanos();
    lastHoldCallNanos = now;
    if (newTerm || peerFollowing) {
      proofNanos = now;
    }
    proof = peerFollowing;
  }

  boolean proof() {
    return proof;
  }

  /** Whether the master was ticking recently (it wants the arbiter while it has no proof). */
  boolean active(long now) {
    return lastHoldCallNanos != Long.MIN_VALUE
        && now - lastHoldCallNanos <= timing.tick().multipliedBy(3).toNanos();
  }

  /** Nanoseconds since the last proof (or the start of the term). */
  long sinceProof(long now) {
    return now - proofNanos;
  }

  /** Whether the grace after losing the proof is over. */
  boolean graceOver(long now) {
    return sinceProof(now) > timing.holdGrace().toNanos();
  }

  /**
   * The backup's precondition: null when the peer released the role just now or has been silent for
   * longer than the fence time, else the reason to wait.
   */
  static String silenceRefusal(FenceTiming timing, SplitBrainGuard.PeerView peer) {
    if (peer.silence().compareTo(timing.fenceTime()) <= 0) {
      return "peer heard "
          + peer.silence().toMillis()
          + " ms ago; a takeover needs "
          + timing.fenceTime().toMillis()
          + " ms of silence";
    }
    if (peer.everHeard() && peer.redisAnswersAsMaster()) {
      // The master's host and the link work (its Redis answers over it); only its adverts are
      // lost. Taking over would make two masters while the old one still has its proof.
      return "peer silent on VRRP for "
          + peer.silence().toMillis()
          + " ms, but its Redis still answers as master";
    }
    return null;
  }

  /** Whether the caller may skip the arbiter: a fresh release hands the role over directly. */
  static boolean freshRelease(FenceTiming timing, SplitBrainGuard.PeerView peer) {
    return peer.released() && peer.silence().compareTo(timing.advertInterval()) <= 0;
  }
}

package io.redisha.arbiter;

import java.time.Duration;

/**
 * The part of the rules every arbiter guard shares: when a master last had proof that its peer
 * follows it, and whether a backup's view of the peer allows it to ask the arbiter at all.
 * Package-private; each guard owns one.
 */
final class MasterTerm {
  private final FenceTiming timing;
  private long lastHoldCallNanos = Long.MIN_VALUE;
  private long proofNanos;
  private long termStartNanos;
  private long releaseAllowedNanos = Long.MIN_VALUE;
  private boolean releaseTerm;
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
    if (newTerm) {
      termStartNanos = now;
      releaseTerm =
          releaseAllowedNanos != Long.MIN_VALUE
              && now - releaseAllowedNanos <= timing.tick().multipliedBy(3).toNanos();
      proofNanos = now;
    }
    // An acknowledgement may be up to proofStaleness old: one from before this term says nothing
    // about whether the peer hears our adverts (seed 2110). After the peer's own release its Redis
    // was a master, so every acknowledgement is from this term.
    boolean counts = releaseTerm || now - termStartNanos > timing.proofStaleness().toNanos();
    proof = peerFollowing && counts;
    if (proof) {
      proofNanos = now;
    }
  }

  /** The gate let this node take over on the peer's fresh release. */
  void allowedByRelease(long now) {
    releaseAllowedNanos = now;
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
    Duration served = peer.sincePeerServedOurRedis();
    Duration proofLasts = servedWindow(timing);
    if (served != null && served.compareTo(proofLasts) <= 0) {
      // Our Redis acknowledged the peer's stream until recently: the peer may keep its role on
      // that proof, so the adverts alone say nothing (seeds 2250, 1760).
      return "peer silent on VRRP for "
          + peer.silence().toMillis()
          + " ms, but it served our Redis "
          + served.toMillis()
          + " ms ago; waiting "
          + proofLasts.toMillis()
          + " ms";
    }
    return null;
  }

  /**
   * How long after the peer last served our Redis (a check saw our Redis receive its stream, at
   * most one tick after the bytes came) it may still hold its proof. Its last acknowledgement left
   * while the link was up, at most a tick after that check; the proof then lasts {@link
   * FenceTiming#proofStaleness}, the grace {@link FenceTiming#holdGrace} and a tick more, so the
   * fence time (staleness + grace + margin of two ticks, two adverts and 200 ms, + one advert)
   * counted from the check leaves the old master 300 ms and more to have fenced itself. The master
   * isolated from its peer and the arbiter is the case this bound decides: the peer's adverts and
   * its stream stop together, and the check comes up to a tick after the adverts' silence began.
   */
  static Duration servedWindow(FenceTiming timing) {
    return timing.fenceTime();
  }

  /**
   * Whether the caller may skip the arbiter: a fresh release hands the role over directly, and so
   * does the peer's Redis fenced by this node (the old master can take no write any more, and its
   * agent steps down when it finds the fence).
   */
  static boolean freshRelease(FenceTiming timing, SplitBrainGuard.PeerView peer) {
    return peer.peerFenced()
        || (peer.released() && peer.silence().compareTo(timing.advertInterval()) <= 0);
  }
}

package io.redisha.redis;

import java.util.Objects;
import java.util.Optional;

/**
 * S5 on the replica side: may our Redis, on a node that is not master, be pointed at the peer's
 * Redis ({@code REPLICAOF})? Redis resynchronises by itself whenever the peer becomes reachable, so
 * following a peer that is empty (restarted) or behind would wipe our data. Found by the
 * simulation, seeds 265 and 290.
 *
 * <p>Our Redis follows when
 *
 * <ul>
 *   <li>the peer is master by VRRP ({@link PeerAdverts#heardAsMaster}): the pair has decided, and
 *       the peer became master only after its own S5 check; or
 *   <li>ours has no keys: there is nothing to lose; or
 *   <li>the peer's Redis is a master that holds everything ours has ({@link DataGuard}).
 * </ul>
 *
 * Otherwise it stays as it is, without the VIP, until one of them holds.
 *
 * <p>One exception comes first: a Redis that {@link ReplicaDetach} let go of because the peer's
 * Redis came back empty does not follow that same empty process again, even when the peer is heard
 * as master. Its adverts may be stale: a stalled agent wakes and sends the advert it owed before it
 * notices its Redis restarted, and that advert may overtake its release (simulation seeds 697,
 * 2877). Following it would wipe ours.
 *
 * <p>Pure: a function of the two INFO snapshots and what the router heard.
 */
public final class ReplicaFollow {

  /** Which case of the rule applied. */
  public enum Reason {
    PEER_STILL_EMPTY,
    PEER_HEARD_AS_MASTER,
    NOTHING_TO_LOSE,
    PEER_HOLDS_OUR_DATA,
    PEER_UNKNOWN,
    PEER_NOT_MASTER,
    PEER_LACKS_OUR_DATA
  }

  /**
   * @param follow whether our Redis may follow the peer's now
   * @param reason which case applied
   * @param explanation for logs and status
   */
  public record Verdict(boolean follow, Reason reason, String explanation) {
    public Verdict {
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(explanation, "explanation");
    }
  }

  private ReplicaFollow() {}

  /**
   * @param local our Redis's INFO
   * @param peer the peer's Redis's INFO, empty when it could not be read
   * @param adverts what our router last heard from the peer
   */
  public static Verdict decide(
      ReplicationInfo local, Optional<ReplicationInfo> peer, PeerAdverts adverts) {
    return decide(local, peer, adverts, Optional.empty());
  }

  /**
   * @param detachedFromEmpty the run id of the peer's empty Redis that ours was detached from
   *     ({@link ReplicaDetach.Reason#PEER_RESTARTED_EMPTY}), empty when it was not
   */
  public static Verdict decide(
      ReplicationInfo local,
      Optional<ReplicationInfo> peer,
      PeerAdverts adverts,
      Optional<String> detachedFromEmpty) {
    Objects.requireNonNull(local, "local");
    Objects.requireNonNull(peer, "peer");
    Objects.requireNonNull(adverts, "adverts");
    Objects.requireNonNull(detachedFromEmpty, "detachedFromEmpty");
    if (peer.isPresent()
        && detachedFromEmpty.isPresent()
        && detachedFromEmpty.get().equals(peer.get().runId())
        && peer.get().keys().orElse(1) == 0
        && local.keys().orElse(1) > 0) {
      return new Verdict(
          false,
          Reason.PEER_STILL_EMPTY,
          "our Redis was detached from the peer's because it came back empty, and it still is");
    }
    if (adverts.heardAsMaster()) {
      return new Verdict(true, Reason.PEER_HEARD_AS_MASTER, "the peer is master by VRRP");
    }
    if (local.keys().isPresent() && local.keys().getAsLong() == 0) {
      return new Verdict(true, Reason.NOTHING_TO_LOSE, "our Redis has no keys");
    }
    if (peer.isEmpty()) {
      return new Verdict(
          false, Reason.PEER_UNKNOWN, "the peer is neither heard as master nor reachable");
    }
    if (!peer.get().isMaster()) {
      return new Verdict(false, Reason.PEER_NOT_MASTER, "the peer's Redis is not a master");
    }
    DataGuard.Verdict peerHoldsOurs = DataGuard.decide(peer.get(), Optional.of(local));
    if (!peerHoldsOurs.mayBecomeMaster()) {
      return new Verdict(
          false,
          Reason.PEER_LACKS_OUR_DATA,
          "the peer's Redis lacks data ours has: " + peerHoldsOurs.explanation());
    }
    return new Verdict(
        true, Reason.PEER_HOLDS_OUR_DATA, "the peer's Redis holds everything ours has");
  }
}

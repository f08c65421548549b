package io.redisha.redis;

import java.util.Objects;
import java.util.Optional;

/**
 * S5 for a replica that already follows the peer: must it let go ({@code REPLICAOF NO ONE}, without
 * the VIP) to keep its data? A replica copies whatever its master has at the next reconnect, so a
 * master that comes back empty would wipe it. Our Redis detaches when
 *
 * <ul>
 *   <li>the peer's Redis is a master with no keys while ours has data: the classic wipe, a
 *       supervisor restarted it empty and ours would resync within a second. This holds whether or
 *       not the peer still sends adverts, because its release may have been lost (seed 2250); or
 *   <li>the peer has gone silent on VRRP and its Redis is unreachable or a master lacking our data
 *       (seed 2300).
 * </ul>
 *
 * {@link ReplicaFollow} attaches it again once the peer is master by VRRP or holds everything ours
 * has. The rule applies only to a replica configured on the peer, with keys (or an unknown count),
 * after a fresh look at the peer's Redis.
 *
 * <p>Pure: a function of the two INFO snapshots and what the router heard.
 */
public final class ReplicaDetach {

  /** Which case of the rule applied. */
  public enum Reason {
    NOT_FOLLOWING_THE_PEER,
    NOTHING_TO_KEEP,
    PEER_NOT_CHECKED,
    PEER_SERVES,
    PEER_RESTARTED_EMPTY,
    PEER_SILENT_AND_UNREACHABLE,
    PEER_SILENT_WITHOUT_OUR_DATA
  }

  /**
   * @param detach whether our Redis must stop following the peer now
   * @param reason which case applied
   * @param explanation for logs
   */
  public record Verdict(boolean detach, Reason reason, String explanation) {
    public Verdict {
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(explanation, "explanation");
    }
  }

  private ReplicaDetach() {}

  /**
   * @param local our Redis's INFO
   * @param configuredOnPeer whether ours is configured as replica of the peer's ({@link
   *     PeerLink#configured})
   * @param peer the peer's Redis's INFO, empty when it could not be read
   * @param peerChecked whether the peer's Redis was looked at since our view of it was last
   *     invalidated (our connection dropped, or we stopped being master)
   * @param adverts what our router last heard from the peer
   */
  public static Verdict decide(
      ReplicationInfo local,
      boolean configuredOnPeer,
      Optional<ReplicationInfo> peer,
      boolean peerChecked,
      PeerAdverts adverts) {
    Objects.requireNonNull(local, "local");
    Objects.requireNonNull(peer, "peer");
    Objects.requireNonNull(adverts, "adverts");
    if (local.isMaster() || !configuredOnPeer) {
      return keep(Reason.NOT_FOLLOWING_THE_PEER, "our Redis does not follow the peer's");
    }
    if (local.keys().orElse(1) == 0) {
      return keep(Reason.NOTHING_TO_KEEP, "our Redis has no keys");
    }
    if (!peerChecked) {
      return keep(Reason.PEER_NOT_CHECKED, "waiting for a fresh look at the peer's Redis");
    }
    if (peer.isPresent() && peer.get().isMaster() && peer.get().keys().orElse(1) == 0) {
      return new Verdict(true, Reason.PEER_RESTARTED_EMPTY, "the peer's Redis came back empty");
    }
    if (adverts.silent() && peer.isEmpty()) {
      return new Verdict(
          true, Reason.PEER_SILENT_AND_UNREACHABLE, "peer silent and its Redis unreachable");
    }
    if (adverts.silent()
        && peer.get().isMaster()
        && !DataGuard.decide(peer.get(), Optional.of(local)).mayBecomeMaster()) {
      return new Verdict(
          true, Reason.PEER_SILENT_WITHOUT_OUR_DATA, "peer silent and its Redis without our data");
    }
    return keep(
        Reason.PEER_SERVES, "the peer is heard, or its Redis is a replica or holds our data");
  }

  private static Verdict keep(Reason reason, String explanation) {
    return new Verdict(false, reason, explanation);
  }
}

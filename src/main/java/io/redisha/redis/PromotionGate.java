package io.redisha.redis;

import java.util.Objects;
import java.util.Optional;

/**
 * S5 for a node that is not master: may it become eligible for the master role (VRRP BACKUP rather
 * than FAULT)? A Redis that streams from the peer's has the peer's data, so it may take over when
 * the peer fails. Any other Redis (restarted, detached, still syncing) may only once {@link
 * DataGuard} finds, on a fresh look at the peer's Redis, that it holds everything the peer has.
 * Staying master is not gated: S5 is about becoming master. An unreachable peer does not stop the
 * promotion ({@link DataGuard}: whether it is gone is for VRRP and the guard to decide), except
 * when our Redis is empty and the peer's was last seen with keys: our Redis restarted empty while
 * the pair was parted, and promoting it would later wipe the peer's copy when the pair heals
 * (simulation seeds 220, 380, 830, 1610).
 *
 * <p>Pure: a function of the two INFO snapshots.
 */
public final class PromotionGate {

  /** Which case of the rule applied. */
  public enum Reason {
    STREAMS_FROM_PEER,
    PEER_NOT_CHECKED,
    EMPTY_WHILE_PEER_HAD_DATA,
    DATA_GUARD_ALLOWS,
    DATA_GUARD_REFUSES
  }

  /**
   * @param eligible whether the node may become master
   * @param reason which case applied
   * @param explanation for logs and status; for a refusal, the text shown as the reason
   */
  public record Verdict(boolean eligible, Reason reason, String explanation) {
    public Verdict {
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(explanation, "explanation");
    }
  }

  private PromotionGate() {}

  /**
   * @param local our Redis's INFO
   * @param streamsFromPeer whether ours replicates from the peer's with the link up ({@link
   *     PeerLink#streaming})
   * @param peer the peer's Redis's INFO, empty when it could not be read
   * @param peerChecked whether the peer's Redis was looked at since our view of it was last
   *     invalidated (our connection dropped, or we stopped being master)
   */
  public static Verdict decide(
      ReplicationInfo local,
      boolean streamsFromPeer,
      Optional<ReplicationInfo> peer,
      boolean peerChecked) {
    return decide(local, streamsFromPeer, peer, peerChecked, Optional.empty());
  }

  /**
   * @param lastSeenPeer the peer's Redis as the last look that reached it found it (empty when none
   *     did)
   */
  public static Verdict decide(
      ReplicationInfo local,
      boolean streamsFromPeer,
      Optional<ReplicationInfo> peer,
      boolean peerChecked,
      Optional<ReplicationInfo> lastSeenPeer) {
    Objects.requireNonNull(local, "local");
    Objects.requireNonNull(peer, "peer");
    Objects.requireNonNull(lastSeenPeer, "lastSeenPeer");
    if (streamsFromPeer) {
      return new Verdict(true, Reason.STREAMS_FROM_PEER, "our Redis streams from the peer's");
    }
    if (!peerChecked) {
      return new Verdict(
          false, Reason.PEER_NOT_CHECKED, "waiting for a fresh look at the peer's Redis");
    }
    long lastSeenKeys = lastSeenPeer.map(p -> p.keys().orElse(1)).orElse(0L);
    if (peer.isEmpty() && local.keys().orElse(1) == 0 && lastSeenKeys > 0) {
      return new Verdict(
          false,
          Reason.EMPTY_WHILE_PEER_HAD_DATA,
          "our Redis is empty and the peer's, last seen with "
              + lastSeenKeys
              + " keys, cannot be asked");
    }
    DataGuard.Verdict data = DataGuard.decide(local, peer);
    return data.mayBecomeMaster()
        ? new Verdict(true, Reason.DATA_GUARD_ALLOWS, data.explanation())
        : new Verdict(
            false, Reason.DATA_GUARD_REFUSES, "Redis " + data.reason() + ": " + data.explanation());
  }
}

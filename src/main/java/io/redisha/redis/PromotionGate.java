package io.redisha.redis;

import java.util.Objects;
import java.util.Optional;

/**
 * S5 for a node that is not master: may it become eligible for the master role (VRRP BACKUP rather
 * than FAULT)? A Redis that streams from the peer's has the peer's data, so it may take over when
 * the peer fails. Any other Redis (restarted, detached, still syncing) may only once {@link
 * DataGuard} finds, on a fresh look at the peer's Redis, that it holds everything the peer has.
 * Staying master is not gated: S5 is about becoming master.
 *
 * <p>Pure: a function of the two INFO snapshots.
 */
public final class PromotionGate {

  /** Which case of the rule applied. */
  public enum Reason {
    STREAMS_FROM_PEER,
    PEER_NOT_CHECKED,
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
    Objects.requireNonNull(local, "local");
    Objects.requireNonNull(peer, "peer");
    if (streamsFromPeer) {
      return new Verdict(true, Reason.STREAMS_FROM_PEER, "our Redis streams from the peer's");
    }
    if (!peerChecked) {
      return new Verdict(
          false, Reason.PEER_NOT_CHECKED, "waiting for a fresh look at the peer's Redis");
    }
    DataGuard.Verdict data = DataGuard.decide(local, peer);
    return data.mayBecomeMaster()
        ? new Verdict(true, Reason.DATA_GUARD_ALLOWS, data.explanation())
        : new Verdict(
            false, Reason.DATA_GUARD_REFUSES, "Redis " + data.reason() + ": " + data.explanation());
  }
}

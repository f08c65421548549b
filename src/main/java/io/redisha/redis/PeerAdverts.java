package io.redisha.redis;

import java.time.Duration;
import java.util.Objects;

/**
 * What this node's virtual router last heard from the peer, as the replica rules weigh it: the
 * pair's own word on who is master, which counts more than what the peer's Redis says about itself.
 *
 * @param claimsMaster whether the peer's last advert claimed the master role (a priority 0 release
 *     does not)
 * @param silence how long since the last advert from the peer (since start when none came)
 * @param silenceLimit the silence after which the peer counts as gone (three advert intervals)
 */
public record PeerAdverts(boolean claimsMaster, Duration silence, Duration silenceLimit) {

  public PeerAdverts {
    Objects.requireNonNull(silence, "silence");
    Objects.requireNonNull(silenceLimit, "silenceLimit");
  }

  /** Three advert intervals of {@code intervalCentis} hundredths of a second. */
  public static Duration silenceLimit(int intervalCentis) {
    return Duration.ofMillis(intervalCentis * 30L);
  }

  /**
   * How long a peer whose Redis still serves must be silent on VRRP before its agent counts as
   * stalled or dead ({@link TakeoverEvidence}): twenty advert intervals, at least one second. A
   * link that drops 30 % of the packets loses twenty adverts in a row once in 10^10 tries; a
   * stalled agent sends none.
   */
  public static Duration stallLimit(int intervalCentis) {
    return Duration.ofMillis(Math.max(1_000L, intervalCentis * 200L));
  }

  /** Whether the peer has been quiet for at least {@link #silenceLimit}. */
  public boolean silent() {
    return silence.compareTo(silenceLimit) >= 0;
  }

  /** Whether the peer is master by VRRP: it claims the role and has not gone quiet. */
  public boolean heardAsMaster() {
    return claimsMaster && !silent();
  }
}

package io.redisha.arbiter;

import io.redisha.redis.WriteFence;
import java.time.Duration;
import java.util.Objects;

/**
 * The time budget of split-brain protection for one pair, and why the numbers fit together.
 *
 * <p>A master learns that its peer follows it from its own Redis: the replica's {@code lag} (whole
 * seconds since the replica's last acknowledgement, sent once a second) must be at most one, so an
 * acknowledgement seen as fresh may in truth be up to {@link #proofStaleness} old. When that proof
 * is gone the master has {@link #holdGrace} to hold the arbiter (a Lease or an etcd key), else it
 * fences itself. The backup takes over after hearing nothing for {@link #fenceTime}, which is
 * longer than staleness plus grace plus {@link #margin} (a health tick, an advert interval, message
 * delays and the demotion command), so an isolated master has always fenced itself before the
 * backup moves.
 *
 * <p>A master whose agent stalls or dies before it can fence itself is stopped by its Redis: its
 * write fence is guarded while its replica is its proof ({@link WriteFence#GUARDED}), and Redis
 * refuses writes within {@link WriteFence#GUARDED_CLOSE} of the last acknowledgement that reached
 * it. That acknowledgement came no earlier than the cut, and the backup's silence began at most one
 * advert interval before it, so the fence time less one advert interval must exceed that bound;
 * {@link #of} gives it 2 adverts + 2 ticks + 200 ms to spare (the margin less its last advert), and
 * the constructor refuses a timing that does not.
 *
 * <p>A master that holds the key without its replica keeps its guarded Redis writable with a
 * replica of its own, the agent's dead-man replica: it acknowledges at every tick only while Redis,
 * stopping within {@link WriteFence#GUARDED_CLOSE} of that acknowledgement (a tick to spare), stops
 * before the arbiter may give the key to the peer (a whole lease duration after the renewal's send
 * time). Each renewal therefore opens a window of lease duration less that bound and a tick, and
 * renewals come at most that far apart, so the acknowledgements follow each other with no gap but a
 * renewal's round trip (Redis counts the replica good for a whole second).
 *
 * @param proofStaleness how old a "peer follows" proof can be when the master reads it
 * @param holdGrace how long a master without proof may go on without holding the arbiter
 * @param margin ticks, intervals and delays between the two sides
 * @param fenceTime how long a backup must hear nothing before it may take over
 * @param leaseDuration how long a Lease stays valid after its last renewal
 * @param renewInterval how often a holder renews the Lease
 * @param retryInterval how often a contender asks the API server again
 * @param tick the health check interval (the master consults the guard at every tick)
 * @param advertInterval the VRRP advertisement interval
 */
public record FenceTiming(
    Duration proofStaleness,
    Duration holdGrace,
    Duration margin,
    Duration fenceTime,
    Duration leaseDuration,
    Duration renewInterval,
    Duration retryInterval,
    Duration tick,
    Duration advertInterval) {

  /** Redis reports replica lag in whole seconds and replicas acknowledge once a second. */
  public static final Duration PROOF_STALENESS = Duration.ofSeconds(2);

  /** Time a master gets to hold its lease record once its proof is gone. */
  public static final Duration HOLD_GRACE = Duration.ofSeconds(1);

  public FenceTiming {
    Objects.requireNonNull(proofStaleness, "proofStaleness");
    Objects.requireNonNull(holdGrace, "holdGrace");
    Objects.requireNonNull(margin, "margin");
    Objects.requireNonNull(fenceTime, "fenceTime");
    Objects.requireNonNull(leaseDuration, "leaseDuration");
    Objects.requireNonNull(renewInterval, "renewInterval");
    Objects.requireNonNull(retryInterval, "retryInterval");
    Objects.requireNonNull(tick, "tick");
    Objects.requireNonNull(advertInterval, "advertInterval");
    if (fenceTime.compareTo(proofStaleness.plus(holdGrace).plus(margin)) <= 0) {
      throw new IllegalArgumentException(
          "fenceTime "
              + fenceTime.toMillis()
              + " ms must exceed proofStaleness + holdGrace + margin ("
              + proofStaleness.plus(holdGrace).plus(margin).toMillis()
              + " ms)");
    }
    if (fenceTime.minus(advertInterval).compareTo(WriteFence.GUARDED_CLOSE) <= 0) {
      throw new IllegalArgumentException(
          "fenceTime "
              + fenceTime.toMillis()
              + " ms less the advert interval must exceed the "
              + WriteFence.GUARDED_CLOSE.toMillis()
              + " ms within which a guarded Redis stops taking writes after its replica's last"
              + " acknowledgement");
    }
    if (renewInterval.multipliedBy(3).compareTo(leaseDuration) > 0) {
      throw new IllegalArgumentException(
          "renewInterval " + renewInterval.toMillis() + " ms must be at most a third of the lease");
    }
    if (renewInterval.compareTo(keeperWindow(leaseDuration, tick)) > 0) {
      throw new IllegalArgumentException(
          "renewInterval "
              + renewInterval.toMillis()
              + " ms must be at most the lease duration less "
              + WriteFence.GUARDED_CLOSE.toMillis()
              + " ms and a tick ("
              + keeperWindow(leaseDuration, tick).toMillis()
              + " ms), the window in which a key holder's own replica may acknowledge");
    }
  }

  /** How long after a renewal is sent the key holder's dead-man replica may acknowledge. */
  private static Duration keeperWindow(Duration leaseDuration, Duration tick) {
    return leaseDuration.minus(WriteFence.GUARDED_CLOSE).minus(tick);
  }

  /**
   * The timing for a pair with advert interval {@code advertInterval} and health interval {@code
   * tick}: margin = 2 adverts + 2 ticks + 200 ms, fence time = staleness + grace + margin + one
   * advert, lease duration = fence time, renewals four times per lease, or more often when the
   * dead-man replica's window (lease less {@link WriteFence#GUARDED_CLOSE} less a tick: 600 ms at
   * 100 ms adverts and ticks) is shorter than a quarter of it.
   */
  public static FenceTiming of(Duration advertInterval, Duration tick) {
    Duration margin =
        advertInterval.multipliedBy(2).plus(tick.multipliedBy(2)).plus(Duration.ofMillis(200));
    Duration fence = PROOF_STALENESS.plus(HOLD_GRACE).plus(margin).plus(advertInterval);
    Duration lease = fence;
    Duration renew = lease.dividedBy(4);
    if (renew.compareTo(keeperWindow(lease, tick)) > 0) {
      renew = keeperWindow(lease, tick);
    }
    return new FenceTiming(
        PROOF_STALENESS,
        HOLD_GRACE,
        margin,
        fence,
        lease,
        renew,
        Duration.ofMillis(Math.max(200, advertInterval.toMillis() * 2)),
        tick,
        advertInterval);
  }

  /** Whole seconds for {@code spec.leaseDurationSeconds}, rounded up. */
  public int leaseDurationSeconds() {
    return (int) ((leaseDuration.toMillis() + 999) / 1000);
  }
}

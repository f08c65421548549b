package io.redisha.vrrp;

import java.time.Clock;
import java.util.Objects;

/**
 * The sending side's sequence numbers: the clock's seconds and fraction, with the counter (and,
 * when it runs over, the fraction) raised so every number is after the last one sent, even when two
 * adverts share a timestamp or the wall clock steps back. One per sending node is enough: each
 * router's numbers then grow too.
 */
public final class HmacSequence {
  private final Clock clock;
  private long last;
  private boolean started;

  public HmacSequence(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** The number for the next advert. */
  public synchronized long next() {
    long candidate = HmacTrailer.sequenceAt(clock.instant());
    if (started && !HmacTrailer.after(candidate, last)) {
      candidate = last + 1;
    }
    started = true;
    last = candidate;
    return candidate;
  }
}

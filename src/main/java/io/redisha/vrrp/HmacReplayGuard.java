package io.redisha.vrrp;

import java.net.Inet4Address;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The receiving side's memory of auth_hmac sequence numbers: the last one accepted per sender and
 * virtual router. It outlives the immutable {@link AdvertisementFilter}, like {@link DropCounters},
 * so a reload that builds a new filter does not reopen the door to a replay.
 */
public final class HmacReplayGuard {
  private record Sender(int virtualRouterId, Inet4Address source) {}

  private final Map<Sender, Long> lastAccepted = new ConcurrentHashMap<>();

  /** Whether {@code sequence} is after the last one accepted from this sender (or the first). */
  public boolean fresh(int virtualRouterId, Inet4Address source, long sequence) {
    Long last = lastAccepted.get(new Sender(virtualRouterId, source));
    return last == null || HmacTrailer.after(sequence, last);
  }

  /** Remembers {@code sequence} as the last one accepted from this sender. */
  public void accept(int virtualRouterId, Inet4Address source, long sequence) {
    lastAccepted.merge(
        new Sender(virtualRouterId, source),
        sequence,
        (last, next) -> HmacTrailer.after(next, last) ? next : last);
  }

  /** The last sequence accepted from this sender, or null. */
  public Long last(int virtualRouterId, Inet4Address source) {
    return lastAccepted.get(new Sender(virtualRouterId, source));
  }
}

package io.redisha.vrrp;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts dropped packets per reason, and unsigned adverts that an auth_hmac group in permissive or
 * receive-only mode let through; safe to read from any thread.
 */
public final class DropCounters {
  private final EnumMap<DropReason, LongAdder> counts = new EnumMap<>(DropReason.class);
  private final LongAdder unsignedAccepted = new LongAdder();

  public DropCounters() {
    for (DropReason reason : DropReason.values()) {
      counts.put(reason, new LongAdder());
    }
  }

  public void increment(DropReason reason) {
    counts.get(reason).increment();
  }

  public long get(DropReason reason) {
    return counts.get(reason).sum();
  }

  /** Counts an unsigned advert accepted by an auth_hmac group that does not enforce. */
  public void incrementUnsignedAccepted() {
    unsignedAccepted.increment();
  }

  /**
   * Unsigned adverts accepted by auth_hmac groups in permissive or receive-only mode: not drops,
   * but what a migration to enforce would refuse.
   */
  public long unsignedAccepted() {
    return unsignedAccepted.sum();
  }

  public long total() {
    return counts.values().stream().mapToLong(LongAdder::sum).sum();
  }

  /** A snapshot of every reason's count, zeros included. */
  public Map<DropReason, Long> snapshot() {
    EnumMap<DropReason, Long> copy = new EnumMap<>(DropReason.class);
    counts.forEach((reason, adder) -> copy.put(reason, adder.sum()));
    return copy;
  }
}

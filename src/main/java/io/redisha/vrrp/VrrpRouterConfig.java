package io.redisha.vrrp;

import java.net.Inet4Address;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Settings of one virtual router.
 *
 * @param version VRRP version
 * @param virtualRouterId 1 to 255
 * @param priority 1 to 254, or 255 for the address owner
 * @param intervalCentis our advertisement interval in centiseconds
 * @param password VRRPv2 PASS password, or null
 * @param addresses the virtual addresses carried in adverts
 * @param localAddress our primary address, which breaks ties of equal priority
 * @param preempt whether a higher priority takes the master role from a lower one
 * @param preemptDelay time after start before preempting
 * @param immediateTakeoverOnRelease in a pair the backup is the only candidate: on a priority 0
 *     advert take over at once instead of after Skew_Time
 */
public record VrrpRouterConfig(
    VrrpVersion version,
    int virtualRouterId,
    int priority,
    int intervalCentis,
    String password,
    List<Inet4Address> addresses,
    Inet4Address localAddress,
    boolean preempt,
    Duration preemptDelay,
    boolean immediateTakeoverOnRelease) {

  public VrrpRouterConfig {
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(localAddress, "localAddress");
    Objects.requireNonNull(preemptDelay, "preemptDelay");
    if (priority < 1 || priority > 255) {
      throw new IllegalArgumentException("priority must be 1-255, not " + priority);
    }
    addresses = List.copyOf(addresses);
    // Validates the remaining fields the same way the wire format does.
    new VrrpAdvertisement(version, virtualRouterId, priority, intervalCentis, addresses, password);
  }

  /** The advertisement we send with priority {@code withPriority}. */
  VrrpAdvertisement advertisement(int withPriority) {
    return new VrrpAdvertisement(
        version, virtualRouterId, withPriority, intervalCentis, addresses, password);
  }
}

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
 * @param hmac auth_hmac settings that sign (and, in the filter, verify) this router's adverts, or
 *     null; never together with a password
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
    boolean immediateTakeoverOnRelease,
    HmacAuth hmac) {

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
    if (password != null && hmac != null) {
      throw new IllegalArgumentException(
          "password and hmac: a router has one or the other (keepalived 2.4.3 drops the PASS"
              + " password of an instance with auth_hmac)");
    }
  }

  /** A router without auth_hmac. */
  public VrrpRouterConfig(
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
    this(
        version,
        virtualRouterId,
        priority,
        intervalCentis,
        password,
        addresses,
        localAddress,
        preempt,
        preemptDelay,
        immediateTakeoverOnRelease,
        null);
  }

  /** The same router with other auth_hmac settings (null for none), for example a rotation. */
  public VrrpRouterConfig withHmac(HmacAuth newHmac) {
    return new VrrpRouterConfig(
        version,
        virtualRouterId,
        priority,
        intervalCentis,
        password,
        addresses,
        localAddress,
        preempt,
        preemptDelay,
        immediateTakeoverOnRelease,
        newHmac);
  }

  /** What the receiving side's filter expects of the peer's adverts for this router. */
  public AdvertisementFilter.RouterRule routerRule() {
    return new AdvertisementFilter.RouterRule(intervalCentis, password, addresses, hmac);
  }

  /** The advertisement we send with priority {@code withPriority}. */
  VrrpAdvertisement advertisement(int withPriority) {
    return new VrrpAdvertisement(
        version, virtualRouterId, withPriority, intervalCentis, addresses, password);
  }
}

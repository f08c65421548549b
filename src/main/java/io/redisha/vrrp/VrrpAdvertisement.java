package io.redisha.vrrp;

import java.net.Inet4Address;
import java.util.List;
import java.util.Objects;

/**
 * The fields of one VRRP advertisement, independent of version.
 *
 * @param version protocol version
 * @param virtualRouterId 1 to 255
 * @param priority 0 (master releasing) to 255 (address owner)
 * @param intervalCentis advertisement interval in centiseconds (VRRPv2 carries whole seconds)
 * @param addresses the virtual addresses
 * @param password VRRPv2 PASS password (at most 8 bytes), or null for no authentication
 */
public record VrrpAdvertisement(
    VrrpVersion version,
    int virtualRouterId,
    int priority,
    int intervalCentis,
    List<Inet4Address> addresses,
    String password) {

  public VrrpAdvertisement {
    Objects.requireNonNull(version, "version");
    if (virtualRouterId < 1 || virtualRouterId > 255) {
      throw new IllegalArgumentException("virtualRouterId must be 1-255, not " + virtualRouterId);
    }
    if (priority < 0 || priority > 255) {
      throw new IllegalArgumentException("priority must be 0-255, not " + priority);
    }
    addresses = List.copyOf(addresses);
    if (addresses.size() > 255) {
      throw new IllegalArgumentException("at most 255 addresses, not " + addresses.size());
    }
    if (version == VrrpVersion.V2) {
      if (intervalCentis % 100 != 0 || intervalCentis < 100 || intervalCentis > 25500) {
        throw new IllegalArgumentException(
            "VRRPv2 interval must be 1-255 whole seconds, not " + intervalCentis * 10 + " ms");
      }
      if (password != null && VrrpCodec.passwordBytes(password).length > 8) {
        throw new IllegalArgumentException("VRRPv2 PASS password is at most 8 bytes");
      }
    } else {
      if (intervalCentis < 1 || intervalCentis > 4095) {
        throw new IllegalArgumentException(
            "VRRPv3 interval must be 10-40950 ms, not " + intervalCentis * 10 + " ms");
      }
      if (password != null) {
        throw new IllegalArgumentException("VRRPv3 has no authentication");
      }
    }
  }

  /** The same advertisement with another priority (0 when releasing the master role). */
  public VrrpAdvertisement withPriority(int newPriority) {
    return new VrrpAdvertisement(
        version, virtualRouterId, newPriority, intervalCentis, addresses, password);
  }
}

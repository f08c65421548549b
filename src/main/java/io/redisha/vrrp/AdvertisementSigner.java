package io.redisha.vrrp;

import java.net.Inet4Address;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The sending side of auth_hmac: encodes an advert and, when its router's settings sign outgoing
 * adverts (enforce, permissive), appends a trailer signed with the active key. Immutable apart from
 * the shared {@link HmacSequence}, so a reload (a new active key, a new mode) builds a new signer
 * around the same sequence.
 */
public final class AdvertisementSigner {
  private final Map<Integer, HmacAuth> routers;
  private final HmacSequence sequence;

  /**
   * @param routers auth_hmac settings by virtual router id; routers not named send unsigned
   * @param sequence the node's sequence numbers, shared by every signer it builds; may be null only
   *     when {@code routers} is empty
   */
  public AdvertisementSigner(Map<Integer, HmacAuth> routers, HmacSequence sequence) {
    this.routers = Map.copyOf(routers);
    this.sequence =
        this.routers.isEmpty() ? sequence : Objects.requireNonNull(sequence, "sequence");
  }

  /** A signer for routers whose configs name their auth_hmac (or none). */
  public static AdvertisementSigner of(Iterable<VrrpRouterConfig> configs, HmacSequence sequence) {
    Map<Integer, HmacAuth> routers = new HashMap<>();
    for (VrrpRouterConfig config : configs) {
      if (config.hmac() != null) {
        routers.put(config.virtualRouterId(), config.hmac());
      }
    }
    return new AdvertisementSigner(routers, sequence);
  }

  /** A signer that never signs, for pairs without auth_hmac. */
  public static AdvertisementSigner unsigned() {
    return new AdvertisementSigner(Map.of(), null);
  }

  /** The bytes to send for {@code advert}: the VRRP message, signed when its router signs. */
  public byte[] encode(
      VrrpAdvertisement advert, ChecksumMode mode, Inet4Address source, Inet4Address destination) {
    HmacAuth hmac = routers.get(advert.virtualRouterId());
    if (hmac == null || !hmac.signsOutgoing()) {
      return VrrpCodec.encode(advert, mode, source, destination);
    }
    return VrrpCodec.encode(advert, mode, source, destination, hmac.activeKey(), sequence.next());
  }
}

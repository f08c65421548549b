package io.redisha.vrrp;

import java.util.Locale;

/** Why a received packet was not accepted as an advertisement (safety rule S8). */
public enum DropReason {
  /** Too short, a bad IP header, or fields that contradict the length. */
  MALFORMED,
  /** Not IP protocol 112. */
  NOT_VRRP,
  /** Sent from an address other than the configured peer. */
  WRONG_SOURCE,
  /** TTL below the configured minimum (255 unless the peer sits behind a router). */
  LOW_TTL,
  /** The checksum does not verify in the configured mode. */
  BAD_CHECKSUM,
  /** A VRRP version other than the configured one. */
  WRONG_VERSION,
  /** A VRRP type other than advertisement. */
  WRONG_TYPE,
  /** A virtual router id that no group of this pair uses. */
  UNKNOWN_ROUTER_ID,
  /** VRRPv2: wrong authentication type or password. */
  AUTH_MISMATCH,
  /** VRRPv2: an advertisement interval other than ours (RFC 3768 section 7.1). */
  INTERVAL_MISMATCH,
  /** The virtual addresses differ from the group's VIP. */
  ADDRESS_MISMATCH,
  /** auth_hmac enforced, but the advert carries no trailer. */
  HMAC_MISSING,
  /** A trailer whose HMAC does not verify with the key it names (wrong key or altered bytes). */
  HMAC_BAD_SIGNATURE,
  /** A trailer naming a key id that the group does not hold. */
  HMAC_UNKNOWN_KEY,
  /** A sequence number not after the last one accepted from that sender (a replay). */
  HMAC_REPLAYED,
  /** Anti-replay time: the trailer's timestamp is further than the window from our clock. */
  HMAC_STALE,
  /** A trailer of an unknown type or with non-zero reserved bytes. */
  HMAC_MALFORMED,
  /** A signed advert for a group without auth_hmac (keepalived refuses it as too long). */
  HMAC_UNEXPECTED;

  /** The label used in metrics, e.g. {@code wrong_source}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}

package io.redisha.vrrp;

/** How the VRRPv3 IPv4 checksum is computed; VRRPv2 always uses the message only. */
public enum ChecksumMode {
  /** Over an IPv4 pseudo-header and the message: keepalived's default. */
  PSEUDO_HEADER,
  /** Over the message only, like VRRPv2: RFC 9568, Cisco, Juniper, keepalived v3_checksum_as_v2. */
  MESSAGE_ONLY
}

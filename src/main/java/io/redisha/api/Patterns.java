package io.redisha.api;

/**
 * Regular expressions used in the resource's OpenAPI schema, in its CEL rules and by the pair
 * file's own checks. Those that CEL rules use avoid backslashes ({@code [.]} for a dot) so that the
 * same text is a valid CEL string literal.
 */
public final class Patterns {
  private Patterns() {}

  private static final String OCTET = "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])";

  /** A dotted-quad IPv4 address without leading zeros. */
  public static final String IPV4 = "^(" + OCTET + "[.]){3}" + OCTET + "$";

  /** An IPv4 address with a prefix length, for example {@code 10.0.0.100/24}. */
  public static final String IPV4_CIDR =
      "^(" + OCTET + "[.]){3}" + OCTET + "/([0-9]|[12][0-9]|3[0-2])$";

  /**
   * The start of an address no node or VIP can use: 0.0.0.0/8 (this network), 127.0.0.0/8
   * (loopback), 224.0.0.0/4 (multicast) and 240.0.0.0/4 (reserved, with 255.255.255.255).
   */
  public static final String NOT_UNICAST_START = "^(0|127|22[4-9]|2[3-5][0-9])[.]";

  /** {@link #NOT_UNICAST_START} without loopback: two agents on one host make a working pair. */
  public static final String NOT_NODE_ADDRESS_START = "^(0|22[4-9]|2[3-5][0-9])[.]";

  /** An RFC 1123 label, as used for group names. */
  public static final String DNS_LABEL = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$";

  /** An RFC 1123 subdomain, as used for Kubernetes node names. */
  public static final String DNS_SUBDOMAIN =
      "^[a-z0-9]([-a-z0-9]*[a-z0-9])?([.][a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";

  /** A Linux interface name (at most 15 bytes, no slash, colon or blank). */
  public static final String INTERFACE_NAME = "^[A-Za-z0-9_.@-]{1,15}$";

  /**
   * A Redis ACL user name: printable ASCII without blanks (ACL SETUSER and AUTH take it as one
   * word).
   */
  public static final String REDIS_USERNAME = "^[!-~]+$";

  /** The split-brain protections. */
  public static final String SPLIT_BRAIN_PROTECTION = "^(Lease|Etcd|None)$";

  /** The VRRPv3 checksum variants. */
  public static final String V3_CHECKSUM = "^(PseudoHeader|MessageOnly)$";

  /** auth_hmac anti-replay rules. */
  public static final String HMAC_ANTI_REPLAY = "^(time|monotonic)$";

  /** auth_hmac modes, for a rolling migration. */
  public static final String HMAC_MODE = "^(enforce|permissive|receive-only)$";

  /** An http or https URL with a host and no blank. */
  public static final String HTTP_URL = "^https?://[^\\s/?#]+([/?#][^\\s]*)?$";

  /** An AWS region or an Alibaba Cloud region id. */
  public static final String REGION = "^[a-z0-9-]+$";

  /**
   * An etcd client URL: http or https, a host name, an IPv4 address or a bracketed IPv6 address, an
   * optional port, nothing after it but an optional slash (the gateway's /v3/... paths are added).
   * Not used in CEL, so it may escape the brackets.
   */
  public static final String ETCD_ENDPOINT =
      "^https?://([A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?|\\[[0-9A-Fa-f:.]+\\])(:[0-9]{1,5})?/?$";

  /**
   * An etcd key prefix: a slash, then printable ASCII without blanks, not ending in a slash (the
   * pair and group names are joined with one).
   */
  public static final String ETCD_PREFIX = "^/[!-~]*[!-.0-~]$";

  /** An etcd user name: no blanks. */
  public static final String ETCD_USERNAME = "^[!-~]+$";

  /** An Alibaba Cloud HAVIP id. */
  public static final String HAVIP_ID = "^havip-[a-z0-9]+$";
}

package io.redisha.api;

/**
 * The bounds of every field of a pair, written once: the CRD annotations of the spec classes
 * ({@code @Min}, {@code @Max}, {@code @Size}, the CEL rules of {@link PairRules}) and {@code
 * io.redisha.pair.PairValidation}, which the operator and the standalone agent both run, read them
 * from here, so a value the API server refuses is refused by the pair file too.
 */
public final class PairLimits {
  private PairLimits() {}

  /** A pair has exactly this many nodes. */
  public static final int NODES = 2;

  /** Kubernetes node names are DNS-1123 subdomains of at most 253 characters. */
  public static final int NODE_NAME_MAX_LENGTH = 253;

  /** Group names are DNS-1123 labels; they become parts of Lease names. */
  public static final int GROUP_NAME_MAX_LENGTH = 63;

  public static final int INSTANCES_MIN = 1;
  public static final int INSTANCES_MAX = 32;

  /** Linux interface names are at most 15 bytes (IFNAMSIZ - 1). */
  public static final int INTERFACE_NAME_MAX_LENGTH = 15;

  /** {@code 255.255.255.255}. */
  public static final int ADDRESS_MAX_LENGTH = 15;

  /** {@code 255.255.255.255/32}. */
  public static final int CIDR_MAX_LENGTH = 18;

  public static final int PORT_MIN = 1;
  public static final int PORT_MAX = 65535;

  public static final int ROUTER_ID_MIN = 1;
  public static final int ROUTER_ID_MAX = 255;

  public static final int VRRP_VERSION_MIN = 2;
  public static final int VRRP_VERSION_MAX = 3;

  /** VRRPv3 counts the interval in centiseconds in 12 bits: 1 to 4095. */
  public static final int ADVERT_V3_MIN_MILLIS = 10;

  public static final int ADVERT_V3_MAX_MILLIS = 40950;
  public static final int ADVERT_V3_STEP_MILLIS = 10;

  /** VRRPv2 counts the interval in whole seconds in 8 bits: 1 to 255. */
  public static final int ADVERT_V2_MIN_MILLIS = 1000;

  public static final int ADVERT_V2_MAX_MILLIS = 255000;
  public static final int ADVERT_V2_STEP_MILLIS = 1000;

  /** The VRRPv2 PASS password field holds 8 bytes. */
  public static final int VRRP_PASSWORD_MAX_BYTES = 8;

  public static final int MIN_TTL_MIN = 1;
  public static final int MIN_TTL_MAX = 255;

  public static final int PREEMPT_DELAY_MAX_MILLIS = 3_600_000;

  public static final int GARP_COUNT_MAX = 100;
  public static final int GARP_INTERVAL_MAX_MILLIS = 60_000;
  public static final int GARP_SECOND_BURST_DELAY_MAX_MILLIS = 3_600_000;
  public static final int GARP_REFRESH_MAX_MILLIS = 3_600_000;

  public static final int HEALTH_MIN_MILLIS = 10;
  public static final int HEALTH_MAX_MILLIS = 60_000;

  public static final int FALL_RISE_MIN = 1;
  public static final int FALL_RISE_MAX = 100;

  /** Members of the etcd cluster a pair may list; etcd clusters have 3, 5 or 7. */
  public static final int ETCD_ENDPOINTS_MIN = 1;

  public static final int ETCD_ENDPOINTS_MAX = 9;

  /** An etcd client URL, {@code https://etcd-1.example.internal:2379}. */
  public static final int ETCD_ENDPOINT_MAX_LENGTH = 256;

  public static final int ETCD_PREFIX_MAX_LENGTH = 256;
  public static final int ETCD_USERNAME_MAX_LENGTH = 128;

  /**
   * One etcd call (every member tried in turn) may take this long; the pair's lease renewal
   * interval bounds it further (a quarter of the fence time).
   */
  public static final int ETCD_CALL_TIMEOUT_MIN_MILLIS = 20;

  public static final int ETCD_CALL_TIMEOUT_MAX_MILLIS = 10_000;

  public static final int HOOK_TIMEOUT_MIN_MILLIS = 100;
  public static final int HOOK_TIMEOUT_MAX_MILLIS = 120_000;

  public static final int HOOK_RETRY_MAX_MIN_MILLIS = 100;
  public static final int HOOK_RETRY_MAX_MAX_MILLIS = 600_000;

  public static final int HOOK_COMMAND_MAX_ITEMS = 64;

  /** Names of the operator's hooks are DNS labels. */
  public static final int HOOK_NAME_MAX_LENGTH = 63;

  public static final int REGION_MAX_LENGTH = 64;
  public static final int HAVIP_ID_MAX_LENGTH = 64;
  public static final int URL_MAX_LENGTH = 2048;

  /** auth_hmac: keys of one group (several for a rotation); bounds the cost of the CRD's rules. */
  public static final int HMAC_KEYS_MAX = 16;

  /** auth_hmac key ids are one byte of the trailer, 0 unused. */
  public static final int HMAC_KEY_ID_MIN = 1;

  public static final int HMAC_KEY_ID_MAX = 255;

  /** auth_hmac {@code time_window} in seconds, as keepalived 2.4.3 bounds it. */
  public static final int HMAC_WINDOW_MIN_SECONDS = 1;

  public static final int HMAC_WINDOW_MAX_SECONDS = 300;

  /** Password, credentials and other file paths. */
  public static final int PATH_MAX_LENGTH = 4096;

  /** A Redis ACL user name, as long as anyone would write one. */
  public static final int REDIS_USERNAME_MAX_LENGTH = 128;

  /** Secret names are DNS subdomains; keys are at most 253 characters too. */
  public static final int SECRET_NAME_MAX_LENGTH = 253;
}

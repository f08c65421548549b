package io.redisha.api;

/**
 * What a field that is left out means, written once: the CRD's {@code @Default} annotations and
 * descriptions and {@code io.redisha.pair.PairValidation#resolve} read them from here. Defaults
 * that depend on another field (the advert interval, on the VRRP version) are not in the CRD.
 */
public final class PairDefaults {
  private PairDefaults() {}

  public static final int VRRP_VERSION = 3;
  public static final int ADVERT_INTERVAL_V3_MILLIS = 100;
  public static final int ADVERT_INTERVAL_V2_MILLIS = 1000;
  public static final String V3_CHECKSUM = "PseudoHeader";
  public static final int MIN_TTL = 255;
  public static final boolean PREEMPT = false;
  public static final int PREEMPT_DELAY_MILLIS = 0;

  /** auth_hmac, as keepalived 2.4.3 defaults them (measured: without mode it refuses unsigned). */
  public static final String HMAC_ANTI_REPLAY = "time";

  public static final String HMAC_MODE = "enforce";

  public static final int GARP_COUNT = 5;
  public static final int GARP_INTERVAL_MILLIS = 0;
  public static final int GARP_SECOND_BURST_DELAY_MILLIS = 5000;
  public static final int GARP_REFRESH_MILLIS = 0;

  public static final int HEALTH_INTERVAL_MILLIS = 100;
  public static final int HEALTH_TIMEOUT_MILLIS = 250;
  public static final int FALL = 2;
  public static final int RISE = 2;

  /** Standalone and Kubernetes alike: no protection unless the pair asks for one. */
  public static final String SPLIT_BRAIN_PROTECTION = "None";

  public static final String ETCD_PREFIX = "/redisha";
  public static final int ETCD_CALL_TIMEOUT_MILLIS = 500;

  public static final int HOOK_TIMEOUT_MILLIS = 5000;
  public static final int HOOK_RETRY_MAX_MILLIS = 30000;
}

package io.redisha.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** VRRP settings. */
@ValidationRule(
    value = PairRules.ADVERT_INTERVAL_IN_RANGE,
    message = PairRules.ADVERT_INTERVAL_IN_RANGE_MESSAGE,
    fieldPath = ".advertIntervalMillis")
@ValidationRule(
    value = PairRules.AUTH_NEEDS_V2,
    message = PairRules.AUTH_NEEDS_V2_MESSAGE,
    fieldPath = ".authSecretRef")
@ValidationRule(
    value = PairRules.NO_VRRP_PASSWORD_FILE_IN_RESOURCE,
    message = PairRules.NO_VRRP_PASSWORD_FILE_IN_RESOURCE_MESSAGE,
    fieldPath = ".authPasswordFile")
@JsonInclude(JsonInclude.Include.NON_NULL)
public class VrrpSpec {
  @JsonProperty("version")
  @Min(PairLimits.VRRP_VERSION_MIN)
  @Max(PairLimits.VRRP_VERSION_MAX)
  @Default("" + PairDefaults.VRRP_VERSION)
  @JsonPropertyDescription(
      "VRRP version: 2 (RFC 3768, PASS auth, whole seconds) or 3 (RFC 5798, centiseconds). Default "
          + PairDefaults.VRRP_VERSION
          + ".")
  private Integer version;

  @JsonProperty("advertIntervalMillis")
  @Min(PairLimits.ADVERT_V3_MIN_MILLIS)
  @Max(PairLimits.ADVERT_V2_MAX_MILLIS)
  @JsonPropertyDescription(
      "Advertisement interval in milliseconds: 10 to 40950 in steps of 10 for version 3, 1000 to 255000 in steps of 1000 for version 2. Default "
          + PairDefaults.ADVERT_INTERVAL_V3_MILLIS
          + " for version 3, "
          + PairDefaults.ADVERT_INTERVAL_V2_MILLIS
          + " for version 2.")
  private Integer advertIntervalMillis;

  @JsonProperty("authSecretRef")
  @JsonPropertyDescription("Secret key holding the VRRPv2 PASS password (up to 8 bytes).")
  private SecretKeyRef authSecretRef;

  @JsonProperty("authPasswordFile")
  @Size(max = PairLimits.PATH_MAX_LENGTH)
  @JsonPropertyDescription(
      "Standalone pair files only (a RedisHAPair uses authSecretRef): file holding the VRRPv2 PASS password (up to 8 bytes).")
  private String authPasswordFile;

  @JsonProperty("v3Checksum")
  @Pattern(Patterns.V3_CHECKSUM)
  @Default(PairDefaults.V3_CHECKSUM)
  @JsonPropertyDescription(
      "VRRPv3 checksum: PseudoHeader (keepalived default) or MessageOnly (RFC 9568, keepalived v3_checksum_as_v2). Default "
          + PairDefaults.V3_CHECKSUM
          + ".")
  private String v3Checksum;

  @JsonProperty("minTtl")
  @Min(PairLimits.MIN_TTL_MIN)
  @Max(PairLimits.MIN_TTL_MAX)
  @Default("" + PairDefaults.MIN_TTL)
  @JsonPropertyDescription(
      "Lowest TTL accepted on adverts from the peer; 255 unless the peer sits behind a router. Default "
          + PairDefaults.MIN_TTL
          + ".")
  private Integer minTtl;

  @JsonProperty("preempt")
  @Default("" + PairDefaults.PREEMPT)
  @JsonPropertyDescription(
      "Whether a higher-priority node takes the master role back. Default false: the preferred master is restored by a lossless switchover instead.")
  private Boolean preempt;

  @JsonProperty("preemptDelayMillis")
  @Min(0)
  @Max(PairLimits.PREEMPT_DELAY_MAX_MILLIS)
  @Default("" + PairDefaults.PREEMPT_DELAY_MILLIS)
  @JsonPropertyDescription(
      "Delay after start before a higher-priority node may preempt. Default "
          + PairDefaults.PREEMPT_DELAY_MILLIS
          + ".")
  private Integer preemptDelayMillis;

  @JsonProperty("garp")
  @JsonPropertyDescription("Gratuitous ARP announcements sent when a node becomes master.")
  private GarpSpec garp;

  public Integer getVersion() {
    return version;
  }

  public void setVersion(Integer version) {
    this.version = version;
  }

  public Integer getAdvertIntervalMillis() {
    return advertIntervalMillis;
  }

  public void setAdvertIntervalMillis(Integer advertIntervalMillis) {
    this.advertIntervalMillis = advertIntervalMillis;
  }

  public SecretKeyRef getAuthSecretRef() {
    return authSecretRef;
  }

  public void setAuthSecretRef(SecretKeyRef authSecretRef) {
    this.authSecretRef = authSecretRef;
  }

  public String getAuthPasswordFile() {
    return authPasswordFile;
  }

  public void setAuthPasswordFile(String authPasswordFile) {
    this.authPasswordFile = authPasswordFile;
  }

  public String getV3Checksum() {
    return v3Checksum;
  }

  public void setV3Checksum(String v3Checksum) {
    this.v3Checksum = v3Checksum;
  }

  public Integer getMinTtl() {
    return minTtl;
  }

  public void setMinTtl(Integer minTtl) {
    this.minTtl = minTtl;
  }

  public Boolean getPreempt() {
    return preempt;
  }

  public void setPreempt(Boolean preempt) {
    this.preempt = preempt;
  }

  public Integer getPreemptDelayMillis() {
    return preemptDelayMillis;
  }

  public void setPreemptDelayMillis(Integer preemptDelayMillis) {
    this.preemptDelayMillis = preemptDelayMillis;
  }

  public GarpSpec getGarp() {
    return garp;
  }

  public void setGarp(GarpSpec garp) {
    this.garp = garp;
  }
}

package io.redisha.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
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
@JsonInclude(JsonInclude.Include.NON_NULL)
public class VrrpSpec {
  @JsonProperty("version")
  @Min(2)
  @Max(3)
  @JsonPropertyDescription(
      "VRRP version: 2 (RFC 3768, PASS auth, whole seconds) or 3 (RFC 5798, centiseconds). Default 3.")
  private Integer version;

  @JsonProperty("advertIntervalMillis")
  @Min(10)
  @Max(255000)
  @JsonPropertyDescription(
      "Advertisement interval in milliseconds: 10 to 40950 in steps of 10 for version 3, 1000 to 255000 in steps of 1000 for version 2. Default 100 for version 3, 1000 for version 2.")
  private Integer advertIntervalMillis;

  @JsonProperty("authSecretRef")
  @JsonPropertyDescription("Secret key holding the VRRPv2 PASS password (up to 8 bytes).")
  private SecretKeyRef authSecretRef;

  @JsonProperty("authPasswordFile")
  @Size(max = 4096)
  @JsonPropertyDescription(
      "Standalone mode: file holding the VRRPv2 PASS password (up to 8 bytes).")
  private String authPasswordFile;

  @JsonProperty("v3Checksum")
  @Pattern("^(PseudoHeader|MessageOnly)$")
  @JsonPropertyDescription(
      "VRRPv3 checksum: PseudoHeader (keepalived default) or MessageOnly (RFC 9568, keepalived v3_checksum_as_v2). Default PseudoHeader.")
  private String v3Checksum;

  @JsonProperty("minTtl")
  @Min(1)
  @Max(255)
  @JsonPropertyDescription(
      "Lowest TTL accepted on adverts from the peer; 255 unless the peer sits behind a router. Default 255.")
  private Integer minTtl;

  @JsonProperty("preempt")
  @JsonPropertyDescription(
      "Whether a higher-priority node takes the master role back. Default false: the preferred master is restored by a lossless switchover instead.")
  private Boolean preempt;

  @JsonProperty("preemptDelayMillis")
  @Min(0)
  @Max(3600000)
  @JsonPropertyDescription(
      "Delay after start before a higher-priority node may preempt. Default 0.")
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

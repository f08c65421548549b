package io.redisha.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/**
 * The authentication of one group's adverts, in place of the pair-wide default of {@code vrrp}: a
 * PASS password (VRRPv2) or auth_hmac, as keepalived sets them per {@code vrrp_instance}.
 */
@ValidationRule(value = PairRules.ONE_GROUP_AUTH, message = PairRules.ONE_GROUP_AUTH_MESSAGE)
@ValidationRule(
    value = PairRules.NO_GROUP_PASSWORD_FILE_IN_RESOURCE,
    message = PairRules.NO_GROUP_PASSWORD_FILE_IN_RESOURCE_MESSAGE,
    fieldPath = ".passwordFile")
@JsonInclude(JsonInclude.Include.NON_NULL)
public class GroupAuthSpec {
  @JsonProperty("passwordSecretRef")
  @JsonPropertyDescription(
      "Kubernetes: Secret key holding this group's VRRPv2 PASS password (up to 8 bytes).")
  private SecretKeyRef passwordSecretRef;

  @JsonProperty("passwordFile")
  @Size(max = PairLimits.PATH_MAX_LENGTH)
  @JsonPropertyDescription(
      "Standalone pair files only (a RedisHAPair uses passwordSecretRef): file holding this"
          + " group's VRRPv2 PASS password (up to 8 bytes).")
  private String passwordFile;

  @JsonProperty("hmac")
  @JsonPropertyDescription(
      "Signed adverts (keepalived 2.4 auth_hmac, VRRPv2 and v3): keys, the active key, anti-replay"
          + " and mode.")
  private HmacSpec hmac;

  public SecretKeyRef getPasswordSecretRef() {
    return passwordSecretRef;
  }

  public void setPasswordSecretRef(SecretKeyRef passwordSecretRef) {
    this.passwordSecretRef = passwordSecretRef;
  }

  public String getPasswordFile() {
    return passwordFile;
  }

  public void setPasswordFile(String passwordFile) {
    this.passwordFile = passwordFile;
  }

  public HmacSpec getHmac() {
    return hmac;
  }

  public void setHmac(HmacSpec hmac) {
    this.hmac = hmac;
  }
}

package io.redisha.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** Access to the local Redis servers. */
@ValidationRule(
    value = PairRules.NO_REDIS_PASSWORD_FILE_IN_RESOURCE,
    message = PairRules.NO_REDIS_PASSWORD_FILE_IN_RESOURCE_MESSAGE,
    fieldPath = ".passwordFile")
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RedisSpec {
  @JsonProperty("passwordSecretRef")
  @JsonPropertyDescription("Secret key holding the Redis password (AUTH and masterauth).")
  private SecretKeyRef passwordSecretRef;

  @JsonProperty("passwordFile")
  @Size(max = PairLimits.PATH_MAX_LENGTH)
  @JsonPropertyDescription(
      "Standalone pair files only (a RedisHAPair uses passwordSecretRef): file holding the Redis password.")
  private String passwordFile;

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
}

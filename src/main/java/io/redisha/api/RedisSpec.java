package io.redisha.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** How the agents log in to the Redis servers of the pair. */
@ValidationRule(
    value = PairRules.NO_REDIS_PASSWORD_FILE_IN_RESOURCE,
    message = PairRules.NO_REDIS_PASSWORD_FILE_IN_RESOURCE_MESSAGE,
    fieldPath = ".passwordFile")
@ValidationRule(
    value = PairRules.USERNAME_NEEDS_PASSWORD,
    message = PairRules.USERNAME_NEEDS_PASSWORD_MESSAGE,
    fieldPath = ".username")
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RedisSpec {
  @JsonProperty("username")
  @Size(max = PairLimits.REDIS_USERNAME_MAX_LENGTH)
  @Pattern(Patterns.REDIS_USERNAME)
  @JsonPropertyDescription(
      "Redis ACL user the agents log in as (AUTH username password), and the masteruser of"
          + " replication; the README lists the smallest ACL it needs. Default: Redis's default"
          + " user.")
  private String username;

  @JsonProperty("passwordSecretRef")
  @JsonPropertyDescription(
      "Secret key holding the Redis password (AUTH and masterauth). A changed Secret reaches the"
          + " running agents without restarting them.")
  private SecretKeyRef passwordSecretRef;

  @JsonProperty("passwordFile")
  @Size(max = PairLimits.PATH_MAX_LENGTH)
  @JsonPropertyDescription(
      "Standalone pair files only (a RedisHAPair uses passwordSecretRef): file holding the Redis"
          + " password; re-read when it changes.")
  private String passwordFile;

  @JsonProperty("tls")
  @JsonPropertyDescription(
      "TLS for the agents' connections to Redis and for replication (the agent sets"
          + " tls-replication yes): the instances' ports are then Redis's tls-port.")
  private TlsSpec tls;

  public String getUsername() {
    return username;
  }

  public void setUsername(String username) {
    this.username = username;
  }

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

  public TlsSpec getTls() {
    return tls;
  }

  public void setTls(TlsSpec tls) {
    this.tls = tls;
  }
}

package io.redisha.api;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/**
 * The etcd cluster that arbitrates with {@code splitBrainProtection: Etcd}: each group's lease
 * record is the key {@code <prefix>/<pair>/<group>}.
 */
@ValidationRule(
    value = PairRules.ETCD_UNIQUE_ENDPOINTS,
    message = PairRules.ETCD_UNIQUE_ENDPOINTS_MESSAGE,
    fieldPath = ".endpoints")
@ValidationRule(
    value = PairRules.ETCD_TLS_NEEDS_HTTPS,
    message = PairRules.ETCD_TLS_NEEDS_HTTPS_MESSAGE,
    fieldPath = ".endpoints")
@ValidationRule(
    value = PairRules.ETCD_PASSWORD_NEEDS_USERNAME,
    message = PairRules.ETCD_PASSWORD_NEEDS_USERNAME_MESSAGE,
    fieldPath = ".username")
@ValidationRule(
    value = PairRules.ETCD_USERNAME_NEEDS_PASSWORD,
    message = PairRules.ETCD_USERNAME_NEEDS_PASSWORD_MESSAGE,
    fieldPath = ".passwordSecretRef")
@ValidationRule(
    value = PairRules.ETCD_ONE_PASSWORD,
    message = PairRules.ETCD_ONE_PASSWORD_MESSAGE,
    fieldPath = ".passwordFile")
@ValidationRule(
    value = PairRules.ETCD_CERT_WITH_KEY,
    message = PairRules.ETCD_CERT_WITH_KEY_MESSAGE,
    fieldPath = ".keyFile")
@ValidationRule(
    value = PairRules.ETCD_NO_PASSWORD_FILE_IN_RESOURCE,
    message = PairRules.ETCD_NO_PASSWORD_FILE_IN_RESOURCE_MESSAGE,
    fieldPath = ".passwordFile")
@ValidationRule(
    value = PairRules.ETCD_NO_CA_FILE_IN_RESOURCE,
    message = PairRules.ETCD_NO_CA_FILE_IN_RESOURCE_MESSAGE,
    fieldPath = ".caFile")
@ValidationRule(
    value = PairRules.ETCD_NO_CERT_FILE_IN_RESOURCE,
    message = PairRules.ETCD_NO_CERT_FILE_IN_RESOURCE_MESSAGE,
    fieldPath = ".certFile")
@ValidationRule(
    value = PairRules.ETCD_NO_KEY_FILE_IN_RESOURCE,
    message = PairRules.ETCD_NO_KEY_FILE_IN_RESOURCE_MESSAGE,
    fieldPath = ".keyFile")
@JsonInclude(JsonInclude.Include.NON_NULL)
public class EtcdSpec {
  @JsonProperty("endpoints")
  @Required
  @Size(min = PairLimits.ETCD_ENDPOINTS_MIN, max = PairLimits.ETCD_ENDPOINTS_MAX)
  @JsonPropertyDescription(
      "Client URLs of the etcd members (etcd 3.4 or newer), http://host:2379 or https://host:2379; tried in turn, the one that answered last first.")
  private List<
          @Size(max = PairLimits.ETCD_ENDPOINT_MAX_LENGTH) @Pattern(Patterns.ETCD_ENDPOINT) String>
      endpoints;

  @JsonProperty("prefix")
  @Size(max = PairLimits.ETCD_PREFIX_MAX_LENGTH)
  @Pattern(Patterns.ETCD_PREFIX)
  @Default(PairDefaults.ETCD_PREFIX)
  @JsonPropertyDescription(
      "Key prefix: group g of pair p is the key <prefix>/p/g. The etcd user needs read-write rights on <prefix>/. Default "
          + PairDefaults.ETCD_PREFIX
          + ".")
  private String prefix;

  @JsonProperty("callTimeoutMillis")
  @Min(PairLimits.ETCD_CALL_TIMEOUT_MIN_MILLIS)
  @Max(PairLimits.ETCD_CALL_TIMEOUT_MAX_MILLIS)
  @Default("" + PairDefaults.ETCD_CALL_TIMEOUT_MILLIS)
  @JsonPropertyDescription(
      "Most time one call may take, all members together; at most the pair's lease renewal interval (a quarter of the fence time). Default "
          + PairDefaults.ETCD_CALL_TIMEOUT_MILLIS
          + ".")
  private Integer callTimeoutMillis;

  @JsonProperty("username")
  @Size(max = PairLimits.ETCD_USERNAME_MAX_LENGTH)
  @Pattern(Patterns.ETCD_USERNAME)
  @JsonPropertyDescription(
      "etcd user the agents authenticate as, when etcd's auth is on; it needs a role with readwrite on the prefix.")
  private String username;

  @JsonProperty("passwordSecretRef")
  @JsonPropertyDescription("Secret key holding the etcd user's password.")
  private SecretKeyRef passwordSecretRef;

  @JsonProperty("passwordFile")
  @Size(max = PairLimits.PATH_MAX_LENGTH)
  @JsonPropertyDescription(
      "Standalone pair files only (a RedisHAPair uses passwordSecretRef): file holding the etcd user's password.")
  private String passwordFile;

  @JsonProperty("tlsSecretRef")
  @JsonPropertyDescription(
      "Secret with the TLS files for https endpoints (ca.crt, and tls.crt and tls.key for client certificates).")
  private EtcdTlsSecretRef tlsSecretRef;

  @JsonProperty("caFile")
  @Size(max = PairLimits.PATH_MAX_LENGTH)
  @JsonPropertyDescription(
      "Standalone pair files only: PEM file of the CA certificates to trust for https endpoints. Default: the JDK's trust store.")
  private String caFile;

  @JsonProperty("certFile")
  @Size(max = PairLimits.PATH_MAX_LENGTH)
  @JsonPropertyDescription(
      "Standalone pair files only: PEM client certificate for etcd's --client-cert-auth, with an empty CommonName.")
  private String certFile;

  @JsonProperty("keyFile")
  @Size(max = PairLimits.PATH_MAX_LENGTH)
  @JsonPropertyDescription(
      "Standalone pair files only: the client certificate's private key, PKCS#8 PEM (BEGIN PRIVATE KEY).")
  private String keyFile;

  public List<String> getEndpoints() {
    return endpoints;
  }

  public void setEndpoints(List<String> endpoints) {
    this.endpoints = endpoints;
  }

  public String getPrefix() {
    return prefix;
  }

  public void setPrefix(String prefix) {
    this.prefix = prefix;
  }

  public Integer getCallTimeoutMillis() {
    return callTimeoutMillis;
  }

  public void setCallTimeoutMillis(Integer callTimeoutMillis) {
    this.callTimeoutMillis = callTimeoutMillis;
  }

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

  public EtcdTlsSecretRef getTlsSecretRef() {
    return tlsSecretRef;
  }

  public void setTlsSecretRef(EtcdTlsSecretRef tlsSecretRef) {
    this.tlsSecretRef = tlsSecretRef;
  }

  public String getCaFile() {
    return caFile;
  }

  public void setCaFile(String caFile) {
    this.caFile = caFile;
  }

  public String getCertFile() {
    return certFile;
  }

  public void setCertFile(String certFile) {
    this.certFile = certFile;
  }

  public String getKeyFile() {
    return keyFile;
  }

  public void setKeyFile(String keyFile) {
    this.keyFile = keyFile;
  }

  /** Whether the agents read a password: from a Secret or from a file. */
  @JsonIgnore
  public boolean hasPassword() {
    return passwordSecretRef != null || passwordFile != null;
  }
}

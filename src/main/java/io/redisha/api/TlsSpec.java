package io.redisha.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/**
 * TLS towards the Redis servers: the CA that signed their certificates and, for servers with {@code
 * tls-auth-clients yes}, the agents' client certificate. PEM files; under Kubernetes, keys of
 * Secrets, which reach the running agents when they change.
 */
@ValidationRule(value = PairRules.TLS_NEEDS_CA, message = PairRules.TLS_NEEDS_CA_MESSAGE)
@ValidationRule(value = PairRules.TLS_CERT_WITH_KEY, message = PairRules.TLS_CERT_WITH_KEY_MESSAGE)
@ValidationRule(
    value = PairRules.NO_TLS_CA_FILE_IN_RESOURCE,
    message = PairRules.NO_TLS_CA_FILE_IN_RESOURCE_MESSAGE,
    fieldPath = ".caFile")
@ValidationRule(
    value = PairRules.NO_TLS_CERT_FILE_IN_RESOURCE,
    message = PairRules.NO_TLS_CERT_FILE_IN_RESOURCE_MESSAGE,
    fieldPath = ".certFile")
@ValidationRule(
    value = PairRules.NO_TLS_KEY_FILE_IN_RESOURCE,
    message = PairRules.NO_TLS_KEY_FILE_IN_RESOURCE_MESSAGE,
    fieldPath = ".keyFile")
@JsonInclude(JsonInclude.Include.NON_NULL)
public class TlsSpec {
  @JsonProperty("caSecretRef")
  @JsonPropertyDescription(
      "Secret key holding the PEM CA certificate(s) the Redis servers' certificates chain to."
          + " A server's certificate must also name its node's address (subjectAltName IP).")
  private SecretKeyRef caSecretRef;

  @JsonProperty("caFile")
  @Size(max = PairLimits.PATH_MAX_LENGTH)
  @JsonPropertyDescription(
      "Standalone pair files only (a RedisHAPair uses caSecretRef): PEM file of the CA"
          + " certificate(s).")
  private String caFile;

  @JsonProperty("certSecretRef")
  @JsonPropertyDescription(
      "Secret key holding the agents' PEM client certificate (chain), for tls-auth-clients.")
  private SecretKeyRef certSecretRef;

  @JsonProperty("certFile")
  @Size(max = PairLimits.PATH_MAX_LENGTH)
  @JsonPropertyDescription(
      "Standalone pair files only (a RedisHAPair uses certSecretRef): PEM file of the agent's"
          + " client certificate.")
  private String certFile;

  @JsonProperty("keySecretRef")
  @JsonPropertyDescription(
      "Secret key holding the private key of the client certificate (PEM, PKCS#8 or RSA).")
  private SecretKeyRef keySecretRef;

  @JsonProperty("keyFile")
  @Size(max = PairLimits.PATH_MAX_LENGTH)
  @JsonPropertyDescription(
      "Standalone pair files only (a RedisHAPair uses keySecretRef): PEM file of the client"
          + " certificate's private key (PKCS#8 or RSA, unencrypted).")
  private String keyFile;

  public SecretKeyRef getCaSecretRef() {
    return caSecretRef;
  }

  public void setCaSecretRef(SecretKeyRef caSecretRef) {
    this.caSecretRef = caSecretRef;
  }

  public String getCaFile() {
    return caFile;
  }

  public void setCaFile(String caFile) {
    this.caFile = caFile;
  }

  public SecretKeyRef getCertSecretRef() {
    return certSecretRef;
  }

  public void setCertSecretRef(SecretKeyRef certSecretRef) {
    this.certSecretRef = certSecretRef;
  }

  public String getCertFile() {
    return certFile;
  }

  public void setCertFile(String certFile) {
    this.certFile = certFile;
  }

  public SecretKeyRef getKeySecretRef() {
    return keySecretRef;
  }

  public void setKeySecretRef(SecretKeyRef keySecretRef) {
    this.keySecretRef = keySecretRef;
  }

  public String getKeyFile() {
    return keyFile;
  }

  public void setKeyFile(String keyFile) {
    this.keyFile = keyFile;
  }
}

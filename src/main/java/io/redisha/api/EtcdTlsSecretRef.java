package io.redisha.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/**
 * A Secret in the resource's namespace with the TLS files of the agents' etcd client, under the
 * keys cert-manager and {@code kubernetes.io/tls} Secrets use.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class EtcdTlsSecretRef {
  /** The keys of the Secret, and the file names they get in the agents' pods. */
  public static final String CA_KEY = "ca.crt";

  public static final String CERT_KEY = "tls.crt";
  public static final String KEY_KEY = "tls.key";

  @JsonProperty("name")
  @Required
  @Size(max = PairLimits.SECRET_NAME_MAX_LENGTH)
  @JsonPropertyDescription(
      "Secret with ca.crt (the CA that signed the members' certificates) and, with clientCertificate, tls.crt and tls.key (a client certificate with an empty CommonName, key in PKCS#8 PEM).")
  private String name;

  @JsonProperty("clientCertificate")
  @Default("true")
  @JsonPropertyDescription(
      "Whether the agents present tls.crt and tls.key (etcd's --client-cert-auth). Default true.")
  private Boolean clientCertificate;

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public Boolean getClientCertificate() {
    return clientCertificate;
  }

  public void setClientCertificate(Boolean clientCertificate) {
    this.clientCertificate = clientCertificate;
  }

  /** Whether the client certificate is used: left out means yes. */
  public boolean clientCertificate() {
    return clientCertificate == null || clientCertificate;
  }
}

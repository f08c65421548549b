package io.redisha.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/**
 * One auth_hmac key: its id and where its secret is. The secret is read as keepalived 2.4.3 reads
 * {@code key ID file:PATH}: trailing line breaks dropped, then {@code hex:} and hexadecimal digits
 * for raw bytes, or else the bytes themselves.
 */
@ValidationRule(
    value = PairRules.NO_HMAC_KEY_FILE_IN_RESOURCE,
    message = PairRules.NO_HMAC_KEY_FILE_IN_RESOURCE_MESSAGE,
    fieldPath = ".secretFile")
@JsonInclude(JsonInclude.Include.NON_NULL)
public class HmacKeySpec {
  @JsonProperty("id")
  @Required
  @Min(PairLimits.HMAC_KEY_ID_MIN)
  @Max(PairLimits.HMAC_KEY_ID_MAX)
  @JsonPropertyDescription("Key id carried in each signed advert, 1 to 255.")
  private Integer id;

  @JsonProperty("secretRef")
  @JsonPropertyDescription(
      "Kubernetes: Secret key holding the key (32 to 64 bytes, or hex: and their digits). Rotate by"
          + " adding keys to the same Secret: its mounted files change in place.")
  private SecretKeyRef secretRef;

  @JsonProperty("secretFile")
  @Size(max = PairLimits.PATH_MAX_LENGTH)
  @JsonPropertyDescription(
      "Standalone pair files only (a RedisHAPair uses secretRef): file holding the key (32 to 64"
          + " bytes, or hex: and their digits), the same file a keepalived key ID file:PATH reads.")
  private String secretFile;

  public Integer getId() {
    return id;
  }

  public void setId(Integer id) {
    this.id = id;
  }

  public SecretKeyRef getSecretRef() {
    return secretRef;
  }

  public void setSecretRef(SecretKeyRef secretRef) {
    this.secretRef = secretRef;
  }

  public String getSecretFile() {
    return secretFile;
  }

  public void setSecretFile(String secretFile) {
    this.secretFile = secretFile;
  }
}

package io.redisha.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** Reference to a key of a Secret in the resource's namespace. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SecretKeyRef {
  @JsonProperty("name")
  @Required
  @Size(max = PairLimits.SECRET_NAME_MAX_LENGTH)
  @JsonPropertyDescription("Secret name.")
  private String name;

  @JsonProperty("key")
  @Required
  @Size(max = PairLimits.SECRET_NAME_MAX_LENGTH)
  @JsonPropertyDescription("Key inside the Secret.")
  private String key;

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public String getKey() {
    return key;
  }

  public void setKey(String key) {
    this.key = key;
  }
}

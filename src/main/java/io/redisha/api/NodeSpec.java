package io.redisha.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** One node of the pair. */
@ValidationRule(
    value = PairRules.NODE_ADDRESS_UNICAST,
    message = PairRules.NODE_ADDRESS_UNICAST_MESSAGE,
    fieldPath = ".address")
@JsonInclude(JsonInclude.Include.NON_NULL)
public class NodeSpec {
  @JsonProperty("name")
  @Required
  @Size(max = PairLimits.NODE_NAME_MAX_LENGTH)
  @Pattern(Patterns.DNS_SUBDOMAIN)
  @JsonPropertyDescription(
      "Node name (Kubernetes node name, or the name given to the standalone agent with --node).")
  private String name;

  @JsonProperty("address")
  @Size(max = PairLimits.ADDRESS_MAX_LENGTH)
  @Pattern(Patterns.IPV4)
  @JsonPropertyDescription(
      "IPv4 address used as unicast VRRP source and peer. Default: the node's InternalIP.")
  private String address;

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public String getAddress() {
    return address;
  }

  public void setAddress(String address) {
    this.address = address;
  }
}

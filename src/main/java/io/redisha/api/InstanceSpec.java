package io.redisha.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** One Redis group: a port on both nodes, its VIP and its VRRP router id. */
@ValidationRule(
    value = PairRules.VIP_UNICAST,
    message = PairRules.VIP_UNICAST_MESSAGE,
    fieldPath = ".vip")
@ValidationRule(
    value = PairRules.VIP_IS_A_HOST_ADDRESS,
    message = PairRules.VIP_IS_A_HOST_ADDRESS_MESSAGE,
    fieldPath = ".vip")
@JsonInclude(JsonInclude.Include.NON_NULL)
public class InstanceSpec {
  @JsonProperty("name")
  @Required
  @Size(max = PairLimits.GROUP_NAME_MAX_LENGTH)
  @Pattern(Patterns.DNS_LABEL)
  @JsonPropertyDescription("Group name, unique in the pair.")
  private String name;

  @JsonProperty("port")
  @Required
  @Min(PairLimits.PORT_MIN)
  @Max(PairLimits.PORT_MAX)
  @JsonPropertyDescription("Redis port on both nodes, 1 to 65535, unique in the pair.")
  private Integer port;

  @JsonProperty("vip")
  @Required
  @Size(max = PairLimits.CIDR_MAX_LENGTH)
  @Pattern(Patterns.IPV4_CIDR)
  @JsonPropertyDescription(
      "Virtual IP in CIDR notation, for example 10.0.0.100/24, unique in the pair.")
  private String vip;

  @JsonProperty("virtualRouterId")
  @Required
  @Min(PairLimits.ROUTER_ID_MIN)
  @Max(PairLimits.ROUTER_ID_MAX)
  @JsonPropertyDescription("VRRP virtual router id, 1 to 255, unique in the pair.")
  private Integer virtualRouterId;

  @JsonProperty("preferredMaster")
  @Size(max = PairLimits.NODE_NAME_MAX_LENGTH)
  @JsonPropertyDescription(
      "Node that should hold the master role when both are healthy; changing it requests a lossless switchover.")
  private String preferredMaster;

  @JsonProperty("haVipId")
  @Size(max = PairLimits.HAVIP_ID_MAX_LENGTH)
  @Pattern(Patterns.HAVIP_ID)
  @JsonPropertyDescription(
      "Alibaba Cloud: the HAVIP (havip-...) that carries this group's VIP; required with vipHook provider Alibaba.")
  private String haVipId;

  @JsonProperty("auth")
  @JsonPropertyDescription(
      "This group's authentication, in place of the pair-wide default of vrrp (authSecretRef,"
          + " authPasswordFile, authHmac): one of a PASS password or hmac.")
  private GroupAuthSpec auth;

  public GroupAuthSpec getAuth() {
    return auth;
  }

  public void setAuth(GroupAuthSpec auth) {
    this.auth = auth;
  }

  public String getHaVipId() {
    return haVipId;
  }

  public void setHaVipId(String haVipId) {
    this.haVipId = haVipId;
  }

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public Integer getPort() {
    return port;
  }

  public void setPort(Integer port) {
    this.port = port;
  }

  public String getVip() {
    return vip;
  }

  public void setVip(String vip) {
    this.vip = vip;
  }

  public Integer getVirtualRouterId() {
    return virtualRouterId;
  }

  public void setVirtualRouterId(Integer virtualRouterId) {
    this.virtualRouterId = virtualRouterId;
  }

  public String getPreferredMaster() {
    return preferredMaster;
  }

  public void setPreferredMaster(String preferredMaster) {
    this.preferredMaster = preferredMaster;
  }
}

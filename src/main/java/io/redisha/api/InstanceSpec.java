package io.redisha.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** One Redis group: a port on both nodes, its VIP and its VRRP router id. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class InstanceSpec {
  @JsonProperty("name")
  @Required
  @Size(max = 63)
  @Pattern(Patterns.DNS_LABEL)
  @JsonPropertyDescription("Group name, unique in the pair.")
  private String name;

  @JsonProperty("port")
  @Required
  @Min(1)
  @Max(65535)
  @JsonPropertyDescription("Redis port on both nodes, 1 to 65535, unique in the pair.")
  private Integer port;

  @JsonProperty("vip")
  @Required
  @Size(max = 18)
  @Pattern(Patterns.IPV4_CIDR)
  @JsonPropertyDescription(
      "Virtual IP in CIDR notation, for example 10.0.0.100/24, unique in the pair.")
  private String vip;

  @JsonProperty("virtualRouterId")
  @Required
  @Min(1)
  @Max(255)
  @JsonPropertyDescription("VRRP virtual router id, 1 to 255, unique in the pair.")
  private Integer virtualRouterId;

  @JsonProperty("preferredMaster")
  @Size(max = 253)
  @JsonPropertyDescription(
      "Node that should hold the master role when both are healthy; changing it requests a lossless switchover.")
  private String preferredMaster;

  @JsonProperty("haVipId")
  @Size(max = 64)
  @Pattern("^havip-[a-z0-9]+$")
  @JsonPropertyDescription(
      "Alibaba Cloud: the HAVIP (havip-...) that carries this group's VIP; required with vipHook provider Alibaba.")
  private String haVipId;

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

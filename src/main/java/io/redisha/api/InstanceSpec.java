package io.redisha.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** One Redis group: a port on both nodes, its VIP and its VRRP router id. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class InstanceSpec {
  @JsonProperty("name")
  @JsonPropertyDescription("Group name, unique in the pair.")
  private String name;

  @JsonProperty("port")
  @JsonPropertyDescription("Redis port on both nodes, 1 to 65535, unique in the pair.")
  private Integer port;

  @JsonProperty("vip")
  @JsonPropertyDescription(
      "Virtual IP in CIDR notation, for example 10.0.0.100/24, unique in the pair.")
  private String vip;

  @JsonProperty("virtualRouterId")
  @JsonPropertyDescription("VRRP virtual router id, 1 to 255, unique in the pair.")
  private Integer virtualRouterId;

  @JsonProperty("preferredMaster")
  @JsonPropertyDescription(
      "Node that should hold the master role when both are healthy; changing it requests a lossless switchover.")
  private String preferredMaster;

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

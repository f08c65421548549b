package io.redisha.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;

/** Desired state of a Redis pair: two nodes, the interface, and one entry per Redis group. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RedisHAPairSpec {
  @JsonProperty("nodes")
  @JsonPropertyDescription(
      "The two nodes of the pair, by Kubernetes node name (standalone: host name passed with --node).")
  private List<NodeSpec> nodes;

  @JsonProperty("interface")
  @JsonPropertyDescription(
      "Network interface that carries the VIPs and the unicast VRRP adverts, for example eth0.")
  private String interfaceName;

  @JsonProperty("vrrp")
  @JsonPropertyDescription("VRRP protocol settings shared by all groups of the pair.")
  private VrrpSpec vrrp;

  @JsonProperty("splitBrainProtection")
  @JsonPropertyDescription(
      "Lease (Kubernetes Lease as third voter), Witness (an address both nodes must reach) or None (keepalived behaviour: fast, but two masters on a partition).")
  private String splitBrainProtection;

  @JsonProperty("witness")
  @JsonPropertyDescription(
      "The witness used when splitBrainProtection is Witness (standalone mode).")
  private WitnessSpec witness;

  @JsonProperty("healthCheck")
  @JsonPropertyDescription("How each agent checks its local Redis.")
  private HealthCheckSpec healthCheck;

  @JsonProperty("redis")
  @JsonPropertyDescription("How the agents reach the local Redis servers.")
  private RedisSpec redis;

  @JsonProperty("instances")
  @JsonPropertyDescription("One entry per Redis group: its port, VIP and virtual router id.")
  private List<InstanceSpec> instances;

  public List<NodeSpec> getNodes() {
    return nodes;
  }

  public void setNodes(List<NodeSpec> nodes) {
    this.nodes = nodes;
  }

  public String getInterfaceName() {
    return interfaceName;
  }

  public void setInterfaceName(String interfaceName) {
    this.interfaceName = interfaceName;
  }

  public VrrpSpec getVrrp() {
    return vrrp;
  }

  public void setVrrp(VrrpSpec vrrp) {
    this.vrrp = vrrp;
  }

  public String getSplitBrainProtection() {
    return splitBrainProtection;
  }

  public void setSplitBrainProtection(String splitBrainProtection) {
    this.splitBrainProtection = splitBrainProtection;
  }

  public WitnessSpec getWitness() {
    return witness;
  }

  public void setWitness(WitnessSpec witness) {
    this.witness = witness;
  }

  public HealthCheckSpec getHealthCheck() {
    return healthCheck;
  }

  public void setHealthCheck(HealthCheckSpec healthCheck) {
    this.healthCheck = healthCheck;
  }

  public RedisSpec getRedis() {
    return redis;
  }

  public void setRedis(RedisSpec redis) {
    this.redis = redis;
  }

  public List<InstanceSpec> getInstances() {
    return instances;
  }

  public void setInstances(List<InstanceSpec> instances) {
    this.instances = instances;
  }
}

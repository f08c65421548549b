package io.redisha.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/** Desired state of a Redis pair: two nodes, the interface, and one entry per Redis group. */
@ValidationRule(
    value = PairRules.NODE_NAMES_DIFFER,
    message = PairRules.NODE_NAMES_DIFFER_MESSAGE,
    fieldPath = ".nodes")
@ValidationRule(
    value = PairRules.NODE_ADDRESSES_DIFFER,
    message = PairRules.NODE_ADDRESSES_DIFFER_MESSAGE,
    fieldPath = ".nodes")
@ValidationRule(
    value = PairRules.UNIQUE_GROUP_NAMES,
    message = PairRules.UNIQUE_GROUP_NAMES_MESSAGE,
    fieldPath = ".instances")
@ValidationRule(
    value = PairRules.UNIQUE_PORTS,
    message = PairRules.UNIQUE_PORTS_MESSAGE,
    fieldPath = ".instances")
@ValidationRule(
    value = PairRules.UNIQUE_VIPS,
    message = PairRules.UNIQUE_VIPS_MESSAGE,
    fieldPath = ".instances")
@ValidationRule(
    value = PairRules.UNIQUE_ROUTER_IDS,
    message = PairRules.UNIQUE_ROUTER_IDS_MESSAGE,
    fieldPath = ".instances")
@ValidationRule(
    value = PairRules.VIP_IS_NOT_A_NODE_ADDRESS,
    message = PairRules.VIP_IS_NOT_A_NODE_ADDRESS_MESSAGE,
    fieldPath = ".instances")
@ValidationRule(
    value = PairRules.PREFERRED_MASTER_IS_A_NODE,
    message = PairRules.PREFERRED_MASTER_IS_A_NODE_MESSAGE,
    fieldPath = ".instances")
@ValidationRule(
    value = PairRules.HAVIP_ONLY_WITH_ALIBABA,
    message = PairRules.HAVIP_ONLY_WITH_ALIBABA_MESSAGE,
    fieldPath = ".instances")
@ValidationRule(
    value = PairRules.HAVIP_WITH_ALIBABA,
    message = PairRules.HAVIP_WITH_ALIBABA_MESSAGE,
    fieldPath = ".instances")
@ValidationRule(
    value = PairRules.GROUP_PASS_NEEDS_V2,
    message = PairRules.GROUP_PASS_NEEDS_V2_MESSAGE,
    fieldPath = ".instances")
@ValidationRule(
    value = PairRules.ETCD_WHEN_NEEDED,
    message = PairRules.ETCD_WHEN_NEEDED_MESSAGE,
    fieldPath = ".etcd")
@ValidationRule(
    value = PairRules.ETCD_ONLY_WITH_ETCD,
    message = PairRules.ETCD_ONLY_WITH_ETCD_MESSAGE,
    fieldPath = ".etcd")
@ValidationRule(
    value = PairRules.NODES_IMMUTABLE,
    message = PairRules.NODES_IMMUTABLE_MESSAGE,
    fieldPath = ".nodes")
@ValidationRule(
    value = PairRules.GROUP_IDENTITY_IMMUTABLE,
    message = PairRules.GROUP_IDENTITY_IMMUTABLE_MESSAGE,
    fieldPath = ".instances")
@ValidationRule(
    value = PairRules.VRRP_VERSION_IMMUTABLE,
    message = PairRules.VRRP_VERSION_IMMUTABLE_MESSAGE,
    fieldPath = ".vrrp")
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RedisHAPairSpec {
  @JsonProperty("nodes")
  @Required
  @Size(min = PairLimits.NODES, max = PairLimits.NODES)
  @JsonPropertyDescription(
      "The two nodes of the pair, by Kubernetes node name (standalone: host name passed with --node).")
  private List<NodeSpec> nodes;

  @JsonProperty("interface")
  @Required
  @Pattern(Patterns.INTERFACE_NAME)
  @JsonPropertyDescription(
      "Network interface that carries the VIPs and the unicast VRRP adverts, for example eth0.")
  private String interfaceName;

  @JsonProperty("vrrp")
  @JsonPropertyDescription("VRRP protocol settings shared by all groups of the pair.")
  private VrrpSpec vrrp;

  @JsonProperty("splitBrainProtection")
  @Pattern(Patterns.SPLIT_BRAIN_PROTECTION)
  @JsonPropertyDescription(
      "Lease (a Kubernetes Lease as third voter), Etcd (a key in an etcd cluster as third voter, for pairs without Kubernetes; see etcd) or None (keepalived behaviour: fast, but two masters on a partition of the pair link). Default "
          + PairDefaults.SPLIT_BRAIN_PROTECTION
          + ".")
  private String splitBrainProtection;

  @JsonProperty("etcd")
  @JsonPropertyDescription(
      "The etcd cluster that arbitrates when splitBrainProtection is Etcd: consulted only when the pair cannot settle things by itself.")
  private EtcdSpec etcd;

  @JsonProperty("healthCheck")
  @JsonPropertyDescription("How each agent checks its local Redis.")
  private HealthCheckSpec healthCheck;

  @JsonProperty("redis")
  @JsonPropertyDescription("How the agents reach the local Redis servers.")
  private RedisSpec redis;

  @JsonProperty("vipHook")
  @JsonPropertyDescription(
      "Cloud routing: a call made when a node becomes master of a group (and when it steps down), for clouds that ignore gratuitous ARP.")
  private VipHookSpec vipHook;

  @JsonProperty("instances")
  @Required
  @Size(min = PairLimits.INSTANCES_MIN, max = PairLimits.INSTANCES_MAX)
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

  public EtcdSpec getEtcd() {
    return etcd;
  }

  public void setEtcd(EtcdSpec etcd) {
    this.etcd = etcd;
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

  public VipHookSpec getVipHook() {
    return vipHook;
  }

  public void setVipHook(VipHookSpec vipHook) {
    this.vipHook = vipHook;
  }

  public List<InstanceSpec> getInstances() {
    return instances;
  }

  public void setInstances(List<InstanceSpec> instances) {
    this.instances = instances;
  }
}

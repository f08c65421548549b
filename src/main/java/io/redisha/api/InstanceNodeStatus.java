package io.redisha.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.Objects;

/** One group on one node, as that node's agent last reported it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class InstanceNodeStatus {
  @JsonProperty("name")
  @JsonPropertyDescription("Node name.")
  private String name;

  @JsonProperty("vrrpState")
  @JsonPropertyDescription(
      "INITIALIZE, BACKUP, MASTER or FAULT; Unknown when the agent has not reported lately.")
  private ReportedVrrpState vrrpState;

  @JsonProperty("redisRole")
  @JsonPropertyDescription("master, replica, or unknown when Redis does not answer.")
  private RedisRole redisRole;

  @JsonProperty("healthy")
  @JsonPropertyDescription("Whether the local Redis passes the health check.")
  private Boolean healthy;

  @JsonProperty("holdsVip")
  @JsonPropertyDescription("Whether this node holds the group's VIP.")
  private Boolean holdsVip;

  @JsonProperty("replicationOffset")
  @JsonPropertyDescription("Replication offset of the local Redis.")
  private Long replicationOffset;

  @JsonProperty("lagBytes")
  @JsonPropertyDescription("How far the local replica is behind its master.")
  private Long lagBytes;

  @JsonProperty("protection")
  @JsonPropertyDescription("Split-brain protection in force on this node and its state.")
  private String protection;

  @JsonProperty("redisRefusal")
  @JsonPropertyDescription(
      "What this node's or its peer's Redis refuses the agent (a command without its ACL"
          + " permission, a renamed command, the credentials) and what to grant.")
  private String redisRefusal;

  public String getRedisRefusal() {
    return redisRefusal;
  }

  public void setRedisRefusal(String redisRefusal) {
    this.redisRefusal = redisRefusal;
  }

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public ReportedVrrpState getVrrpState() {
    return vrrpState;
  }

  public void setVrrpState(ReportedVrrpState vrrpState) {
    this.vrrpState = vrrpState;
  }

  public RedisRole getRedisRole() {
    return redisRole;
  }

  public void setRedisRole(RedisRole redisRole) {
    this.redisRole = redisRole;
  }

  public Boolean getHealthy() {
    return healthy;
  }

  public void setHealthy(Boolean healthy) {
    this.healthy = healthy;
  }

  public Boolean getHoldsVip() {
    return holdsVip;
  }

  public void setHoldsVip(Boolean holdsVip) {
    this.holdsVip = holdsVip;
  }

  public Long getReplicationOffset() {
    return replicationOffset;
  }

  public void setReplicationOffset(Long replicationOffset) {
    this.replicationOffset = replicationOffset;
  }

  public Long getLagBytes() {
    return lagBytes;
  }

  public void setLagBytes(Long lagBytes) {
    this.lagBytes = lagBytes;
  }

  public String getProtection() {
    return protection;
  }

  public void setProtection(String protection) {
    this.protection = protection;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof InstanceNodeStatus s
        && Objects.equals(name, s.name)
        && Objects.equals(vrrpState, s.vrrpState)
        && Objects.equals(redisRole, s.redisRole)
        && Objects.equals(healthy, s.healthy)
        && Objects.equals(holdsVip, s.holdsVip)
        && Objects.equals(replicationOffset, s.replicationOffset)
        && Objects.equals(lagBytes, s.lagBytes)
        && Objects.equals(protection, s.protection)
        && Objects.equals(redisRefusal, s.redisRefusal);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, vrrpState, redisRole, healthy, holdsVip);
  }
}

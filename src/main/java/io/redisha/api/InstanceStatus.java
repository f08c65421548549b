package io.redisha.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** Observed state of one Redis group. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class InstanceStatus {
  @JsonProperty("name")
  @JsonPropertyDescription("Group name.")
  private String name;

  @JsonProperty("master")
  @JsonPropertyDescription("The node that is the sole master now; absent when none or both are.")
  private String master;

  @JsonProperty("lastKnownMaster")
  @JsonPropertyDescription(
      "The last node seen as sole master; a failover is counted when the next sole master differs.")
  private String lastKnownMaster;

  @JsonProperty("failovers")
  @JsonPropertyDescription("Failovers of this group seen by the operator.")
  private Long failovers;

  @JsonProperty("lastFailoverTime")
  @JsonPropertyDescription("When the last failover happened, RFC 3339.")
  private String lastFailoverTime;

  @JsonProperty("lastFailoverReason")
  @JsonPropertyDescription("Why the last failover happened, as the new master reported it.")
  private String lastFailoverReason;

  @JsonProperty("nodes")
  @JsonPropertyDescription("The group on each node, from that node's agent.")
  private List<InstanceNodeStatus> nodes = new ArrayList<>();

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public String getMaster() {
    return master;
  }

  public void setMaster(String master) {
    this.master = master;
  }

  public String getLastKnownMaster() {
    return lastKnownMaster;
  }

  public void setLastKnownMaster(String lastKnownMaster) {
    this.lastKnownMaster = lastKnownMaster;
  }

  public Long getFailovers() {
    return failovers;
  }

  public void setFailovers(Long failovers) {
    this.failovers = failovers;
  }

  public String getLastFailoverTime() {
    return lastFailoverTime;
  }

  public void setLastFailoverTime(String lastFailoverTime) {
    this.lastFailoverTime = lastFailoverTime;
  }

  public String getLastFailoverReason() {
    return lastFailoverReason;
  }

  public void setLastFailoverReason(String lastFailoverReason) {
    this.lastFailoverReason = lastFailoverReason;
  }

  public List<InstanceNodeStatus> getNodes() {
    return nodes;
  }

  public void setNodes(List<InstanceNodeStatus> nodes) {
    this.nodes = nodes;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof InstanceStatus s
        && Objects.equals(name, s.name)
        && Objects.equals(master, s.master)
        && Objects.equals(lastKnownMaster, s.lastKnownMaster)
        && Objects.equals(failovers, s.failovers)
        && Objects.equals(lastFailoverTime, s.lastFailoverTime)
        && Objects.equals(lastFailoverReason, s.lastFailoverReason)
        && Objects.equals(nodes, s.nodes);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, master, failovers, lastFailoverTime, nodes);
  }
}

package io.redisha.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** Observed state of a pair, aggregated by the operator from the agents' reports. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RedisHAPairStatus {
  @JsonProperty("observedGeneration")
  @JsonPropertyDescription("The resource generation this status describes.")
  private Long observedGeneration;

  @JsonProperty("conditions")
  @JsonPropertyDescription(
      "Ready, Degraded, SplitBrain and Progressing, in the metav1.Condition shape.")
  private List<Condition> conditions = new ArrayList<>();

  @JsonProperty("instances")
  @JsonPropertyDescription("State of each Redis group on each node.")
  private List<InstanceStatus> instances = new ArrayList<>();

  @JsonProperty("masters")
  @JsonPropertyDescription(
      "The master of each group as group=node, comma separated; '-' when a group has no master, 'node1+node2' on split brain.")
  private String masters;

  @JsonProperty("failovers")
  @JsonPropertyDescription("Failovers seen by the operator, summed over all groups.")
  private Long failovers;

  @JsonProperty("message")
  @JsonPropertyDescription("The most important problem, in words; empty when all is well.")
  private String message;

  public Long getObservedGeneration() {
    return observedGeneration;
  }

  public void setObservedGeneration(Long observedGeneration) {
    this.observedGeneration = observedGeneration;
  }

  public List<Condition> getConditions() {
    return conditions;
  }

  public void setConditions(List<Condition> conditions) {
    this.conditions = conditions;
  }

  public List<InstanceStatus> getInstances() {
    return instances;
  }

  public void setInstances(List<InstanceStatus> instances) {
    this.instances = instances;
  }

  public String getMasters() {
    return masters;
  }

  public void setMasters(String masters) {
    this.masters = masters;
  }

  public Long getFailovers() {
    return failovers;
  }

  public void setFailovers(Long failovers) {
    this.failovers = failovers;
  }

  public String getMessage() {
    return message;
  }

  public void setMessage(String message) {
    this.message = message;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RedisHAPairStatus s
        && Objects.equals(observedGeneration, s.observedGeneration)
        && Objects.equals(conditions, s.conditions)
        && Objects.equals(instances, s.instances)
        && Objects.equals(masters, s.masters)
        && Objects.equals(failovers, s.failovers)
        && Objects.equals(message, s.message);
  }

  @Override
  public int hashCode() {
    return Objects.hash(observedGeneration, conditions, instances, masters, failovers, message);
  }
}

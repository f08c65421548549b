package io.redisha.operator;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.util.List;

/** The condition types of a RedisHAPair and the rule that keeps their transition times. */
public final class Conditions {
  private Conditions() {}

  /** Every group has exactly one master, and its Redis is healthy and writable. */
  public static final String READY = "Ready";

  /** Something is wrong that does not (yet) stop service: a node, a replica, the spec. */
  public static final String DEGRADED = "Degraded";

  /** A group has two masters. */
  public static final String SPLIT_BRAIN = "SplitBrain";

  /**
   * The pair's vipHook did what it was asked: the cloud routes each VIP to its master. Present only
   * when the pair has a vipHook.
   */
  public static final String CLOUD_ROUTING = "CloudRouting";

  /** The agents are not yet all running the current spec. */
  public static final String PROGRESSING = "Progressing";

  /**
   * A condition in the metav1.Condition shape; {@code lastTransitionTime} is taken from the
   * previous condition of the same type when its status is unchanged.
   */
  public static Condition of(
      List<Condition> previous,
      String type,
      boolean status,
      String reason,
      String message,
      long generation,
      String now) {
    String statusText = status ? "True" : "False";
    String since =
        previous == null
            ? now
            : previous.stream()
                .filter(c -> type.equals(c.getType()) && statusText.equals(c.getStatus()))
                .map(Condition::getLastTransitionTime)
                .filter(t -> t != null)
                .findFirst()
                .orElse(now);
    return new ConditionBuilder()
        .withType(type)
        .withStatus(statusText)
        .withReason(reason)
        .withMessage(message)
        .withObservedGeneration(generation)
        .withLastTransitionTime(since)
        .build();
  }

  /** The condition of a type, if present. */
  public static Condition find(List<Condition> conditions, String type) {
    return conditions == null
        ? null
        : conditions.stream().filter(c -> type.equals(c.getType())).findFirst().orElse(null);
  }
}

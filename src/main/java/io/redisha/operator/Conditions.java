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

  /** Reasons of {@link #READY}. */
  public static final class ReadyReason {
    private ReadyReason() {}

    public static final String ALL_GROUPS_SERVING = "AllGroupsServing";
    public static final String SPLIT_BRAIN = "SplitBrain";
    public static final String AGENTS_NOT_REPORTING = "AgentsNotReporting";
    public static final String NO_MASTER = "NoMaster";
    public static final String MASTER_NOT_SERVING = "MasterNotServing";
  }

  /** Reasons of {@link #DEGRADED}. */
  public static final class DegradedReason {
    private DegradedReason() {}

    public static final String REDUNDANT = "Redundant";
    public static final String INVALID_SPEC = "InvalidSpec";
    public static final String SPLIT_BRAIN = "SplitBrain";
    public static final String AGENT_NOT_REPORTING = "AgentNotReporting";
    public static final String MASTER_NOT_SERVING = "MasterNotServing";
    public static final String REPLICA_NOT_FOLLOWING = "ReplicaNotFollowing";
  }

  /** Reasons of {@link #SPLIT_BRAIN}. */
  public static final class SplitBrainReason {
    private SplitBrainReason() {}

    public static final String ONE_MASTER_PER_GROUP = "OneMasterPerGroup";
    public static final String TWO_MASTERS = "TwoMasters";
  }

  /** Reasons of {@link #CLOUD_ROUTING}. */
  public static final class CloudRoutingReason {
    private CloudRoutingReason() {}

    public static final String ROUTED = "Routed";
    public static final String HOOK_FAILED = "HookFailed";
    public static final String RELEASE_FAILED = "ReleaseFailed";
    public static final String PENDING = "Pending";
  }

  /** Reasons of {@link #PROGRESSING}. */
  public static final class ProgressingReason {
    private ProgressingReason() {}

    public static final String UP_TO_DATE = "UpToDate";
    public static final String ROLLING_OUT = "RollingOut";
    public static final String INVALID_SPEC = "InvalidSpec";
    public static final String RECONCILE_ERROR = "ReconcileError";
    public static final String AGENT_CONFIG_ERROR = "AgentConfigError";
  }

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

package io.redisha.operator;

import io.fabric8.kubernetes.api.model.Condition;
import io.redisha.api.AgentReport;
import io.redisha.api.AgentReport.CloudRouting;
import io.redisha.api.AgentReport.GroupReport;
import io.redisha.api.InstanceNodeStatus;
import io.redisha.api.InstanceSpec;
import io.redisha.api.InstanceStatus;
import io.redisha.api.NodeSpec;
import io.redisha.api.RedisHAPair;
import io.redisha.api.RedisHAPairStatus;
import io.redisha.api.RedisRole;
import io.redisha.api.ReportedVrrpState;
import io.redisha.kube.ReportLease.ReceivedReport;
import io.redisha.operator.Conditions.CloudRoutingReason;
import io.redisha.operator.Conditions.DegradedReason;
import io.redisha.operator.Conditions.ProgressingReason;
import io.redisha.operator.Conditions.ReadyReason;
import io.redisha.operator.Conditions.SplitBrainReason;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * Turns the agents' reports into the resource's status: per group and node, the master of each
 * group, failovers (counted when a group's sole master differs from the last one seen), and one
 * function per condition (Ready, Degraded, SplitBrain, CloudRouting, Progressing) over what was
 * found. Pure: the caller passes the reports, the rollout state and the time.
 */
public final class PairStatusAggregator {
  private PairStatusAggregator() {}

  /**
   * Progress of the agents' DaemonSet.
   *
   * @param desired nodes that should run an agent
   * @param updated agents running the current pod template
   * @param ready agents ready
   */
  public record Rollout(int desired, int updated, int ready) {
    boolean complete() {
      return updated >= desired && ready >= desired;
    }
  }

  /**
   * What aggregation produced.
   *
   * @param status the new status
   * @param failovers failovers seen now, for Events
   * @param recheckAt when a report goes stale and the status must be recomputed, if ever
   */
  public record Result(
      RedisHAPairStatus status, List<Failover> failovers, Optional<Instant> recheckAt) {}

  /** Something wrong with one group; its message is what the status says. */
  sealed interface GroupProblem {
    String message();
  }

  /** A group whose master does not serve writes; Ready is False for it. */
  sealed interface NotServing extends GroupProblem {}

  record TwoMasters(String group, List<String> masters) implements GroupProblem {
    @Override
    public String message() {
      return "group " + group + ": " + String.join(" and ", masters) + " are both master";
    }
  }

  /** No master; {@code faults} says, per node in FAULT, why (empty when none reports one). */
  record NoMaster(String group, Map<String, String> faults) implements NotServing {
    @Override
    public String message() {
      return "group " + group + " has no master" + faultText(faults);
    }
  }

  /** " (vm-a in FAULT: carrier lost on eth0)", or "" when no node says why it is in FAULT. */
  static String faultText(Map<String, String> faults) {
    if (faults.isEmpty()) {
      return "";
    }
    List<String> parts = new ArrayList<>();
    faults.forEach((node, fault) -> parts.add(node + " in FAULT: " + fault));
    return " (" + String.join("; ", parts) + ")";
  }

  record MasterNotServing(String group, String master, boolean healthy, RedisRole role)
      implements NotServing {
    @Override
    public String message() {
      return "group "
          + group
          + ": Redis on master "
          + master
          + " is "
          + (healthy ? "not writable (role " + role + ")" : "unhealthy");
    }
  }

  /** A node that does not follow the master; {@code fault} is why it is in FAULT, or null. */
  record ReplicaNotFollowing(
      String group,
      String node,
      ReportedVrrpState state,
      RedisRole role,
      boolean healthy,
      String fault)
      implements GroupProblem {
    @Override
    public String message() {
      return "group "
          + group
          + " on "
          + node
          + ": "
          + state
          + (fault == null ? "" : " (" + fault + ")")
          + ", Redis "
          + role
          + (healthy ? "" : ", unhealthy");
    }
  }

  /**
   * One group across the nodes.
   *
   * @param status the group's part of the status
   * @param masters the group's entry of {@code status.masters}: "a=vm-a", "a=vm-a+vm-b" or "a=-"
   * @param failover the master change seen now, if any
   */
  record GroupOutcome(
      InstanceStatus status,
      String masters,
      Optional<Failover> failover,
      Optional<TwoMasters> splitBrain,
      Optional<NotServing> notServing,
      Optional<ReplicaNotFollowing> notRedundant) {}

  /**
   * What the conditions are decided from; for each kind of problem the first group that has it.
   *
   * @param groups how many groups the status covers
   * @param invalid the spec's problems when it was rejected
   * @param staleNodes nodes with no current report
   * @param allStale whether no node has a current report
   * @param agentConfigError a node whose agent cannot apply its pair file, in words
   * @param lagging a node running an older generation, in words
   * @param rollout the DaemonSet's progress, null when unknown
   * @param generation the resource's generation
   */
  record Findings(
      int groups,
      Optional<String> invalid,
      List<String> staleNodes,
      boolean allStale,
      Optional<TwoMasters> splitBrain,
      Optional<NotServing> notServing,
      Optional<ReplicaNotFollowing> notRedundant,
      Optional<String> agentConfigError,
      Optional<String> lagging,
      Rollout rollout,
      long generation) {
    Optional<String> notReporting() {
      return staleNodes.isEmpty()
          ? Optional.empty()
          : Optional.of("no current report from " + String.join(" and ", staleNodes));
    }
  }

  /** A condition's status, reason and message, before its times are stamped. */
  record Verdict(boolean status, String reason, String message) {}

  /** Aggregates; {@code reports} maps node name to its latest report. */
  public static Result aggregate(
      RedisHAPair pair,
      List<String> problems,
      Map<String, ReceivedReport> reports,
      Rollout rollout,
      Instant now) {
    long generation = AgentResources.generation(pair);
    String nowText = now.truncatedTo(ChronoUnit.SECONDS).toString();
    RedisHAPairStatus previous = pair.getStatus();
    List<NodeSpec> nodes =
        pair.getSpec() == null || pair.getSpec().getNodes() == null
            ? List.of()
            : pair.getSpec().getNodes();
    List<String> groups = groupsToReport(pair, problems);

    Map<String, ReceivedReport> fresh = new LinkedHashMap<>();
    List<String> staleNodes = new ArrayList<>();
    for (NodeSpec node : nodes) {
      ReceivedReport r = reports.get(node.getName());
      if (r == null || !r.isFreshAt(now)) {
        staleNodes.add(node.getName());
      } else {
        fresh.put(node.getName(), r);
      }
    }
    Optional<Instant> recheckAt =
        fresh.values().stream().map(ReceivedReport::expiresAt).min(Instant::compareTo);

    List<GroupOutcome> outcomes =
        groups.stream()
            .map(
                g ->
                    group(
                        g, nodes, fresh, previousInstance(previous, g), nowText, !fresh.isEmpty()))
            .toList();

    Findings findings =
        new Findings(
            groups.size(),
            problems.isEmpty()
                ? Optional.empty()
                : Optional.of(
                    "spec not applied, the running groups are unchanged: "
                        + String.join("; ", problems)),
            staleNodes,
            !nodes.isEmpty() && fresh.isEmpty(),
            first(outcomes, GroupOutcome::splitBrain),
            first(outcomes, GroupOutcome::notServing),
            first(outcomes, GroupOutcome::notRedundant),
            agentConfigError(nodes, fresh, generation),
            lagging(nodes, fresh, generation),
            rollout,
            generation);

    List<Condition> before = previous == null ? null : previous.getConditions();
    List<Condition> conditions = new ArrayList<>();
    Verdict degraded = degraded(findings);
    conditions.add(stamp(before, Conditions.READY, ready(findings), generation, nowText));
    conditions.add(stamp(before, Conditions.DEGRADED, degraded, generation, nowText));
    conditions.add(
        stamp(before, Conditions.SPLIT_BRAIN, splitBrain(findings), generation, nowText));
    cloudRouting(nodes, fresh)
        .ifPresent(
            v -> conditions.add(stamp(before, Conditions.CLOUD_ROUTING, v, generation, nowText)));
    conditions.add(
        stamp(before, Conditions.PROGRESSING, progressing(findings), generation, nowText));

    RedisHAPairStatus status = new RedisHAPairStatus();
    status.setObservedGeneration(generation);
    status.setConditions(conditions);
    status.setInstances(new ArrayList<>(outcomes.stream().map(GroupOutcome::status).toList()));
    status.setMasters(String.join(",", outcomes.stream().map(GroupOutcome::masters).toList()));
    status.setFailovers(
        outcomes.stream().mapToLong(o -> Objects.requireNonNull(o.status().getFailovers())).sum());
    // Whatever makes Ready False also makes Degraded True, so Degraded's message is the headline.
    status.setMessage(degraded.status() ? degraded.message() : "");
    return new Result(
        status, outcomes.stream().flatMap(o -> o.failover().stream()).toList(), recheckAt);
  }

  /** Every group has one master whose Redis is healthy and writable. */
  static Verdict ready(Findings f) {
    if (f.splitBrain().isPresent()) {
      return new Verdict(false, ReadyReason.SPLIT_BRAIN, f.splitBrain().get().message());
    }
    if (f.allStale()) {
      return new Verdict(false, ReadyReason.AGENTS_NOT_REPORTING, f.notReporting().orElseThrow());
    }
    if (f.notServing().isPresent()) {
      NotServing problem = f.notServing().get();
      String reason =
          switch (problem) {
            case NoMaster n -> ReadyReason.NO_MASTER;
            case MasterNotServing m -> ReadyReason.MASTER_NOT_SERVING;
          };
      return new Verdict(false, reason, problem.message());
    }
    return new Verdict(
        true,
        ReadyReason.ALL_GROUPS_SERVING,
        f.groups() + " of " + f.groups() + " groups have a healthy master");
  }

  /** Anything short of both nodes serving every group from the current spec. */
  static Verdict degraded(Findings f) {
    if (f.invalid().isPresent()) {
      return new Verdict(true, DegradedReason.INVALID_SPEC, f.invalid().get());
    }
    if (f.splitBrain().isPresent()) {
      return new Verdict(true, DegradedReason.SPLIT_BRAIN, f.splitBrain().get().message());
    }
    if (f.notReporting().isPresent()) {
      return new Verdict(true, DegradedReason.AGENT_NOT_REPORTING, f.notReporting().get());
    }
    if (f.notServing().isPresent()) {
      return new Verdict(true, DegradedReason.MASTER_NOT_SERVING, f.notServing().get().message());
    }
    if (f.notRedundant().isPresent()) {
      return new Verdict(
          true, DegradedReason.REPLICA_NOT_FOLLOWING, f.notRedundant().get().message());
    }
    return new Verdict(false, DegradedReason.REDUNDANT, "both nodes serve every group");
  }

  /** A group with two masters. */
  static Verdict splitBrain(Findings f) {
    return f.splitBrain()
        .map(p -> new Verdict(true, SplitBrainReason.TWO_MASTERS, p.message()))
        .orElseGet(
            () ->
                new Verdict(
                    false, SplitBrainReason.ONE_MASTER_PER_GROUP, "no group has two masters"));
  }

  /** Whether the agents run the current spec. */
  static Verdict progressing(Findings f) {
    if (f.invalid().isPresent()) {
      return new Verdict(false, ProgressingReason.INVALID_SPEC, f.invalid().get());
    }
    Rollout rollout = f.rollout();
    if (rollout != null && !rollout.complete()) {
      return new Verdict(
          true,
          ProgressingReason.ROLLING_OUT,
          rollout.updated()
              + " of "
              + rollout.desired()
              + " agents updated, "
              + rollout.ready()
              + " ready");
    }
    if (f.agentConfigError().isPresent()) {
      return new Verdict(false, ProgressingReason.AGENT_CONFIG_ERROR, f.agentConfigError().get());
    }
    if (f.lagging().isPresent()) {
      return new Verdict(true, ProgressingReason.ROLLING_OUT, f.lagging().get());
    }
    return new Verdict(
        false, ProgressingReason.UP_TO_DATE, "the agents run generation " + f.generation());
  }

  /**
   * The agents' last vipHook calls: the first failed routing, else the first failed release, else
   * the first pending routing, else routed. Empty when no agent reports a hook.
   */
  static Optional<Verdict> cloudRouting(List<NodeSpec> nodes, Map<String, ReceivedReport> fresh) {
    String failed = null;
    String releaseFailed = null;
    String pending = null;
    boolean any = false;
    for (NodeSpec node : nodes) {
      ReceivedReport r = fresh.get(node.getName());
      if (r == null || r.report().groups() == null) {
        continue;
      }
      for (GroupReport g : r.report().groups()) {
        CloudRouting c = g.cloudRouting();
        if (c == null) {
          continue;
        }
        any = true;
        boolean routing = c.state() == CloudRouting.Request.MASTER;
        String text =
            "group "
                + g.name()
                + " on "
                + node.getName()
                + ": "
                + c.provider()
                + (routing ? " routing the VIP here" : " releasing the VIP");
        if (c.result() == CloudRouting.Result.FAILED) {
          text += " failed (attempt " + c.attempts() + "): " + c.error();
          if (routing) {
            failed = failed == null ? text : failed;
          } else {
            releaseFailed = releaseFailed == null ? text : releaseFailed;
          }
        } else if (c.result() == CloudRouting.Result.PENDING && routing) {
          pending = pending == null ? text + " is pending" : pending;
        }
      }
    }
    if (!any) {
      return Optional.empty();
    }
    if (failed != null) {
      return Optional.of(new Verdict(false, CloudRoutingReason.HOOK_FAILED, failed));
    }
    if (releaseFailed != null) {
      return Optional.of(new Verdict(false, CloudRoutingReason.RELEASE_FAILED, releaseFailed));
    }
    if (pending != null) {
      return Optional.of(new Verdict(false, CloudRoutingReason.PENDING, pending));
    }
    return Optional.of(
        new Verdict(true, CloudRoutingReason.ROUTED, "the cloud routes every VIP to its master"));
  }

  /**
   * One group: each node's state, the master, a failover when the sole master changed, and what is
   * wrong. {@code anyFresh}: whether some node reports at all (else "no master" is only silence).
   */
  static GroupOutcome group(
      String group,
      List<NodeSpec> nodes,
      Map<String, ReceivedReport> fresh,
      InstanceStatus before,
      String nowText,
      boolean anyFresh) {
    InstanceStatus is = new InstanceStatus();
    is.setName(group);
    List<String> masterNodes = new ArrayList<>();
    Map<String, String> faults = new LinkedHashMap<>();
    for (NodeSpec node : nodes) {
      GroupReport g = groupOf(fresh.get(node.getName()), group);
      if (g != null && g.vrrpState() == ReportedVrrpState.FAULT && g.fault() != null) {
        faults.put(node.getName(), g.fault());
      }
      InstanceNodeStatus ns = nodeStatus(node.getName(), g);
      if (g != null && (g.vrrpState() == ReportedVrrpState.MASTER || g.holdsVip())) {
        masterNodes.add(node.getName());
      }
      is.getNodes().add(ns);
    }
    long count = before == null || before.getFailovers() == null ? 0 : before.getFailovers();
    String lastKnown = before == null ? null : before.getLastKnownMaster();
    is.setLastFailoverTime(before == null ? null : before.getLastFailoverTime());
    is.setLastFailoverReason(before == null ? null : before.getLastFailoverReason());

    String masters;
    Optional<Failover> failover = Optional.empty();
    Optional<TwoMasters> splitBrain = Optional.empty();
    Optional<NotServing> notServing = Optional.empty();
    Optional<ReplicaNotFollowing> notRedundant = Optional.empty();
    if (masterNodes.size() == 1) {
      String master = masterNodes.getFirst();
      is.setMaster(master);
      if (lastKnown != null && !lastKnown.equals(master)) {
        count++;
        AgentReport.Transition t = lastTransition(fresh.get(master), group);
        boolean toMaster = t != null && t.to() == ReportedVrrpState.MASTER;
        String time = toMaster && t.time() != null ? t.time() : nowText;
        String reason = toMaster ? t.reason() : null;
        is.setLastFailoverTime(time);
        is.setLastFailoverReason(reason);
        failover = Optional.of(new Failover(group, lastKnown, master, reason, time, count));
      }
      lastKnown = master;
      masters = group + "=" + master;
      notServing = masterNotServing(group, nodeStatus(is, master));
      notRedundant =
          is.getNodes().stream()
              .filter(n -> !n.getName().equals(master))
              .map(n -> replicaNotFollowing(group, n, faults.get(n.getName())))
              .flatMap(Optional::stream)
              .findFirst();
    } else if (masterNodes.size() > 1) {
      masters = group + "=" + String.join("+", masterNodes);
      splitBrain = Optional.of(new TwoMasters(group, List.copyOf(masterNodes)));
    } else {
      masters = group + "=-";
      notServing = anyFresh ? Optional.of(new NoMaster(group, faults)) : Optional.empty();
    }
    is.setLastKnownMaster(lastKnown);
    is.setFailovers(count);
    return new GroupOutcome(is, masters, failover, splitBrain, notServing, notRedundant);
  }

  /** The master's Redis, unless it is healthy and a master. */
  static Optional<NotServing> masterNotServing(String group, InstanceNodeStatus master) {
    boolean healthy = Boolean.TRUE.equals(master.getHealthy());
    if (healthy && master.getRedisRole() == RedisRole.MASTER) {
      return Optional.empty();
    }
    return Optional.of(
        new MasterNotServing(group, master.getName(), healthy, master.getRedisRole()));
  }

  /**
   * A reporting node other than the master, unless it is a healthy BACKUP with a replica; {@code
   * fault} is why it is in FAULT, as its agent reports it, or null.
   */
  static Optional<ReplicaNotFollowing> replicaNotFollowing(
      String group, InstanceNodeStatus n, String fault) {
    boolean healthy = Boolean.TRUE.equals(n.getHealthy());
    if (n.getVrrpState() == ReportedVrrpState.UNKNOWN
        || (n.getVrrpState() == ReportedVrrpState.BACKUP
            && healthy
            && n.getRedisRole() == RedisRole.REPLICA)) {
      return Optional.empty();
    }
    return Optional.of(
        new ReplicaNotFollowing(
            group, n.getName(), n.getVrrpState(), n.getRedisRole(), healthy, fault));
  }

  /** A node's part of a group: what its agent reported, or Unknown without a current report. */
  static InstanceNodeStatus nodeStatus(String node, GroupReport g) {
    InstanceNodeStatus ns = new InstanceNodeStatus();
    ns.setName(node);
    if (g == null) {
      ns.setVrrpState(ReportedVrrpState.UNKNOWN);
      return ns;
    }
    ns.setVrrpState(g.vrrpState());
    ns.setRedisRole(g.redisRole());
    ns.setHealthy(g.healthy());
    ns.setHoldsVip(g.holdsVip());
    ns.setReplicationOffset(g.replicationOffset());
    ns.setLagBytes(g.lagBytes());
    ns.setProtection(g.protection());
    return ns;
  }

  /** The first node, in spec order, whose agent reports that it cannot apply its pair file. */
  static Optional<String> agentConfigError(
      List<NodeSpec> nodes, Map<String, ReceivedReport> fresh, long generation) {
    for (NodeSpec node : nodes) {
      ReceivedReport r = fresh.get(node.getName());
      String error = r == null ? null : r.report().configError();
      if (error != null) {
        return Optional.of(
            node.getName() + " cannot apply generation " + generation + ": " + error);
      }
    }
    return Optional.empty();
  }

  /** The first node, in spec order, whose agent runs an older generation. */
  static Optional<String> lagging(
      List<NodeSpec> nodes, Map<String, ReceivedReport> fresh, long generation) {
    for (NodeSpec node : nodes) {
      ReceivedReport r = fresh.get(node.getName());
      Long running = r == null ? null : r.report().configGeneration();
      if (running != null && running < generation) {
        return Optional.of(node.getName() + " runs generation " + running + " of " + generation);
      }
    }
    return Optional.empty();
  }

  /** A rejected spec never reached the agents: report on the groups they run, not the new ones. */
  private static List<String> groupsToReport(RedisHAPair pair, List<String> problems) {
    RedisHAPairStatus previous = pair.getStatus();
    if (!problems.isEmpty() && previous != null && previous.getInstances() != null) {
      return previous.getInstances().stream().map(InstanceStatus::getName).toList();
    }
    return pair.getSpec() == null || pair.getSpec().getInstances() == null
        ? List.of()
        : pair.getSpec().getInstances().stream().map(InstanceSpec::getName).toList();
  }

  private static Condition stamp(
      List<Condition> before, String type, Verdict v, long generation, String nowText) {
    return Conditions.of(before, type, v.status(), v.reason(), v.message(), generation, nowText);
  }

  private static <T> Optional<T> first(
      List<GroupOutcome> outcomes, Function<GroupOutcome, Optional<T>> problem) {
    return outcomes.stream().map(problem).flatMap(Optional::stream).findFirst();
  }

  private static InstanceStatus previousInstance(RedisHAPairStatus previous, String name) {
    if (previous == null || previous.getInstances() == null) {
      return null;
    }
    return previous.getInstances().stream()
        .filter(i -> name.equals(i.getName()))
        .findFirst()
        .orElse(null);
  }

  private static GroupReport groupOf(ReceivedReport r, String group) {
    return r == null || r.report().groups() == null
        ? null
        : r.report().groups().stream().filter(g -> group.equals(g.name())).findFirst().orElse(null);
  }

  private static AgentReport.Transition lastTransition(ReceivedReport r, String group) {
    GroupReport g = groupOf(r, group);
    return g == null ? null : g.lastTransition();
  }

  private static InstanceNodeStatus nodeStatus(InstanceStatus is, String node) {
    return is.getNodes().stream().filter(n -> node.equals(n.getName())).findFirst().orElseThrow();
  }
}

package io.redisha.operator;

import io.fabric8.kubernetes.api.model.Condition;
import io.redisha.api.AgentReport;
import io.redisha.api.AgentReport.GroupReport;
import io.redisha.api.InstanceNodeStatus;
import io.redisha.api.InstanceSpec;
import io.redisha.api.InstanceStatus;
import io.redisha.api.NodeSpec;
import io.redisha.api.RedisHAPair;
import io.redisha.api.RedisHAPairStatus;
import io.redisha.kube.ReportLease.ReceivedReport;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Turns the agents' reports into the resource's status: per group and node, the master of each
 * group, failovers (counted when a group's sole master differs from the last one seen), and the
 * Ready, Degraded, SplitBrain and Progressing conditions. Pure: the caller passes the reports, the
 * rollout state and the time.
 */
public final class PairStatusAggregator {
  private PairStatusAggregator() {}

  public static final String MASTER = "MASTER";
  public static final String BACKUP = "BACKUP";
  public static final String UNKNOWN = "Unknown";

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
    // A rejected spec never reached the agents: report on the groups they run, not the new ones.
    List<String> groups =
        !problems.isEmpty() && previous != null && previous.getInstances() != null
            ? previous.getInstances().stream().map(InstanceStatus::getName).toList()
            : pair.getSpec() == null || pair.getSpec().getInstances() == null
                ? List.of()
                : pair.getSpec().getInstances().stream().map(InstanceSpec::getName).toList();

    List<String> staleNodes = new ArrayList<>();
    Instant recheckAt = null;
    for (NodeSpec node : nodes) {
      ReceivedReport r = reports.get(node.getName());
      if (r == null || !r.isFreshAt(now)) {
        staleNodes.add(node.getName());
      } else if (recheckAt == null || r.expiresAt().isBefore(recheckAt)) {
        recheckAt = r.expiresAt();
      }
    }

    List<InstanceStatus> instances = new ArrayList<>();
    List<Failover> failovers = new ArrayList<>();
    List<String> masters = new ArrayList<>();
    String splitBrain = null;
    String notServing = null;
    String notRedundant = null;
    long total = 0;
    for (String group : groups) {
      InstanceStatus before = previousInstance(previous, group);
      InstanceStatus is = new InstanceStatus();
      is.setName(group);
      List<String> masterNodes = new ArrayList<>();
      for (NodeSpec node : nodes) {
        ReceivedReport r = reports.get(node.getName());
        GroupReport g = r == null || !r.isFreshAt(now) ? null : groupOf(r.report(), group);
        InstanceNodeStatus ns = new InstanceNodeStatus();
        ns.setName(node.getName());
        if (g == null) {
          ns.setVrrpState(UNKNOWN);
        } else {
          ns.setVrrpState(g.vrrpState());
          ns.setRedisRole(g.redisRole());
          ns.setHealthy(g.healthy());
          ns.setHoldsVip(g.holdsVip());
          ns.setReplicationOffset(g.replicationOffset());
          ns.setLagBytes(g.lagBytes());
          ns.setProtection(g.protection());
          if (MASTER.equals(g.vrrpState()) || g.holdsVip()) {
            masterNodes.add(node.getName());
          }
        }
        is.getNodes().add(ns);
      }
      long count = before == null || before.getFailovers() == null ? 0 : before.getFailovers();
      String lastKnown = before == null ? null : before.getLastKnownMaster();
      is.setLastFailoverTime(before == null ? null : before.getLastFailoverTime());
      is.setLastFailoverReason(before == null ? null : before.getLastFailoverReason());
      if (masterNodes.size() == 1) {
        String master = masterNodes.getFirst();
        is.setMaster(master);
        if (lastKnown != null && !lastKnown.equals(master)) {
          count++;
          AgentReport.Transition t = lastTransition(reports.get(master), group);
          String time = t != null && MASTER.equals(t.to()) && t.time() != null ? t.time() : nowText;
          String reason = t != null && MASTER.equals(t.to()) ? t.reason() : null;
          is.setLastFailoverTime(time);
          is.setLastFailoverReason(reason);
          failovers.add(new Failover(group, lastKnown, master, reason, time, count));
        }
        lastKnown = master;
        masters.add(group + "=" + master);
        InstanceNodeStatus m = nodeStatus(is, master);
        if (notServing == null
            && !(Boolean.TRUE.equals(m.getHealthy()) && "master".equals(m.getRedisRole()))) {
          notServing =
              "group "
                  + group
                  + ": Redis on master "
                  + master
                  + " is "
                  + (Boolean.TRUE.equals(m.getHealthy())
                      ? "not writable (role " + m.getRedisRole() + ")"
                      : "unhealthy");
        }
        for (InstanceNodeStatus other : is.getNodes()) {
          if (notRedundant == null
              && !other.getName().equals(master)
              && !UNKNOWN.equals(other.getVrrpState())
              && !(BACKUP.equals(other.getVrrpState())
                  && Boolean.TRUE.equals(other.getHealthy())
                  && "replica".equals(other.getRedisRole()))) {
            notRedundant =
                "group "
                    + group
                    + " on "
                    + other.getName()
                    + ": "
                    + other.getVrrpState()
                    + ", Redis "
                    + other.getRedisRole()
                    + (Boolean.TRUE.equals(other.getHealthy()) ? "" : ", unhealthy");
          }
        }
      } else if (masterNodes.size() > 1) {
        masters.add(group + "=" + String.join("+", masterNodes));
        if (splitBrain == null) {
          splitBrain =
              "group " + group + ": " + String.join(" and ", masterNodes) + " are both master";
        }
      } else {
        masters.add(group + "=-");
        if (notServing == null && staleNodes.size() < nodes.size()) {
          notServing = "group " + group + " has no master";
        }
      }
      is.setLastKnownMaster(lastKnown);
      is.setFailovers(count);
      total += count;
      instances.add(is);
    }

    List<Condition> before = previous == null ? null : previous.getConditions();
    List<Condition> conditions = new ArrayList<>();
    String invalid =
        problems.isEmpty()
            ? null
            : "spec not applied, the running groups are unchanged: " + String.join("; ", problems);
    String notReporting =
        staleNodes.isEmpty() ? null : "no current report from " + String.join(" and ", staleNodes);

    boolean allStale = !nodes.isEmpty() && staleNodes.size() == nodes.size();
    String readyFalseReason;
    String readyMessage;
    if (splitBrain != null) {
      readyFalseReason = "SplitBrain";
      readyMessage = splitBrain;
    } else if (allStale) {
      readyFalseReason = "AgentsNotReporting";
      readyMessage = notReporting;
    } else if (notServing != null) {
      readyFalseReason = notServing.endsWith("has no master") ? "NoMaster" : "MasterNotServing";
      readyMessage = notServing;
    } else {
      readyFalseReason = null;
      readyMessage = groups.size() + " of " + groups.size() + " groups have a healthy master";
    }
    conditions.add(
        Conditions.of(
            before,
            Conditions.READY,
            readyFalseReason == null,
            readyFalseReason == null ? "AllGroupsServing" : readyFalseReason,
            readyMessage,
            generation,
            nowText));

    String degradedReason = null;
    String degradedMessage = null;
    if (invalid != null) {
      degradedReason = "InvalidSpec";
      degradedMessage = invalid;
    } else if (splitBrain != null) {
      degradedReason = "SplitBrain";
      degradedMessage = splitBrain;
    } else if (notReporting != null) {
      degradedReason = "AgentNotReporting";
      degradedMessage = notReporting;
    } else if (notServing != null) {
      degradedReason = "MasterNotServing";
      degradedMessage = notServing;
    } else if (notRedundant != null) {
      degradedReason = "ReplicaNotFollowing";
      degradedMessage = notRedundant;
    }
    conditions.add(
        Conditions.of(
            before,
            Conditions.DEGRADED,
            degradedReason != null,
            degradedReason == null ? "Redundant" : degradedReason,
            degradedMessage == null ? "both nodes serve every group" : degradedMessage,
            generation,
            nowText));

    conditions.add(
        Conditions.of(
            before,
            Conditions.SPLIT_BRAIN,
            splitBrain != null,
            splitBrain == null ? "OneMasterPerGroup" : "TwoMasters",
            splitBrain == null ? "no group has two masters" : splitBrain,
            generation,
            nowText));

    Condition routing = cloudRouting(before, nodes, reports, now, generation, nowText);
    if (routing != null) {
      conditions.add(routing);
    }

    String lagging = null;
    String agentConfigError = null;
    for (NodeSpec node : nodes) {
      ReceivedReport r = reports.get(node.getName());
      if (agentConfigError == null
          && r != null
          && r.isFreshAt(now)
          && r.report().configError() != null) {
        agentConfigError =
            node.getName()
                + " cannot apply generation "
                + generation
                + ": "
                + r.report().configError();
      }
      if (lagging == null
          && r != null
          && r.isFreshAt(now)
          && r.report().configGeneration() != null
          && r.report().configGeneration() < generation) {
        lagging =
            node.getName()
                + " runs generation "
                + r.report().configGeneration()
                + " of "
                + generation;
      }
    }
    if (invalid != null) {
      conditions.add(
          Conditions.of(
              before, Conditions.PROGRESSING, false, "InvalidSpec", invalid, generation, nowText));
    } else if (rollout != null && !rollout.complete()) {
      conditions.add(
          Conditions.of(
              before,
              Conditions.PROGRESSING,
              true,
              "RollingOut",
              rollout.updated()
                  + " of "
                  + rollout.desired()
                  + " agents updated, "
                  + rollout.ready()
                  + " ready",
              generation,
              nowText));
    } else if (agentConfigError != null) {
      conditions.add(
          Conditions.of(
              before,
              Conditions.PROGRESSING,
              false,
              "AgentConfigError",
              agentConfigError,
              generation,
              nowText));
    } else if (lagging != null) {
      conditions.add(
          Conditions.of(
              before, Conditions.PROGRESSING, true, "RollingOut", lagging, generation, nowText));
    } else {
      conditions.add(
          Conditions.of(
              before,
              Conditions.PROGRESSING,
              false,
              "UpToDate",
              "the agents run generation " + generation,
              generation,
              nowText));
    }

    RedisHAPairStatus status = new RedisHAPairStatus();
    status.setObservedGeneration(generation);
    status.setConditions(conditions);
    status.setInstances(instances);
    status.setMasters(String.join(",", masters));
    status.setFailovers(total);
    status.setMessage(
        Objects.requireNonNullElse(
            invalid != null
                ? invalid
                : splitBrain != null
                    ? splitBrain
                    : degradedMessage != null
                        ? degradedMessage
                        : readyFalseReason != null ? readyMessage : null,
            ""));
    return new Result(status, failovers, Optional.ofNullable(recheckAt));
  }

  /** CloudRouting from the agents' last hook calls; null when no agent reports one. */
  private static Condition cloudRouting(
      List<Condition> before,
      List<NodeSpec> nodes,
      Map<String, ReceivedReport> reports,
      Instant now,
      long generation,
      String nowText) {
    String failed = null;
    String releaseFailed = null;
    String pending = null;
    boolean any = false;
    for (NodeSpec node : nodes) {
      ReceivedReport r = reports.get(node.getName());
      if (r == null || !r.isFreshAt(now) || r.report().groups() == null) {
        continue;
      }
      for (GroupReport g : r.report().groups()) {
        AgentReport.CloudRouting c = g.cloudRouting();
        if (c == null) {
          continue;
        }
        any = true;
        String text =
            "group "
                + g.name()
                + " on "
                + node.getName()
                + ": "
                + c.provider()
                + (c.state().equals(MASTER) ? " routing the VIP here" : " releasing the VIP");
        if (AgentReport.CloudRouting.FAILED.equals(c.result())) {
          text += " failed (attempt " + c.attempts() + "): " + c.error();
          if (c.state().equals(MASTER)) {
            failed = failed == null ? text : failed;
          } else {
            releaseFailed = releaseFailed == null ? text : releaseFailed;
          }
        } else if (AgentReport.CloudRouting.PENDING.equals(c.result())
            && c.state().equals(MASTER)) {
          pending = pending == null ? text + " is pending" : pending;
        }
      }
    }
    if (!any) {
      return null;
    }
    String reason;
    String message;
    if (failed != null) {
      reason = "HookFailed";
      message = failed;
    } else if (releaseFailed != null) {
      reason = "ReleaseFailed";
      message = releaseFailed;
    } else if (pending != null) {
      reason = "Pending";
      message = pending;
    } else {
      return Conditions.of(
          before,
          Conditions.CLOUD_ROUTING,
          true,
          "Routed",
          "the cloud routes every VIP to its master",
          generation,
          nowText);
    }
    return Conditions.of(
        before, Conditions.CLOUD_ROUTING, false, reason, message, generation, nowText);
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

  private static GroupReport groupOf(AgentReport report, String group) {
    return report.groups() == null
        ? null
        : report.groups().stream().filter(g -> group.equals(g.name())).findFirst().orElse(null);
  }

  private static AgentReport.Transition lastTransition(ReceivedReport r, String group) {
    GroupReport g = r == null ? null : groupOf(r.report(), group);
    return g == null ? null : g.lastTransition();
  }

  private static InstanceNodeStatus nodeStatus(InstanceStatus is, String node) {
    return is.getNodes().stream().filter(n -> node.equals(n.getName())).findFirst().orElseThrow();
  }
}

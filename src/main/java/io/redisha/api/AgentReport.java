package io.redisha.api;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.List;

/**
 * What one agent reports about its node: the body of its {@code /status} endpoint and of the report
 * the operator aggregates into the resource's status.
 *
 * @param pair name of the pair (resource name, or the pair file's name in standalone mode)
 * @param node the node this agent runs on
 * @param time when the report was made, RFC 3339
 * @param configGeneration the resource generation (or file revision) the agent runs with
 * @param configError what is wrong with the agent's pair or generation file, or null; while it is
 *     set the agent runs the last pair it accepted, so it is not up to date
 * @param groups one entry per Redis group
 * @param link the state of the pair's interface on this node (S11), null when not followed
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AgentReport(
    String pair,
    String node,
    String time,
    Long configGeneration,
    String configError,
    List<GroupReport> groups,
    Link link) {

  /** A report without the link's state. */
  public AgentReport(
      String pair,
      String node,
      String time,
      Long configGeneration,
      String configError,
      List<GroupReport> groups) {
    this(pair, node, time, configGeneration, configError, groups, null);
  }

  /**
   * The pair's interface as the kernel last reported it.
   *
   * @param interfaceName the interface, for example {@code eth0}
   * @param usable whether it can carry the VIPs and the adverts; while it cannot, every group is in
   *     FAULT
   * @param reason the kernel's word for its state: {@code link up}, {@code link down}, {@code
   *     carrier lost}, {@code interface gone}
   * @param since when it last changed, RFC 3339
   */
  public record Link(String interfaceName, boolean usable, String reason, String since) {}

  /**
   * State of one group on this node.
   *
   * @param name group name
   * @param vrrpState INITIALIZE, BACKUP, MASTER or FAULT
   * @param redisRole master, replica, or unknown when Redis does not answer or is unhealthy
   * @param healthy whether the local Redis passes the health check
   * @param holdsVip whether this node holds the group's VIP now
   * @param replicationOffset the local Redis replication offset
   * @param replicationId the local Redis replication id
   * @param lagBytes how far the local replica is behind its master, when it is a replica
   * @param transitions VRRP transitions since the agent started
   * @param lastTransition the most recent VRRP transition
   * @param protection the split-brain protection in force and its state
   * @param cloudRouting the last call of the pair's vipHook for this group, null without a hook
   * @param fault why the group is in FAULT ({@code carrier lost on eth0}, {@code Redis on port 6379
   *     down: ...}), null in any other state
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record GroupReport(
      String name,
      ReportedVrrpState vrrpState,
      RedisRole redisRole,
      boolean healthy,
      boolean holdsVip,
      Long replicationOffset,
      String replicationId,
      Long lagBytes,
      long transitions,
      Transition lastTransition,
      String protection,
      CloudRouting cloudRouting,
      String fault) {

    /** A report without a fault reason. */
    public GroupReport(
        String name,
        ReportedVrrpState vrrpState,
        RedisRole redisRole,
        boolean healthy,
        boolean holdsVip,
        Long replicationOffset,
        String replicationId,
        Long lagBytes,
        long transitions,
        Transition lastTransition,
        String protection,
        CloudRouting cloudRouting) {
      this(
          name,
          vrrpState,
          redisRole,
          healthy,
          holdsVip,
          replicationOffset,
          replicationId,
          lagBytes,
          transitions,
          lastTransition,
          protection,
          cloudRouting,
          null);
    }

    /** A report without cloud routing or fault reason. */
    public GroupReport(
        String name,
        ReportedVrrpState vrrpState,
        RedisRole redisRole,
        boolean healthy,
        boolean holdsVip,
        Long replicationOffset,
        String replicationId,
        Long lagBytes,
        long transitions,
        Transition lastTransition,
        String protection) {
      this(
          name,
          vrrpState,
          redisRole,
          healthy,
          holdsVip,
          replicationOffset,
          replicationId,
          lagBytes,
          transitions,
          lastTransition,
          protection,
          null,
          null);
    }

    /** This report with {@code routing} as its cloud routing. */
    public GroupReport withCloudRouting(CloudRouting routing) {
      return new GroupReport(
          name,
          vrrpState,
          redisRole,
          healthy,
          holdsVip,
          replicationOffset,
          replicationId,
          lagBytes,
          transitions,
          lastTransition,
          protection,
          routing,
          fault);
    }
  }

  /**
   * The last call of a group's vipHook on this node.
   *
   * @param provider exec, webhook, aws or alibaba
   * @param state what was asked: MASTER (route the VIP here) or BACKUP (release it)
   * @param result Pending, Succeeded or Failed
   * @param attempts attempts for the current request so far
   * @param error the last error, null after a success
   * @param time when the last attempt ended, RFC 3339
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record CloudRouting(
      String provider, Request state, Result result, int attempts, String error, String time) {

    /** What the hook was asked to do. */
    public enum Request {
      /** Route the VIP to this node: it became master. */
      MASTER,
      /** Stop routing the VIP here: this node stepped down. */
      BACKUP;

      @JsonCreator
      public static Request fromText(String text) {
        return WireText.require(values(), Request::name, text, "cloudRouting.state");
      }
    }

    /** How the last call for the current request ended. */
    public enum Result {
      /** Asked, no answer yet. */
      PENDING("Pending"),
      SUCCEEDED("Succeeded"),
      FAILED("Failed");

      private final String text;

      Result(String text) {
        this.text = text;
      }

      @JsonValue
      public String text() {
        return text;
      }

      @JsonCreator
      public static Result fromText(String text) {
        return WireText.require(values(), Result::text, text, "cloudRouting.result");
      }

      @Override
      public String toString() {
        return text;
      }
    }
  }

  /**
   * One VRRP state change.
   *
   * @param from state before
   * @param to state after
   * @param reason why, in words
   * @param time when, RFC 3339
   */
  public record Transition(
      ReportedVrrpState from, ReportedVrrpState to, String reason, String time) {}
}

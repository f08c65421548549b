package io.redisha.operator;

/**
 * A master change of one group, seen by the operator.
 *
 * @param group group name
 * @param from the previous master
 * @param to the new master
 * @param reason why, as the new master's agent reported it
 * @param time when, RFC 3339
 * @param count the group's failover count including this one
 */
public record Failover(
    String group, String from, String to, String reason, String time, long count) {
  /** The Event message. */
  public String message() {
    return "group "
        + group
        + ": master moved from "
        + from
        + " to "
        + to
        + (reason == null || reason.isBlank() ? "" : " (" + reason + ")")
        + ", failover "
        + count;
  }
}

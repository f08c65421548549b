package io.redisha.redis;

import java.util.ArrayList;
import java.util.List;

/**
 * Every command the agent sends to Redis, the ACL rule that allows it, and what the agent needs it
 * for; and the commands a replica's Redis sends to its master, which the same user needs because
 * the agent makes it the replicas' {@code masteruser}. {@link #setUser} is the smallest ACL the
 * agent works with, as the README states it.
 */
public enum AgentAcl {
  /** Sent first on every connection when a password is set; Redis allows it to every user. */
  AUTH("AUTH", null, "logging in"),
  CLIENT_SETNAME("CLIENT SETNAME", "+client|setname", "naming its connections redisha-agent"),
  PING("PING", "+ping", "health checks"),
  INFO("INFO", "+info", "health checks, roles and replication offsets"),
  REPLICAOF("REPLICAOF", "+replicaof", "role changes"),
  CONFIG_GET(
      "CONFIG GET",
      "+config|get",
      "reading min-replicas-to-write and min-replicas-max-lag (the write fence) at every check"),
  CONFIG_SET(
      "CONFIG SET",
      "+config|set",
      "masteruser, masterauth and tls-replication before REPLICAOF and after a rotation, and"
          + " min-replicas-max-lag with min-replicas-to-write (the write fence)"),
  CLIENT_KILL("CLIENT KILL", "+client|kill", "disconnecting the clients of a demoted master"),
  CLIENT_PAUSE("CLIENT PAUSE", "+client|pause", "pausing writes in a planned switchover"),
  CLIENT_UNPAUSE("CLIENT UNPAUSE", "+client|unpause", "ending that pause"),
  /** Sent by a replica's Redis to its master, as {@code masteruser}. */
  PSYNC("PSYNC", "+psync", "replication (the replica's Redis asks its master)"),
  REPLCONF("REPLCONF", "+replconf", "replication (the replica's Redis asks its master)");

  private final String command;
  private final String rule;
  private final String purpose;

  AgentAcl(String command, String rule, String purpose) {
    this.command = command;
    this.rule = rule;
    this.purpose = purpose;
  }

  /** The command as Redis documents it, {@code CONFIG SET}. */
  public String command() {
    return command;
  }

  /** The ACL rule that allows it, {@code +config|set}; null for AUTH, which needs none. */
  public String rule() {
    return rule;
  }

  /** What the agent needs it for. */
  public String purpose() {
    return purpose;
  }

  /** The rules of every command, in the order of this enum. */
  public static List<String> rules() {
    List<String> rules = new ArrayList<>();
    for (AgentAcl command : values()) {
      if (command.rule != null) {
        rules.add(command.rule);
      }
    }
    return rules;
  }

  /**
   * The {@code ACL SETUSER} line of the agent's user: on, one password, no keys, no channels
   * ({@code reset} clears them), no command but those the agent and replication send.
   *
   * @param password the password as ACL SETUSER takes it, {@code >secret}, or a placeholder
   */
  public static String setUser(String user, String password) {
    return "ACL SETUSER " + user + " reset on " + password + " -@all " + String.join(" ", rules());
  }

  @Override
  public String toString() {
    return command;
  }
}

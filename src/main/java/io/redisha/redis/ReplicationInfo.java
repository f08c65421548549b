package io.redisha.redis;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * What one Redis server says about itself and its replication, parsed from the text of {@code INFO
 * server}, {@code INFO replication} and (optionally) {@code INFO keyspace}.
 *
 * <p>Offsets are byte positions in a replication stream. A stream is named by a replication id:
 * {@code replId} is the current one; {@code replId2} is the one the server followed before its last
 * promotion (all zeros when there is none), valid up to {@code secondReplOffset - 1}.
 *
 * @param role master or replica
 * @param runId random id of the server process; a new one means the process restarted
 * @param uptimeSeconds seconds since the process started
 * @param replId {@code master_replid}
 * @param replId2 {@code master_replid2}; {@link #NO_REPL_ID} when there is no previous history
 * @param replOffset {@code master_repl_offset}: how far this server is in stream {@code replId}
 * @param secondReplOffset {@code second_repl_offset}; -1 when there is no previous history
 * @param keys sum of the keys of all databases; empty when the text has no keyspace section
 * @param masterLink for a replica, its link to the master; empty for a master
 * @param replicas for a master, the replicas connected to it (a replica may have some too)
 * @param minReplicasToWrite the server's {@code min-replicas-to-write} (0 when {@code
 *     min-replicas-max-lag} is 0, which turns the setting off), read with {@code CONFIG GET}; empty
 *     when it could not be read. The agents use it as the Redis-level write fence ({@link
 *     WriteFence})
 */
public record ReplicationInfo(
    Role role,
    String runId,
    long uptimeSeconds,
    String replId,
    String replId2,
    long replOffset,
    long secondReplOffset,
    OptionalLong keys,
    Optional<MasterLink> masterLink,
    List<ConnectedReplica> replicas,
    OptionalInt minReplicasToWrite) {

  /** The replication id Redis reports when a server has no previous history. */
  public static final String NO_REPL_ID = "0000000000000000000000000000000000000000";

  /** The role Redis reports. */
  public enum Role {
    MASTER,
    REPLICA
  }

  /**
   * A replica's link to its master.
   *
   * @param host {@code master_host}
   * @param port {@code master_port}
   * @param up {@code master_link_status:up}
   * @param syncInProgress {@code master_sync_in_progress:1}: a full sync is running
   * @param replicaOffset {@code slave_repl_offset}: bytes of the master's stream applied here
   */
  public record MasterLink(
      String host, int port, boolean up, boolean syncInProgress, long replicaOffset) {
    public MasterLink {
      Objects.requireNonNull(host, "host");
    }
  }

  /**
   * One {@code slaveN:} line of a master.
   *
   * @param ip address the replica connected from
   * @param port port the replica listens on
   * @param state {@code online}, {@code wait_bgsave}, {@code send_bulk}, ...
   * @param offset bytes the replica has acknowledged
   * @param lagSeconds seconds since the replica's last acknowledgement
   */
  public record ConnectedReplica(String ip, int port, String state, long offset, long lagSeconds) {
    public ConnectedReplica {
      Objects.requireNonNull(ip, "ip");
      Objects.requireNonNull(state, "state");
    }

    /** Whether the replica has finished its initial sync and streams commands. */
    public boolean online() {
      return "online".equals(state);
    }

    /** Whether this is the agent's own {@link WriteKeeper}, not a Redis replica. */
    public boolean keeper() {
      return port == WriteKeeper.LISTENING_PORT;
    }
  }

  public ReplicationInfo {
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(replId, "replId");
    Objects.requireNonNull(replId2, "replId2");
    Objects.requireNonNull(keys, "keys");
    Objects.requireNonNull(masterLink, "masterLink");
    Objects.requireNonNull(minReplicasToWrite, "minReplicasToWrite");
    replicas = List.copyOf(replicas);
  }

  /** INFO without the write-fence setting (it comes from {@code CONFIG GET}, not from INFO). */
  public ReplicationInfo(
      Role role,
      String runId,
      long uptimeSeconds,
      String replId,
      String replId2,
      long replOffset,
      long secondReplOffset,
      OptionalLong keys,
      Optional<MasterLink> masterLink,
      List<ConnectedReplica> replicas) {
    this(
        role,
        runId,
        uptimeSeconds,
        replId,
        replId2,
        replOffset,
        secondReplOffset,
        keys,
        masterLink,
        replicas,
        OptionalInt.empty());
  }

  /** This INFO with {@code min-replicas-to-write} as read from the server. */
  public ReplicationInfo withMinReplicasToWrite(int value) {
    if (value < 0) {
      throw new IllegalArgumentException("min-replicas-to-write must not be negative: " + value);
    }
    return new ReplicationInfo(
        role,
        runId,
        uptimeSeconds,
        replId,
        replId2,
        replOffset,
        secondReplOffset,
        keys,
        masterLink,
        replicas,
        OptionalInt.of(value));
  }

  /** This INFO with another previous stream, as {@link ReplicationLineage} resolves it. */
  public ReplicationInfo withPreviousStream(String previousReplId, long previousSecondOffset) {
    return new ReplicationInfo(
        role,
        runId,
        uptimeSeconds,
        replId,
        previousReplId,
        replOffset,
        previousSecondOffset,
        keys,
        masterLink,
        replicas,
        minReplicasToWrite);
  }

  /**
   * Whether a client write would be accepted now: a master whose {@code min-replicas-to-write} is
   * off, unknown, or met by its online replicas. Redis counts only replicas within {@code
   * min-replicas-max-lag}; counting every online one errs towards "accepts".
   */
  public boolean acceptsWrites() {
    if (!isMaster()) {
      return false;
    }
    int needed = minReplicasToWrite.orElse(0);
    if (needed == 0) {
      return true;
    }
    return replicas.stream().filter(ConnectedReplica::online).count() >= needed;
  }

  /** Whether Redis reports {@code role:master}. */
  public boolean isMaster() {
    return role == Role.MASTER;
  }

  /** Whether the server followed another stream before its current one. */
  public boolean hasPreviousHistory() {
    return !NO_REPL_ID.equals(replId2) && secondReplOffset > 0;
  }

  /**
   * Parses INFO text as Redis sends it ({@code \r\n} or {@code \n} line ends, {@code #} section
   * headers, {@code field:value} lines). Several sections may be concatenated.
   *
   * @throws IllegalArgumentException naming the field when a required field is missing or malformed
   */
  public static ReplicationInfo parse(String infoText) {
    Objects.requireNonNull(infoText, "infoText");
    Map<String, String> fields = new HashMap<>();
    boolean keyspaceSection = false;
    long keyCount = 0;
    List<ConnectedReplica> replicas = new ArrayList<>();
    for (String rawLine : infoText.split("\n", -1)) {
      String line = rawLine.strip();
      if (line.isEmpty()) {
        continue;
      }
      if (line.startsWith("#")) {
        keyspaceSection |= line.substring(1).strip().equalsIgnoreCase("keyspace");
        continue;
      }
      int colon = line.indexOf(':');
      if (colon <= 0) {
        throw new IllegalArgumentException("INFO line without 'field:value': '" + line + "'");
      }
      String name = line.substring(0, colon);
      String value = line.substring(colon + 1);
      if (numbered(name, "db")) {
        keyCount += number(name + ".keys", attributes(name, value).get("keys"));
      } else if (numbered(name, "slave")) {
        replicas.add(connectedReplica(name, value));
      } else {
        fields.put(name, value);
      }
    }

    Role role =
        switch (required(fields, "role")) {
          case "master" -> Role.MASTER;
          case "slave", "replica" -> Role.REPLICA;
          default ->
              throw new IllegalArgumentException(
                  "INFO field role is neither master nor slave: '" + fields.get("role") + "'");
        };
    Optional<MasterLink> masterLink = Optional.empty();
    if (role == Role.REPLICA) {
      masterLink =
          Optional.of(
              new MasterLink(
                  required(fields, "master_host"),
                  port("master_port", required(fields, "master_port")),
                  "up".equals(required(fields, "master_link_status")),
                  "1".equals(required(fields, "master_sync_in_progress")),
                  number("slave_repl_offset", required(fields, "slave_repl_offset"))));
    }
    return new ReplicationInfo(
        role,
        requiredWithHint(fields, "run_id", "the server section"),
        number(
            "uptime_in_seconds",
            requiredWithHint(fields, "uptime_in_seconds", "the server section")),
        required(fields, "master_replid"),
        required(fields, "master_replid2"),
        number("master_repl_offset", required(fields, "master_repl_offset")),
        number("second_repl_offset", required(fields, "second_repl_offset")),
        keyspaceSection ? OptionalLong.of(keyCount) : OptionalLong.empty(),
        masterLink,
        replicas);
  }

  private static ConnectedReplica connectedReplica(String name, String value) {
    Map<String, String> attributes = attributes(name, value);
    return new ConnectedReplica(
        requiredAttribute(attributes, name, "ip"),
        port(name + ".port", requiredAttribute(attributes, name, "port")),
        requiredAttribute(attributes, name, "state"),
        number(name + ".offset", requiredAttribute(attributes, name, "offset")),
        number(name + ".lag", requiredAttribute(attributes, name, "lag")));
  }

  /** Whether {@code name} is {@code prefix} and one or more digits (db0, slave12). */
  private static boolean numbered(String name, String prefix) {
    if (name.length() <= prefix.length() || !name.startsWith(prefix)) {
      return false;
    }
    for (int i = prefix.length(); i < name.length(); i++) {
      char c = name.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }

  /** Splits {@code a=1,b=2} into a map. */
  private static Map<String, String> attributes(String name, String value) {
    Map<String, String> attributes = new HashMap<>();
    for (String pair : value.split(",")) {
      int equals = pair.indexOf('=');
      if (equals <= 0) {
        throw new IllegalArgumentException(
            "INFO field " + name + " has a part without 'key=value': '" + pair + "'");
      }
      attributes.put(pair.substring(0, equals), pair.substring(equals + 1));
    }
    return attributes;
  }

  private static String requiredAttribute(Map<String, String> attributes, String name, String key) {
    String value = attributes.get(key);
    if (value == null) {
      throw new IllegalArgumentException("INFO field " + name + " has no " + key + "=");
    }
    return value;
  }

  private static String required(Map<String, String> fields, String name) {
    return requiredWithHint(fields, name, "the replication section");
  }

  private static String requiredWithHint(Map<String, String> fields, String name, String section) {
    String value = fields.get(name);
    if (value == null) {
      throw new IllegalArgumentException(
          "INFO text has no field " + name + " (is " + section + " missing?)");
    }
    return value;
  }

  private static long number(String name, String value) {
    if (value == null) {
      throw new IllegalArgumentException("INFO field " + name + " is missing");
    }
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "INFO field " + name + " is not a whole number: '" + value + "'", e);
    }
  }

  private static int port(String name, String value) {
    long port = number(name, value);
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("INFO field " + name + " is not a port: " + port);
    }
    return (int) port;
  }
}

package io.redisha.sim;

/**
 * How a simulated Redis process starts, at the pair's first boot and after every restart: what its
 * {@code redis.conf} says.
 */
enum RedisBoot {
  /**
   * The documented {@code redis.conf}: {@code min-replicas-to-write 1000000} and {@code replicaof}
   * the peer. A restarted Redis comes back as a replica and serves no sync ({@code -NOMASTERLINK})
   * until an agent decides, so it cannot wipe the peer's replica even when its own agent is stalled
   * or dead.
   */
  REPLICA_OF_PEER,
  /**
   * Without {@code replicaof}: a restarted Redis comes back as an empty master (the fence still
   * closed), the trap that the restart rules have to catch before the peer's replica resyncs from
   * it.
   */
  MASTER;

  /** {@code -Dsim.redisBoot=master} runs the trap; the documented setup otherwise. */
  static RedisBoot fromProperty() {
    String value = System.getProperty("sim.redisBoot", "replica");
    return switch (value) {
      case "replica" -> REPLICA_OF_PEER;
      case "master" -> MASTER;
      default ->
          throw new IllegalArgumentException(
              "sim.redisBoot must be replica or master, not " + value);
    };
  }
}

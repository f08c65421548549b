package io.redisha.redis;

/**
 * How our Redis of one group relates to the peer's by replication: the peer's Redis listens on
 * {@code peerHost} and the group's {@code port}, and ours follows it whenever this node is not
 * master. Pure: reads only the INFO it is given.
 *
 * @param peerHost the peer node's address, as Redis writes it in {@code master_host} and {@code
 *     slaveN:ip}
 * @param port the group's Redis port, the same on both nodes
 */
public record PeerLink(String peerHost, int port) {

  public PeerLink {
    if (peerHost == null || peerHost.isBlank()) {
      throw new IllegalArgumentException("peerHost must not be blank");
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port must be 1-65535, was " + port);
    }
  }

  /**
   * Whether {@code local} is configured as replica of the peer's Redis, whatever its link state.
   */
  public boolean configured(ReplicationInfo local) {
    if (local == null || local.isMaster()) {
      return false;
    }
    return local.masterLink().map(this::pointsAtPeer).orElse(false);
  }

  /**
   * Whether {@code local} replicates from the peer's Redis with the link up and no full sync
   * running. Configured is not enough: a replica that has not finished its sync may be empty.
   */
  public boolean streaming(ReplicationInfo local) {
    if (!configured(local)) {
      return false;
    }
    ReplicationInfo.MasterLink link = local.masterLink().orElseThrow();
    return link.up() && !link.syncInProgress();
  }

  /**
   * Whether the peer's Redis is connected to {@code local}, a master, as a replica that finished
   * its sync and acknowledged within the last second. The agent's own dead-man replica never
   * counts, whatever address it came from.
   */
  public boolean peerFollows(ReplicationInfo local) {
    if (local == null || !local.isMaster()) {
      return false;
    }
    return local.replicas().stream()
        .anyMatch(r -> !r.keeper() && r.ip().equals(peerHost) && r.online() && r.lagSeconds() <= 1);
  }

  /** The link a replica of the peer reports before its first contact with it. */
  public ReplicationInfo.MasterLink notYetLinked() {
    return new ReplicationInfo.MasterLink(peerHost, port, false, false, 0);
  }

  private boolean pointsAtPeer(ReplicationInfo.MasterLink link) {
    return link.host().equals(peerHost) && link.port() == port;
  }
}

package io.redisha.redis;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The two {@code redis.conf} lines the README asks for on a Redis the agent manages, checked on a
 * process that has just started: {@code replicaof <peer> <port>} (it boots as a replica, which
 * serves no sync while it has no master link, so its empty data set reaches nobody) and {@code
 * min-replicas-to-write 1000000} (the write fence closed until the agent opens it). A new process
 * that comes up as a master, or with the fence open, was started without them: the agent did not
 * open anything on it yet.
 *
 * <p>Pure: a function of the first INFO snapshot of the process.
 */
public final class BootLines {

  /** {@code min-replicas-to-write} of the documented boot line. */
  public static final int FENCE_AT_BOOT = WriteFence.CLOSED;

  private BootLines() {}

  /**
   * The lines {@code restarted} came up without, as they would be written in {@code redis.conf}, or
   * empty when it booted as the README says (or the fence cannot be read and it is a replica).
   *
   * @param restarted INFO of a process the agent has just seen for the first time after a restart
   * @param peerHost the peer's Redis address
   * @param port the group's Redis port
   */
  public static Optional<String> missing(ReplicationInfo restarted, String peerHost, int port) {
    Objects.requireNonNull(restarted, "restarted");
    List<String> lines = new ArrayList<>();
    if (restarted.isMaster()) {
      lines.add("replicaof " + peerHost + " " + port);
    }
    if (WriteFence.state(restarted) == WriteFence.State.OPEN) {
      lines.add("min-replicas-to-write " + FENCE_AT_BOOT);
    }
    return lines.isEmpty() ? Optional.empty() : Optional.of(String.join("', '", lines));
  }
}

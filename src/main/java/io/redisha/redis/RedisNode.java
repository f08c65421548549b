package io.redisha.redis;

import java.time.Duration;

/**
 * One Redis server, seen through a single connection that is opened on first use and opened again
 * on the next call after it was lost. Every method returns or throws {@link RedisNodeException}
 * within its time limit (the {@code timeout} argument of {@link #check}, the node's command timeout
 * for the others), however dead the server is. All methods are thread-safe.
 */
public interface RedisNode extends AutoCloseable {

  /**
   * PING, INFO and {@code CONFIG GET min-replicas-*}, in one round trip. Returns what the server
   * says about its replication, with its write fence setting when it could be read.
   *
   * @throws RedisNodeException on a timeout, a refused or lost connection, or an error reply (for
   *     example {@code LOADING} while Redis loads its dataset)
   */
  ReplicationInfo check(Duration timeout);

  /** {@code REPLICAOF NO ONE}: the server becomes a master and keeps its data. */
  void promote();

  /**
   * {@code REPLICAOF host port}, preceded by what {@link #configureReplication} sets. Re-applying
   * the master it already follows is harmless (Redis keeps the link).
   */
  void follow(String host, int port);

  /**
   * {@code CONFIG SET masteruser U masterauth P tls-replication yes}, as far as this node has a
   * password and TLS: the server then logs in to its master with the agent's own credentials, over
   * TLS when the agent uses TLS. Nothing is sent when there is nothing to set.
   */
  void configureReplication();

  /**
   * Logs in with {@code access} from now on. A new connection must log in before it replaces the
   * current one, so a refused password leaves the node as it was (and says so by throwing {@link
   * RedisRefusedException}); the same access again does nothing.
   */
  void updateAccess(RedisAccess access);

  /**
   * {@code CONFIG SET min-replicas-max-lag min-replicas-to-write} in one command: {@code setting}'s
   * value ({@link WriteFence#CLOSED}: a master then refuses every write with NOREPLICAS) with
   * {@link WriteFence#GUARD_MAX_LAG_SECONDS}, which a guarded fence counts on.
   */
  void setWriteFence(WriteFence.Setting setting);

  /**
   * Sets the write fence to {@code setting} (open or guarded, see {@link #setWriteFence}) and then
   * {@code REPLICAOF NO ONE}: what a node taking the master role needs. The default sends one after
   * the other; {@link LettuceRedisNode} writes both at once on its connection (Redis runs them in
   * that order), which saves a round trip on the failover path. REPLICAOF NO ONE may then run
   * although the fence did not open: a master with a closed fence refuses every write, so that is
   * safe.
   *
   * @throws RedisNodeException when either failed (the fence's failure first)
   */
  default void openFenceAndPromote(WriteFence.Setting setting) {
    setWriteFence(setting);
    promote();
  }

  /**
   * {@code CLIENT KILL TYPE normal SKIPME yes}: disconnects every ordinary client but this node's
   * own connection, so clients that still write to a demoted master reconnect (through the VIP).
   * Replicas are not touched. Other agents' connections to this server are ordinary clients too:
   * they are cut and reopen on their next call.
   *
   * @return how many clients were disconnected
   */
  long killNormalClients();

  /**
   * {@code CLIENT PAUSE ms WRITE}: write commands of all clients wait until {@link #unpause()} or
   * until the duration has passed; reads go on.
   */
  void pauseWrites(Duration duration);

  /** {@code CLIENT UNPAUSE}. */
  void unpause();

  /** Closes the connection. Later calls throw. Does not report a lost connection. */
  @Override
  void close();

  /**
   * Hears at once what happens to the connection, without waiting for the next check. Methods are
   * called on a client I/O thread or a caller's thread and must return quickly without blocking.
   */
  interface Listener {
    /**
     * The open connection to the server closed without {@link RedisNode#close()}: the server died,
     * was restarted, or killed the connection. Called once per lost connection, within milliseconds
     * of the server's TCP FIN or RST.
     *
     * @param reason what was seen, for logs and status
     */
    void connectionLost(String reason);

    /**
     * A check found a different {@code run_id} than the previous successful check: the server is a
     * new process (possibly empty). Called from the thread that ran {@link RedisNode#check}, before
     * {@code check} returns.
     */
    void restarted(String previousRunId, String currentRunId);

    /** A listener that ignores everything (for a peer's Redis, for example). */
    Listener NONE =
        new Listener() {
          @Override
          public void connectionLost(String reason) {}

          @Override
          public void restarted(String previousRunId, String currentRunId) {}
        };
  }
}

package io.redisha.agent;

import io.redisha.redis.ReplicationInfo;
import io.redisha.redis.WriteFence;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * A Redis server as the group controller sees it: every call returns at once and its result arrives
 * later on the scheduler's thread, so a slow or dead Redis never stalls VRRP timers. Production
 * runs the commands on a worker thread; the simulation answers on its virtual clock.
 */
public interface RedisPort {

  /**
   * The outcome of one check.
   *
   * @param info what Redis reported, or null on failure
   * @param error why the check failed, or null
   */
  record CheckResult(ReplicationInfo info, String error) {
    public boolean ok() {
      return info != null;
    }
  }

  /** Events that must be seen at once, delivered on the scheduler's thread. */
  interface Events {
    /** The connection to Redis broke: the process died or restarted. */
    void connectionLost(String reason);
  }

  void check(Duration timeout, Consumer<CheckResult> done);

  /** REPLICAOF NO ONE; {@code done} gets null on success, else the error. */
  void promote(Consumer<String> done);

  /** REPLICAOF host port; {@code done} gets null on success, else the error. */
  void follow(String host, int port, Consumer<String> done);

  /**
   * CONFIG SET min-replicas-to-write: closes, guards or opens the Redis-level write fence ({@link
   * WriteFence}); {@code done} gets null on success, else the error.
   */
  void setWriteFence(WriteFence.Setting setting, Consumer<String> done);

  /**
   * Sets the write fence to {@code setting} (open or guarded) and REPLICAOF NO ONE, in one exchange
   * where the port can (see {@link io.redisha.redis.RedisNode#openFenceAndPromote}); REPLICAOF NO
   * ONE may run although the fence did not change. {@code done} gets null when both succeeded, else
   * the first error. The default sends one after the other and stops at a failed fence.
   */
  default void openFenceAndPromote(WriteFence.Setting setting, Consumer<String> done) {
    setWriteFence(
        setting,
        fenceError -> {
          if (fenceError != null) {
            done.accept(fenceError);
          } else {
            promote(done);
          }
        });
  }

  /** CLIENT KILL TYPE normal; {@code done} gets null on success, else the error. */
  void killNormalClients(Consumer<String> done);

  /** CLIENT PAUSE ms WRITE; {@code done} gets null on success, else the error. */
  void pauseWrites(Duration duration, Consumer<String> done);

  /** CLIENT UNPAUSE; {@code done} gets null on success, else the error. */
  void unpause(Consumer<String> done);

  /**
   * Whether the Redis's host accepts a plain TCP connection on its port within {@code budget},
   * tried a few times independently ({@link io.redisha.net.TcpProbe}): proof that the host is up
   * and the link passes packets, whatever becomes of the adverts and of the looks, which a lossy
   * link fails as easily. {@code done} gets the answer; a port that cannot probe answers false (no
   * evidence).
   */
  default void probeHost(Duration budget, Consumer<Boolean> done) {
    done.accept(false);
  }

  /**
   * The dead-man replica of our own Redis ({@link io.redisha.redis.WriteKeeper}): attaches it if
   * needed and has it acknowledge now, but only if the clock ({@code Scheduler.nanoTime}) is still
   * before {@code untilNanos} when the acknowledgement goes out. While it acknowledges, it counts
   * as the good replica a guarded write fence asks for; when its acknowledgements stop (the agent
   * stalls, or its key runs short) Redis refuses writes within {@link WriteFence#GUARDED_CLOSE},
   * and when the agent dies the kernel closes the connection and Redis refuses them at once. A port
   * of a Redis the agent does not own ignores it.
   */
  default void keepWrites(long untilNanos) {}

  /** Detaches the dead-man replica, if attached: Redis drops it at once. */
  default void releaseKeeper() {}

  /** Where connection events go. */
  void setEvents(Events events);

  void close();
}

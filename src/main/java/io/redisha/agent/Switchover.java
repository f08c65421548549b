package io.redisha.agent;

import io.redisha.clock.Scheduler;
import io.redisha.redis.ReplicationInfo;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * A planned switchover of one group (S7), run on the master's agent: pause writes on the master
 * ({@code CLIENT PAUSE WRITE}, bounded so Redis lifts it by itself if the agent dies), wait until
 * the replica has applied every byte (its {@code slave_repl_offset} equals our {@code
 * master_repl_offset}), hand the role over with a priority 0 advert so the peer takes it at once,
 * wait until our Redis is a replica of the peer (writes blocked by the pause then fail with
 * READONLY instead of being acknowledged and lost), and lift the pause. If the replica does not
 * catch up in time, the pause is lifted and nothing moves.
 *
 * <p>Every method runs on the scheduler's thread.
 */
public final class Switchover {

  /**
   * How a switchover ended.
   *
   * @param switched whether the role moved to the peer
   * @param reason what happened, or why it was refused or aborted
   * @param pause how long writes were paused on this node (zero when never paused)
   */
  public record Outcome(boolean switched, String reason, Duration pause) {}

  /** Limits of one switchover. */
  public record Limits(Duration catchUp, Duration handOver, Duration poll) {
    /** Catch-up 1 s, hand-over 1 s, offsets polled every 2 ms. */
    public static final Limits DEFAULT =
        new Limits(Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofMillis(2));

    public Limits {
      Objects.requireNonNull(catchUp, "catchUp");
      Objects.requireNonNull(handOver, "handOver");
      Objects.requireNonNull(poll, "poll");
    }

    /** The bound given to CLIENT PAUSE: Redis lifts the pause by itself after it. */
    Duration pauseBound() {
      return catchUp.plus(handOver).plus(Duration.ofMillis(500));
    }
  }

  private final GroupController group;
  private final Scheduler scheduler;
  private final Limits limits;
  private final Consumer<String> log;
  private Consumer<Outcome> done;
  private long pausedAt;
  private long handedOverAt;
  private ReplicationInfo local;
  private ReplicationInfo peer;
  private int pending;
  private boolean finished;

  Switchover(GroupController group, Scheduler scheduler, Limits limits, Consumer<String> log) {
    this.group = group;
    this.scheduler = scheduler;
    this.limits = limits;
    this.log = log;
  }

  /** Starts; {@code done} is called once, on the scheduler's thread. */
  void start(Consumer<Outcome> done) {
    this.done = done;
    String refusal = group.switchoverRefusal();
    if (refusal != null) {
      finish(false, "refused: " + refusal, Duration.ZERO);
      return;
    }
    pausedAt = scheduler.nanoTime();
    group
        .localRedis()
        .pauseWrites(
            limits.pauseBound(),
            error -> {
              if (error != null) {
                finish(false, "CLIENT PAUSE failed: " + error, Duration.ZERO);
              } else {
                pollOffsets();
              }
            });
  }

  private void pollOffsets() {
    if (finished) {
      return;
    }
    local = null;
    peer = null;
    pending = 2;
    Duration timeout = limits.catchUp();
    group.localRedis().check(timeout, result -> offsetsArrived(result, true));
    group.peerRedisPort().check(timeout, result -> offsetsArrived(result, false));
  }

  private void offsetsArrived(RedisPort.CheckResult result, boolean isLocal) {
    if (isLocal) {
      local = result.info();
    } else {
      peer = result.info();
    }
    if (--pending > 0 || finished) {
      return;
    }
    long waited = scheduler.nanoTime() - pausedAt;
    String lag = lag();
    if (lag == null) {
      handOver();
    } else if (waited >= limits.catchUp().toNanos()) {
      abort("the replica did not catch up within " + limits.catchUp().toMillis() + " ms: " + lag);
    } else if (group.switchoverRefusal() != null) {
      abort("the group changed while waiting: " + group.switchoverRefusal());
    } else {
      scheduler.schedule(limits.poll(), this::pollOffsets);
    }
  }

  /** Null when the replica has everything, else what is missing. */
  private String lag() {
    if (local == null) {
      return "our Redis did not answer";
    }
    if (!local.isMaster()) {
      return "our Redis is no longer master";
    }
    if (peer == null) {
      return "the peer's Redis did not answer";
    }
    if (peer.masterLink().isEmpty() || !peer.masterLink().get().up()) {
      return "the peer's Redis is not linked to ours";
    }
    long applied = peer.masterLink().get().replicaOffset();
    if (!peer.replId().equals(local.replId()) || applied != local.replOffset()) {
      return "replica at " + applied + ", master at " + local.replOffset();
    }
    return null;
  }

  private void handOver() {
    handedOverAt = scheduler.nanoTime();
    log.accept(
        "group "
            + group.name()
            + ": switchover: replica has every byte (offset "
            + local.replOffset()
            + "), handing over");
    group.handOver("planned switchover to the peer");
    awaitReplica();
  }

  /**
   * Lifts the pause only once the peer's Redis is master and ours a replica, so no write ours takes
   * can be lost. When the peer does not take over in time (its release advert was lost, or it
   * became ineligible), the role stays or comes back here: clients blocked by the pause are
   * disconnected first unless we are master again, so none of them is acknowledged by a Redis
   * without the VIP.
   */
  private void awaitReplica() {
    if (finished) {
      return;
    }
    local = null;
    peer = null;
    pending = 2;
    group.localRedis().check(limits.handOver(), result -> handOverChecked(result, true));
    group.peerRedisPort().check(limits.handOver(), result -> handOverChecked(result, false));
  }

  private void handOverChecked(RedisPort.CheckResult result, boolean isLocal) {
    if (isLocal) {
      local = result.info();
    } else {
      peer = result.info();
    }
    if (--pending > 0 || finished) {
      return;
    }
    boolean peerMaster = peer != null && peer.isMaster();
    boolean localReplica = local != null && !local.isMaster();
    if (peerMaster && localReplica) {
      unpauseAndFinish(true, "switched over to the peer");
    } else if (scheduler.nanoTime() - handedOverAt >= limits.handOver().toNanos()
        || group.isMaster()) {
      String why =
          "the peer did not take over within "
              + limits.handOver().toMillis()
              + " ms (peer's Redis "
              + (peer == null ? "unreachable" : peer.isMaster() ? "master" : "replica")
              + ", ours "
              + (local == null ? "unreachable" : local.isMaster() ? "master" : "replica")
              + ", this node "
              + (group.isMaster() ? "master again" : "not master")
              + ")";
      if (group.isMaster()) {
        unpauseAndFinish(false, why);
      } else {
        group.localRedis().killNormalClients(error -> unpauseAndFinish(false, why));
      }
    } else {
      scheduler.schedule(limits.poll(), this::awaitReplica);
    }
  }

  private void abort(String why) {
    unpauseAndFinish(false, "aborted: " + why);
  }

  private void unpauseAndFinish(boolean switched, String reason) {
    group.releaseSwitchoverVip(() -> unpause(switched, reason));
  }

  private void unpause(boolean switched, String reason) {
    group
        .localRedis()
        .unpause(
            error -> {
              Duration pause = Duration.ofNanos(scheduler.nanoTime() - pausedAt);
              finish(
                  switched,
                  error == null ? reason : reason + "; CLIENT UNPAUSE failed: " + error,
                  pause);
            });
  }

  private void finish(boolean switched, String reason, Duration pause) {
    if (finished) {
      return;
    }
    finished = true;
    log.accept(
        "group "
            + group.name()
            + ": switchover "
            + (switched ? "done" : "not done")
            + ": "
            + reason
            + " (writes paused "
            + pause.toMillis()
            + " ms)");
    done.accept(new Outcome(switched, reason, pause));
  }
}

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

  /**
   * What a switchover needs from the group it moves, and nothing more; {@link GroupController}
   * provides it. Every call returns at once; results arrive later on the scheduler's thread.
   */
  interface MasterSide {
    /** Null when a switchover may start (or go on), else why not. */
    String refusal();

    /** Whether this node holds the VRRP master role of the group. */
    boolean isMaster();

    /** {@code CLIENT PAUSE WRITE} on our Redis, lifted by Redis itself after {@code bound}. */
    void pauseWrites(Duration bound, Consumer<String> done);

    /** {@code CLIENT UNPAUSE} on our Redis; {@code done} gets null on success, else the error. */
    void unpauseWrites(Consumer<String> done);

    /** Reads our Redis's INFO; {@code done} gets null when it did not answer. */
    void readOurs(Duration timeout, Consumer<ReplicationInfo> done);

    /** Reads the peer's Redis's INFO; {@code done} gets null when it did not answer. */
    void readPeers(Duration timeout, Consumer<ReplicationInfo> done);

    /** Hands the master role to the peer with a priority 0 advert. */
    void handOver(String reason);

    /** Disconnects the normal clients of our Redis. */
    void cutClients(Consumer<String> done);

    /**
     * Ends the hand-over's hold on the VIP (kept while our Redis is paused so clients can be cut
     * cleanly); {@code then} runs when done.
     */
    void releaseVip(Runnable then);
  }

  private final String groupName;
  private final MasterSide master;
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

  Switchover(
      String groupName,
      MasterSide master,
      Scheduler scheduler,
      Limits limits,
      Consumer<String> log) {
    this.groupName = groupName;
    this.master = master;
    this.scheduler = scheduler;
    this.limits = limits;
    this.log = log;
  }

  /** Starts; {@code done} is called once, on the scheduler's thread. */
  void start(Consumer<Outcome> done) {
    this.done = done;
    String refusal = master.refusal();
    if (refusal != null) {
      finish(false, "refused: " + refusal, Duration.ZERO);
      return;
    }
    pausedAt = scheduler.nanoTime();
    master.pauseWrites(
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
    master.readOurs(timeout, info -> offsetsArrived(info, true));
    master.readPeers(timeout, info -> offsetsArrived(info, false));
  }

  private void offsetsArrived(ReplicationInfo info, boolean isLocal) {
    if (isLocal) {
      local = info;
    } else {
      peer = info;
    }
    if (--pending > 0 || finished) {
      return;
    }
    long waited = scheduler.nanoTime() - pausedAt;
    String lag = missing(local, peer);
    if (lag == null) {
      handOver();
    } else if (waited >= limits.catchUp().toNanos()) {
      abort("the replica did not catch up within " + limits.catchUp().toMillis() + " ms: " + lag);
    } else if (master.refusal() != null) {
      abort("the group changed while waiting: " + master.refusal());
    } else {
      scheduler.schedule(limits.poll(), this::pollOffsets);
    }
  }

  /**
   * Null when the peer's Redis, a replica of ours, has applied every byte ours has, else what is
   * missing.
   */
  static String missing(ReplicationInfo local, ReplicationInfo peer) {
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
            + groupName
            + ": switchover: replica has every byte (offset "
            + local.replOffset()
            + "), handing over");
    master.handOver("planned switchover to the peer");
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
    master.readOurs(limits.handOver(), info -> handOverChecked(info, true));
    master.readPeers(limits.handOver(), info -> handOverChecked(info, false));
  }

  private void handOverChecked(ReplicationInfo info, boolean isLocal) {
    if (isLocal) {
      local = info;
    } else {
      peer = info;
    }
    if (--pending > 0 || finished) {
      return;
    }
    boolean peerMaster = peer != null && peer.isMaster();
    boolean localReplica = local != null && !local.isMaster();
    if (peerMaster && localReplica) {
      unpauseAndFinish(true, "switched over to the peer");
    } else if (scheduler.nanoTime() - handedOverAt >= limits.handOver().toNanos()
        || master.isMaster()) {
      String why =
          "the peer did not take over within "
              + limits.handOver().toMillis()
              + " ms (peer's Redis "
              + (peer == null ? "unreachable" : peer.isMaster() ? "master" : "replica")
              + ", ours "
              + (local == null ? "unreachable" : local.isMaster() ? "master" : "replica")
              + ", this node "
              + (master.isMaster() ? "master again" : "not master")
              + ")";
      if (master.isMaster()) {
        unpauseAndFinish(false, why);
      } else {
        master.cutClients(error -> unpauseAndFinish(false, why));
      }
    } else {
      scheduler.schedule(limits.poll(), this::awaitReplica);
    }
  }

  private void abort(String why) {
    unpauseAndFinish(false, "aborted: " + why);
  }

  private void unpauseAndFinish(boolean switched, String reason) {
    master.releaseVip(() -> unpause(switched, reason));
  }

  private void unpause(boolean switched, String reason) {
    master.unpauseWrites(
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
            + groupName
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

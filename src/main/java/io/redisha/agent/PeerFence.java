package io.redisha.agent;

import io.redisha.clock.Scheduler;
import io.redisha.redis.ReplicationInfo;
import io.redisha.redis.WriteFence;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * A backup fences the peer's Redis before it takes over from a peer whose agent fell silent while
 * its Redis goes on serving ({@link io.redisha.redis.TakeoverEvidence}): it closes that Redis's
 * write fence ({@code min-replicas-to-write}, over the peer Redis port), so the old master takes no
 * more writes, then waits until our Redis has applied every byte the fenced one has, so none of the
 * writes it acknowledged is lost. If our Redis does not catch up in time, the fence is opened again
 * and nothing moves: the peer's Redis goes on serving as before.
 *
 * <p>Every method runs on the scheduler's thread.
 */
final class PeerFence {

  /**
   * How a fence ended.
   *
   * @param fenced whether the peer's Redis is fenced and ours has all of its data
   * @param reason what happened
   * @param peerRunId the fenced Redis process, when fenced
   */
  record Outcome(boolean fenced, String reason, String peerRunId) {}

  /** What the fence needs from the group; every call returns at once. */
  interface Sides {
    /** Closes ({@code closed}) or opens the peer's write fence; {@code done} gets the error. */
    void setPeerFence(boolean closed, Consumer<String> done);

    /** Reads our Redis's INFO; {@code done} gets null when it did not answer. */
    void readOurs(Duration timeout, Consumer<ReplicationInfo> done);

    /** Reads the peer's Redis's INFO; {@code done} gets null when it did not answer. */
    void readPeers(Duration timeout, Consumer<ReplicationInfo> done);
  }

  private final Sides sides;
  private final Scheduler scheduler;
  private final Duration catchUp;
  private final Duration poll;
  private Consumer<Outcome> done;
  private long startedNanos;
  private ReplicationInfo ours;
  private ReplicationInfo peers;
  private int pending;
  private boolean finished;

  /**
   * @param catchUp how long our Redis may take to apply the fenced Redis's last bytes
   * @param poll how often the offsets are compared meanwhile
   */
  PeerFence(Sides sides, Scheduler scheduler, Duration catchUp, Duration poll) {
    this.sides = Objects.requireNonNull(sides, "sides");
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    this.catchUp = Objects.requireNonNull(catchUp, "catchUp");
    this.poll = Objects.requireNonNull(poll, "poll");
  }

  /** Starts; {@code done} is called once, on the scheduler's thread. */
  void start(Consumer<Outcome> done) {
    this.done = done;
    startedNanos = scheduler.nanoTime();
    sides.setPeerFence(
        true,
        error -> {
          if (error != null) {
            finish(false, "closing the peer's write fence failed: " + error, null);
          } else {
            compare();
          }
        });
  }

  private void compare() {
    if (finished) {
      return;
    }
    ours = null;
    peers = null;
    pending = 2;
    sides.readOurs(catchUp, info -> arrived(info, true));
    sides.readPeers(catchUp, info -> arrived(info, false));
  }

  private void arrived(ReplicationInfo info, boolean isOurs) {
    if (isOurs) {
      ours = info;
    } else {
      peers = info;
    }
    if (--pending > 0 || finished) {
      return;
    }
    if (peers == null) {
      // Keep the fence: if it landed, the peer's Redis refuses writes until its agent decides.
      finish(false, "the peer's Redis stopped answering while being fenced", null);
      return;
    }
    if (!peers.isMaster()) {
      finish(false, "the peer's Redis became a replica meanwhile", null);
      return;
    }
    if (WriteFence.state(peers) != WriteFence.State.CLOSED) {
      finish(false, "the peer's write fence did not stay closed", null);
      return;
    }
    String missing = ours == null ? "our Redis did not answer" : Switchover.missing(peers, ours);
    if (missing == null) {
      finish(true, "the peer's Redis is fenced and ours has every byte it has", peers.runId());
    } else if (scheduler.nanoTime() - startedNanos >= catchUp.toNanos()) {
      String why =
          "our Redis did not catch up with the fenced one within "
              + catchUp.toMillis()
              + " ms ("
              + missing
              + "); its fence is open again";
      sides.setPeerFence(false, error -> finish(false, why, null));
    } else {
      scheduler.schedule(poll, this::compare);
    }
  }

  private void finish(boolean fenced, String reason, String peerRunId) {
    if (finished) {
      return;
    }
    finished = true;
    done.accept(new Outcome(fenced, reason, peerRunId));
  }
}

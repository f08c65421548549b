package io.redisha.arbiter;

import java.time.Duration;

/**
 * Split-brain protection for one group, consulted by the agent on its scheduler thread. With {@link
 * #NONE} the pair behaves like keepalived: fast, but two masters when the pair link breaks.
 */
public interface SplitBrainGuard {

  /**
   * What a backup knows about its peer when it considers taking over.
   *
   * @param silence how long since this node last heard any advert from the peer (since the router
   *     started when it never heard one)
   * @param released whether the last advert heard was the peer's priority 0 release
   * @param sincePeerServedOurRedis how long since a check of the peer's Redis last found it master
   *     while ours replicated from it (null when never): until then the peer may keep its role on
   *     our Redis's acknowledgements, whatever happens to the adverts (its stream reaching ours
   *     counts too)
   * @param peerFenced whether this node has just closed the write fence of the peer's Redis and
   *     holds everything it had (the peer's agent is stalled or dead): like a release, the role may
   *     be taken at once
   */
  record PeerView(
      Duration silence, boolean released, Duration sincePeerServedOurRedis, boolean peerFenced) {

    /** A view without a fence. */
    public PeerView(Duration silence, boolean released, Duration sincePeerServedOurRedis) {
      this(silence, released, sincePeerServedOurRedis, false);
    }
  }

  /**
   * Consulted by the VRRP state machine before this node takes the master role (its {@code
   * TakeoverGate}); a refusal is asked again one advert interval later.
   *
   * @return null when this node may take the master role now, else the reason it may not
   */
  String takeoverRefusal(PeerView peer);

  /**
   * Called at every health tick while this node is master, with whether the peer's Redis is
   * provably following ours (a connected replica acknowledging recent offsets). Null while the node
   * may keep the role, else the reason it must step down (drop the VIP, stop writes).
   */
  String holdRefusal(boolean peerFollowing);

  /**
   * {@code listener} runs, on the scheduler's thread, when the guard may now allow a takeover it
   * refused (it has just acquired its arbiter), so the router asks again at once instead of one
   * advert interval later. Guards that never wait for anything ignore it.
   */
  default void onTakeoverMayBeAllowed(Runnable listener) {}

  /** What the guard is doing, for status, e.g. "None" or "Lease held until ...". */
  String describe();

  /**
   * Whether a third voter can make this node a legitimate master without its replica (Lease, etcd).
   * Then the master's Redis is guarded while its replica is its proof ({@code
   * io.redisha.redis.WriteFence}), and kept writable by the agent itself only while {@link
   * #holdsArbiter()}.
   */
  default boolean arbitrated() {
    return false;
  }

  /** Whether this node holds the arbiter's key now, by its own conservative reckoning. */
  default boolean holdsArbiter() {
    return false;
  }

  /**
   * While this node holds the arbiter's key: the earliest time ({@code Scheduler.nanoTime}) at
   * which the arbiter may give it to the peer, the send time of this node's last confirmed write
   * plus the lease duration; {@code Long.MIN_VALUE} when it does not hold it. The master's Redis
   * may take writes on this node's word (its dead-man replica, {@code
   * io.redisha.redis.WriteKeeper}) only so long that it stops before then.
   */
  default long peerMayHoldFromNanos() {
    return Long.MIN_VALUE;
  }

  /**
   * Since when the arbiter has answered every call, as the send time ({@code Scheduler.nanoTime})
   * of the first call answered after the last one that failed: {@code Long.MIN_VALUE} when no call
   * failed (or there is no arbiter), {@code Long.MAX_VALUE} while the latest call failed. A look at
   * the peer that failed before then says nothing about the peer: this node may have been the one
   * cut off.
   */
  default long answeringSinceNanos() {
    return Long.MIN_VALUE;
  }

  /**
   * Reads the arbiter (never writes it), so that {@link #answeringSinceNanos} learns whether it
   * answers again; at most once per retry interval.
   */
  default void probeArbiter() {}

  /** Stops background work (lease renewals, probes) and gives up what it holds. */
  default void close() {}

  /** No protection: keepalived's behaviour. */
  SplitBrainGuard NONE =
      new SplitBrainGuard() {
        @Override
        public String takeoverRefusal(PeerView peer) {
          return null;
        }

        @Override
        public String holdRefusal(boolean peerFollowing) {
          return null;
        }

        @Override
        public String describe() {
          return "None (two masters possible on a pair-link partition)";
        }
      };
}

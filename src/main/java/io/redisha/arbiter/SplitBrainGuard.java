package io.redisha.arbiter;

/**
 * Split-brain protection for one group, consulted by the agent on its scheduler thread. With {@link
 * #NONE} the pair behaves like keepalived: fast, but two masters when the pair link breaks.
 */
public interface SplitBrainGuard {

  /** Null when this node may take the master role now, else the reason it may not. */
  String takeoverRefusal();

  /**
   * Called at every health tick while this node is master, with whether the peer's Redis is
   * provably following ours (a connected replica acknowledging recent offsets). Null while the node
   * may keep the role, else the reason it must step down (drop the VIP, stop writes).
   */
  String holdRefusal(boolean peerFollowing);

  /** What the guard is doing, for status, e.g. "None" or "Lease held until ...". */
  String describe();

  /** Stops background work (lease renewals, probes). */
  default void close() {}

  /** No protection: keepalived's behaviour. */
  SplitBrainGuard NONE =
      new SplitBrainGuard() {
        @Override
        public String takeoverRefusal() {
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

package io.redisha.redis;

import java.util.Objects;
import java.util.Optional;

/**
 * Safety rule S5: may the local Redis become master without throwing away data the peer's Redis
 * has? Consult it before promoting the local Redis (not while it already serves as master).
 *
 * <h2>The rule</h2>
 *
 * A server's data is described by its replication history: it holds stream {@code replId} up to
 * {@code replOffset}, and, if it was promoted once, the previous stream {@code replId2} up to
 * {@code secondReplOffset - 1}. Offsets continue across a promotion, so holding a stream up to an
 * offset means holding everything that stream carried before it too. Server H <em>holds everything
 * server O has</em> when one of these is true:
 *
 * <ol>
 *   <li>O has no keys (a known key count of 0): there is nothing to lose;
 *   <li>H holds O's current stream {@code O.replId} at least up to {@code O.replOffset} (as its own
 *       current stream, or as its previous stream up to {@code H.secondReplOffset - 1});
 *   <li>O was promoted but has added nothing since ({@code O.replOffset == O.secondReplOffset -
 *       1}), and H holds O's previous stream {@code O.replId2} at least that far.
 * </ol>
 *
 * Then, with L the local server and P the peer:
 *
 * <ul>
 *   <li>peer unreachable (its INFO could not be read): allowed, {@link Reason#PEER_UNREACHABLE}.
 *       Whether the peer is really gone is for the VRRP and lease rules to decide, not for S5;
 *   <li>L holds everything P has: allowed ({@link Reason#PEER_EMPTY} or {@link
 *       Reason#AT_OR_AHEAD_OF_PEER}), also when both are equal;
 *   <li>P holds everything L has but not the other way round: refused, {@link Reason#LOCAL_EMPTY}
 *       when L has no keys (the empty restart), else {@link Reason#BEHIND_PEER}. L should follow P;
 *   <li>neither holds everything the other has, but one was promoted from the other's stream (its
 *       {@code replId2} is the other's {@code replId}): the newer fork may become master ({@link
 *       Reason#NEWER_FORK}), the older may not ({@link Reason#OLDER_FORK}) and should follow it.
 *       The promotion was the pair's decision that the older was gone; what the older took since
 *       was taken while it was cut off (the writes a split brain costs), and a group that stayed
 *       without a master until an operator chose left both sides' clients without one (simulation
 *       seeds 4890 with etcd, 1044630 with the Lease: both sides ended diverged and refused);
 *   <li>neither holds everything the other has and the histories are not so related: refused,
 *       {@link Reason#DIVERGED}, and an operator must choose.
 * </ul>
 *
 * Key counts come from {@code INFO keyspace}; an unknown count is treated as "has data". A master
 * that never had a replica keeps {@code replOffset} 0 however much it writes, which is why
 * emptiness is judged by keys and not by offsets. Offsets include Redis's own replication traffic
 * (PINGs), so "behind" can mean a few bytes of PINGs; a planned switchover first pauses writes on
 * the peer and waits for equal offsets.
 *
 * <p>Pure: a function of the two INFO snapshots.
 */
public final class DataGuard {

  /** Why a verdict was reached. */
  public enum Reason {
    PEER_UNREACHABLE,
    PEER_EMPTY,
    AT_OR_AHEAD_OF_PEER,
    LOCAL_EMPTY,
    BEHIND_PEER,
    NEWER_FORK,
    OLDER_FORK,
    DIVERGED
  }

  /**
   * @param mayBecomeMaster whether the local Redis may be promoted
   * @param reason which case of the rule applied
   * @param explanation the histories and offsets that decided it, for logs and status
   */
  public record Verdict(boolean mayBecomeMaster, Reason reason, String explanation) {
    public Verdict {
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(explanation, "explanation");
    }
  }

  private DataGuard() {}

  /**
   * Decides whether {@code local} may become master.
   *
   * @param peer the peer's INFO, or empty when it could not be read
   */
  public static Verdict decide(ReplicationInfo local, Optional<ReplicationInfo> peer) {
    Objects.requireNonNull(local, "local");
    Objects.requireNonNull(peer, "peer");
    if (peer.isEmpty()) {
      return new Verdict(true, Reason.PEER_UNREACHABLE, "peer's Redis could not be asked");
    }
    ReplicationInfo remote = peer.get();
    String state = "local " + describe(local) + ", peer " + describe(remote);
    if (holdsEverything(local, remote)) {
      return isEmpty(remote)
          ? new Verdict(true, Reason.PEER_EMPTY, "peer has no keys; " + state)
          : new Verdict(
              true, Reason.AT_OR_AHEAD_OF_PEER, "local has all the peer's data; " + state);
    }
    if (holdsEverything(remote, local)) {
      return isEmpty(local)
          ? new Verdict(false, Reason.LOCAL_EMPTY, "local has no keys, peer has data; " + state)
          : new Verdict(false, Reason.BEHIND_PEER, "local is behind the peer; " + state);
    }
    if (newerFork(local, remote)) {
      return new Verdict(
          true,
          Reason.NEWER_FORK,
          "local and peer each have writes the other lacks; local was promoted from the peer's"
              + " stream, so the peer's writes since are given up; "
              + state);
    }
    if (newerFork(remote, local)) {
      return new Verdict(
          false,
          Reason.OLDER_FORK,
          "local and peer each have writes the other lacks; the peer was promoted from our"
              + " stream, so ours since are given up when we follow it; "
              + state);
    }
    return new Verdict(
        false,
        Reason.DIVERGED,
        "local and peer each have writes the other lacks; an operator must choose; " + state);
  }

  /** Whether {@code newer} was promoted from {@code older}'s current stream. */
  private static boolean newerFork(ReplicationInfo newer, ReplicationInfo older) {
    return promotedFrom(newer, older.replId())
        && newer.secondReplOffset() - 1 <= older.replOffset();
  }

  /** Whether {@code server} was promoted while it held stream {@code replId} ({@code replId2}). */
  private static boolean promotedFrom(ReplicationInfo server, String replId) {
    return server.hasPreviousHistory() && server.replId2().equals(replId);
  }

  /**
   * For two servers that both took writes after they parted (a split brain): how many bytes each
   * added beyond the point where their histories split, when one was promoted from the other's
   * stream; null when the histories cannot be related. The side that added less loses less when it
   * yields, which is the only choice left once both sides took writes.
   *
   * @return {@code [localBytes, peerBytes]} beyond the common history, or null
   */
  public static long[] bytesBeyondFork(ReplicationInfo local, ReplicationInfo peer) {
    long fork;
    if (promotedFrom(local, peer.replId())) {
      fork = local.secondReplOffset() - 1;
    } else if (promotedFrom(peer, local.replId())) {
      fork = peer.secondReplOffset() - 1;
    } else {
      return null;
    }
    return new long[] {
      Math.max(0, local.replOffset() - fork), Math.max(0, peer.replOffset() - fork)
    };
  }

  /** Whether {@code holder} holds everything {@code other} has. */
  static boolean holdsEverything(ReplicationInfo holder, ReplicationInfo other) {
    if (isEmpty(other)) {
      return true;
    }
    if (reach(holder, other.replId()) >= other.replOffset()) {
      return true;
    }
    long switchedAt = other.secondReplOffset() - 1;
    return other.hasPreviousHistory()
        && other.replOffset() == switchedAt
        && reach(holder, other.replId2()) >= switchedAt;
  }

  /** How far {@code server} holds stream {@code replId}; -1 when it does not hold it at all. */
  private static long reach(ReplicationInfo server, String replId) {
    if (server.replId().equals(replId)) {
      return server.replOffset();
    }
    if (promotedFrom(server, replId)) {
      return server.secondReplOffset() - 1;
    }
    return -1;
  }

  private static boolean isEmpty(ReplicationInfo server) {
    return server.keys().isPresent() && server.keys().getAsLong() == 0;
  }

  private static String describe(ReplicationInfo server) {
    StringBuilder text =
        new StringBuilder()
            .append(server.isMaster() ? "master" : "replica")
            .append(" at ")
            .append(shortId(server.replId()))
            .append(':')
            .append(server.replOffset());
    if (server.hasPreviousHistory()) {
      text.append(" (before: ")
          .append(shortId(server.replId2()))
          .append(" up to ")
          .append(server.secondReplOffset() - 1)
          .append(')');
    }
    text.append(", keys ")
        .append(server.keys().isPresent() ? Long.toString(server.keys().getAsLong()) : "unknown");
    return text.toString();
  }

  private static String shortId(String replId) {
    return replId.length() > 8 ? replId.substring(0, 8) : replId;
  }
}

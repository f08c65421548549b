package io.redisha.redis;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * A backup whose peer stopped advertising is about to take the master role: is silence on VRRP
 * enough, and must the peer's Redis be fenced first? Missed adverts are weak evidence: a lossy link
 * drops a few in a row while the peer is alive, and a stalled agent (a GC pause, a frozen VM,
 * {@code SIGSTOP}) sends none while its Redis goes on taking writes through the VIP. Taking over
 * then makes a second master, and every write the old one takes until the clients move is lost.
 *
 * <p>What the backup looks at, since the adverts stopped (the first missed advert was due):
 *
 * <ul>
 *   <li>Our Redis does not stream from the peer's (it was detached, restarted, or is syncing): only
 *       a look at the peer's Redis taken after its last advert tells whether ours holds all its
 *       data; until one answers (or fails) the backup waits, and while the peer's Redis has data
 *       ours lacks it waits too, even after a release (simulation seed 1079: a master fenced itself
 *       after a partition healed, released the role, and the backup's detached Redis lacked the
 *       writes the master had taken since the heal).
 *   <li>The peer released the role (priority 0): the guard decides at once, as before.
 *   <li>Our fence on the peer's Redis is closed and our Redis has every byte it had ({@link
 *       Decision#FENCED}): take over; the fence protects like a release.
 *   <li>The peer's Redis answered a look, or our Redis received its stream (its offset moved): the
 *       peer's host is alive.
 *       <ul>
 *         <li>Its Redis takes no writes (a replica, or its fence closed): the guard decides.
 *         <li>Its Redis takes writes: it is provably serving. Until the adverts have been silent
 *             for the stall limit the takeover is refused; after that its agent counts as stalled
 *             or dead and the backup fences that Redis before taking over ({@link
 *             Decision#FENCE_FIRST}), provided ours streams from it (else a takeover would lose the
 *             writes ours does not have, and the serving Redis is left alone).
 *       </ul>
 *   <li>Nothing answered, and a look started after the last advert failed: the peer's host is gone
 *       (its Redis unreachable too), the guard decides, as fast as before; unless the peer's
 *       adverts have lately gone missing and come back (a pair link that drops packets, where a
 *       look fails as easily as an advert), or its host accepted a plain TCP connection since the
 *       first missed advert (up, and the link passes packets): then only once the silence reaches
 *       the stall limit.
 *   <li>Otherwise the backup waits for the look that is on its way.
 * </ul>
 *
 * <p>Pure: a function of what the caller observed.
 */
public final class TakeoverEvidence {

  /** What the backup does now. */
  public enum Decision {
    /** The peer is gone or gave the role up: the split-brain guard decides as before. */
    GUARD_DECIDES,
    /** Refuse for now; ask again later. */
    WAIT,
    /** Close the fence on the peer's Redis and let our Redis catch up, then ask again. */
    FENCE_FIRST,
    /** The peer's Redis is fenced and ours has its data: take over. */
    FENCED
  }

  /** Which case applied. */
  public enum Reason {
    PEER_RELEASED,
    PEER_RELEASED_OURS_BEHIND,
    PEER_FENCED_BY_US,
    FENCE_IN_PROGRESS,
    PEER_TAKES_NO_WRITES,
    PEER_SERVES,
    PEER_SERVES_OURS_DOES_NOT_STREAM,
    PEER_AGENT_SILENT,
    PEER_UNREACHABLE,
    LINK_DROPS_PACKETS,
    PEER_HOST_ANSWERS,
    OURS_LACKS_DATA,
    OURS_CATCHING_UP,
    LOOKING
  }

  /**
   * @param decision what to do
   * @param reason which case applied
   * @param explanation for the log and the refusal shown in status
   */
  public record Verdict(Decision decision, Reason reason, String explanation) {
    public Verdict {
      Objects.requireNonNull(decision, "decision");
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(explanation, "explanation");
    }
  }

  /**
   * What the backup observed since the peer's adverts stopped.
   *
   * @param released the last advert was the peer's fresh priority 0 release
   * @param silence how long since the last advert from the peer
   * @param ours our Redis's INFO, empty before the first check
   * @param answeredSinceAdvert the peer's Redis as the latest look started after the peer's last
   *     advert found it; empty when no such look answered
   * @param lastAnswerSinceMissed the peer's Redis as the last look that started after the first
   *     missed advert and answered found it, even when a later look failed; empty when none
   *     answered (a look started between the last advert and a host cut answers, and says nothing
   *     then)
   * @param answered the peer's Redis as a look started after the first missed advert found it;
   *     empty when no such look answered
   * @param streamMoved our Redis, configured on the peer's, received its stream (its offset or
   *     stream id changed) at a check taken after the first missed advert
   * @param lookFailed a look at the peer's Redis started after the last advert failed
   * @param oursStreams our Redis streams from the peer's now ({@link PeerLink#streaming})
   * @param fence where our fence on the peer's Redis stands
   * @param linkDropsPackets the peer's adverts went missing and came back lately while this node
   *     was backup: the pair link drops packets, so a silence and a failed look are weak evidence
   * @param hostAnswered the peer's host accepted a TCP connection on its Redis port, tried after
   *     the first missed advert: it is up and the link passes packets, so a silence and a failed
   *     look are weak evidence too (the first gap of a lossy link, before any advert came back)
   */
  public record Observed(
      boolean released,
      Duration silence,
      Optional<ReplicationInfo> ours,
      Optional<ReplicationInfo> answeredSinceAdvert,
      Optional<ReplicationInfo> lastAnswerSinceMissed,
      Optional<ReplicationInfo> answered,
      boolean streamMoved,
      boolean lookFailed,
      boolean oursStreams,
      FenceProgress fence,
      boolean linkDropsPackets,
      boolean hostAnswered) {
    public Observed {
      Objects.requireNonNull(silence, "silence");
      Objects.requireNonNull(ours, "ours");
      Objects.requireNonNull(answeredSinceAdvert, "answeredSinceAdvert");
      Objects.requireNonNull(lastAnswerSinceMissed, "lastAnswerSinceMissed");
      Objects.requireNonNull(answered, "answered");
      Objects.requireNonNull(fence, "fence");
    }
  }

  /** Where the backup's fence on the peer's Redis stands. */
  public enum FenceProgress {
    NONE,
    IN_PROGRESS,
    /** Closed on the peer's Redis, and ours has every byte the peer's has. */
    DONE
  }

  private TakeoverEvidence() {}

  /**
   * @param seen what the backup observed
   * @param stallLimit how long the adverts of a peer whose Redis serves must be silent before its
   *     agent counts as stalled or dead ({@link PeerAdverts#stallLimit})
   */
  public static Verdict decide(Observed seen, Duration stallLimit) {
    Objects.requireNonNull(seen, "seen");
    Objects.requireNonNull(stallLimit, "stallLimit");
    if (!seen.oursStreams() && seen.ours().isPresent()) {
      if (seen.answeredSinceAdvert().isPresent()) {
        DataGuard.Verdict data = DataGuard.decide(seen.ours().get(), seen.answeredSinceAdvert());
        if (!data.mayBecomeMaster()) {
          return new Verdict(
              Decision.WAIT,
              Reason.OURS_LACKS_DATA,
              "our Redis lacks data the peer's has: " + data.explanation());
        }
      } else if (!seen.lookFailed()) {
        return new Verdict(
            Decision.WAIT,
            Reason.LOOKING,
            "our Redis does not stream from the peer's: looking at it before taking over");
      } else if (seen.lastAnswerSinceMissed().isPresent()) {
        // The latest look failed, but one since the first missed advert answered: a failed look on
        // a
        // lossy link says nothing about the data the peer's Redis had then (simulation seed 338).
        DataGuard.Verdict data = DataGuard.decide(seen.ours().get(), seen.lastAnswerSinceMissed());
        if (!data.mayBecomeMaster()) {
          return new Verdict(
              Decision.WAIT,
              Reason.OURS_LACKS_DATA,
              "the latest look at the peer's Redis failed, but the one before found data ours"
                  + " lacks: "
                  + data.explanation());
        }
      }
    }
    if (seen.released() && seen.fence() == FenceProgress.IN_PROGRESS) {
      // We are closing the fence of the peer's Redis because it served while its agent was
      // silent: it may hold writes ours lacks, and a release made once that fence was found says
      // nothing about them (simulation seed 4490). The fence ends when ours has all its bytes.
      return new Verdict(
          Decision.WAIT,
          Reason.FENCE_IN_PROGRESS,
          "the peer released the role while we fence its Redis: waiting until ours has every byte"
              + " it had");
    }
    if (seen.released()) {
      Optional<ReplicationInfo> look = seen.answeredSinceAdvert().or(seen::lastAnswerSinceMissed);
      if (seen.oursStreams() && seen.ours().isPresent() && look.isPresent()) {
        DataGuard.Verdict data = DataGuard.decide(seen.ours().get(), look);
        if (behind(data)) {
          return new Verdict(
              Decision.FENCE_FIRST,
              Reason.PEER_RELEASED_OURS_BEHIND,
              "the peer released the role, but our Redis lacks bytes its Redis has: fencing that"
                  + " Redis until ours has them; "
                  + data.explanation());
        }
      }
      return new Verdict(
          Decision.GUARD_DECIDES, Reason.PEER_RELEASED, "the peer released the role");
    }
    if (seen.fence() == FenceProgress.DONE) {
      return new Verdict(
          Decision.FENCED,
          Reason.PEER_FENCED_BY_US,
          "the peer's Redis is fenced and ours has all its data");
    }
    if (seen.fence() == FenceProgress.IN_PROGRESS) {
      return new Verdict(
          Decision.WAIT, Reason.FENCE_IN_PROGRESS, "fencing the peer's Redis before taking over");
    }
    if (!seen.oursStreams()
        && seen.answered().isEmpty()
        && seen.lastAnswerSinceMissed().filter(ReplicationInfo::acceptsWrites).isPresent()) {
      // A look since the first missed advert found its Redis serving, and ours has not streamed
      // since: later looks that failed prove no more than a lossy link, and that Redis may still
      // take writes ours lacks (simulation seed 338: the peer's agent crashed, its Redis served
      // through the VIP, and every look for four seconds failed).
      return new Verdict(
          Decision.WAIT,
          Reason.PEER_SERVES_OURS_DOES_NOT_STREAM,
          "the peer's Redis served writes when looked at after its adverts stopped and ours does not"
              + " stream from it; looks failed since, which a lossy link explains: taking over"
              + " would lose its writes");
    }
    boolean alive = seen.answered().isPresent() || seen.streamMoved();
    if (!alive
        && seen.lookFailed()
        && (seen.linkDropsPackets() || seen.hostAnswered())
        && seen.silence().compareTo(stallLimit) < 0) {
      return new Verdict(
          Decision.WAIT,
          seen.linkDropsPackets() ? Reason.LINK_DROPS_PACKETS : Reason.PEER_HOST_ANSWERS,
          "no adverts for "
              + seen.silence().toMillis()
              + " ms and a look at the peer's Redis failed, but "
              + (seen.linkDropsPackets()
                  ? "the pair link has been dropping adverts that came back"
                  : "its host accepted a connection since the first missed advert (a lossy link)")
              + ": weak evidence until "
              + stallLimit.toMillis()
              + " ms of silence");
    }
    if (!alive) {
      return seen.lookFailed()
          ? new Verdict(
              Decision.GUARD_DECIDES,
              Reason.PEER_UNREACHABLE,
              "peer silent and its Redis unreachable")
          : new Verdict(
              Decision.WAIT,
              Reason.LOOKING,
              "peer silent; looking at its Redis before taking over");
    }
    boolean serving = seen.answered().map(ReplicationInfo::acceptsWrites).orElse(true);
    if (!serving) {
      if (seen.oursStreams() && seen.ours().isPresent()) {
        // Its last acknowledged writes may still be on their way to ours (a lossy link, seeds
        // 1538 and 2336): its offset no longer moves, so ours catches up and the takeover follows.
        DataGuard.Verdict data = DataGuard.decide(seen.ours().get(), seen.answered());
        if (behind(data)) {
          return new Verdict(
              Decision.WAIT,
              Reason.OURS_CATCHING_UP,
              "the peer's Redis takes no writes, and ours is still catching up with it: "
                  + data.explanation());
        }
      }
      return new Verdict(
          Decision.GUARD_DECIDES, Reason.PEER_TAKES_NO_WRITES, "the peer's Redis takes no writes");
    }
    long silentMillis = seen.silence().toMillis();
    if (seen.silence().compareTo(stallLimit) < 0) {
      return new Verdict(
          Decision.WAIT,
          Reason.PEER_SERVES,
          "no adverts for "
              + silentMillis
              + " ms, but the peer's Redis serves"
              + (seen.oursStreams() ? " and ours streams from it" : "")
              + ": missed adverts alone are weak evidence; its agent counts as stalled after "
              + stallLimit.toMillis()
              + " ms");
    }
    if (!seen.oursStreams()) {
      return new Verdict(
          Decision.WAIT,
          Reason.PEER_SERVES_OURS_DOES_NOT_STREAM,
          "the peer's agent is silent for "
              + silentMillis
              + " ms and its Redis serves, but ours does not stream from it: taking over would"
              + " lose its writes");
    }
    return new Verdict(
        Decision.FENCE_FIRST,
        Reason.PEER_AGENT_SILENT,
        "the peer's agent is silent for "
            + silentMillis
            + " ms while its Redis serves: fencing that Redis before taking over");
  }

  /** Our Redis lacks bytes of the peer's history, as opposed to histories that differ. */
  private static boolean behind(DataGuard.Verdict data) {
    return data.reason() == DataGuard.Reason.BEHIND_PEER
        || data.reason() == DataGuard.Reason.LOCAL_EMPTY;
  }
}

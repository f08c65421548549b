package io.redisha.redis;

import static io.redisha.redis.Info.A;
import static io.redisha.redis.Info.B;
import static org.assertj.core.api.Assertions.assertThat;

import io.redisha.redis.TakeoverEvidence.Decision;
import io.redisha.redis.TakeoverEvidence.FenceProgress;
import io.redisha.redis.TakeoverEvidence.Observed;
import io.redisha.redis.TakeoverEvidence.Reason;
import io.redisha.redis.TakeoverEvidence.Verdict;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TakeoverEvidenceTest {
  private static final Duration STALL = Duration.ofSeconds(2);
  private static final ReplicationInfo STREAMING = Info.replicaOfPeer(A, 5000).fenced().build();
  private static final ReplicationInfo SERVING = Info.master(A, 5000).open().build();

  /** A backup whose Redis streams from the peer, the peer silent for {@code silenceMillis}. */
  private static Observed seen(
      long silenceMillis,
      Optional<ReplicationInfo> answered,
      boolean streamMoved,
      boolean lookFailed,
      FenceProgress fence) {
    return new Observed(
        false,
        Duration.ofMillis(silenceMillis),
        Optional.of(STREAMING),
        answered,
        answered,
        answered,
        streamMoved,
        lookFailed,
        true,
        fence,
        false,
        false);
  }

  private static Verdict decide(Observed seen) {
    return TakeoverEvidence.decide(seen, STALL);
  }

  @Test
  void aFreshReleaseLeavesItToTheGuardAtOnce() {
    Observed released =
        new Observed(
            true,
            Duration.ZERO,
            Optional.of(STREAMING),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            false,
            false,
            true,
            FenceProgress.NONE,
            false,
            false);

    Verdict verdict = decide(released);

    assertThat(verdict.decision()).isEqualTo(Decision.GUARD_DECIDES);
    assertThat(verdict.reason()).isEqualTo(Reason.PEER_RELEASED);
  }

  /**
   * Simulation seed 4490 (Etcd): the backup began fencing the peer's Redis, which served while its
   * agent was silent; the peer found the fence closed and released the role, and the backup took
   * over at once while its replica still lacked the last write that Redis had acknowledged.
   */
  @Test
  void aReleaseWhileWeFenceThePeersRedisWaitsForTheFence() {
    Observed released =
        new Observed(
            true,
            Duration.ZERO,
            Optional.of(STREAMING),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            false,
            false,
            true,
            FenceProgress.IN_PROGRESS,
            false,
            false);

    Verdict verdict = decide(released);

    assertThat(verdict.decision()).isEqualTo(Decision.WAIT);
    assertThat(verdict.reason()).isEqualTo(Reason.FENCE_IN_PROGRESS);
  }

  @Test
  void aHostThatIsGoneRedisIncludedLeavesItToTheGuard() {
    Verdict verdict = decide(seen(360, Optional.empty(), false, true, FenceProgress.NONE));

    assertThat(verdict.decision()).isEqualTo(Decision.GUARD_DECIDES);
    assertThat(verdict.reason()).isEqualTo(Reason.PEER_UNREACHABLE);
    assertThat(verdict.explanation()).isEqualTo("peer silent and its Redis unreachable");
  }

  @Test
  void withoutAnyLookSinceTheAdvertsStoppedTheBackupWaitsForOne() {
    Verdict verdict = decide(seen(360, Optional.empty(), false, false, FenceProgress.NONE));

    assertThat(verdict.decision()).isEqualTo(Decision.WAIT);
    assertThat(verdict.reason()).isEqualTo(Reason.LOOKING);
  }

  @Test
  void aPeerWhoseRedisTakesNoWritesLeavesItToTheGuard() {
    ReplicationInfo replica = Info.replicaOf("192.0.2.1", 6379, A, 5000).open().build();
    ReplicationInfo fenced = Info.master(A, 5000).fenced().build();

    Verdict ofReplica = decide(seen(360, Optional.of(replica), false, false, FenceProgress.NONE));
    Verdict ofFenced = decide(seen(360, Optional.of(fenced), false, true, FenceProgress.NONE));

    assertThat(ofReplica.decision()).isEqualTo(Decision.GUARD_DECIDES);
    assertThat(ofReplica.reason()).isEqualTo(Reason.PEER_TAKES_NO_WRITES);
    assertThat(ofFenced.reason()).isEqualTo(Reason.PEER_TAKES_NO_WRITES);
  }

  @Test
  void missedAdvertsAloneDoNotMakeASecondMasterWhileThePeersRedisServes() {
    Verdict answered = decide(seen(1999, Optional.of(SERVING), false, true, FenceProgress.NONE));
    Verdict streamed = decide(seen(500, Optional.empty(), true, true, FenceProgress.NONE));

    assertThat(answered.decision()).isEqualTo(Decision.WAIT);
    assertThat(answered.reason()).isEqualTo(Reason.PEER_SERVES);
    assertThat(answered.explanation())
        .isEqualTo(
            "no adverts for 1999 ms, but the peer's Redis serves and ours streams from it: missed"
                + " adverts alone are weak evidence; its agent counts as stalled after 2000 ms");
    assertThat(streamed.decision())
        .as("our stream moved: the peer is alive")
        .isEqualTo(Decision.WAIT);
    assertThat(streamed.reason()).isEqualTo(Reason.PEER_SERVES);
  }

  @Test
  void aPeerAgentSilentForTheStallLimitWhileItsRedisServesIsFencedFirst() {
    Verdict verdict = decide(seen(2000, Optional.of(SERVING), false, false, FenceProgress.NONE));

    assertThat(verdict.decision()).isEqualTo(Decision.FENCE_FIRST);
    assertThat(verdict.reason()).isEqualTo(Reason.PEER_AGENT_SILENT);
  }

  @Test
  void aServingPeerIsLeftAloneWhenOurRedisDoesNotStreamFromIt() {
    ReplicationInfo ours = Info.master(A, 5000).fenced().build();
    Observed notStreaming =
        new Observed(
            false,
            Duration.ofMillis(3000),
            Optional.of(ours),
            Optional.of(SERVING),
            Optional.of(SERVING),
            Optional.of(SERVING),
            false,
            false,
            false,
            FenceProgress.NONE,
            false,
            false);

    Verdict verdict = decide(notStreaming);

    assertThat(verdict.decision()).isEqualTo(Decision.WAIT);
    assertThat(verdict.reason()).isEqualTo(Reason.PEER_SERVES_OURS_DOES_NOT_STREAM);
  }

  @Test
  void aFenceOnItsWayOrDoneDecides() {
    Verdict running =
        decide(seen(2500, Optional.of(SERVING), false, false, FenceProgress.IN_PROGRESS));
    Verdict done = decide(seen(2500, Optional.empty(), false, true, FenceProgress.DONE));

    assertThat(running.decision()).isEqualTo(Decision.WAIT);
    assertThat(running.reason()).isEqualTo(Reason.FENCE_IN_PROGRESS);
    assertThat(done.decision()).isEqualTo(Decision.FENCED);
    assertThat(done.reason()).isEqualTo(Reason.PEER_FENCED_BY_US);
  }

  @Test
  void aBackupThatDoesNotStreamWaitsForALookEvenAfterARelease() {
    ReplicationInfo detached = Info.master(B, 121).promotedFrom(A, 121).fenced().build();
    Observed released =
        new Observed(
            true,
            Duration.ZERO,
            Optional.of(detached),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            false,
            false,
            false,
            FenceProgress.NONE,
            false,
            false);

    Verdict verdict = decide(released);

    assertThat(verdict.decision()).isEqualTo(Decision.WAIT);
    assertThat(verdict.reason()).isEqualTo(Reason.LOOKING);
  }

  @Test
  void aBackupThatDoesNotStreamWaitsWhileThePeersRedisHasDataOursLacks() {
    ReplicationInfo detached = Info.master(B, 121).promotedFrom(A, 121).fenced().build();
    ReplicationInfo ahead = Info.master(A, 123).fenced().build();
    ReplicationInfo equal = Info.master(A, 121).fenced().build();

    Verdict lacking =
        decide(
            new Observed(
                true,
                Duration.ZERO,
                Optional.of(detached),
                Optional.of(ahead),
                Optional.of(ahead),
                Optional.empty(),
                false,
                false,
                false,
                FenceProgress.NONE,
                false,
                false));
    Verdict holding =
        decide(
            new Observed(
                true,
                Duration.ZERO,
                Optional.of(detached),
                Optional.of(equal),
                Optional.of(equal),
                Optional.empty(),
                false,
                false,
                false,
                FenceProgress.NONE,
                false,
                false));
    Verdict unreachable =
        decide(
            new Observed(
                false,
                Duration.ofMillis(400),
                Optional.of(detached),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                false,
                true,
                false,
                FenceProgress.NONE,
                false,
                false));

    assertThat(lacking.decision()).isEqualTo(Decision.WAIT);
    assertThat(lacking.reason()).isEqualTo(Reason.OURS_LACKS_DATA);
    assertThat(holding.decision()).isEqualTo(Decision.GUARD_DECIDES);
    assertThat(holding.reason()).isEqualTo(Reason.PEER_RELEASED);
    assertThat(unreachable.reason()).isEqualTo(Reason.PEER_UNREACHABLE);
  }

  /**
   * Seed 338: our Redis detached, a look since the peer's last advert found the peer's Redis
   * serving, and the looks after it failed (a lossy link). A failed look is no proof that the
   * serving Redis is gone.
   */
  @Test
  void aFailedLookDoesNotUndoAnEarlierOneThatFoundThePeersRedisServing() {
    ReplicationInfo detached = Info.master(B, 121).promotedFrom(A, 121).fenced().build();
    ReplicationInfo servingAtTheDetach = Info.master(A, 110).open().build();
    ReplicationInfo takesNoWrites = Info.master(A, 110).fenced().build();

    Verdict afterServing =
        decide(
            new Observed(
                false,
                Duration.ofMillis(6800),
                Optional.of(detached),
                Optional.empty(),
                Optional.of(servingAtTheDetach),
                Optional.empty(),
                false,
                true,
                false,
                FenceProgress.NONE,
                false,
                false));
    Verdict afterFenced =
        decide(
            new Observed(
                false,
                Duration.ofMillis(6800),
                Optional.of(detached),
                Optional.empty(),
                Optional.of(takesNoWrites),
                Optional.empty(),
                false,
                true,
                false,
                FenceProgress.NONE,
                false,
                false));

    assertThat(afterServing.decision()).isEqualTo(Decision.WAIT);
    assertThat(afterServing.reason()).isEqualTo(Reason.PEER_SERVES_OURS_DOES_NOT_STREAM);
    assertThat(afterFenced.decision()).isEqualTo(Decision.GUARD_DECIDES);
    assertThat(afterFenced.reason()).isEqualTo(Reason.PEER_UNREACHABLE);
  }

  /** A failed look after one that found data ours lacks: still lacking. */
  @Test
  void aFailedLookDoesNotUndoAnEarlierOneThatFoundDataOursLacks() {
    ReplicationInfo detached = Info.master(B, 121).promotedFrom(A, 121).fenced().build();
    ReplicationInfo ahead = Info.master(A, 130).fenced().build();

    Verdict verdict =
        decide(
            new Observed(
                false,
                Duration.ofMillis(4000),
                Optional.of(detached),
                Optional.empty(),
                Optional.of(ahead),
                Optional.empty(),
                false,
                true,
                false,
                FenceProgress.NONE,
                false,
                false));

    assertThat(verdict.decision()).isEqualTo(Decision.WAIT);
    assertThat(verdict.reason()).isEqualTo(Reason.OURS_LACKS_DATA);
  }

  /**
   * Seeds 1538 and 2336: the peer's Redis takes no writes any more, and ours, streaming from it,
   * has not yet applied its last bytes: wait until it has, then leave it to the guard.
   */
  @Test
  void aBackupWaitsUntilItsStreamHasEveryByteOfAPeerThatTakesNoWrites() {
    ReplicationInfo fencedPeer = Info.master(A, 5000).fenced().build();
    ReplicationInfo lagging = Info.replicaOfPeer(A, 4990).fenced().build();

    Verdict behind =
        decide(
            new Observed(
                false,
                Duration.ofMillis(3800),
                Optional.of(lagging),
                Optional.of(fencedPeer),
                Optional.of(fencedPeer),
                Optional.of(fencedPeer),
                false,
                false,
                true,
                FenceProgress.NONE,
                false,
                false));
    Verdict caughtUp =
        decide(seen(3800, Optional.of(fencedPeer), false, false, FenceProgress.NONE));

    assertThat(behind.decision()).isEqualTo(Decision.WAIT);
    assertThat(behind.reason()).isEqualTo(Reason.OURS_CATCHING_UP);
    assertThat(caughtUp.decision()).isEqualTo(Decision.GUARD_DECIDES);
    assertThat(caughtUp.reason()).isEqualTo(Reason.PEER_TAKES_NO_WRITES);
  }

  /** A release after a look that found ours behind: fence that Redis until ours has its bytes. */
  @Test
  void aReleaseFromAPeerWhoseBytesOursLacksFencesItFirst() {
    ReplicationInfo peer = Info.master(A, 5000).open().build();
    ReplicationInfo lagging = Info.replicaOfPeer(A, 4990).fenced().build();

    Verdict behind =
        decide(
            new Observed(
                true,
                Duration.ZERO,
                Optional.of(lagging),
                Optional.of(peer),
                Optional.of(peer),
                Optional.empty(),
                false,
                false,
                true,
                FenceProgress.NONE,
                false,
                false));
    Verdict caughtUp =
        decide(
            new Observed(
                true,
                Duration.ZERO,
                Optional.of(STREAMING),
                Optional.of(peer),
                Optional.of(peer),
                Optional.empty(),
                false,
                false,
                true,
                FenceProgress.NONE,
                false,
                false));

    assertThat(behind.decision()).isEqualTo(Decision.FENCE_FIRST);
    assertThat(behind.reason()).isEqualTo(Reason.PEER_RELEASED_OURS_BEHIND);
    assertThat(caughtUp.decision()).isEqualTo(Decision.GUARD_DECIDES);
    assertThat(caughtUp.reason()).isEqualTo(Reason.PEER_RELEASED);
  }

  @Test
  void onALinkThatDropsPacketsAFailedLookIsWeakEvidenceUntilTheStallLimit() {
    Observed lossy = silentAfterMissedAdverts(1999, true, true, false);
    Observed lossyLong = silentAfterMissedAdverts(2000, true, true, false);
    Observed lossyStillLooking = silentAfterMissedAdverts(400, false, true, false);

    Verdict waits = decide(lossy);
    Verdict takes = decide(lossyLong);
    Verdict looks = decide(lossyStillLooking);

    assertThat(waits.decision()).isEqualTo(Decision.WAIT);
    assertThat(waits.reason()).isEqualTo(Reason.LINK_DROPS_PACKETS);
    assertThat(waits.explanation())
        .isEqualTo(
            "no adverts for 1999 ms and a look at the peer's Redis failed, but the pair link has"
                + " been dropping adverts that came back: weak evidence until 2000 ms of silence");
    assertThat(takes.decision())
        .as("silent for the stall limit: the host is gone after all")
        .isEqualTo(Decision.GUARD_DECIDES);
    assertThat(takes.reason()).isEqualTo(Reason.PEER_UNREACHABLE);
    assertThat(looks.reason()).isEqualTo(Reason.LOOKING);
  }

  @Test
  void theStallLimitIsTwentyAdvertsAndAtLeastASecond() {
    assertThat(PeerAdverts.stallLimit(10)).isEqualTo(Duration.ofSeconds(2));
    assertThat(PeerAdverts.stallLimit(100)).isEqualTo(Duration.ofSeconds(20));
    assertThat(PeerAdverts.stallLimit(3)).isEqualTo(Duration.ofSeconds(1));
  }

  /**
   * A backup whose Redis streams from the peer, the peer silent for {@code silenceMillis} with no
   * look answered and no stream seen since: what a lossy link or a cut looks like.
   */
  private static Observed silentAfterMissedAdverts(
      long silenceMillis, boolean lookFailed, boolean linkDropsPackets, boolean hostAnswered) {
    return new Observed(
        false,
        Duration.ofMillis(silenceMillis),
        Optional.of(STREAMING),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        false,
        lookFailed,
        true,
        FenceProgress.NONE,
        linkDropsPackets,
        hostAnswered);
  }

  /** The first gap of a lossy link: a silence, a failed look, no advert back yet. */
  private static Observed firstGap(long silenceMillis, boolean hostAnswered) {
    return silentAfterMissedAdverts(silenceMillis, true, false, hostAnswered);
  }

  @Test
  void aHostThatAcceptedAConnectionSinceTheFirstMissedAdvertMakesAFailedLookWeakEvidence() {
    Verdict waits = decide(firstGap(361, true));
    Verdict takesAtTheStallLimit = decide(firstGap(2000, true));
    Verdict takesWhenTheHostIsSilentToo = decide(firstGap(361, false));

    assertThat(waits.decision()).isEqualTo(Decision.WAIT);
    assertThat(waits.reason()).isEqualTo(Reason.PEER_HOST_ANSWERS);
    assertThat(waits.explanation())
        .isEqualTo(
            "no adverts for 361 ms and a look at the peer's Redis failed, but its host accepted a"
                + " connection since the first missed advert (a lossy link): weak evidence until"
                + " 2000 ms of silence");
    assertThat(takesAtTheStallLimit.decision()).isEqualTo(Decision.GUARD_DECIDES);
    assertThat(takesAtTheStallLimit.reason()).isEqualTo(Reason.PEER_UNREACHABLE);
    assertThat(takesWhenTheHostIsSilentToo.decision()).isEqualTo(Decision.GUARD_DECIDES);
    assertThat(takesWhenTheHostIsSilentToo.reason()).isEqualTo(Reason.PEER_UNREACHABLE);
  }
}

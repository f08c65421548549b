package io.redisha.redis;

import static io.redisha.redis.Info.A;
import static io.redisha.redis.Info.B;
import static io.redisha.redis.Info.C;
import static org.assertj.core.api.Assertions.assertThat;

import io.redisha.redis.ReplicaFollow.Reason;
import io.redisha.redis.ReplicaFollow.Verdict;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ReplicaFollowTest {
  private static final Duration LIMIT = PeerAdverts.silenceLimit(100);
  private static final PeerAdverts HEARD_AS_MASTER =
      new PeerAdverts(true, Duration.ofMillis(500), LIMIT);
  private static final PeerAdverts RELEASED = new PeerAdverts(false, Duration.ofMillis(500), LIMIT);
  private static final PeerAdverts SILENT_MASTER = new PeerAdverts(true, LIMIT, LIMIT);

  /** Our Redis, detached with data: stream A up to 5000. */
  private final ReplicationInfo ours = Info.master(A, 5000).build();

  /** The peer's Redis restarted empty: a new stream, no keys. */
  private final ReplicationInfo emptyPeer = Info.master(C, 0).keys(0).build();

  @Test
  void followsAPeerThatIsMasterByVrrpWhateverItsRedisSays() {
    Verdict verdict = ReplicaFollow.decide(ours, Optional.of(emptyPeer), HEARD_AS_MASTER);

    assertThat(verdict.follow()).isTrue();
    assertThat(verdict.reason()).isEqualTo(Reason.PEER_HEARD_AS_MASTER);
    assertThat(ReplicaFollow.decide(ours, Optional.empty(), HEARD_AS_MASTER).follow()).isTrue();
  }

  @Test
  void aPeerThatClaimedTheRoleButWentSilentIsNotMasterByVrrp() {
    Verdict verdict = ReplicaFollow.decide(ours, Optional.of(emptyPeer), SILENT_MASTER);

    assertThat(verdict.follow()).isFalse();
    assertThat(verdict.reason()).isEqualTo(Reason.PEER_LACKS_OUR_DATA);
  }

  @Test
  void followsWhenOurRedisHasNothingToLose() {
    ReplicationInfo emptyOurs = Info.master(B, 0).keys(0).build();

    Verdict verdict = ReplicaFollow.decide(emptyOurs, Optional.empty(), RELEASED);

    assertThat(verdict.follow()).isTrue();
    assertThat(verdict.reason()).isEqualTo(Reason.NOTHING_TO_LOSE);
  }

  @Test
  void anUnknownKeyCountIsData() {
    ReplicationInfo unknownOurs = Info.master(B, 0).unknownKeys().build();

    Verdict verdict = ReplicaFollow.decide(unknownOurs, Optional.empty(), RELEASED);

    assertThat(verdict.follow()).isFalse();
    assertThat(verdict.reason()).isEqualTo(Reason.PEER_UNKNOWN);
  }

  @Test
  void waitsWhenThePeerIsNeitherHeardNorReachable() {
    Verdict verdict = ReplicaFollow.decide(ours, Optional.empty(), RELEASED);

    assertThat(verdict.follow()).isFalse();
    assertThat(verdict.reason()).isEqualTo(Reason.PEER_UNKNOWN);
    assertThat(verdict.explanation())
        .isEqualTo("the peer is neither heard as master nor reachable");
  }

  @Test
  void waitsWhenThePeersRedisIsAReplica() {
    ReplicationInfo peerReplica = Info.replicaOf("192.0.2.1", Info.PORT, A, 9000).build();

    Verdict verdict = ReplicaFollow.decide(ours, Optional.of(peerReplica), RELEASED);

    assertThat(verdict.follow()).isFalse();
    assertThat(verdict.reason()).isEqualTo(Reason.PEER_NOT_MASTER);
    assertThat(verdict.explanation()).isEqualTo("the peer's Redis is not a master");
  }

  @Test
  void waitsWhenThePeersRedisCameBackEmpty() {
    Verdict verdict = ReplicaFollow.decide(ours, Optional.of(emptyPeer), RELEASED);

    assertThat(verdict.follow()).isFalse();
    assertThat(verdict.reason()).isEqualTo(Reason.PEER_LACKS_OUR_DATA);
    assertThat(verdict.explanation())
        .startsWith("the peer's Redis lacks data ours has: ")
        .contains("keys 0")
        .contains("aaaaaaaa:5000");
  }

  @Test
  void waitsWhenThePeersRedisIsBehindOrDiverged() {
    ReplicationInfo behind = Info.master(A, 4000).build();
    ReplicationInfo diverged = Info.master(C, 9000).promotedFrom(B, 4000).build();

    assertThat(ReplicaFollow.decide(ours, Optional.of(behind), RELEASED).reason())
        .isEqualTo(Reason.PEER_LACKS_OUR_DATA);
    assertThat(ReplicaFollow.decide(ours, Optional.of(diverged), RELEASED).reason())
        .isEqualTo(Reason.PEER_LACKS_OUR_DATA);
  }

  /**
   * The peer was promoted from our stream at 4000 while ours went on to 5000 (we were the master
   * cut off): ours follows the newer fork and gives up what it took since.
   */
  @Test
  void followsThePeerPromotedFromOurStreamAlthoughOursWentOn() {
    ReplicationInfo newerFork = Info.master(B, 9000).promotedFrom(A, 4000).build();

    Verdict verdict = ReplicaFollow.decide(ours, Optional.of(newerFork), RELEASED);
    assertThat(verdict.follow()).isTrue();
  }

  @Test
  void followsAMasterThatHoldsEverythingOursHas() {
    ReplicationInfo ahead = Info.master(B, 9000).promotedFrom(A, 5000).build();
    ReplicationInfo equal = Info.master(A, 5000).build();

    Verdict verdict = ReplicaFollow.decide(ours, Optional.of(ahead), RELEASED);
    assertThat(verdict.follow()).isTrue();
    assertThat(verdict.reason()).isEqualTo(Reason.PEER_HOLDS_OUR_DATA);
    assertThat(ReplicaFollow.decide(ours, Optional.of(equal), RELEASED).follow()).isTrue();
  }

  @Test
  void doesNotFollowAgainTheEmptyRedisItWasDetachedFromWhateverTheAdvertsSay() {
    Optional<String> detachedFrom = Optional.of("run-1");

    Verdict stillEmpty =
        ReplicaFollow.decide(ours, Optional.of(emptyPeer), HEARD_AS_MASTER, detachedFrom);
    Verdict otherProcess =
        ReplicaFollow.decide(
            ours,
            Optional.of(Info.master(C, 0).keys(0).runId("run-2").build()),
            HEARD_AS_MASTER,
            detachedFrom);
    Verdict refilled =
        ReplicaFollow.decide(
            ours, Optional.of(Info.master(C, 10).build()), HEARD_AS_MASTER, detachedFrom);
    Verdict oursEmpty =
        ReplicaFollow.decide(
            Info.master(B, 0).keys(0).build(), Optional.of(emptyPeer), RELEASED, detachedFrom);

    assertThat(stillEmpty.follow()).isFalse();
    assertThat(stillEmpty.reason()).isEqualTo(Reason.PEER_STILL_EMPTY);
    assertThat(otherProcess.reason()).isEqualTo(Reason.PEER_HEARD_AS_MASTER);
    assertThat(refilled.reason()).isEqualTo(Reason.PEER_HEARD_AS_MASTER);
    assertThat(oursEmpty.reason()).isEqualTo(Reason.NOTHING_TO_LOSE);
    assertThat(ReplicaFollow.decide(ours, Optional.empty(), HEARD_AS_MASTER, detachedFrom).follow())
        .isTrue();
  }
}

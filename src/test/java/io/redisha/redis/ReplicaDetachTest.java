package io.redisha.redis;

import static io.redisha.redis.Info.A;
import static io.redisha.redis.Info.B;
import static io.redisha.redis.Info.C;
import static org.assertj.core.api.Assertions.assertThat;

import io.redisha.redis.ReplicaDetach.Reason;
import io.redisha.redis.ReplicaDetach.Verdict;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ReplicaDetachTest {
  private static final Duration LIMIT = PeerAdverts.silenceLimit(100);
  private static final PeerAdverts HEARD = new PeerAdverts(true, Duration.ofMillis(500), LIMIT);
  private static final PeerAdverts SILENT = new PeerAdverts(true, LIMIT, LIMIT);

  /** Our Redis follows the peer's and holds stream A up to 5000. */
  private final ReplicationInfo ours = Info.replicaOfPeer(A, 5000).link(false, false).build();

  /** The peer's Redis, restarted empty. */
  private final ReplicationInfo emptyPeer = Info.master(C, 0).keys(0).build();

  private static Verdict decide(
      ReplicationInfo local, Optional<ReplicationInfo> peer, PeerAdverts adverts) {
    return ReplicaDetach.decide(local, true, peer, true, adverts);
  }

  @Test
  void detachesAtOnceWhenThePeersRedisCameBackEmptyEvenWhileItIsHeard() {
    Verdict verdict = decide(ours, Optional.of(emptyPeer), HEARD);

    assertThat(verdict.detach()).isTrue();
    assertThat(verdict.reason()).isEqualTo(Reason.PEER_RESTARTED_EMPTY);
    assertThat(verdict.explanation()).isEqualTo("the peer's Redis came back empty");
  }

  @Test
  void anUnknownKeyCountOnEitherSideIsData() {
    ReplicationInfo unknownOurs = Info.replicaOfPeer(A, 5000).unknownKeys().build();
    ReplicationInfo unknownPeer = Info.master(C, 0).unknownKeys().build();

    assertThat(decide(unknownOurs, Optional.of(emptyPeer), HEARD).reason())
        .isEqualTo(Reason.PEER_RESTARTED_EMPTY);
    assertThat(decide(ours, Optional.of(unknownPeer), HEARD).detach()).isFalse();
  }

  @Test
  void anEmptyPeerThatIsAReplicaIsNotAWipe() {
    ReplicationInfo emptyReplica = Info.replicaOf("192.0.2.1", Info.PORT, C, 0).keys(0).build();

    Verdict verdict = decide(ours, Optional.of(emptyReplica), HEARD);

    assertThat(verdict.detach()).isFalse();
    assertThat(verdict.reason()).isEqualTo(Reason.PEER_SERVES);
  }

  @Test
  void detachesFromASilentPeerWhoseRedisIsUnreachable() {
    Verdict verdict = decide(ours, Optional.empty(), SILENT);

    assertThat(verdict.detach()).isTrue();
    assertThat(verdict.reason()).isEqualTo(Reason.PEER_SILENT_AND_UNREACHABLE);
    assertThat(verdict.explanation()).isEqualTo("peer silent and its Redis unreachable");
  }

  @Test
  void keepsFollowingAnUnreachableRedisWhileThePeerIsHeard() {
    Verdict verdict = decide(ours, Optional.empty(), HEARD);

    assertThat(verdict.detach()).isFalse();
    assertThat(verdict.reason()).isEqualTo(Reason.PEER_SERVES);
  }

  @Test
  void detachesFromASilentPeerWhoseMasterLacksOurData() {
    ReplicationInfo behind = Info.master(A, 4000).build();

    Verdict verdict = decide(ours, Optional.of(behind), SILENT);

    assertThat(verdict.detach()).isTrue();
    assertThat(verdict.reason()).isEqualTo(Reason.PEER_SILENT_WITHOUT_OUR_DATA);
    assertThat(verdict.explanation()).isEqualTo("peer silent and its Redis without our data");
  }

  @Test
  void keepsFollowingAHeardPeerWhoseMasterIsBehind() {
    ReplicationInfo behind = Info.master(A, 4000).build();

    assertThat(decide(ours, Optional.of(behind), HEARD).detach()).isFalse();
  }

  @Test
  void keepsFollowingASilentPeerWhoseMasterHoldsOurData() {
    ReplicationInfo ahead = Info.master(B, 9000).promotedFrom(A, 5000).build();

    Verdict verdict = decide(ours, Optional.of(ahead), SILENT);

    assertThat(verdict.detach()).isFalse();
    assertThat(verdict.reason()).isEqualTo(Reason.PEER_SERVES);
  }

  @Test
  void keepsFollowingASilentPeerWhoseRedisIsAReplica() {
    ReplicationInfo replica = Info.replicaOf("192.0.2.1", Info.PORT, A, 4000).build();

    assertThat(decide(ours, Optional.of(replica), SILENT).detach()).isFalse();
  }

  @Test
  void appliesOnlyToAReplicaConfiguredOnThePeer() {
    ReplicationInfo master = Info.master(A, 5000).build();

    assertThat(decide(master, Optional.of(emptyPeer), SILENT).reason())
        .isEqualTo(Reason.NOT_FOLLOWING_THE_PEER);
    Verdict elsewhere = ReplicaDetach.decide(ours, false, Optional.of(emptyPeer), true, SILENT);
    assertThat(elsewhere.detach()).isFalse();
    assertThat(elsewhere.reason()).isEqualTo(Reason.NOT_FOLLOWING_THE_PEER);
  }

  @Test
  void anEmptyReplicaHasNothingToKeep() {
    ReplicationInfo empty = Info.replicaOfPeer(A, 0).keys(0).build();

    Verdict verdict = decide(empty, Optional.of(emptyPeer), SILENT);

    assertThat(verdict.detach()).isFalse();
    assertThat(verdict.reason()).isEqualTo(Reason.NOTHING_TO_KEEP);
  }

  @Test
  void waitsForAFreshLookAtThePeersRedis() {
    Verdict verdict = ReplicaDetach.decide(ours, true, Optional.of(emptyPeer), false, SILENT);

    assertThat(verdict.detach()).isFalse();
    assertThat(verdict.reason()).isEqualTo(Reason.PEER_NOT_CHECKED);
  }
}

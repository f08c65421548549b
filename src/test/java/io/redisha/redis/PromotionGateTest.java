package io.redisha.redis;

import static io.redisha.redis.Info.A;
import static io.redisha.redis.Info.B;
import static io.redisha.redis.Info.C;
import static org.assertj.core.api.Assertions.assertThat;

import io.redisha.redis.PromotionGate.Reason;
import io.redisha.redis.PromotionGate.Verdict;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PromotionGateTest {
  private final ReplicationInfo peerWithData = Info.master(A, 5000).build();

  @Test
  void aReplicaStreamingFromThePeerIsEligibleWithoutAFreshLook() {
    ReplicationInfo streaming = Info.replicaOfPeer(A, 4990).build();

    Verdict verdict = PromotionGate.decide(streaming, true, Optional.of(peerWithData), false);

    assertThat(verdict.eligible()).isTrue();
    assertThat(verdict.reason()).isEqualTo(Reason.STREAMS_FROM_PEER);
  }

  @Test
  void anyOtherRedisWaitsForAFreshLookAtThePeers() {
    ReplicationInfo detached = Info.master(A, 5000).build();

    Verdict verdict = PromotionGate.decide(detached, false, Optional.empty(), false);

    assertThat(verdict.eligible()).isFalse();
    assertThat(verdict.reason()).isEqualTo(Reason.PEER_NOT_CHECKED);
    assertThat(verdict.explanation()).isEqualTo("waiting for a fresh look at the peer's Redis");
  }

  @Test
  void eligibleWhenItHoldsEverythingThePeerHasOrThePeerIsUnreachable() {
    ReplicationInfo ahead = Info.master(B, 6000).promotedFrom(A, 5000).build();

    Verdict holds = PromotionGate.decide(ahead, false, Optional.of(peerWithData), true);
    Verdict unreachable = PromotionGate.decide(ahead, false, Optional.empty(), true);

    assertThat(holds.eligible()).isTrue();
    assertThat(holds.reason()).isEqualTo(Reason.DATA_GUARD_ALLOWS);
    assertThat(unreachable.eligible()).isTrue();
    assertThat(unreachable.reason()).isEqualTo(Reason.DATA_GUARD_ALLOWS);
  }

  @Test
  void refusesAnEmptyRestartABehindOrADivergedRedisNamingTheDataGuardCase() {
    ReplicationInfo emptyRestart = Info.master(C, 0).keys(0).build();
    ReplicationInfo behind = Info.replicaOfPeer(A, 4000).link(false, false).build();
    ReplicationInfo diverged = Info.master(B, 3000).build();

    Verdict empty = PromotionGate.decide(emptyRestart, false, Optional.of(peerWithData), true);
    Verdict late = PromotionGate.decide(behind, false, Optional.of(peerWithData), true);
    Verdict split = PromotionGate.decide(diverged, false, Optional.of(peerWithData), true);

    assertThat(empty.eligible()).isFalse();
    assertThat(empty.reason()).isEqualTo(Reason.DATA_GUARD_REFUSES);
    assertThat(empty.explanation()).startsWith("Redis LOCAL_EMPTY: local has no keys");
    assertThat(late.eligible()).isFalse();
    assertThat(late.explanation()).startsWith("Redis BEHIND_PEER: ");
    assertThat(split.eligible()).isFalse();
    assertThat(split.explanation()).startsWith("Redis DIVERGED: ");
  }

  @Test
  void anEmptyRedisIsNotPromotedOverAnUnreachablePeerLastSeenWithData() {
    ReplicationInfo emptyRestart = Info.replicaOfPeer(C, 0).keys(0).link(false, false).build();
    ReplicationInfo peerWasEmpty = Info.master(A, 0).keys(0).build();

    Verdict refused =
        PromotionGate.decide(
            emptyRestart, false, Optional.empty(), true, Optional.of(peerWithData));
    Verdict neverSeen =
        PromotionGate.decide(emptyRestart, false, Optional.empty(), true, Optional.empty());
    Verdict seenEmpty =
        PromotionGate.decide(
            emptyRestart, false, Optional.empty(), true, Optional.of(peerWasEmpty));
    Verdict withData =
        PromotionGate.decide(
            Info.master(B, 10).build(), false, Optional.empty(), true, Optional.of(peerWithData));

    assertThat(refused.eligible()).isFalse();
    assertThat(refused.reason()).isEqualTo(Reason.EMPTY_WHILE_PEER_HAD_DATA);
    assertThat(refused.explanation())
        .isEqualTo("our Redis is empty and the peer's, last seen with 10 keys, cannot be asked");
    assertThat(neverSeen.eligible()).as("boot: nothing known about the peer").isTrue();
    assertThat(seenEmpty.eligible()).isTrue();
    assertThat(withData.eligible()).as("ours has data: the usual host-cut failover").isTrue();
  }
}

package io.redisha.redis;

import static io.redisha.redis.Info.A;
import static org.assertj.core.api.Assertions.assertThat;

import io.redisha.redis.WriteFence.Setting;
import io.redisha.redis.WriteFence.State;
import io.redisha.redis.WriteFence.Verdict;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class WriteFenceTest {

  @Test
  void zeroIsOpenOneGuardedAnyOtherValueClosedAndAnUnreadSettingUnknown() {
    assertThat(WriteFence.state(Info.master(A, 0).open().build())).isEqualTo(State.OPEN);
    assertThat(WriteFence.state(Info.master(A, 0).fenced().build())).isEqualTo(State.CLOSED);
    assertThat(WriteFence.state(Info.master(A, 0).minReplicasToWrite(1).build()))
        .isEqualTo(State.GUARDED);
    assertThat(WriteFence.state(Info.master(A, 0).minReplicasToWrite(2).build()))
        .isEqualTo(State.CLOSED);
    assertThat(WriteFence.state(Info.master(A, 0).build())).isEqualTo(State.UNKNOWN);
  }

  @Test
  void theAgentSetsTheFenceOnlyWhenItDiffersFromWhatItWants() {
    ReplicationInfo open = Info.master(A, 0).open().build();
    ReplicationInfo closed = Info.master(A, 0).fenced().build();
    ReplicationInfo userValue = Info.master(A, 0).minReplicasToWrite(1).build();
    ReplicationInfo unread = Info.master(A, 0).build();

    assertThat(WriteFence.needsChange(open, Setting.OPEN)).isFalse();
    assertThat(WriteFence.needsChange(open, Setting.CLOSED)).isTrue();
    assertThat(WriteFence.needsChange(closed, Setting.CLOSED)).isFalse();
    assertThat(WriteFence.needsChange(closed, Setting.OPEN)).isTrue();
    assertThat(WriteFence.needsChange(userValue, Setting.CLOSED))
        .as("closed as redisha closes it")
        .isTrue();
    assertThat(WriteFence.needsChange(unread, Setting.OPEN)).isFalse();
    assertThat(WriteFence.needsChange(unread, Setting.CLOSED)).isFalse();
    assertThat(WriteFence.needsChange(userValue, Setting.GUARDED)).isFalse();
    assertThat(WriteFence.needsChange(open, Setting.GUARDED)).isTrue();
    assertThat(WriteFence.needsChange(closed, Setting.GUARDED)).isTrue();
    assertThat(WriteFence.needsChange(unread, Setting.GUARDED)).isFalse();
  }

  @Test
  void aFencedRedisRefusesWritesWhileItsReplicasAreFewerThanTheSetting() {
    assertThat(Info.master(A, 0).fenced().build().acceptsWrites()).isFalse();
    assertThat(Info.master(A, 0).open().build().acceptsWrites()).isTrue();
    assertThat(Info.master(A, 0).build().acceptsWrites()).as("setting unread").isTrue();
    assertThat(Info.replicaOfPeer(A, 0).open().build().acceptsWrites()).isFalse();
    ReplicationInfo oneOnline =
        Info.master(A, 0).minReplicasToWrite(1).connectedReplica("192.0.2.2", "online", 0).build();
    ReplicationInfo oneSyncing =
        Info.master(A, 0)
            .minReplicasToWrite(1)
            .connectedReplica("192.0.2.2", "send_bulk", 0)
            .build();
    assertThat(oneOnline.acceptsWrites()).isTrue();
    assertThat(oneSyncing.acceptsWrites()).isFalse();
  }

  @Test
  void onlyAChecksSentAfterTheAgentOpenedTheFenceCounts() {
    ReplicationInfo closed = Info.master(A, 0).fenced().build();

    assertThat(WriteFence.decide(closed, Optional.empty(), true)).isEqualTo(Verdict.NOT_OPENED_YET);
    assertThat(WriteFence.decide(closed, Optional.of("run-1"), false))
        .isEqualTo(Verdict.NOT_OPENED_YET);
  }

  @Test
  void aNewProcessIsForTheRestartRules() {
    ReplicationInfo restarted = Info.master(A, 0).runId("run-2").fenced().build();

    assertThat(WriteFence.decide(restarted, Optional.of("run-1"), true))
        .isEqualTo(Verdict.OTHER_PROCESS);
  }

  @Test
  void aFenceClosedOrARoleChangedBySomeoneElseMeansTheMasterWasFenced() {
    Optional<String> opened = Optional.of("run-1");
    Verdict kept = WriteFence.decide(Info.master(A, 0).open().build(), opened, true);
    Verdict unread = WriteFence.decide(Info.master(A, 0).build(), opened, true);
    Verdict closed = WriteFence.decide(Info.master(A, 0).fenced().build(), opened, true);
    Verdict replica = WriteFence.decide(Info.replicaOfPeer(A, 0).open().build(), opened, true);

    assertThat(kept).isEqualTo(Verdict.KEPT);
    assertThat(unread).isEqualTo(Verdict.KEPT);
    assertThat(closed).isEqualTo(Verdict.FENCE_CLOSED);
    assertThat(replica).isEqualTo(Verdict.MADE_REPLICA);
    assertThat(kept.fenced()).isFalse();
    assertThat(unread.fenced()).isFalse();
    assertThat(closed.fenced()).isTrue();
    assertThat(replica.fenced()).isTrue();
    assertThat(Verdict.NOT_OPENED_YET.fenced()).isFalse();
    assertThat(Verdict.OTHER_PROCESS.fenced()).isFalse();
  }

  @Test
  void aGuardedFenceIsTheMastersOwnNotOneSomeoneClosed() {
    Optional<String> opened = Optional.of("run-1");
    ReplicationInfo guarded = Info.master(A, 0).minReplicasToWrite(WriteFence.GUARDED).build();

    assertThat(WriteFence.decide(guarded, opened, true)).isEqualTo(Verdict.KEPT);
    assertThat(WriteFence.decide(guarded, opened, true).fenced()).isFalse();
  }

  @Test
  void aGuardedRedisTakesWritesOnlyWithItsReplicaOnline() {
    ReplicationInfo alone = Info.master(A, 0).minReplicasToWrite(WriteFence.GUARDED).build();
    ReplicationInfo followed =
        Info.master(A, 0)
            .minReplicasToWrite(WriteFence.GUARDED)
            .connectedReplica("192.0.2.2", "online", 0)
            .build();

    assertThat(alone.acceptsWrites()).isFalse();
    assertThat(followed.acceptsWrites()).isTrue();
  }

  @Test
  void theGuardedBoundIsTheLagRoundedToSecondsAndOneRecountLater() {
    assertThat(WriteFence.GUARDED_CLOSE).hasSeconds(WriteFence.GUARD_MAX_LAG_SECONDS + 2L);
    assertThat(Setting.GUARDED.minReplicasToWrite()).isEqualTo(1);
    assertThat(Setting.CLOSED.minReplicasToWrite()).isEqualTo(WriteFence.CLOSED);
    assertThat(Setting.OPEN.minReplicasToWrite()).isZero();
  }
}

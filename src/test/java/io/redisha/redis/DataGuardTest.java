package io.redisha.redis;

import static io.redisha.redis.ReplicationInfoTest.captured;
import static org.assertj.core.api.Assertions.assertThat;

import io.redisha.redis.DataGuard.Reason;
import io.redisha.redis.DataGuard.Verdict;
import io.redisha.redis.ReplicationInfo.MasterLink;
import io.redisha.redis.ReplicationInfo.Role;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class DataGuardTest {
  private static final String A = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
  private static final String B = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
  private static final String C = "cccccccccccccccccccccccccccccccccccccccc";
  private static final String NONE = ReplicationInfo.NO_REPL_ID;

  @Test
  void peerUnreachableAllows() {
    Verdict verdict = DataGuard.decide(master(C, 0, NONE, -1, 0), Optional.empty());

    assertThat(verdict.mayBecomeMaster()).isTrue();
    assertThat(verdict.reason()).isEqualTo(Reason.PEER_UNREACHABLE);
  }

  @Test
  void freshRestartEmptyRefusesAndThePeerMayTakeOver() {
    // The master's Redis was restarted at once: a new stream, no keys. Its replica still holds
    // the old stream A, its link down.
    ReplicationInfo restarted = master(C, 0, NONE, -1, 0);
    ReplicationInfo replica = replica(A, 5000, NONE, -1, 120);

    Verdict local = DataGuard.decide(restarted, Optional.of(replica));
    assertThat(local.mayBecomeMaster()).isFalse();
    assertThat(local.reason()).isEqualTo(Reason.LOCAL_EMPTY);
    assertThat(local.explanation()).contains("keys 0").contains("aaaaaaaa:5000");

    Verdict peer = DataGuard.decide(replica, Optional.of(restarted));
    assertThat(peer.mayBecomeMaster()).isTrue();
    assertThat(peer.reason()).isEqualTo(Reason.PEER_EMPTY);
  }

  @Test
  void restartAfterSeveralSecondsEmptyRefuses() {
    // The peer was promoted meanwhile (new stream B after A up to 5000) and took writes.
    ReplicationInfo restarted = master(C, 0, NONE, -1, 0);
    ReplicationInfo promotedPeer = master(B, 9000, A, 5001, 150);

    assertThat(DataGuard.decide(restarted, Optional.of(promotedPeer)).reason())
        .isEqualTo(Reason.LOCAL_EMPTY);
    assertThat(DataGuard.decide(promotedPeer, Optional.of(restarted)).mayBecomeMaster()).isTrue();
  }

  @Test
  void restartAfterSeveralSecondsFromAnOldSnapshotIsBehind() {
    // With persistence Redis 7 restores its history from the RDB (stream A up to 4000, written
    // before it died) and starts a new stream C on top; the promoted peer went further.
    ReplicationInfo restarted = master(C, 4000, A, 4001, 80);
    ReplicationInfo promotedPeer = master(B, 9000, A, 5001, 150);

    Verdict verdict = DataGuard.decide(restarted, Optional.of(promotedPeer));

    assertThat(verdict.mayBecomeMaster()).isFalse();
    assertThat(verdict.reason()).isEqualTo(Reason.BEHIND_PEER);
    assertThat(DataGuard.decide(promotedPeer, Optional.of(restarted)).mayBecomeMaster()).isTrue();
  }

  @Test
  void equalAllowsBothSides() {
    ReplicationInfo master = master(A, 5000, NONE, -1, 100);
    ReplicationInfo replica = replica(A, 5000, NONE, -1, 100);

    assertThat(DataGuard.decide(replica, Optional.of(master)).reason())
        .isEqualTo(Reason.AT_OR_AHEAD_OF_PEER);
    assertThat(DataGuard.decide(master, Optional.of(replica)).mayBecomeMaster()).isTrue();
  }

  @Test
  void aheadAllowsAndBehindRefuses() {
    ReplicationInfo ahead = replica(A, 5000, NONE, -1, 100);
    ReplicationInfo behind = master(A, 4000, NONE, -1, 100);

    assertThat(DataGuard.decide(ahead, Optional.of(behind)).reason())
        .isEqualTo(Reason.AT_OR_AHEAD_OF_PEER);
    Verdict verdict = DataGuard.decide(behind, Optional.of(ahead));
    assertThat(verdict.mayBecomeMaster()).isFalse();
    assertThat(verdict.reason()).isEqualTo(Reason.BEHIND_PEER);
    assertThat(verdict.explanation()).contains("aaaaaaaa:4000").contains("aaaaaaaa:5000");
  }

  @Test
  void unrelatedHistoriesWithDataRefuseBothSides() {
    ReplicationInfo one = master(B, 3000, NONE, -1, 10);
    ReplicationInfo other = master(C, 7000, NONE, -1, 20);

    assertThat(DataGuard.decide(one, Optional.of(other)).reason()).isEqualTo(Reason.DIVERGED);
    assertThat(DataGuard.decide(other, Optional.of(one)).reason()).isEqualTo(Reason.DIVERGED);
    assertThat(DataGuard.decide(one, Optional.of(other)).mayBecomeMaster()).isFalse();
  }

  @Test
  void bothEmptyAllowsBothSides() {
    ReplicationInfo one = master(B, 0, NONE, -1, 0);
    ReplicationInfo other = master(C, 0, NONE, -1, 0);

    assertThat(DataGuard.decide(one, Optional.of(other)).mayBecomeMaster()).isTrue();
    assertThat(DataGuard.decide(other, Optional.of(one)).mayBecomeMaster()).isTrue();
  }

  @Test
  void masterWithDataButNoReplicaEverIsNotEmpty() {
    // Redis does not count offsets before a first replica connects: offset 0, but 50 keys.
    ReplicationInfo loaded = master(B, 0, NONE, -1, 50);
    ReplicationInfo empty = replica(C, 0, NONE, -1, 0);

    assertThat(DataGuard.decide(empty, Optional.of(loaded)).reason()).isEqualTo(Reason.LOCAL_EMPTY);
    assertThat(DataGuard.decide(loaded, Optional.of(empty)).reason()).isEqualTo(Reason.PEER_EMPTY);
  }

  @Test
  void unknownKeyCountCountsAsData() {
    ReplicationInfo unknown = withKeys(master(B, 0, NONE, -1, 0), OptionalLong.empty());
    ReplicationInfo other = master(C, 0, NONE, -1, 0);

    assertThat(DataGuard.decide(other, Optional.of(unknown)).reason())
        .isEqualTo(Reason.LOCAL_EMPTY);
  }

  @Test
  void promotedReplicaHoldsTheOldMastersStreamUpToItsPromotion() {
    ReplicationInfo oldMaster = replica(A, 5000, NONE, -1, 100);
    ReplicationInfo promoted = master(B, 6000, A, 5001, 120);

    assertThat(DataGuard.decide(promoted, Optional.of(oldMaster)).reason())
        .isEqualTo(Reason.AT_OR_AHEAD_OF_PEER);
    assertThat(DataGuard.decide(oldMaster, Optional.of(promoted)).reason())
        .isEqualTo(Reason.BEHIND_PEER);
  }

  @Test
  void promotedWithoutNewWritesEqualsItsOldMaster() {
    ReplicationInfo oldMaster = master(A, 5000, NONE, -1, 100);
    ReplicationInfo promoted = master(B, 5000, A, 5001, 100);

    assertThat(DataGuard.decide(oldMaster, Optional.of(promoted)).mayBecomeMaster()).isTrue();
    assertThat(DataGuard.decide(promoted, Optional.of(oldMaster)).mayBecomeMaster()).isTrue();
  }

  /**
   * The old master took writes up to 5200 that never reached the replica promoted at 5000: both
   * have writes the other lacks, and the promoted one, the newer fork, may become master; the old
   * one gives its writes since the fork up when it follows.
   */
  @Test
  void oldMasterThatWroteAfterThePromotionYieldsToTheNewerFork() {
    ReplicationInfo oldMaster = master(A, 5200, NONE, -1, 110);
    ReplicationInfo promoted = master(B, 6000, A, 5001, 120);

    DataGuard.Verdict old = DataGuard.decide(oldMaster, Optional.of(promoted));
    assertThat(old.reason()).isEqualTo(Reason.OLDER_FORK);
    assertThat(old.mayBecomeMaster()).isFalse();
    DataGuard.Verdict newer = DataGuard.decide(promoted, Optional.of(oldMaster));
    assertThat(newer.reason()).isEqualTo(Reason.NEWER_FORK);
    assertThat(newer.mayBecomeMaster()).isTrue();
  }

  /** A server promoted from a later point of the stream than the other holds is no fork of it. */
  @Test
  void aPromotionBeyondWhatTheOtherHoldsIsNoFork() {
    ReplicationInfo other = master(A, 4000, NONE, -1, 100);
    ReplicationInfo promoted = master(B, 6000, A, 5001, 120);

    assertThat(DataGuard.decide(other, Optional.of(promoted)).reason())
        .isEqualTo(Reason.BEHIND_PEER);
  }

  @Test
  void twoMastersAfterASplitHaveDiverged() {
    ReplicationInfo left = master(B, 6000, A, 5001, 120);
    ReplicationInfo right = master(C, 5500, A, 5001, 110);

    assertThat(DataGuard.decide(left, Optional.of(right)).reason()).isEqualTo(Reason.DIVERGED);
  }

  @Test
  void capturedRedisInfoAgrees() {
    ReplicationInfo master = ReplicationInfo.parse(captured("master"));
    ReplicationInfo replica = ReplicationInfo.parse(captured("replica"));
    ReplicationInfo replicaLinkDown = ReplicationInfo.parse(captured("replica_link_down"));
    ReplicationInfo restartedEmpty = ReplicationInfo.parse(captured("master_restarted_empty"));
    ReplicationInfo promoted = ReplicationInfo.parse(captured("promoted_replica"));

    assertThat(DataGuard.decide(replica, Optional.of(master)).mayBecomeMaster()).isTrue();
    assertThat(DataGuard.decide(restartedEmpty, Optional.of(replicaLinkDown)).reason())
        .isEqualTo(Reason.LOCAL_EMPTY);
    assertThat(DataGuard.decide(replicaLinkDown, Optional.of(restartedEmpty)).reason())
        .isEqualTo(Reason.PEER_EMPTY);
    assertThat(DataGuard.decide(promoted, Optional.of(master)).reason())
        .isEqualTo(Reason.AT_OR_AHEAD_OF_PEER);
    assertThat(DataGuard.decide(master, Optional.of(promoted)).reason())
        .isEqualTo(Reason.BEHIND_PEER);
  }

  @Test
  void measuresWhatEachSideAddedAfterASplit() {
    // vm-a was master of stream A up to 1000 when it was cut off; it kept adding Redis's own
    // PINGs (28 bytes). vm-b was promoted at 1000 (second offset 1001) and took 5000 bytes.
    ReplicationInfo isolated = master(A, 1028, NONE, -1, 90);
    ReplicationInfo promoted = master(B, 6000, A, 1001, 150);
    assertThat(DataGuard.decide(promoted, Optional.of(isolated)).reason())
        .isEqualTo(Reason.NEWER_FORK);
    assertThat(DataGuard.bytesBeyondFork(isolated, promoted)).containsExactly(28, 5000);
    assertThat(DataGuard.bytesBeyondFork(promoted, isolated)).containsExactly(5000, 28);
    assertThat(DataGuard.bytesBeyondFork(master(A, 10, NONE, -1, 1), master(C, 10, NONE, -1, 1)))
        .isNull();
  }

  private static ReplicationInfo master(
      String replId, long offset, String replId2, long secondOffset, long keys) {
    return new ReplicationInfo(
        Role.MASTER,
        "run-" + replId.charAt(0),
        60,
        replId,
        replId2,
        offset,
        secondOffset,
        OptionalLong.of(keys),
        Optional.empty(),
        List.of());
  }

  private static ReplicationInfo replica(
      String replId, long offset, String replId2, long secondOffset, long keys) {
    return new ReplicationInfo(
        Role.REPLICA,
        "run-" + replId.charAt(0),
        60,
        replId,
        replId2,
        offset,
        secondOffset,
        OptionalLong.of(keys),
        Optional.of(new MasterLink("192.0.2.1", 6379, false, false, offset)),
        List.of());
  }

  private static ReplicationInfo withKeys(ReplicationInfo info, OptionalLong keys) {
    return new ReplicationInfo(
        info.role(),
        info.runId(),
        info.uptimeSeconds(),
        info.replId(),
        info.replId2(),
        info.replOffset(),
        info.secondReplOffset(),
        keys,
        info.masterLink(),
        info.replicas());
  }
}

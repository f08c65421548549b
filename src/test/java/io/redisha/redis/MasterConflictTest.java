package io.redisha.redis;

import static io.redisha.redis.Info.A;
import static io.redisha.redis.Info.B;
import static io.redisha.redis.Info.C;
import static org.assertj.core.api.Assertions.assertThat;

import io.redisha.redis.MasterConflict.Outcome;
import io.redisha.redis.MasterConflict.Reason;
import io.redisha.redis.MasterConflict.Verdict;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class MasterConflictTest {
  private static final long SECOND = 1_000_000_000L;
  private static final long LIMIT = MasterConflict.LOOK_LIMIT.toNanos();

  /** The conflict began at 10 s; the peer was looked at 0.1 s later; the advert comes at 10.5 s. */
  private static final long SINCE = 10 * SECOND;

  private static final long LOOKED = SINCE + SECOND / 10;
  private static final long NOW = SINCE + SECOND / 2;

  private static Verdict decide(ReplicationInfo local, ReplicationInfo peer) {
    return MasterConflict.decide(Optional.of(local), Optional.of(peer), LOOKED, SINCE, NOW);
  }

  @Test
  void aFirstAdvertOrOneAfterAQuietSpellStartsAConflict() {
    assertThat(MasterConflict.startsConflict(-1, NOW)).isTrue();
    assertThat(MasterConflict.startsConflict(-1, SECOND)).isTrue();
    assertThat(MasterConflict.startsConflict(NOW - LIMIT - 1, NOW)).isTrue();
    assertThat(MasterConflict.startsConflict(NOW - LIMIT, NOW)).isFalse();
    assertThat(MasterConflict.startsConflict(NOW - SECOND, NOW)).isFalse();
  }

  @Test
  void keepsTheRoleWhileItLooksAtThePeersRedis() {
    ReplicationInfo ours = Info.master(A, 5000).build();

    Verdict unknownPeer =
        MasterConflict.decide(Optional.of(ours), Optional.empty(), -1, SINCE, NOW);
    Verdict staleLook =
        MasterConflict.decide(
            Optional.of(ours), Optional.of(Info.master(B, 10).build()), SINCE, SINCE, NOW);
    Verdict unknownOurs =
        MasterConflict.decide(
            Optional.empty(), Optional.of(Info.master(B, 10).build()), LOOKED, SINCE, NOW);

    for (Verdict verdict : new Verdict[] {unknownPeer, staleLook, unknownOurs}) {
      assertThat(verdict.outcome()).isEqualTo(Outcome.KEEP);
      assertThat(verdict.reason()).isEqualTo(Reason.LOOKING_AT_PEER);
      assertThat(verdict.lookAtPeer()).isTrue();
      assertThat(verdict.explanation()).isEqualTo("looking at its Redis");
    }
  }

  @Test
  void priorityDecidesWhenNoFreshLookCameInTime() {
    ReplicationInfo ours = Info.master(A, 5000).build();

    Verdict atTheLimit =
        MasterConflict.decide(Optional.of(ours), Optional.empty(), -1, SINCE, SINCE + LIMIT);
    Verdict justBefore =
        MasterConflict.decide(Optional.of(ours), Optional.empty(), -1, SINCE, SINCE + LIMIT - 1);

    assertThat(atTheLimit.outcome()).isEqualTo(Outcome.BY_PRIORITY);
    assertThat(atTheLimit.reason()).isEqualTo(Reason.PEER_NOT_COMPARABLE);
    assertThat(atTheLimit.lookAtPeer()).isFalse();
    assertThat(justBefore.outcome()).isEqualTo(Outcome.KEEP);
  }

  @Test
  void theSideThatHoldsTheOthersDataKeepsTheRole() {
    ReplicationInfo ours = Info.master(A, 5000).build();
    ReplicationInfo emptyPeer = Info.master(C, 0).keys(0).build();
    ReplicationInfo behindPeer = Info.master(A, 4000).build();

    assertThat(decide(ours, emptyPeer).outcome()).isEqualTo(Outcome.KEEP);
    Verdict verdict = decide(ours, behindPeer);
    assertThat(verdict.outcome()).isEqualTo(Outcome.KEEP);
    assertThat(verdict.reason()).isEqualTo(Reason.WE_HOLD_THEIRS);
    assertThat(verdict.lookAtPeer()).isFalse();
  }

  @Test
  void theSideWhoseDataTheOtherHoldsYields() {
    ReplicationInfo ours = Info.master(A, 4000).build();
    ReplicationInfo aheadPeer = Info.master(B, 9000).promotedFrom(A, 5000).build();

    Verdict verdict = decide(ours, aheadPeer);

    assertThat(verdict.outcome()).isEqualTo(Outcome.YIELD);
    assertThat(verdict.reason()).isEqualTo(Reason.THEY_HOLD_OURS);
  }

  @Test
  void whenBothTookWritesTheSideThatAddedMoreKeepsTheRole() {
    // We stayed master of stream A, cut off at 1000, and added 28 bytes (Redis's own PINGs); the
    // peer was promoted at 1000 and took 5000 bytes.
    ReplicationInfo isolated = Info.master(A, 1028).build();
    ReplicationInfo promoted = Info.master(B, 6000).promotedFrom(A, 1000).build();

    Verdict weAddedLess = decide(isolated, promoted);
    Verdict weAddedMore = decide(promoted, isolated);

    assertThat(weAddedLess.outcome()).isEqualTo(Outcome.YIELD);
    assertThat(weAddedLess.reason()).isEqualTo(Reason.THEY_ADDED_MORE);
    assertThat(weAddedLess.explanation())
        .isEqualTo("since the split we added 28 bytes, the peer 5000");
    assertThat(weAddedMore.outcome()).isEqualTo(Outcome.KEEP);
    assertThat(weAddedMore.reason()).isEqualTo(Reason.WE_ADDED_MORE);
  }

  @Test
  void priorityDecidesWhenBothAddedAsMuchOrTheHistoriesAreUnrelated() {
    ReplicationInfo ours = Info.master(A, 1500).build();
    ReplicationInfo promoted = Info.master(B, 1500).promotedFrom(A, 1000).build();
    ReplicationInfo unrelated = Info.master(C, 7000).build();

    Verdict sameAmount = decide(ours, promoted);
    Verdict noCommonHistory = decide(ours, unrelated);

    assertThat(sameAmount.outcome()).isEqualTo(Outcome.BY_PRIORITY);
    assertThat(sameAmount.reason()).isEqualTo(Reason.EQUAL_OR_UNRELATED);
    assertThat(noCommonHistory.outcome()).isEqualTo(Outcome.BY_PRIORITY);
    assertThat(noCommonHistory.reason()).isEqualTo(Reason.EQUAL_OR_UNRELATED);
  }

  @Test
  void priorityDecidesBetweenTwoEmptyMastersHoweverManyBytesEachAdded() {
    // Both empty: each holds everything the other has. The promoted one carries more replication
    // PINGs, which are no data.
    ReplicationInfo ours = Info.master(A, 0).keys(0).build();
    ReplicationInfo promoted = Info.master(B, 300).promotedFrom(A, 0).keys(0).build();

    Verdict verdict = decide(ours, promoted);

    assertThat(verdict.outcome()).isEqualTo(Outcome.BY_PRIORITY);
    assertThat(verdict.reason()).isEqualTo(Reason.EQUAL_OR_UNRELATED);
  }

  @Test
  void priorityDecidesWhenBothHoldTheSameData() {
    ReplicationInfo ours = Info.master(A, 5000).build();
    ReplicationInfo same = Info.master(A, 5000).build();

    Verdict verdict = decide(ours, same);

    assertThat(verdict.outcome()).isEqualTo(Outcome.BY_PRIORITY);
    assertThat(verdict.explanation()).isEqualTo("data equal or unrelated");
  }

  /** A master that holds the arbiter's key keeps the role whatever the data say. */
  @Test
  void theArbitersKeyHolderKeepsTheRoleWhateverTheData() {
    ReplicationInfo ours = Info.master(B, 6000).promotedFrom(A, 5001).build();
    ReplicationInfo theirs = Info.master(A, 9000).build();
    Verdict byData =
        MasterConflict.decide(Optional.of(ours), Optional.of(theirs), LOOKED, SINCE, NOW);
    Verdict byKey =
        MasterConflict.decide(Optional.of(ours), Optional.of(theirs), LOOKED, SINCE, NOW, true);

    assertThat(byData.outcome()).isEqualTo(Outcome.YIELD);
    assertThat(byKey.outcome()).isEqualTo(Outcome.KEEP);
    assertThat(byKey.reason()).isEqualTo(Reason.HOLDS_ARBITER_KEY);
  }
}

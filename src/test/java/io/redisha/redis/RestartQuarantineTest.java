package io.redisha.redis;

import static io.redisha.redis.Info.A;
import static io.redisha.redis.Info.C;
import static org.assertj.core.api.Assertions.assertThat;

import io.redisha.redis.RestartQuarantine.Verdict;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RestartQuarantineTest {
  /** Our Redis before: a replica of the peer with stream A up to 5000. */
  private final Optional<ReplicationInfo> before =
      Optional.of(Info.replicaOfPeer(A, 5000).runId("run-1").build());

  /** The same Redis after a supervisor restarted it without its data. */
  private final ReplicationInfo restartedEmpty = Info.master(C, 0).keys(0).runId("run-2").build();

  @Test
  void aRestartedEmptyMasterBecomesAReplicaAtOnce() {
    Verdict verdict = RestartQuarantine.decide(before, restartedEmpty, false);

    assertThat(verdict).isEqualTo(Verdict.RESTARTED_EMPTY_MAKE_REPLICA);
    assertThat(verdict.restarted()).isTrue();
  }

  @Test
  void onTheMasterNodeARestartedEmptyMasterIsLeftToTheRoleLoop() {
    assertThat(RestartQuarantine.decide(before, restartedEmpty, true)).isEqualTo(Verdict.RESTARTED);
  }

  @Test
  void aRestartWithDataOrAnUnknownKeyCountOnlyRestartsHealth() {
    ReplicationInfo withData = Info.master(C, 0).keys(3).runId("run-2").build();
    ReplicationInfo unknown = Info.master(C, 0).unknownKeys().runId("run-2").build();

    assertThat(RestartQuarantine.decide(before, withData, false)).isEqualTo(Verdict.RESTARTED);
    assertThat(RestartQuarantine.decide(before, unknown, false)).isEqualTo(Verdict.RESTARTED);
  }

  @Test
  void aRestartThatCameBackAsAnEmptyReplicaIsNoWritableMaster() {
    ReplicationInfo emptyReplica = Info.replicaOfPeer(C, 0).keys(0).runId("run-2").build();

    Verdict verdict = RestartQuarantine.decide(before, emptyReplica, false);

    assertThat(verdict).isEqualTo(Verdict.RESTARTED);
    assertThat(verdict.restarted()).isTrue();
  }

  @Test
  void theSameProcessOrAFirstCheckIsNoRestart() {
    ReplicationInfo sameProcessEmptied = Info.master(C, 0).keys(0).runId("run-1").build();

    Verdict same = RestartQuarantine.decide(before, sameProcessEmptied, false);
    Verdict first = RestartQuarantine.decide(Optional.empty(), restartedEmpty, false);

    assertThat(same).isEqualTo(Verdict.SAME_PROCESS);
    assertThat(first).isEqualTo(Verdict.SAME_PROCESS);
    assertThat(same.restarted()).isFalse();
  }
}

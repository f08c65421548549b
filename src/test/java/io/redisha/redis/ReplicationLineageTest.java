package io.redisha.redis;

import static io.redisha.redis.Info.A;
import static io.redisha.redis.Info.B;
import static io.redisha.redis.Info.C;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class ReplicationLineageTest {
  private static final String D = "dddddddddddddddddddddddddddddddddddddddd";

  @Test
  void aRedisWithoutAPreviousStreamIsReportedAsItIs() {
    ReplicationLineage lineage = new ReplicationLineage();
    ReplicationInfo fresh = Info.master(A, 956).build();

    assertThat(lineage.resolve(fresh)).isSameAs(fresh);
  }

  @Test
  void aPreviousStreamThatAddedNothingIsLookedThrough() {
    ReplicationLineage lineage = new ReplicationLineage();
    // Detached once: stream B after A at 956; then pointed at the peer (still B, never linked).
    lineage.resolve(Info.master(B, 956).promotedFrom(A, 956).build());
    lineage.resolve(Info.replicaOfPeer(B, 956).promotedFrom(A, 956).link(false, false).build());
    // Detached again before it linked: stream C after B, which carried nothing.
    ReplicationInfo again = Info.master(C, 956).promotedFrom(B, 956).build();

    ReplicationInfo resolved = lineage.resolve(again);

    assertThat(resolved.replId()).isEqualTo(C);
    assertThat(resolved.replId2()).isEqualTo(A);
    assertThat(resolved.secondReplOffset()).isEqualTo(957);
    assertThat(resolved.replOffset()).isEqualTo(956);
    ReplicationInfo peer = Info.master(A, 1038).build();
    assertThat(DataGuard.decide(again, Optional.of(peer)).reason())
        .as("without the lineage")
        .isEqualTo(DataGuard.Reason.DIVERGED);
    assertThat(DataGuard.decide(resolved, Optional.of(peer)).reason())
        .as("with it")
        .isEqualTo(DataGuard.Reason.BEHIND_PEER);
  }

  @Test
  void chainsOfEmptyStreamsResolveToTheLastOneThatCarriedData() {
    ReplicationLineage lineage = new ReplicationLineage();
    lineage.resolve(Info.master(B, 500).promotedFrom(A, 500).build());
    lineage.resolve(Info.master(C, 500).promotedFrom(B, 500).build());

    ReplicationInfo resolved = lineage.resolve(Info.master(D, 500).promotedFrom(C, 500).build());

    assertThat(resolved.replId2()).isEqualTo(A);
  }

  @Test
  void aPreviousStreamThatCarriedBytesIsKept() {
    ReplicationLineage lineage = new ReplicationLineage();
    lineage.resolve(Info.master(B, 600).promotedFrom(A, 500).build());

    ReplicationInfo resolved = lineage.resolve(Info.master(C, 600).promotedFrom(B, 600).build());

    assertThat(resolved.replId2()).isEqualTo(B);
    assertThat(resolved.secondReplOffset()).isEqualTo(601);
  }

  @Test
  void anUnknownPreviousStreamIsKept() {
    ReplicationLineage lineage = new ReplicationLineage();

    ReplicationInfo resolved = lineage.resolve(Info.master(C, 600).promotedFrom(B, 600).build());

    assertThat(resolved.replId2()).isEqualTo(B);
  }

  @Test
  void remembersOnlyTheLastStreams() {
    ReplicationLineage lineage = new ReplicationLineage();
    lineage.resolve(Info.master(B, 500).promotedFrom(A, 500).build());
    for (int i = 0; i < ReplicationLineage.REMEMBERED; i++) {
      String other = String.format("%040d", i);
      lineage.resolve(Info.master(other, 10).promotedFrom(C, 5).build());
    }

    ReplicationInfo resolved = lineage.resolve(Info.master(C, 500).promotedFrom(B, 500).build());

    assertThat(resolved.replId2()).as("B's predecessor was forgotten").isEqualTo(B);
  }
}

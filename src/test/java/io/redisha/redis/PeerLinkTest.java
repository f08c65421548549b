package io.redisha.redis;

import static io.redisha.redis.Info.A;
import static io.redisha.redis.Info.PEER_HOST;
import static io.redisha.redis.Info.PORT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.redisha.redis.ReplicationInfo.MasterLink;
import org.junit.jupiter.api.Test;

class PeerLinkTest {
  private final PeerLink link = new PeerLink(PEER_HOST, PORT);

  @Test
  void aReplicaOfThePeerIsConfiguredWhateverItsLinkState() {
    assertThat(link.configured(Info.replicaOfPeer(A, 100).build())).isTrue();
    assertThat(link.configured(Info.replicaOfPeer(A, 100).link(false, false).build())).isTrue();
    assertThat(link.configured(Info.replicaOfPeer(A, 100).link(true, true).build())).isTrue();
  }

  @Test
  void aMasterOrAReplicaOfAnotherServerIsNotConfigured() {
    assertThat(link.configured(Info.master(A, 100).build())).isFalse();
    assertThat(link.configured(Info.replicaOf("192.0.2.3", PORT, A, 100).build())).isFalse();
    assertThat(link.configured(Info.replicaOf(PEER_HOST, 6380, A, 100).build())).isFalse();
    assertThat(link.configured(null)).isFalse();
  }

  @Test
  void streamsOnlyWithTheLinkUpAndNoSyncRunning() {
    assertThat(link.streaming(Info.replicaOfPeer(A, 100).build())).isTrue();
    assertThat(link.streaming(Info.replicaOfPeer(A, 100).link(false, false).build())).isFalse();
    // A replica whose full sync has not finished may still be empty (seed 1625).
    assertThat(link.streaming(Info.replicaOfPeer(A, 100).link(true, true).build())).isFalse();
    assertThat(link.streaming(Info.replicaOf("192.0.2.3", PORT, A, 100).build())).isFalse();
    assertThat(link.streaming(Info.master(A, 100).build())).isFalse();
    assertThat(link.streaming(null)).isFalse();
  }

  @Test
  void thePeerFollowsWhenOnlineAndAcknowledgedWithinASecond() {
    assertThat(
            link.peerFollows(Info.master(A, 100).connectedReplica(PEER_HOST, "online", 0).build()))
        .isTrue();
    assertThat(
            link.peerFollows(Info.master(A, 100).connectedReplica(PEER_HOST, "online", 1).build()))
        .isTrue();
  }

  @Test
  void thePeerDoesNotFollowWhenLateSyncingElsewhereOrWeAreAReplica() {
    assertThat(
            link.peerFollows(Info.master(A, 100).connectedReplica(PEER_HOST, "online", 2).build()))
        .isFalse();
    assertThat(
            link.peerFollows(
                Info.master(A, 100).connectedReplica(PEER_HOST, "wait_bgsave", 0).build()))
        .isFalse();
    assertThat(
            link.peerFollows(
                Info.master(A, 100).connectedReplica("192.0.2.3", "online", 0).build()))
        .isFalse();
    assertThat(link.peerFollows(Info.master(A, 100).build())).isFalse();
    assertThat(
            link.peerFollows(
                Info.replicaOfPeer(A, 100).connectedReplica(PEER_HOST, "online", 0).build()))
        .isFalse();
    assertThat(link.peerFollows(null)).isFalse();
  }

  /** The agent's own dead-man replica is no proof, even from the peer's address. */
  @Test
  void theAgentsOwnKeeperNeverCountsAsThePeerFollowing() {
    assertThat(link.peerFollows(Info.master(A, 100).keeper("127.0.0.1", 0).build())).isFalse();
    assertThat(link.peerFollows(Info.master(A, 100).keeper(PEER_HOST, 0).build())).isFalse();
  }

  @Test
  void aFreshReplicaOfThePeerIsNotLinkedYet() {
    assertThat(link.notYetLinked()).isEqualTo(new MasterLink(PEER_HOST, PORT, false, false, 0));
  }

  @Test
  void refusesABlankHostOrABadPort() {
    assertThatThrownBy(() -> new PeerLink(" ", PORT)).hasMessageContaining("peerHost");
    assertThatThrownBy(() -> new PeerLink(PEER_HOST, 0)).hasMessageContaining("port");
    assertThatThrownBy(() -> new PeerLink(PEER_HOST, 65536)).hasMessageContaining("port");
  }
}

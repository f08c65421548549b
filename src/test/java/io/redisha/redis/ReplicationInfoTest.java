package io.redisha.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.redisha.redis.ReplicationInfo.ConnectedReplica;
import io.redisha.redis.ReplicationInfo.MasterLink;
import io.redisha.redis.ReplicationInfo.Role;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/**
 * Parses INFO text captured from redis-server 7.0.15 with {@code redis-cli INFO server replication
 * keyspace} (CRLF line ends kept) in the situations the agent meets.
 */
class ReplicationInfoTest {

  static String captured(String name) {
    try (InputStream in = ReplicationInfoTest.class.getResourceAsStream("info/" + name + ".txt")) {
      if (in == null) {
        throw new IllegalStateException("no captured INFO named " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void masterWithOnlineReplica() {
    ReplicationInfo info = ReplicationInfo.parse(captured("master"));

    assertThat(info.role()).isEqualTo(Role.MASTER);
    assertThat(info.isMaster()).isTrue();
    assertThat(info.runId()).isEqualTo("b8fb6fcd362668243973ad854a1e3e6b5c288c51");
    assertThat(info.uptimeSeconds()).isEqualTo(14);
    assertThat(info.replId()).isEqualTo("425daa6760b24f86e966f4c96dc6867e4b26fd70");
    assertThat(info.replId2()).isEqualTo(ReplicationInfo.NO_REPL_ID);
    assertThat(info.hasPreviousHistory()).isFalse();
    assertThat(info.replOffset()).isEqualTo(64);
    assertThat(info.secondReplOffset()).isEqualTo(-1);
    assertThat(info.keys()).isEqualTo(OptionalLong.of(3));
    assertThat(info.masterLink()).isEmpty();
    assertThat(info.replicas())
        .containsExactly(new ConnectedReplica("127.0.0.1", 47102, "online", 64, 0));
    assertThat(info.replicas().getFirst().online()).isTrue();
  }

  @Test
  void replicaWithLinkUp() {
    ReplicationInfo info = ReplicationInfo.parse(captured("replica"));

    assertThat(info.role()).isEqualTo(Role.REPLICA);
    assertThat(info.runId()).isEqualTo("43872be2b8574615a7b531d4d497a46924d45f52");
    assertThat(info.masterLink()).contains(new MasterLink("127.0.0.1", 47101, true, false, 64));
    assertThat(info.replId()).isEqualTo("425daa6760b24f86e966f4c96dc6867e4b26fd70");
    assertThat(info.replOffset()).isEqualTo(64);
    assertThat(info.keys()).isEqualTo(OptionalLong.of(3));
    assertThat(info.replicas()).isEmpty();
  }

  @Test
  void replicaWhoseMasterWasKilled() {
    ReplicationInfo info = ReplicationInfo.parse(captured("replica_link_down"));

    assertThat(info.role()).isEqualTo(Role.REPLICA);
    assertThat(info.masterLink()).contains(new MasterLink("127.0.0.1", 47101, false, false, 64));
    assertThat(info.replOffset()).isEqualTo(64);
  }

  @Test
  void replicaInFullSync() {
    ReplicationInfo info = ReplicationInfo.parse(captured("replica_syncing"));

    assertThat(info.masterLink()).contains(new MasterLink("127.0.0.1", 47102, false, true, 114));
    // This replica restarted from an RDB written while it was a replica: Redis 7 kept the old
    // stream as replid2 and started a new one, so the history survives the restart.
    assertThat(info.replId()).isEqualTo("c8b246875949991ff75c3359d920f84a3c23345f");
    assertThat(info.replId2()).isEqualTo("8918e41654ff0c723f96667f5dad5c4dc105e15f");
    assertThat(info.secondReplOffset()).isEqualTo(115);
    assertThat(info.hasPreviousHistory()).isTrue();
  }

  @Test
  void masterWhoseReplicaWaitsForTheSnapshot() {
    ReplicationInfo info = ReplicationInfo.parse(captured("master_with_syncing_replica"));

    assertThat(info.replicas())
        .containsExactly(new ConnectedReplica("127.0.0.1", 47101, "wait_bgsave", 0, 0));
    assertThat(info.replicas().getFirst().online()).isFalse();
    assertThat(info.keys()).isEqualTo(OptionalLong.of(304));
    assertThat(info.replOffset()).isEqualTo(11921);
  }

  @Test
  void promotedReplicaRemembersTheOldStream() {
    ReplicationInfo info = ReplicationInfo.parse(captured("promoted_replica"));

    assertThat(info.role()).isEqualTo(Role.MASTER);
    assertThat(info.replId()).isEqualTo("8918e41654ff0c723f96667f5dad5c4dc105e15f");
    assertThat(info.replId2()).isEqualTo("425daa6760b24f86e966f4c96dc6867e4b26fd70");
    assertThat(info.secondReplOffset()).isEqualTo(65);
    assertThat(info.replOffset()).isEqualTo(114);
  }

  @Test
  void masterRestartedEmptyHasNoKeysAndANewStream() {
    ReplicationInfo info = ReplicationInfo.parse(captured("master_restarted_empty"));

    assertThat(info.role()).isEqualTo(Role.MASTER);
    assertThat(info.uptimeSeconds()).isEqualTo(1);
    assertThat(info.replOffset()).isZero();
    assertThat(info.hasPreviousHistory()).isFalse();
    assertThat(info.keys()).isEqualTo(OptionalLong.of(0));
  }

  @Test
  void keysAreUnknownWithoutAKeyspaceSection() {
    String withoutKeyspace = captured("master").split("# Keyspace")[0];

    assertThat(ReplicationInfo.parse(withoutKeyspace).keys()).isEmpty();
  }

  @Test
  void keysOfAllDatabasesAreSummed() {
    String text =
        captured("master_restarted_empty")
            + "db0:keys=2,expires=0,avg_ttl=0\r\ndb3:keys=5,expires=1,avg_ttl=9\r\n";

    assertThat(ReplicationInfo.parse(text).keys()).isEqualTo(OptionalLong.of(7));
  }

  @Test
  void plainNewlinesParseToo() {
    assertThat(ReplicationInfo.parse(captured("replica").replace("\r\n", "\n")))
        .isEqualTo(ReplicationInfo.parse(captured("replica")));
  }

  @Test
  void missingServerSectionIsNamed() {
    String replicationOnly = "# Replication\r\n" + captured("master").split("# Replication")[1];

    assertThatThrownBy(() -> ReplicationInfo.parse(replicationOnly))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("run_id")
        .hasMessageContaining("server section");
  }

  @Test
  void missingReplicaFieldIsNamed() {
    String text = captured("replica").replace("master_link_status:up\r\n", "");

    assertThatThrownBy(() -> ReplicationInfo.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("master_link_status");
  }

  @Test
  void malformedNumbersAreNamed() {
    String text = captured("master").replace("master_repl_offset:64", "master_repl_offset:6x4");

    assertThatThrownBy(() -> ReplicationInfo.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("master_repl_offset")
        .hasMessageContaining("6x4");
  }

  @Test
  void malformedReplicaLineIsNamed() {
    String text = captured("master").replace("port=47102,", "");

    assertThatThrownBy(() -> ReplicationInfo.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("slave0")
        .hasMessageContaining("port");
  }

  @Test
  void unknownRoleIsNamed() {
    String text = captured("master").replace("role:master", "role:sentinel");

    assertThatThrownBy(() -> ReplicationInfo.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("role")
        .hasMessageContaining("sentinel");
  }
}

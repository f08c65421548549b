package io.redisha.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.redisha.redis.DataGuard.Reason;
import io.redisha.redis.DataGuard.Verdict;
import io.redisha.testing.RequiresHost;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** S5 on real redis-server 7.0: the empty restart that keepalived and Sentinel fall for. */
@RequiresHost(
    tools = {"redis-server"},
    root = false)
class DataGuardIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(2);

  @Test
  void masterRestartedEmptyMayNotBecomeMasterOverItsReplica() throws Exception {
    try (LettuceRedisNodes nodes = new LettuceRedisNodes();
        RedisServerProcess masterServer = RedisServerProcess.start();
        RedisServerProcess replicaServer = RedisServerProcess.start();
        RedisNode master = nodes.open(masterServer.endpoint(), TIMEOUT, RedisNode.Listener.NONE);
        RedisNode replica =
            nodes.open(replicaServer.endpoint(), TIMEOUT, RedisNode.Listener.NONE)) {
      try (RawRedisClient client =
          new RawRedisClient(RedisServerProcess.HOST, masterServer.port())) {
        // Written before the replica exists: Redis counts no offset for these.
        for (int i = 0; i < 100; i++) {
          client.call("SET", "key:" + i, "value" + i);
        }
        replica.follow(RedisServerProcess.HOST, masterServer.port());
        await()
            .atMost(Duration.ofSeconds(20))
            .untilAsserted(
                () -> assertThat(replica.check(TIMEOUT).masterLink().orElseThrow().up()).isTrue());
        // Streamed to the replica: offsets grow.
        for (int i = 100; i < 150; i++) {
          client.call("SET", "key:" + i, "value" + i);
        }
      }
      await()
          .atMost(Duration.ofSeconds(20))
          .untilAsserted(
              () -> {
                ReplicationInfo info = replica.check(TIMEOUT);
                assertThat(info.keys()).hasValue(150);
                assertThat(info.replOffset()).isEqualTo(master.check(TIMEOUT).replOffset());
              });
      assertThat(DataGuard.decide(master.check(TIMEOUT), Optional.of(replica.check(TIMEOUT))))
          .extracting(Verdict::mayBecomeMaster)
          .isEqualTo(true);

      masterServer.kill();
      masterServer.startAgain();

      ReplicationInfo restarted =
          await()
              .atMost(Duration.ofSeconds(20))
              .ignoreExceptions()
              .until(() -> master.check(TIMEOUT), i -> true);
      ReplicationInfo replicaInfo = replica.check(TIMEOUT);
      Verdict restartedVerdict = DataGuard.decide(restarted, Optional.of(replicaInfo));
      Verdict replicaVerdict = DataGuard.decide(replicaInfo, Optional.of(restarted));
      System.out.println("restarted master: " + restartedVerdict);
      System.out.println("its replica: " + replicaVerdict);

      assertThat(restartedVerdict.mayBecomeMaster()).isFalse();
      assertThat(restartedVerdict.reason()).isEqualTo(Reason.LOCAL_EMPTY);
      assertThat(replicaVerdict.mayBecomeMaster()).isTrue();
      assertThat(replicaInfo.keys()).as("the replica still has the data").hasValue(150);
      assertThat(replicaInfo.replOffset()).isPositive();
    }
  }
}

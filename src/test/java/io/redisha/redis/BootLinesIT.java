package io.redisha.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.redisha.testing.RequiresHost;
import java.nio.file.Files;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The README's two redis.conf lines ({@link BootLines}) on real redis-server 7.0, the master
 * restarted empty at once (0 ms) while its replica still follows it: with {@code replicaof} the
 * peer and the fence closed at boot, the replica keeps every key (the restarted Redis answers its
 * reconnects with {@code -NOMASTERLINK}) and the restarted one takes no write; with the fence line
 * alone, the replica is wiped by the first reconnect of Redis's replication cron.
 */
@RequiresHost(
    tools = {"redis-server"},
    root = false)
class BootLinesIT {
  private static final int KEYS = 200;
  private static final String HOST = RedisServerProcess.HOST;
  private static final Duration TIMEOUT = Duration.ofSeconds(2);

  @Test
  void emptyRestartAtOnceWithTheBootLinesWipesNothing() throws Exception {
    int portA = RedisServerProcess.freePort();
    int portB = RedisServerProcess.freePort();
    try (RedisServerProcess a = RedisServerProcess.startOn(portA, bootLines(portB));
        RedisServerProcess b = RedisServerProcess.startOn(portB, bootLines(portA))) {
      // A fresh pair: two replicas of each other, neither writable, neither syncing from the other.
      assertThat(call(a, "SET", "k", "v")).startsWith("-READONLY");
      assertThat(call(b, "SET", "k", "v")).startsWith("-READONLY");
      Thread.sleep(2_500); // two rounds of the replication cron
      assertThat(info(a).masterLink().orElseThrow().up()).isFalse();
      assertThat(info(b).masterLink().orElseThrow().up()).isFalse();
      assertThat(Files.readString(b.log())).contains("-NOMASTERLINK");

      // What an agent does when it decides that a is the master.
      becomeMaster(a);
      await().atMost(Duration.ofSeconds(20)).until(() -> info(b).masterLink().orElseThrow().up());
      writeKeys(a);
      await().atMost(Duration.ofSeconds(10)).until(() -> keys(b) == KEYS);

      a.kill();
      a.startAgain();
      int refusalsBefore = count(Files.readString(b.log()), "-NOMASTERLINK");
      long until = System.nanoTime() + Duration.ofSeconds(3).toNanos();
      while (System.nanoTime() < until) {
        assertThat(keys(b)).as("keys of a's replica after a's empty restart").isEqualTo(KEYS);
        Thread.sleep(50);
      }
      ReplicationInfo restarted = info(a);
      assertThat(restarted.isMaster()).isFalse();
      assertThat(restarted.keys()).hasValue(0);
      assertThat(BootLines.missing(restarted, HOST, portB)).isEmpty();
      assertThat(call(a, "SET", "lost", "x")).startsWith("-READONLY");
      assertThat(count(Files.readString(b.log()), "-NOMASTERLINK"))
          .as("b reconnected to the restarted a and was refused")
          .isGreaterThan(refusalsBefore);

      // The agents promote b, which has the data; a copies it back.
      becomeMaster(b);
      await().atMost(Duration.ofSeconds(20)).until(() -> keys(a) == KEYS);
      assertThat(keys(b)).isEqualTo(KEYS);
    }
  }

  @Test
  void withoutReplicaofTheRestartedMasterWipesItsReplica() throws Exception {
    String[] fenceOnly = {"--min-replicas-to-write", Integer.toString(BootLines.FENCE_AT_BOOT)};
    try (RedisServerProcess a = RedisServerProcess.start(fenceOnly);
        RedisServerProcess b = RedisServerProcess.start(fenceOnly)) {
      assertThat(call(a, "SET", "k", "v")).startsWith("-NOREPLICAS");
      becomeMaster(a);
      call(b, "REPLICAOF", HOST, Integer.toString(a.port()));
      await().atMost(Duration.ofSeconds(20)).until(() -> info(b).masterLink().orElseThrow().up());
      writeKeys(a);
      await().atMost(Duration.ofSeconds(10)).until(() -> keys(b) == KEYS);

      a.kill();
      a.startAgain();
      ReplicationInfo restarted = info(a);
      assertThat(BootLines.missing(restarted, HOST, b.port()))
          .hasValue("replicaof " + HOST + " " + b.port());
      assertThat(call(a, "SET", "lost", "x")).as("the fence holds").startsWith("-NOREPLICAS");
      await()
          .atMost(Duration.ofSeconds(10))
          .pollInterval(Duration.ofMillis(50))
          .until(() -> keys(b) == 0);
    }
  }

  @Test
  void aRedisStartedWithNeitherLineIsNamed() throws Exception {
    try (RedisServerProcess plain = RedisServerProcess.start()) {
      assertThat(BootLines.missing(info(plain), HOST, 7000))
          .hasValue("replicaof " + HOST + " 7000', 'min-replicas-to-write 1000000");
    }
  }

  private static String[] bootLines(int peerPort) {
    return new String[] {
      "--min-replicas-to-write",
      Integer.toString(BootLines.FENCE_AT_BOOT),
      "--replicaof",
      HOST,
      Integer.toString(peerPort)
    };
  }

  private static void becomeMaster(RedisServerProcess server) throws Exception {
    assertThat(call(server, "REPLICAOF", "NO", "ONE")).isEqualTo("OK");
    assertThat(call(server, "CONFIG", "SET", "min-replicas-to-write", "0")).isEqualTo("OK");
  }

  private static void writeKeys(RedisServerProcess server) throws Exception {
    try (RawRedisClient client = new RawRedisClient(HOST, server.port())) {
      for (int i = 0; i < KEYS; i++) {
        assertThat(client.call("SET", "key:" + i, "value" + i)).isEqualTo("OK");
      }
    }
  }

  private static String call(RedisServerProcess server, String... args) throws Exception {
    try (RawRedisClient client = new RawRedisClient(HOST, server.port())) {
      return client.call(args);
    }
  }

  private static long keys(RedisServerProcess server) throws Exception {
    return Long.parseLong(call(server, "DBSIZE"));
  }

  /** INFO and the fence as the agent reads them, on a connection of its own. */
  private static ReplicationInfo info(RedisServerProcess server) {
    try (LettuceRedisNodes nodes = new LettuceRedisNodes();
        RedisNode node = nodes.open(server.endpoint(), TIMEOUT, RedisNode.Listener.NONE)) {
      return node.check(TIMEOUT);
    }
  }

  private static int count(String text, String word) {
    int count = 0;
    for (int at = text.indexOf(word); at >= 0; at = text.indexOf(word, at + 1)) {
      count++;
    }
    return count;
  }
}

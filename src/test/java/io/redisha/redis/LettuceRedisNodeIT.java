package io.redisha.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.redisha.redis.ReplicationInfo.Role;
import io.redisha.testing.RequiresHost;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@link LettuceRedisNode} against real redis-server processes on loopback high ports. */
@RequiresHost(
    tools = {"redis-server"},
    root = false)
class LettuceRedisNodeIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(2);
  private static final Duration WAIT = Duration.ofSeconds(20);

  private static LettuceRedisNodes nodes;
  private final List<AutoCloseable> toClose = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void createFactory() {
    nodes = new LettuceRedisNodes();
  }

  @AfterAll
  static void closeFactory() {
    nodes.close();
  }

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable closeable : toClose.reversed()) {
      closeable.close();
    }
  }

  @Test
  void checkReportsMasterAndReplica() {
    RedisServerProcess masterServer = server();
    RedisServerProcess replicaServer = server();
    RedisNode master = node(masterServer.endpoint(), RedisNode.Listener.NONE);
    RedisNode replica = node(replicaServer.endpoint(), RedisNode.Listener.NONE);

    replica.follow(RedisServerProcess.HOST, masterServer.port());

    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              ReplicationInfo replicaInfo = replica.check(TIMEOUT);
              assertThat(replicaInfo.role()).isEqualTo(Role.REPLICA);
              assertThat(replicaInfo.masterLink())
                  .hasValueSatisfying(link -> assertThat(link.up()).isTrue());
              assertThat(replicaInfo.masterLink().get().port()).isEqualTo(masterServer.port());
              ReplicationInfo masterInfo = master.check(TIMEOUT);
              assertThat(masterInfo.role()).isEqualTo(Role.MASTER);
              assertThat(masterInfo.replicas()).hasSize(1);
              assertThat(masterInfo.replicas().getFirst().port()).isEqualTo(replicaServer.port());
              assertThat(masterInfo.replicas().getFirst().online()).isTrue();
              assertThat(replicaInfo.replId()).isEqualTo(masterInfo.replId());
            });
  }

  @Test
  void promoteAndFollowSwapRoles() {
    swapRoles(Optional.empty());
  }

  @Test
  void promoteAndFollowSwapRolesWithPassword() {
    swapRoles(Optional.of("s3cret-pass"));
  }

  private void swapRoles(Optional<String> password) {
    String[] auth = password.map(p -> new String[] {"--requirepass", p}).orElse(new String[0]);
    RedisServerProcess aServer = server(auth);
    RedisServerProcess bServer = server(auth);
    RedisNode a =
        node(
            new RedisEndpoint(RedisServerProcess.HOST, aServer.port(), password),
            RedisNode.Listener.NONE);
    RedisNode b =
        node(
            new RedisEndpoint(RedisServerProcess.HOST, bServer.port(), password),
            RedisNode.Listener.NONE);

    b.follow(RedisServerProcess.HOST, aServer.port());
    awaitReplicaOf(b, aServer.port());
    assertThat(a.check(TIMEOUT).isMaster()).isTrue();

    b.promote();
    a.follow(RedisServerProcess.HOST, bServer.port());

    awaitReplicaOf(a, bServer.port());
    assertThat(b.check(TIMEOUT).role()).isEqualTo(Role.MASTER);
  }

  @Test
  void openFenceAndPromoteLeavesAMasterGuardedAsAsked() {
    RedisServerProcess masterServer = server();
    RedisServerProcess replicaServer = server();
    RedisNode replica = node(replicaServer.endpoint(), RedisNode.Listener.NONE);
    replica.follow(RedisServerProcess.HOST, masterServer.port());
    awaitReplicaOf(replica, masterServer.port());
    replica.setWriteFence(WriteFence.Setting.CLOSED);
    assertThat(WriteFence.state(replica.check(TIMEOUT))).isEqualTo(WriteFence.State.CLOSED);

    replica.openFenceAndPromote(WriteFence.Setting.GUARDED);

    ReplicationInfo promoted = replica.check(TIMEOUT);
    assertThat(promoted.role()).isEqualTo(Role.MASTER);
    assertThat(WriteFence.state(promoted)).isEqualTo(WriteFence.State.GUARDED);
  }

  private static void awaitReplicaOf(RedisNode replica, int masterPort) {
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              ReplicationInfo info = replica.check(TIMEOUT);
              assertThat(info.role()).isEqualTo(Role.REPLICA);
              assertThat(info.masterLink().orElseThrow().port()).isEqualTo(masterPort);
              assertThat(info.masterLink().orElseThrow().up()).as("master link up").isTrue();
            });
  }

  @Test
  void wrongPasswordIsAClearError() {
    RedisServerProcess server = server("--requirepass", "right");
    RedisNode node =
        node(
            new RedisEndpoint(RedisServerProcess.HOST, server.port(), Optional.of("wrong")),
            RedisNode.Listener.NONE);

    assertThatThrownBy(() -> node.check(TIMEOUT))
        .isInstanceOf(RedisNodeException.class)
        .hasMessageContaining(server.endpoint().address())
        .hasMessageContaining("WRONGPASS");
  }

  @Test
  void killNormalClientsSparesOurOwnConnection() throws IOException {
    RedisServerProcess server = server();
    RecordingListener events = new RecordingListener();
    RedisNode node = node(server.endpoint(), events);
    node.check(TIMEOUT);

    try (RawRedisClient other = new RawRedisClient(RedisServerProcess.HOST, server.port())) {
      assertThat(other.call("SET", "k", "v")).isEqualTo("OK");

      assertThat(node.killNormalClients()).isEqualTo(1);

      assertThatThrownBy(() -> other.call("GET", "k")).isInstanceOf(IOException.class);
    }
    assertThat(node.check(TIMEOUT).isMaster()).isTrue();
    assertThat(events.lost).isEmpty();
  }

  @Test
  void concurrentCallersShareOneConnection() throws Exception {
    RedisServerProcess server = server();
    RedisNode node = node(server.endpoint(), RedisNode.Listener.NONE);

    List<CompletableFuture<ReplicationInfo>> checks =
        IntStream.range(0, 8)
            .mapToObj(i -> CompletableFuture.supplyAsync(() -> node.check(TIMEOUT)))
            .toList();
    for (CompletableFuture<ReplicationInfo> check : checks) {
      assertThat(check.get(10, TimeUnit.SECONDS).isMaster()).isTrue();
    }
    node.promote();

    try (RawRedisClient other = new RawRedisClient(RedisServerProcess.HOST, server.port())) {
      String clients = other.call("CLIENT", "LIST");
      assertThat(clients.lines().filter(line -> line.contains("name=redisha-agent")).count())
          .as("agent connections in CLIENT LIST:%n%s", clients)
          .isEqualTo(1);
    }
  }

  @Test
  void pausedWritesWaitUntilUnpause() throws Exception {
    RedisServerProcess server = server();
    RedisNode node = node(server.endpoint(), RedisNode.Listener.NONE);
    try (RawRedisClient writer = new RawRedisClient(RedisServerProcess.HOST, server.port());
        RawRedisClient reader = new RawRedisClient(RedisServerProcess.HOST, server.port())) {
      node.pauseWrites(Duration.ofSeconds(30));

      CompletableFuture<String> set =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return writer.call("SET", "paused", "1");
                } catch (IOException e) {
                  throw new IllegalStateException(e);
                }
              });
      // Redis counts a client held by CLIENT PAUSE as blocked: proof that the SET arrived.
      await()
          .atMost(WAIT)
          .untilAsserted(
              () -> assertThat(reader.call("INFO", "clients")).contains("blocked_clients:1"));
      assertThat(reader.call("GET", "paused")).as("reads go on").isEqualTo("(nil)");
      assertThat(node.check(TIMEOUT).isMaster()).as("our INFO is not paused").isTrue();
      assertThat(set).isNotDone();

      node.unpause();

      assertThat(set.get(10, TimeUnit.SECONDS)).isEqualTo("OK");
      assertThat(reader.call("GET", "paused")).isEqualTo("1");
    }
  }

  @Test
  void sigkillIsReportedAtOnceAndCallsFailFast() {
    RedisServerProcess server = server();
    RecordingListener events = new RecordingListener();
    RedisNode node = node(server.endpoint(), events);
    node.check(TIMEOUT);

    long killed = System.nanoTime();
    server.kill();

    await()
        .atMost(Duration.ofSeconds(2))
        .pollInterval(Duration.ofMillis(1))
        .until(() -> !events.lost.isEmpty());
    long reportedMicros = TimeUnit.NANOSECONDS.toMicros(events.lostAtNanos.get() - killed);
    System.out.printf(
        "SIGKILL of redis-server reported after %.3f ms: %s%n",
        reportedMicros / 1000.0, events.lost.getFirst());
    assertThat(events.lost).hasSize(1);
    assertThat(events.lost.getFirst()).contains(server.endpoint().address());

    long before = System.nanoTime();
    assertThatThrownBy(() -> node.check(TIMEOUT))
        .isInstanceOf(RedisNodeException.class)
        .hasMessageContaining(server.endpoint().address())
        .hasMessageContaining("connect");
    System.out.printf(
        "check() of a dead redis-server failed after %.3f ms%n",
        (System.nanoTime() - before) / 1e6);
    assertThat(events.lost).as("a failed reconnect is not a second loss").hasSize(1);
  }

  @Test
  void hungRedisNeverBlocksLongerThanTheTimeout() throws Exception {
    RedisServerProcess server = server();
    RedisNode node = node(server.endpoint(), RedisNode.Listener.NONE);
    node.check(TIMEOUT);

    server.signal("STOP");
    try {
      long before = System.nanoTime();
      assertThatThrownBy(() -> node.check(Duration.ofMillis(200)))
          .isInstanceOf(RedisNodeException.class)
          .hasMessageContaining("no answer in time");
      long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - before);
      System.out.println(
          "check(200 ms) of a stopped redis-server gave up after " + elapsedMillis + " ms");
      assertThat(elapsedMillis).as("generous bound for a 200 ms timeout").isLessThan(2000);
      assertThatThrownBy(node::promote).isInstanceOf(RedisNodeException.class);
    } finally {
      server.signal("CONT");
    }
    await().atMost(WAIT).untilAsserted(() -> assertThat(node.check(TIMEOUT).isMaster()).isTrue());
  }

  @Test
  void restartOnTheSamePortIsNoticed() throws IOException {
    RedisServerProcess server = server();
    RecordingListener events = new RecordingListener();
    RedisNode node = node(server.endpoint(), events);
    try (RawRedisClient writer = new RawRedisClient(RedisServerProcess.HOST, server.port())) {
      writer.call("SET", "k", "v");
    }
    ReplicationInfo before = node.check(TIMEOUT);
    assertThat(before.keys()).hasValue(1);

    server.kill();
    server.startAgain();

    ReplicationInfo after =
        await().atMost(WAIT).ignoreExceptions().until(() -> node.check(TIMEOUT), info -> true);
    assertThat(after.runId()).isNotEqualTo(before.runId());
    assertThat(after.keys()).hasValue(0);
    assertThat(events.lost).hasSize(1);
    assertThat(events.restarts).containsExactly(List.of(before.runId(), after.runId()));
  }

  @Test
  void aRedisThatTakesOneInfoSectionAtATimeIsCheckedAllTheSame() throws IOException {
    RedisServerProcess server = server();
    try (RawRedisClient writer = new RawRedisClient(RedisServerProcess.HOST, server.port())) {
      writer.call("SET", "k", "v");
    }
    try (SingleSectionInfoProxy older = new SingleSectionInfoProxy(server.port())) {
      RedisNode node =
          node(RedisEndpoint.of(RedisServerProcess.HOST, older.port()), RedisNode.Listener.NONE);
      ReplicationInfo first = node.check(TIMEOUT);
      ReplicationInfo second = node.check(TIMEOUT);

      assertThat(first.isMaster()).isTrue();
      assertThat(first.keys()).hasValue(1);
      assertThat(first.runId()).isNotEmpty().isEqualTo(second.runId());
      // Asked for the three sections together once, then one at a time on every check.
      assertThat(older.refusedInfo).hasValue(1);
      assertThat(older.passedInfo).hasValue(6);
    }
  }

  @Test
  void aCheckWhoseConfigGetGetsNoAnswerFailsInsteadOfReportingTheFenceUnreadable()
      throws Exception {
    RedisServerProcess server = server();
    try (SingleSectionInfoProxy lossy = new SingleSectionInfoProxy(server.port())) {
      lossy.refuseMultiSectionInfo = false;
      RedisNode node =
          node(RedisEndpoint.of(RedisServerProcess.HOST, lossy.port()), RedisNode.Listener.NONE);
      assertThat(node.check(TIMEOUT).minReplicasToWrite()).isPresent();

      // INFO answers, the CONFIG GET that came with it does not in time: the server was not seen.
      lossy.configReplyDelayMillis = 1500;
      assertThatThrownBy(() -> node.check(Duration.ofMillis(300)))
          .isInstanceOf(RedisNodeException.class)
          .hasMessageContaining("CONFIG GET min-replicas-* got no answer in time");

      lossy.configReplyDelayMillis = 0;
      ReplicationInfo after =
          await().atMost(WAIT).ignoreExceptions().until(() -> node.check(TIMEOUT), info -> true);
      assertThat(after.minReplicasToWrite()).as("the fence is read again").isPresent();
    }
  }

  private RedisServerProcess server(String... args) {
    RedisServerProcess server = RedisServerProcess.start(args);
    toClose.add(server);
    return server;
  }

  private RedisNode node(RedisEndpoint endpoint, RedisNode.Listener listener) {
    RedisNode node = nodes.open(endpoint, TIMEOUT, listener);
    toClose.add(node);
    return node;
  }

  /** Remembers what the node reported, and when the first loss came. */
  static final class RecordingListener implements RedisNode.Listener {
    final List<String> lost = new CopyOnWriteArrayList<>();
    final List<List<String>> restarts = new CopyOnWriteArrayList<>();
    final AtomicLong lostAtNanos = new AtomicLong();

    @Override
    public void connectionLost(String reason) {
      lostAtNanos.compareAndSet(0, System.nanoTime());
      lost.add(reason);
    }

    @Override
    public void restarted(String previousRunId, String currentRunId) {
      restarts.add(List.of(previousRunId, currentRunId));
    }
  }
}

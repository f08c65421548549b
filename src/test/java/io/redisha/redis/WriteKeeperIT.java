package io.redisha.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.redisha.testing.RequiresHost;
import io.redisha.testing.TestPki;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link WriteKeeper} against real redis-server processes on loopback high ports whose write fence
 * is {@link WriteFence#GUARDED guarded}: every verdict is what another client's {@code SET} got.
 */
@RequiresHost(
    tools = {"redis-server", "redis-cli", "openssl"},
    root = false)
class WriteKeeperIT {
  private static final String HOST = RedisServerProcess.HOST;
  private static final Duration ACK_EVERY = Duration.ofMillis(100);
  private static final Duration ACK_WINDOW = Duration.ofMillis(300);
  private static final Duration ATTACH = Duration.ofSeconds(10);
  private static final String USER = "redisha";
  private static final String PASSWORD = "agent-pass-1";
  private static final String ADMIN_PASSWORD = "admin-pass";

  @TempDir Path dir;
  private final List<AutoCloseable> toClose = new CopyOnWriteArrayList<>();
  private final List<String> logged = new CopyOnWriteArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable closeable : toClose.reversed()) {
      closeable.close();
    }
  }

  @Test
  void aGuardedMasterTakesWritesOnlyWhileTheKeeperAcknowledges() throws Exception {
    RedisServerProcess server = guardedServer();
    RawRedisClient client = client(server);
    assertThat(client.call("SET", "k", "v")).startsWith("-NOREPLICAS");

    WriteKeeper keeper = keeper(server.endpoint());
    long started = System.nanoTime();
    acknowledging(keeper);
    await()
        .atMost(Duration.ofMillis(1500))
        .pollInterval(Duration.ofMillis(10))
        .until(() -> client.call("SET", "k", "v").equals("OK"));
    System.out.printf(
        "first SET accepted %d ms after the first acknowledge%n", millisSince(started));

    String info = client.call("INFO", "replication");
    assertThat(info).contains("ip=127.0.0.1,port=0,state=online");
    ReplicationInfo parsed = ReplicationInfo.parse(client.call("INFO"));
    assertThat(parsed.replicas()).hasSize(1);
    assertThat(parsed.replicas().getFirst().keeper()).isTrue();
    assertThat(keeper.online()).isTrue();
    assertThat(keeper.failure()).isNull();
    assertThat(client.call("CLIENT", "LIST")).contains("name=" + WriteKeeper.CLIENT_NAME);

    int writes = 0;
    long end = System.nanoTime() + Duration.ofSeconds(3).toNanos();
    while (System.nanoTime() < end) {
      assertThat(client.call("SET", "k", "v" + writes)).as("SET number " + writes).isEqualTo("OK");
      writes++;
      Thread.sleep(10);
    }
    System.out.printf("%d SETs over 3 s, all accepted%n", writes);
  }

  @Test
  void theKeeperReadsTheStreamSoRedisNeverDropsItForItsBuffer() throws Exception {
    RedisServerProcess server =
        guardedServer("--client-output-buffer-limit", "replica", "8mb", "0", "0");
    RawRedisClient client = client(server);
    WriteKeeper keeper = keeper(server.endpoint());
    acknowledging(keeper);
    awaitWritable(client);

    // 40 MB through an 8 MB replica buffer (Redis's default is 256 MB): far more than the socket
    // buffers hold, so a keeper that stopped reading would be dropped; one that reads never falls
    // that far behind, even on a loaded machine (with a 1 MB limit one did, once).
    String value = "v".repeat(64 * 1024);
    for (int i = 0; i < 640; i++) {
      assertThat(client.call("SET", "big-" + (i % 3), value))
          .as("SET of 64 KiB number " + i)
          .isEqualTo("OK");
    }
    Thread.sleep(1000);
    assertThat(keeper.online()).isTrue();
    assertThat(client.call("INFO", "replication")).contains("ip=127.0.0.1,port=0,state=online");
    assertThat(Files.readString(server.log())).doesNotContain("output buffer limits");
    assertThat(client.call("SET", "k", "v")).isEqualTo("OK");
  }

  @Test
  void anAgentProcessStoppedOrKilledLeavesItsRedisRefusingWrites() throws Exception {
    RedisServerProcess server = guardedServer();
    RawRedisClient client = client(server);
    AgentProcess agent = new AgentProcess(server.port());
    toClose.add(agent);
    awaitWritable(client);

    // SIGSTOP, as a stalled VM or a long GC pause: its last deadline is 800 ms ahead.
    agent.say("until 800");
    agent.awaitLine("until set");
    long stopped = System.nanoTime();
    agent.signal("STOP");
    long refused = awaitRefused(client, Duration.ofSeconds(5));
    long stopMillis = TimeUnit.NANOSECONDS.toMillis(refused - stopped);
    assertThat(stopMillis).isLessThanOrEqualTo(WriteFence.GUARDED_CLOSE.toMillis());
    assertStaysRefused(
        client, Duration.ofNanos(stopped + Duration.ofSeconds(5).toNanos() - System.nanoTime()));
    agent.signal("CONT");
    // Awake, it still holds acknowledgements given before the stop: none of them may go out.
    assertStaysRefused(client, Duration.ofSeconds(2));
    assertThat(client.call("INFO", "replication")).contains("ip=127.0.0.1,port=0");

    agent.say("until 600000");
    awaitWritable(client);
    long killed = System.nanoTime();
    agent.kill();
    String reply = client.call("SET", "k", "after-kill");
    long killMicros = TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - killed);
    assertThat(reply).as("the first SET after SIGKILL").startsWith("-NOREPLICAS");
    System.out.printf(
        "agent JVM: SIGSTOP -> first SET refused after %d ms (deadline 800 ms ahead);"
            + " SIGKILL -> first SET refused %d us after the kill%n",
        stopMillis, killMicros);
  }

  @Test
  void aConnectionRedisDropsIsLoggedOnceAndAttachedAgain() throws Exception {
    RedisServerProcess server = guardedServer();
    RawRedisClient client = client(server);
    WriteKeeper keeper = keeper(server.endpoint());
    acknowledging(keeper);
    awaitWritable(client);

    assertThat(client.call("CLIENT", "KILL", "TYPE", "replica")).isEqualTo("1");
    long killed = System.nanoTime();
    assertThat(client.call("SET", "k", "v")).startsWith("-NOREPLICAS");
    awaitWritable(client);
    System.out.printf("attached again and writable %d ms after CLIENT KILL%n", millisSince(killed));
    assertThat(logged.stream().filter(line -> line.contains("lost its replica connection")))
        .hasSize(1);

    server.kill();
    await().atMost(ATTACH).until(() -> keeper.failure() != null && !keeper.online());
    Thread.sleep(2500); // attempts against a port nobody listens on
    assertThat(keeper.failure()).contains("connection refused");
    assertThat(logged.stream().filter(line -> line.contains("connection refused"))).hasSize(1);
    server.startAgain();
    RawRedisClient again = client(server);
    assertThat(again.call("SET", "k", "v")).startsWith("-NOREPLICAS");
    awaitWritable(again);
    assertThat(keeper.failure()).isNull();
  }

  @Test
  void releasedOrClosedTheKeeperLeavesAMasterThatRefusesTheNextWrite() throws Exception {
    RedisServerProcess server = guardedServer();
    RawRedisClient client = client(server);
    WriteKeeper keeper = keeper(server.endpoint());
    Acknowledger acknowledger = acknowledging(keeper);
    List<Long> micros = new ArrayList<>();
    for (int run = 0; run < 3; run++) {
      awaitWritable(client);
      boolean last = run == 2;
      long before = System.nanoTime();
      if (last) {
        acknowledger.stop();
        keeper.close();
      } else {
        keeper.release();
      }
      String reply = client.call("SET", "k", "after-" + run);
      micros.add(TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - before));
      assertThat(reply)
          .as("the first SET after " + (last ? "close" : "release"))
          .startsWith("-NOREPLICAS");
    }
    System.out.printf(
        "release, release, close -> first SET refused after %s us (call to the refusal)%n", micros);
    assertThat(keeper.online()).isFalse();
    Thread.sleep(500);
    assertThat(client.call("INFO", "replication")).contains("connected_slaves:0");
    assertThat(client.call("SET", "k", "later")).startsWith("-NOREPLICAS");
  }

  @Test
  void acknowledgementsThatStopCloseTheFenceWithinGuardedClose() throws Exception {
    RedisServerProcess server = guardedServer();
    RawRedisClient client = client(server);
    WriteKeeper keeper = keeper(server.endpoint());
    List<Long> millis = new ArrayList<>();
    for (int run = 0; run < 3; run++) {
      Acknowledger acknowledger = acknowledging(keeper);
      awaitWritable(client);
      Thread.sleep(300 + 350L * run); // different phases against Redis's whole seconds
      acknowledger.stop();
      long lastAcknowledge = acknowledger.lastValidCallNanos();
      long refused = awaitRefused(client, Duration.ofSeconds(5));
      long ms = TimeUnit.NANOSECONDS.toMillis(refused - lastAcknowledge);
      millis.add(ms);
      assertThat(ms)
          .as("last acknowledge to the first NOREPLICAS")
          .isLessThanOrEqualTo(WriteFence.GUARDED_CLOSE.toMillis());
      assertThat(keeper.online())
          .as("the connection stays; only the acknowledgements stopped")
          .isTrue();
      assertThat(client.call("INFO", "replication")).contains("ip=127.0.0.1,port=0,state=online");
      assertStaysRefused(client, Duration.ofSeconds(1));
    }
    System.out.printf(
        "acknowledgements stopped -> first SET refused after %s ms (GUARDED_CLOSE %d ms)%n",
        millis, WriteFence.GUARDED_CLOSE.toMillis());
  }

  @Test
  void anAcknowledgeWhoseDeadlinePassedSendsNothing() throws Exception {
    RedisServerProcess server = guardedServer();
    RawRedisClient client = client(server);
    WriteKeeper keeper = keeper(server.endpoint());
    Acknowledger acknowledger = acknowledging(keeper);
    awaitWritable(client);

    acknowledger.pastDeadlines = true;
    long switched = System.nanoTime();
    long refused = awaitRefused(client, Duration.ofSeconds(5));
    System.out.printf(
        "deadlines in the past -> first SET refused after %d ms%n",
        TimeUnit.NANOSECONDS.toMillis(refused - switched));
    assertThat(refused - switched).isLessThanOrEqualTo(WriteFence.GUARDED_CLOSE.toNanos());
    assertStaysRefused(client, Duration.ofSeconds(2));
    assertThat(keeper.online()).isTrue();

    WriteKeeper late = keeper(guardedServer().endpoint());
    for (int i = 0; i < 10; i++) {
      late.acknowledge(System.nanoTime() - 1);
      Thread.sleep(ACK_EVERY.toMillis());
    }
    assertThat(late.online()).as("a keeper given only passed deadlines does not attach").isFalse();
  }

  @Test
  void waitDoesNotCountTheKeeper() throws Exception {
    RedisServerProcess server = guardedServer();
    RawRedisClient client = client(server);
    acknowledging(keeper(server.endpoint()));
    awaitWritable(client);

    assertThat(client.call("SET", "k", "held-by-nobody")).isEqualTo("OK");
    assertThat(client.call("WAIT", "1", "200")).as("replicas that hold the write").isEqualTo("0");
  }

  @Test
  void attachesWithAPasswordAndWithTheDocumentedAclUser() throws Exception {
    RedisServerProcess withPassword = guardedServer("--requirepass", ADMIN_PASSWORD);
    WriteKeeper byPassword =
        keeper(new RedisEndpoint(HOST, withPassword.port(), Optional.of(ADMIN_PASSWORD)));
    acknowledging(byPassword);
    RawRedisClient admin = client(withPassword);
    assertThat(admin.call("AUTH", ADMIN_PASSWORD)).isEqualTo("OK");
    awaitWritable(admin);

    RedisServerProcess withAcl = guardedServer(aclUser());
    WriteKeeper byAcl = keeper(aclEndpoint(withAcl.port()));
    acknowledging(byAcl);
    RawRedisClient aclAdmin = client(withAcl);
    assertThat(aclAdmin.call("AUTH", ADMIN_PASSWORD)).isEqualTo("OK");
    awaitWritable(aclAdmin);
    assertThat(aclAdmin.call("CLIENT", "LIST")).contains("user=" + USER);
    assertThat(withAcl.cli("-a", ADMIN_PASSWORD, "ACL", "LOG")).as("nothing refused").isEmpty();
  }

  @Test
  void anAclUserWithoutPsyncGetsAFailureThatNamesTheRule() throws Exception {
    RedisServerProcess server = guardedServer(aclUser("+psync"));
    WriteKeeper keeper = keeper(aclEndpoint(server.port()));
    acknowledging(keeper);

    await().atMost(ATTACH).until(() -> keeper.failure() != null);
    Thread.sleep(2500); // some retries
    String failure = keeper.failure();
    System.out.println("failure: " + failure);
    assertThat(failure).contains("PSYNC").contains("allow +psync for user " + USER);
    assertThat(keeper.online()).isFalse();
    assertThat(logged.stream().filter(failure::equals)).as("logged once").hasSize(1);
    String aclLog = server.cli("-a", ADMIN_PASSWORD, "ACL", "LOG");
    assertThat(aclLog).contains("psync");
    long attempts = aclLogCount(aclLog);
    System.out.printf(
        "PSYNC refused %d times in about 2.5 s of acknowledging every 100 ms%n", attempts);
    assertThat(attempts).as("retries, at most one a second").isBetween(2L, 4L);
    RawRedisClient admin = client(server);
    assertThat(admin.call("AUTH", ADMIN_PASSWORD)).isEqualTo("OK");
    assertThat(admin.call("SET", "k", "v")).startsWith("-NOREPLICAS");
  }

  @Test
  void attachesOverTls() throws Exception {
    TestPki pki = TestPki.create(dir.resolve("pki"), "redisha-keeper-ca");
    TestPki.Issued serverCert = pki.issue("redis-server", "IP:127.0.0.1");
    TestPki.Issued agentCert = pki.issue("agent");
    RedisServerProcess server =
        RedisServerProcess.startTls(serverCert, pki.caCert(), guardArgs().toArray(new String[0]));
    toClose.add(server);
    assertThat(server.cli("SET", "k", "v")).contains("NOREPLICAS");
    RedisTls tls =
        RedisTls.of(
            Files.readString(pki.caCert()),
            Files.readString(agentCert.cert()),
            Files.readString(agentCert.key()));
    WriteKeeper keeper =
        keeper(
            new RedisEndpoint(
                HOST,
                server.port(),
                new RedisAccess(Optional.empty(), Optional.empty(), Optional.of(tls)),
                HOST));
    acknowledging(keeper);

    await().atMost(ATTACH).pollInterval(Duration.ofMillis(50)).until(keeper::online);
    await()
        .atMost(Duration.ofSeconds(3))
        .pollInterval(Duration.ofMillis(50))
        .untilAsserted(() -> assertThat(server.cli("SET", "k", "v")).isEqualTo("OK"));
    assertThat(server.cli("INFO", "replication")).contains("ip=127.0.0.1,port=0,state=online");
  }

  @Test
  void attachesByFullResyncToAMasterThatNeverHadAReplica() throws Exception {
    RedisServerProcess server = guardedServer("--enable-debug-command", "yes");
    RawRedisClient client = client(server);
    assertThat(client.call("DEBUG", "POPULATE", "100000", "key", "64")).isEqualTo("OK");
    assertThat(client.call("INFO", "replication")).contains("repl_backlog_active:0");

    WriteKeeper keeper = keeper(server.endpoint());
    acknowledging(keeper);
    awaitWritable(client);
    assertThat(stat(client, "sync_full")).as("diskless full sync").isEqualTo(1);
    assertThat(logged).anyMatch(line -> line.contains("by full resync"));
  }

  @Test
  void attachesAgainByPartialResyncAfterARelease() throws Exception {
    RedisServerProcess server =
        RedisServerProcess.start("--repl-diskless-sync", "no", "--enable-debug-command", "yes");
    toClose.add(server);
    RawRedisClient client = client(server);
    assertThat(client.call("DEBUG", "POPULATE", "300000", "key", "64")).isEqualTo("OK");
    System.out.println("dataset: " + infoField(client.call("INFO", "memory"), "used_memory_human"));

    WriteKeeper keeper = keeper(server.endpoint());
    Acknowledger acknowledger = acknowledging(keeper);
    await().atMost(ATTACH).pollInterval(Duration.ofMillis(20)).until(keeper::online);
    assertThat(stat(client, "sync_full")).as("the payload from disk").isEqualTo(1);

    acknowledger.stop();
    keeper.release();
    await()
        .atMost(Duration.ofSeconds(2))
        .until(() -> client.call("INFO", "replication").contains("connected_slaves:0"));
    for (int i = 0; i < 100; i++) {
      assertThat(client.call("SET", "after-release-" + i, "v")).isEqualTo("OK");
    }
    acknowledging(keeper);
    await().atMost(ATTACH).pollInterval(Duration.ofMillis(20)).until(keeper::online);
    assertThat(stat(client, "sync_full")).as("no second full sync").isEqualTo(1);
    assertThat(stat(client, "sync_partial_ok")).isEqualTo(1);
    assertThat(logged).anyMatch(line -> line.contains("by partial resync"));
    await()
        .atMost(Duration.ofSeconds(2))
        .untilAsserted(
            () ->
                assertThat(client.call("INFO", "replication"))
                    .contains("ip=127.0.0.1,port=0,state=online"));
  }

  private static List<String> guardArgs() {
    return List.of(
        "--min-replicas-to-write",
        Integer.toString(WriteFence.GUARDED),
        "--min-replicas-max-lag",
        Integer.toString(WriteFence.GUARD_MAX_LAG_SECONDS));
  }

  private RedisServerProcess guardedServer(String... extraArgs) {
    return guardedServer(List.of(extraArgs));
  }

  private RedisServerProcess guardedServer(List<String> extraArgs) {
    List<String> args = new ArrayList<>(guardArgs());
    args.addAll(extraArgs);
    RedisServerProcess server = RedisServerProcess.start(args.toArray(new String[0]));
    toClose.add(server);
    return server;
  }

  /** The documented ACL user as redis-server options, without the rules in {@code without}. */
  private static List<String> aclUser(String... without) {
    List<String> args = new ArrayList<>(List.of("--requirepass", ADMIN_PASSWORD, "--user"));
    String line = AgentAcl.setUser(USER, ">" + PASSWORD);
    for (String word : line.substring("ACL SETUSER ".length()).split(" ")) {
      if (!List.of(without).contains(word)) {
        args.add(word);
      }
    }
    return args;
  }

  private static RedisEndpoint aclEndpoint(int port) {
    return new RedisEndpoint(
        HOST, port, new RedisAccess(Optional.of(USER), Optional.of(PASSWORD), Optional.empty()));
  }

  private WriteKeeper keeper(RedisEndpoint endpoint) {
    WriteKeeper keeper =
        new WriteKeeper(
            endpoint,
            line -> {
              logged.add(line);
              System.out.println("keeper: " + line);
            });
    toClose.add(keeper);
    return keeper;
  }

  private RawRedisClient client(RedisServerProcess server) throws Exception {
    RawRedisClient client = new RawRedisClient(HOST, server.port());
    toClose.add(client);
    return client;
  }

  private Acknowledger acknowledging(WriteKeeper keeper) {
    Acknowledger acknowledger = new Acknowledger(keeper);
    toClose.add(acknowledger);
    return acknowledger;
  }

  private static void awaitWritable(RawRedisClient client) {
    await()
        .atMost(ATTACH)
        .pollInterval(Duration.ofMillis(10))
        .until(() -> client.call("SET", "probe", "v").equals("OK"));
  }

  /** Writes every 10 ms until one is refused; the nanoTime of that refusal. */
  private static long awaitRefused(RawRedisClient client, Duration atMost) throws Exception {
    long end = System.nanoTime() + atMost.toNanos();
    while (System.nanoTime() < end) {
      String reply = client.call("SET", "probe", "v");
      long at = System.nanoTime();
      if (reply.startsWith("-NOREPLICAS")) {
        return at;
      }
      assertThat(reply).isEqualTo("OK");
      Thread.sleep(10);
    }
    throw new AssertionError("writes still accepted after " + atMost.toMillis() + " ms");
  }

  private static void assertStaysRefused(RawRedisClient client, Duration during) throws Exception {
    long end = System.nanoTime() + during.toNanos();
    while (System.nanoTime() < end) {
      assertThat(client.call("SET", "probe", "v")).startsWith("-NOREPLICAS");
      Thread.sleep(20);
    }
  }

  private static long stat(RawRedisClient client, String name) throws Exception {
    return Long.parseLong(infoField(client.call("INFO", "stats"), name));
  }

  private static String infoField(String info, String name) {
    return ReplicaProtocol.infoField(info, name)
        .orElseThrow(() -> new AssertionError("INFO has no " + name));
  }

  /** The {@code count} of the first entry of {@code ACL LOG} as redis-cli prints it. */
  private static long aclLogCount(String aclLog) {
    List<String> lines = aclLog.lines().map(String::strip).toList();
    int at = lines.indexOf("count");
    assertThat(at).as("ACL LOG has a count: " + aclLog).isNotNegative();
    return Long.parseLong(lines.get(at + 1));
  }

  private static long millisSince(long nanos) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - nanos);
  }

  /**
   * The agent as a process of its own: a JVM running {@link AgentStandIn}, so the kernel and the
   * signals act on it as on the agent (SIGKILL closes its sockets, SIGSTOP freezes all its
   * threads).
   */
  private static final class AgentProcess implements AutoCloseable {
    private final Process process;
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Writer stdin;

    AgentProcess(int port) throws Exception {
      process =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-cp",
                  System.getProperty("java.class.path"),
                  AgentStandIn.class.getName(),
                  Integer.toString(port))
              .redirectErrorStream(true)
              .start();
      stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
      Thread.ofVirtual()
          .start(
              () -> {
                try (BufferedReader out = process.inputReader(StandardCharsets.UTF_8)) {
                  for (String line = out.readLine(); line != null; line = out.readLine()) {
                    lines.add(line);
                    System.out.println("agent process: " + line);
                  }
                } catch (IOException e) {
                  // the process ended
                }
              });
    }

    void say(String command) throws IOException {
      stdin.write(command + "\n");
      stdin.flush();
    }

    void awaitLine(String line) {
      await().atMost(ATTACH).until(() -> lines.contains(line));
    }

    void signal(String signal) throws Exception {
      new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid()))
          .inheritIO()
          .start()
          .waitFor();
    }

    /** SIGKILL, then waits until the process is gone (its sockets closed by the kernel). */
    void kill() throws InterruptedException {
      process.destroyForcibly();
      process.waitFor();
    }

    @Override
    public void close() throws InterruptedException {
      kill(); // SIGKILL also ends a stopped process
    }
  }

  /**
   * What the agent does with its keeper, in a process of its own: acknowledges every 100 ms with a
   * deadline 300 ms ahead, never beyond the end set by a line {@code until <millis>} on stdin.
   */
  static final class AgentStandIn {
    private static volatile boolean hasEnd;
    private static volatile long endNanos;

    public static void main(String[] args) throws Exception {
      WriteKeeper keeper =
          new WriteKeeper(
              RedisEndpoint.of(HOST, Integer.parseInt(args[0])),
              line -> System.out.println("keeper: " + line));
      Thread.ofPlatform()
          .daemon()
          .start(
              () -> {
                try (BufferedReader in =
                    new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
                  for (String line = in.readLine(); line != null; line = in.readLine()) {
                    long millis = Long.parseLong(line.substring("until ".length()));
                    endNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
                    hasEnd = true;
                    System.out.println("until set");
                  }
                } catch (IOException e) {
                  // the test ended
                }
                System.exit(0);
              });
      while (true) {
        long deadline = System.nanoTime() + ACK_WINDOW.toNanos();
        if (hasEnd && endNanos - deadline < 0) {
          deadline = endNanos;
        }
        keeper.acknowledge(deadline);
        Thread.sleep(ACK_EVERY);
      }
    }
  }

  /** Plays the agent: acknowledges every 100 ms with a deadline 300 ms ahead, or in the past. */
  private static final class Acknowledger implements AutoCloseable {
    private final Thread thread;
    private volatile boolean running = true;
    volatile boolean pastDeadlines;
    private volatile long lastValidCallNanos;

    Acknowledger(WriteKeeper keeper) {
      thread =
          Thread.ofVirtual()
              .start(
                  () -> {
                    while (running) {
                      long now = System.nanoTime();
                      if (pastDeadlines) {
                        keeper.acknowledge(now - 1);
                      } else {
                        keeper.acknowledge(now + ACK_WINDOW.toNanos());
                        lastValidCallNanos = now;
                      }
                      try {
                        Thread.sleep(ACK_EVERY);
                      } catch (InterruptedException e) {
                        return;
                      }
                    }
                  });
    }

    long lastValidCallNanos() {
      return lastValidCallNanos;
    }

    void stop() throws InterruptedException {
      running = false;
      thread.interrupt();
      thread.join();
    }

    @Override
    public void close() throws InterruptedException {
      stop();
    }
  }
}

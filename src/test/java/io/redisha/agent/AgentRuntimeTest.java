package io.redisha.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.redisha.api.AgentReport;
import io.redisha.api.ReportedVrrpState;
import io.redisha.lab.RespClient;
import io.redisha.net.SettableLinkWatch;
import io.redisha.pair.PairFile;
import io.redisha.pair.PairSettings;
import io.redisha.pair.PairValidation;
import io.redisha.testing.RequiresHost;
import io.redisha.vrrp.ChecksumMode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent's runtime with its network edges in memory and its Redis ports closed: every group sees
 * its Redis down, which is all that reloads, reports and the HTTP thread's reads need.
 */
class AgentRuntimeTest {
  static final int MAX_GROUPS = 24;
  static final List<Integer> CLOSED_PORTS = new ArrayList<>();

  @TempDir Path dir;

  @BeforeAll
  static synchronized void closedPorts() throws IOException {
    if (!CLOSED_PORTS.isEmpty()) {
      return;
    }
    List<ServerSocket> sockets = new ArrayList<>();
    for (int i = 0; i < MAX_GROUPS; i++) {
      sockets.add(new ServerSocket(0));
    }
    for (ServerSocket socket : sockets) {
      CLOSED_PORTS.add(socket.getLocalPort());
      socket.close();
    }
  }

  /** A pair of vm-a (127.0.0.1) and vm-b (127.0.0.2) with {@code groups} groups g0, g1, ... */
  static String pairYaml(int groups) {
    StringBuilder yaml =
        new StringBuilder(
            """
            nodes:
            - {name: vm-a, address: 127.0.0.1}
            - {name: vm-b, address: 127.0.0.2}
            interface: lo
            vrrp: {version: 3, advertIntervalMillis: 100}
            healthCheck: {intervalMillis: 100, timeoutMillis: 250, fall: 2, rise: 2}
            instances:
            """);
    for (int i = 0; i < groups; i++) {
      yaml.append("- {name: g")
          .append(i)
          .append(", port: ")
          .append(CLOSED_PORTS.get(i))
          .append(", vip: 203.0.113.")
          .append(i + 1)
          .append("/24, virtualRouterId: ")
          .append(i + 1)
          .append("}\n");
    }
    return yaml.toString();
  }

  Path writePair(String yaml) throws IOException {
    Path file = dir.resolve("pair.yaml");
    replace(file, yaml);
    return file;
  }

  /** Replaces {@code file} at once, so the agent's own reload check never reads half of it. */
  static void replace(Path file, String text) throws IOException {
    Path next = file.resolveSibling(file.getFileName() + ".next");
    Files.writeString(next, text);
    Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  static AgentRuntime start(Path file, FakeNodeNetwork network) throws Exception {
    return start(file, network, ReportSink.NONE);
  }

  static AgentRuntime start(Path file, FakeNodeNetwork network, ReportSink sink) throws Exception {
    return start(file, network, sink, SettableLinkWatch.usable("lo"));
  }

  static AgentRuntime start(
      Path file, FakeNodeNetwork network, ReportSink sink, SettableLinkWatch link)
      throws Exception {
    PairSettings settings = PairValidation.resolve(PairFile.load(file), "vm-a", file.toString());
    return AgentRuntime.start(
        file, false, settings, network.edges(link.factory()), sink, AgentRuntime.GuardFactory.NONE);
  }

  /** The last report the agent handed to its sink, as the operator reads it (JSON). */
  static final class LastReport implements ReportSink {
    private final AtomicReference<AgentReport> last = new AtomicReference<>();

    @Override
    public void publish(AgentReport report) {
      last.set(report);
    }

    JsonNode json() throws IOException {
      return JSON.readTree(JSON.writeValueAsString(last.get()));
    }
  }

  static final ObjectMapper JSON = new ObjectMapper();

  /** Runs {@code action} and returns what it logged (the agent logs to standard output). */
  static String logOf(ThrowingRunnable action) throws Exception {
    PrintStream before = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      action.run();
    } finally {
      System.setOut(before);
    }
    String log = captured.toString(StandardCharsets.UTF_8);
    before.print(log);
    return log;
  }

  interface ThrowingRunnable {
    void run() throws Exception;
  }

  static long linesContaining(String log, String text) {
    return log.lines().filter(line -> line.contains(text)).count();
  }

  static FakeNodeNetwork network() throws IOException {
    return new FakeNodeNetwork(
        (Inet4Address) InetAddress.getByName("127.0.0.1"),
        (Inet4Address) InetAddress.getByName("127.0.0.2"),
        ChecksumMode.PSEUDO_HEADER);
  }

  @Test
  void theHttpThreadReadsTheGroupsSafelyWhileReloadsAddAndRemoveThem() throws Exception {
    Path file = writePair(pairYaml(1));
    try (AgentRuntime runtime = start(file, network())) {
      AtomicBoolean done = new AtomicBoolean();
      AtomicReference<Throwable> failure = new AtomicReference<>();
      List<CompletableFuture<Switchover.Outcome>> switchovers = new ArrayList<>();
      Thread reader =
          Thread.ofPlatform()
              .name("http-like-reader")
              .start(
                  () -> {
                    long reads = 0;
                    try {
                      while (!done.get()) {
                        assertThat(runtime.checkLatencies()).containsKey("g0");
                        if (reads++ % 50 == 0) {
                          CompletableFuture<Switchover.Outcome> switchover =
                              runtime.switchover("g0");
                          assertThat(switchover)
                              .as("g0 is in every version of the pair")
                              .isNotNull();
                          switchovers.add(switchover);
                        }
                      }
                    } catch (Throwable e) {
                      failure.set(e);
                    }
                  });
      for (int i = 0; i < 40 && failure.get() == null; i++) {
        replace(file, pairYaml(i % 2 == 0 ? MAX_GROUPS : 1));
        runtime.reloadNow();
      }
      done.set(true);
      reader.join();
      assertThat(failure.get()).as("what the reading thread met").isNull();
      assertThat(runtime.configError()).isNull();
      for (CompletableFuture<Switchover.Outcome> switchover : switchovers) {
        assertThat(switchover.join().switched()).isFalse();
      }
    }
  }

  @Test
  void anUnreadablePairFileIsLoggedOnceShownAsConfigErrorAndThePreviousPairKeepsRunning()
      throws Exception {
    Path file = writePair(pairYaml(2));
    LastReport sink = new LastReport();
    try (AgentRuntime runtime = start(file, network(), sink)) {
      String good = Files.readString(file);
      Files.delete(file);
      Files.createDirectory(file); // unreadable as a file, even for root
      String log =
          logOf(
              () -> {
                for (int i = 0; i < 5; i++) {
                  runtime.reloadNow();
                }
              });
      assertThat(runtime.configError())
          .contains("pair file " + file)
          .contains("cannot read it")
          .contains("still running the previous pair");
      assertThat(linesContaining(log, "cannot read it")).as(log).isEqualTo(1);
      assertThat(sink.json().path("configError").asText()).contains("cannot read it");
      assertThat(runtime.report().groups())
          .extracting(AgentReport.GroupReport::name)
          .containsExactly("g0", "g1");

      Files.delete(file);
      Files.writeString(file, good);
      String healed = logOf(runtime::reloadNow);
      assertThat(runtime.configError()).isNull();
      assertThat(sink.json().path("configError").isMissingNode()).isTrue();
      assertThat(linesContaining(healed, "readable again")).isEqualTo(1);
      assertThat(runtime.report().groups()).hasSize(2);
    }
  }

  @Test
  void aGenerationFileWithoutAGenerationIsAConfigErrorAndNoGeneration() throws Exception {
    Path file = writePair(pairYaml(1));
    Path generation = dir.resolve("generation");
    replace(generation, "7\n");
    LastReport sink = new LastReport();
    try (AgentRuntime runtime = start(file, network(), sink)) {
      assertThat(sink.json().path("configGeneration").asLong()).isEqualTo(7);
      assertThat(runtime.configError()).isNull();

      replace(generation, "seven\n");
      String log =
          logOf(
              () -> {
                for (int i = 0; i < 3; i++) {
                  runtime.reloadNow();
                }
              });
      assertThat(runtime.configError())
          .contains("generation file " + generation)
          .contains("'seven' is not a generation number");
      assertThat(linesContaining(log, "is not a generation number")).isEqualTo(1);
      JsonNode report = sink.json();
      assertThat(report.path("configGeneration").isMissingNode()).isTrue();
      assertThat(report.path("configError").asText()).contains("'seven' is not a generation");

      replace(generation, "-3");
      runtime.reloadNow();
      assertThat(runtime.configError()).contains("-3 is negative");

      replace(generation, "8");
      runtime.reloadNow();
      assertThat(runtime.configError()).isNull();
      assertThat(sink.json().path("configGeneration").asLong()).isEqualTo(8);

      Files.delete(generation); // standalone: no operator, no generation, no error
      runtime.reloadNow();
      assertThat(runtime.configError()).isNull();
      assertThat(sink.json().path("configGeneration").isMissingNode()).isTrue();
    }
  }

  @Test
  void aLostLinkPutsEveryGroupInFaultWithItsReasonInStatusMetricsAndOneLogLinePerChange()
      throws Exception {
    Path file = writePair(pairYaml(3));
    LastReport sink = new LastReport();
    SettableLinkWatch link = SettableLinkWatch.usable("lo");
    try (AgentRuntime runtime = start(file, network(), sink, link)) {
      AgentMetrics metrics =
          new AgentMetrics(
              runtime::report, runtime::drops, runtime::checkLatencies, runtime::configError);
      assertThat(sink.json().path("link").path("usable").asBoolean()).isTrue();
      assertThat(metrics.render()).contains("redisha_link_usable{interface=\"lo\"} 1.0");

      String down =
          logOf(
              () -> {
                link.carrierLost();
                runtime.reloadNow(); // a task after the link's: the change has been applied
              });

      assertThat(linesContaining(down, "link lo: carrier lost on lo: every group in FAULT"))
          .as(down)
          .isEqualTo(1);
      assertThat(runtime.report().groups())
          .allSatisfy(
              g -> {
                assertThat(g.vrrpState()).isEqualTo(io.redisha.api.ReportedVrrpState.FAULT);
                assertThat(g.fault()).isEqualTo("carrier lost on lo");
              });
      JsonNode report = sink.json();
      assertThat(report.path("link").path("usable").asBoolean()).isFalse();
      assertThat(report.path("link").path("reason").asText()).isEqualTo("carrier lost on lo");
      assertThat(report.path("groups").get(0).path("fault").asText())
          .isEqualTo("carrier lost on lo");
      assertThat(metrics.render()).contains("redisha_link_usable{interface=\"lo\"} 0.0");

      String up =
          logOf(
              () -> {
                link.linkUp();
                runtime.reloadNow();
              });
      assertThat(linesContaining(up, "link lo: link up again")).as(up).isEqualTo(1);
      assertThat(metrics.render()).contains("redisha_link_usable{interface=\"lo\"} 1.0");
      assertThat(runtime.report().groups())
          .as("back to the health's own reason: these groups' Redis servers are down")
          .allSatisfy(g -> assertThat(g.fault()).isNotNull().doesNotContain("carrier lost"));
      assertThat(sink.json().path("link").path("reason").asText()).isEqualTo("link up");
    }
    assertThat(link.closed()).as("the watch is closed with the agent").isTrue();
  }

  @Test
  void aLinkDownAtStartStartsEveryGroupInFaultAndAGroupAddedMeanwhileToo() throws Exception {
    Path file = writePair(pairYaml(1));
    SettableLinkWatch link = SettableLinkWatch.usable("lo");
    link.linkDown();
    try (AgentRuntime runtime = start(file, network(), ReportSink.NONE, link)) {
      assertThat(runtime.report().groups().getFirst().fault()).isEqualTo("link down on lo");
      replace(file, pairYaml(2));
      runtime.reloadNow();
      assertThat(runtime.report().groups())
          .extracting(AgentReport.GroupReport::fault)
          .containsExactly("link down on lo", "link down on lo");
    }
  }

  @Test
  void vipsAPreviousAgentLeftAreRemovedBeforeTheGroupsStart() throws Exception {
    Path file = writePair(pairYaml(2));
    FakeNodeNetwork network = network();
    network.leftBehind("203.0.113.1/24");
    network.leftBehind("203.0.113.2/24");
    network.leftBehind("198.51.100.7/24"); // not a VIP of this pair: not this agent's to remove
    String log =
        logOf(
            () -> {
              try (AgentRuntime runtime = start(file, network)) {
                assertThat(network.holds("203.0.113.1/24")).isFalse();
                assertThat(network.holds("203.0.113.2/24")).isFalse();
              }
            });
    assertThat(network.holds("198.51.100.7/24")).isTrue();
    assertThat(linesContaining(log, "left by a previous agent; removed")).as(log).isEqualTo(2);
    assertThat(log.indexOf("left by a previous agent"))
        .as("before any group starts")
        .isLessThan(log.indexOf("group g0: port"));
  }

  @Test
  void aReCreatedInterfaceGetsNewSocketsAndTheGroupsWaitInFaultUntilThen() throws Exception {
    Path file = writePair(pairYaml(1));
    FakeNodeNetwork network = network();
    SettableLinkWatch link = SettableLinkWatch.usable("lo");
    try (AgentRuntime runtime = start(file, network, ReportSink.NONE, link)) {
      assertThat(network.transportsOpened()).isEqualTo(1);
      link.linkDown();
      link.linkUp();
      runtime.reloadNow();
      assertThat(network.transportsOpened()).as("same interface: same sockets").isEqualTo(1);

      link.gone();
      runtime.reloadNow();
      assertThat(runtime.report().groups().getFirst().fault()).isEqualTo("interface gone on lo");
      link.linkUp(); // created again, with a new index
      runtime.reloadNow();
      assertThat(network.transportsOpened()).isEqualTo(2);
      assertThat(network.arpsOpened()).isEqualTo(2);
      assertThat(runtime.report().link().usable()).isTrue();
    }
  }

  /**
   * The whole runtime with real Redis servers on loopback (vm-a's on 127.0.0.1, vm-b's on
   * 127.0.0.2, same port, each booting as the other's replica with its fence closed, as the
   * README's redis.conf says) and vm-b's agent silent, so vm-a becomes master; then its link goes
   * down, with every send failing as ENETDOWN makes it.
   */
  @Test
  @RequiresHost(
      tools = {"redis-server"},
      root = false)
  void aMasterWhoseLinkGoesDownFaultsReleasesHoldsItsRedisAndRejoinsOnlyByTheRules()
      throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    List<Process> servers = new ArrayList<>();
    try {
      // The README's boot lines on both: two replicas of each other, fences closed, until vm-a's
      // agent decides (a cold start).
      servers.add(startRedis("127.0.0.1", port, "127.0.0.2"));
      servers.add(startRedis("127.0.0.2", port, "127.0.0.1"));
      Path file =
          writePair(
              pairYaml(0)
                  + "- {name: g0, port: "
                  + port
                  + ", vip: 203.0.113.1/24, virtualRouterId: 1, preferredMaster: vm-a}\n");
      FakeNodeNetwork network = network();
      SettableLinkWatch link = SettableLinkWatch.usable("lo");
      try (AgentRuntime runtime = start(file, network, ReportSink.NONE, link)) {
        await()
            .atMost(Duration.ofSeconds(10))
            .until(() -> group(runtime).vrrpState() == ReportedVrrpState.MASTER);
        await().atMost(Duration.ofSeconds(2)).until(() -> network.holds("203.0.113.1/24"));

        network.failSends("sendto: Network is down (errno 100)");
        String down =
            logOf(
                () -> {
                  link.linkDown();
                  runtime.reloadNow();
                  Thread.sleep(300);
                });
        assertThat(group(runtime).vrrpState()).isEqualTo(ReportedVrrpState.FAULT);
        assertThat(group(runtime).fault()).isEqualTo("link down on lo");
        assertThat(network.holds("203.0.113.1/24")).isFalse();
        assertThat(network.lastSentPriority(1)).as("a release was attempted").isZero();
        assertThat(network.sendFailures()).isEqualTo(1);
        assertThat(linesContaining(down, "Network is down")).as(down).isEqualTo(1);
        assertThat(linesContaining(down, "Redis writes held (link down on lo)")).isEqualTo(1);
        assertThatThrownBy(() -> redisWithin("127.0.0.1", port, 300, "SET", "during", "1"))
            .as("a write on vm-a's Redis waits, unanswered")
            .isInstanceOf(IOException.class);
        Thread.sleep(3000); // healthy Redis, passing checks: the link alone keeps it in FAULT
        assertThat(group(runtime).vrrpState()).isEqualTo(ReportedVrrpState.FAULT);
        assertThat(redis("127.0.0.1", port, "GET", "during")).as("never written").isNull();
        assertThatThrownBy(() -> redisWithin("127.0.0.1", port, 300, "SET", "during", "2"))
            .as("still held after the first pause would have run out")
            .isInstanceOf(IOException.class);

        network.failSends(null);
        // The report's transition time is wall-clock milliseconds: compare at that precision.
        Instant back = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        link.linkUp();
        runtime.reloadNow();
        assertThat(group(runtime).vrrpState()).isEqualTo(ReportedVrrpState.BACKUP);
        await()
            .atMost(Duration.ofSeconds(5))
            .until(() -> group(runtime).vrrpState() == ReportedVrrpState.MASTER);
        Instant master = Instant.parse(group(runtime).lastTransition().time());
        assertThat(Duration.between(back, master))
            .as("master after 3 adverts and skew of silence from the link's return, not before")
            .isGreaterThanOrEqualTo(Duration.ofMillis(341));
        await().atMost(Duration.ofSeconds(2)).until(() -> network.holds("203.0.113.1/24"));
        assertThat(redisWithin("127.0.0.1", port, 1000, "SET", "after", "1")).isEqualTo("OK");
        assertThat(redis("127.0.0.1", port, "GET", "during")).isNull();
      }
    } finally {
      for (Process server : servers) {
        server.destroyForcibly();
        server.onExit().join();
      }
    }
  }

  static AgentReport.GroupReport group(AgentRuntime runtime) {
    return runtime.report().groups().getFirst();
  }

  Process startRedis(String address, int port, String replicaOf) throws IOException {
    Path data = Files.createDirectories(dir.resolve("redis-" + address));
    List<String> command =
        new ArrayList<>(
            List.of(
                "redis-server",
                "--port",
                Integer.toString(port),
                "--bind",
                address,
                "--replica-announce-ip",
                address,
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                data.toString(),
                "--min-replicas-to-write",
                "1000000"));
    if (replicaOf != null) {
      command.addAll(List.of("--replicaof", replicaOf, Integer.toString(port)));
    }
    Process process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(data.resolve("redis.log").toFile())
            .start();
    await()
        .atMost(Duration.ofSeconds(10))
        .ignoreExceptions()
        .until(() -> "PONG".equals(redis(address, port, "PING")));
    return process;
  }

  static Object redis(String address, int port, String... command) throws IOException {
    return redisWithin(address, port, 2000, command);
  }

  static Object redisWithin(String address, int port, int timeoutMillis, String... command)
      throws IOException {
    try (RespClient client = new RespClient(address, port, 1000, timeoutMillis)) {
      return client.command(command);
    }
  }
}

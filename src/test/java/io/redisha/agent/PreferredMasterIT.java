package io.redisha.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.redisha.api.AgentReport;
import io.redisha.api.ReportedVrrpState;
import io.redisha.lab.RespClient;
import io.redisha.net.SettableLinkWatch;
import io.redisha.pair.PairFile;
import io.redisha.pair.PairSettings;
import io.redisha.pair.PairValidation;
import io.redisha.testing.RequiresHost;
import io.redisha.vrrp.ChecksumMode;
import io.redisha.vrrp.VrrpAdvertisement;
import io.redisha.vrrp.VrrpVersion;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A change of {@code preferredMaster} with {@code preempt: true}, on the agent of vm-a with real
 * Redis servers: vm-a's on 127.0.0.1, vm-b's on 127.0.0.2, same port. vm-b's agent is played by the
 * test through vm-a's in-memory VRRP socket, so vm-a's advertised priority and its every move can
 * be seen. The role may move only through the lossless switchover, and afterwards each router must
 * advertise the priority of the group's current preference.
 */
@RequiresHost(
    tools = {"redis-server"},
    root = false)
class PreferredMasterIT {
  static final String VIP = "203.0.113.1/24";
  static final int ROUTER_ID = 1;

  @TempDir Path dir;
  final List<Process> redisServers = new ArrayList<>();
  final ScheduledExecutorService peerAdverts = Executors.newSingleThreadScheduledExecutor();
  volatile int peerPriority = -1;
  FakeNodeNetwork network;
  int port;

  @BeforeEach
  void network() throws IOException {
    network =
        new FakeNodeNetwork(
            (Inet4Address) InetAddress.getByName("127.0.0.1"),
            (Inet4Address) InetAddress.getByName("127.0.0.2"),
            ChecksumMode.PSEUDO_HEADER);
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    // vm-b's agent as far as vm-a can tell: its adverts while it is master.
    peerAdverts.scheduleAtFixedRate(
        () -> {
          int priority = peerPriority;
          if (priority > 0) {
            network.fromPeer(advert(priority));
          }
        },
        0,
        100,
        TimeUnit.MILLISECONDS);
  }

  @AfterEach
  void stop() {
    peerAdverts.shutdownNow();
    for (Process redis : redisServers) {
      redis.destroyForcibly();
      redis.onExit().join();
    }
  }

  static VrrpAdvertisement advert(int priority) throws IllegalStateException {
    try {
      return new VrrpAdvertisement(
          VrrpVersion.V3,
          ROUTER_ID,
          priority,
          10,
          List.of((Inet4Address) InetAddress.getByName("203.0.113.1")),
          null);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  String pairYaml(String preferredMaster) {
    return """
        nodes:
        - {name: vm-a, address: 127.0.0.1}
        - {name: vm-b, address: 127.0.0.2}
        interface: lo
        vrrp: {version: 3, advertIntervalMillis: 100, preempt: true}
        healthCheck: {intervalMillis: 100, timeoutMillis: 250, fall: 2, rise: 2}
        instances:
        - {name: g0, port: %d, vip: %s, virtualRouterId: %d, preferredMaster: %s}
        """
        .formatted(port, VIP, ROUTER_ID, preferredMaster);
  }

  Path writePair(String yaml) throws IOException {
    Path file = dir.resolve("pair.yaml");
    Path next = dir.resolve("pair.yaml.next");
    Files.writeString(next, yaml);
    Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    return file;
  }

  /**
   * A redis-server of this test on {@code address} with the README's boot lines: a replica of the
   * other address, its write fence closed, until an agent decides.
   */
  void startRedis(String address) throws IOException {
    String other = address.equals("127.0.0.1") ? "127.0.0.2" : "127.0.0.1";
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
                "--repl-diskless-sync-delay",
                "0",
                "--min-replicas-to-write",
                "1000000",
                "--replicaof",
                other,
                Integer.toString(port)));
    Process process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(data.resolve("redis.log").toFile())
            .start();
    redisServers.add(process);
    await()
        .atMost(Duration.ofSeconds(10))
        .ignoreExceptions()
        .until(() -> "PONG".equals(redis(address, "PING")));
  }

  /** What vm-b's agent does to its Redis when it takes the master role: fence open, promoted. */
  void promoteAsVmBsAgentWould() throws IOException {
    redis("127.0.0.2", "CONFIG", "SET", "min-replicas-to-write", "0");
    redis("127.0.0.2", "REPLICAOF", "NO", "ONE");
  }

  Object redis(String address, String... command) throws IOException {
    try (RespClient client = new RespClient(address, port, 1000, 2000)) {
      return client.command(command);
    }
  }

  String role(String address) throws IOException {
    String info = (String) redis(address, "INFO", "replication");
    return info.lines()
        .filter(l -> l.startsWith("role:"))
        .findFirst()
        .orElse("role:?")
        .substring(5);
  }

  AgentRuntime start(Path file) throws Exception {
    PairSettings settings = PairValidation.resolve(PairFile.load(file), "vm-a", file.toString());
    return AgentRuntime.start(
        file,
        false,
        settings,
        network.edges(SettableLinkWatch.usable(settings.link().interfaceName()).factory()),
        ReportSink.NONE,
        AgentRuntime.GuardFactory.NONE);
  }

  static AgentReport.GroupReport group(AgentRuntime runtime) {
    return runtime.report().groups().getFirst();
  }

  boolean releasedByVmA() {
    return network.sentAdverts(ROUTER_ID).stream().anyMatch(a -> a.priority() == 0);
  }

  @Test
  void theMasterThatStopsBeingPreferredHandsOverLosslesslyAndDoesNotTakeTheRoleBack()
      throws Exception {
    startRedis("127.0.0.1");
    startRedis("127.0.0.2");
    Path file = writePair(pairYaml("vm-a"));
    try (AgentRuntime runtime = start(file)) {
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () -> {
                assertThat(group(runtime).vrrpState()).isEqualTo(ReportedVrrpState.MASTER);
                assertThat(network.holds(VIP)).isTrue();
                assertThat(network.lastSentPriority(ROUTER_ID)).isEqualTo(150);
                String info = (String) redis("127.0.0.1", "INFO", "replication");
                assertThat(info).contains("ip=127.0.0.2").contains("state=online");
              });
      // vm-b's Redis linked only at its first reconnect after vm-a's promotion (it booted as a
      // replica of a replica): let vm-a's agent see it connected in two checks of its own before
      // the switchover that needs it.
      await()
          .during(Duration.ofMillis(250))
          .atMost(Duration.ofSeconds(2))
          .until(
              () -> ((String) redis("127.0.0.1", "INFO", "replication")).contains("state=online"));
      redis("127.0.0.1", "SET", "written-before", "kept");

      writePair(pairYaml("vm-b"));
      runtime.reloadNow();
      // vm-b's agent: it takes the role the moment vm-a releases it, as its agent would.
      await()
          .atMost(Duration.ofSeconds(2))
          .pollInterval(Duration.ofMillis(2))
          .until(this::releasedByVmA);
      promoteAsVmBsAgentWould();
      peerPriority = 100; // vm-b has not reloaded yet: it still advertises 100
      await()
          .atMost(Duration.ofSeconds(5))
          .untilAsserted(
              () -> {
                assertThat(group(runtime).vrrpState()).isEqualTo(ReportedVrrpState.BACKUP);
                assertThat(network.holds(VIP)).isFalse();
                assertThat(role("127.0.0.1")).isEqualTo("slave");
              });
      assertThat(redis("127.0.0.2", "GET", "written-before")).isEqualTo("kept");
      int sentBefore = network.sentAdverts(ROUTER_ID).size();

      // With preempt on, a vm-a still at 150 would take the role back from vm-b's 100 within
      // three adverts; at the group's new priority (100) it stays backup.
      await()
          .during(Duration.ofMillis(1500))
          .atMost(Duration.ofMillis(1700))
          .untilAsserted(
              () -> {
                assertThat(group(runtime).vrrpState()).isEqualTo(ReportedVrrpState.BACKUP);
                assertThat(network.sentAdverts(ROUTER_ID)).hasSize(sentBefore);
              });

      Switchover.Outcome manual = runtime.switchover("g0").get(5, TimeUnit.SECONDS);
      assertThat(manual.reason()).contains("not MASTER").doesNotContain("preferred master");
    }
  }

  @Test
  void aBackupThatBecomesPreferredWaitsForTheHandOverThenAdvertisesItsNewPriority()
      throws Exception {
    startRedis("127.0.0.2");
    promoteAsVmBsAgentWould();
    startRedis("127.0.0.1");
    peerPriority = 150; // vm-b, the preferred master, holds the role
    Path file = writePair(pairYaml("vm-b"));
    try (AgentRuntime runtime = start(file)) {
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () -> {
                assertThat(group(runtime).vrrpState()).isEqualTo(ReportedVrrpState.BACKUP);
                assertThat(group(runtime).healthy()).isTrue();
                assertThat(role("127.0.0.1")).isEqualTo("slave");
              });

      // vm-b reloaded first: no longer preferred, it advertises 100 and starts its switchover.
      peerPriority = 100;
      writePair(pairYaml("vm-a"));
      runtime.reloadNow();
      // A vm-a at 150 would preempt vm-b's 100 within three adverts, without the switchover.
      await()
          .during(Duration.ofMillis(1500))
          .atMost(Duration.ofMillis(1700))
          .untilAsserted(
              () -> {
                assertThat(group(runtime).vrrpState()).isEqualTo(ReportedVrrpState.BACKUP);
                assertThat(network.holds(VIP)).isFalse();
              });

      // vm-b's switchover hands the role over with a priority 0 advert.
      peerPriority = -1;
      network.fromPeer(advert(0));
      await()
          .atMost(Duration.ofSeconds(5))
          .untilAsserted(
              () -> {
                assertThat(group(runtime).vrrpState()).isEqualTo(ReportedVrrpState.MASTER);
                assertThat(network.holds(VIP)).isTrue();
                assertThat(network.lastSentPriority(ROUTER_ID)).isEqualTo(150);
              });
    }
  }
}

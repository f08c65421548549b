package io.redisha.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.redisha.testing.RequiresHost;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@RequiresHost(tools = {"ip", "iptables", "ping"})
class LabNetworkIT {
  private static LabNetwork lab;

  @BeforeAll
  static void buildLab() {
    lab =
        LabNetwork.create()
            .addHost("vm-a", "192.0.2.11/24")
            .addHost("vm-b", "192.0.2.12/24")
            .addHost("client", "192.0.2.30");
  }

  @AfterAll
  static void removeLab() {
    if (lab != null) {
      lab.close();
    }
  }

  @Test
  void hostsReachEachOtherOverTheBridge() {
    assertThat(lab.run("vm-a", "ping", "-c", "1", "-W", "2", "192.0.2.12")).contains("1 received");
    assertThat(lab.run("client", "ip", "-4", "-o", "addr", "show", "eth0"))
        .contains("192.0.2.30/24");
    assertThat(lab.run("vm-b", "ip", "-o", "link", "show", "lo")).contains("UP");
    assertThat(lab.namespace("vm-a")).startsWith("rha-" + ProcessHandle.current().pid() + "-");
  }

  @Test
  void isolateCutsTheHostAndReconnectHealsIt() {
    lab.isolate("vm-b");
    try {
      assertThat(cut("vm-a", "192.0.2.12")).isTrue();
      assertThat(cut("client", "192.0.2.12")).isTrue();
      assertThat(ping("client", "192.0.2.11")).isTrue();
    } finally {
      lab.reconnect("vm-b");
    }
    await()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(() -> assertThat(ping("vm-a", "192.0.2.12")).isTrue());
  }

  @Test
  void partitionDropsOnlyTrafficBetweenTheTwoHosts() {
    lab.partition("vm-a", "vm-b");
    try {
      assertThat(cut("vm-a", "192.0.2.12")).isTrue();
      assertThat(cut("vm-b", "192.0.2.11")).isTrue();
      assertThat(ping("client", "192.0.2.11")).isTrue();
      assertThat(ping("client", "192.0.2.12")).isTrue();
      // an address moved between the partitioned hosts is cut too
      lab.run("vm-b", "ip", "addr", "add", "192.0.2.100/24", "dev", "eth0");
      assertThat(cut("vm-a", "192.0.2.100")).isTrue();
      assertThat(ping("client", "192.0.2.100")).isTrue();
    } finally {
      lab.exec("vm-b", "ip", "addr", "del", "192.0.2.100/24", "dev", "eth0");
      lab.heal("vm-b", "vm-a");
    }
    await()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(() -> assertThat(ping("vm-a", "192.0.2.12")).isTrue());
    assertThat(lab.run("vm-a", "iptables", "-S", "INPUT")).doesNotContain("DROP");
  }

  @Test
  void linkDownCutsTheHostAndKeepsItsAddressesUntilTheLinkIsUp() {
    lab.linkDown("vm-b");
    try {
      assertThat(lab.linkState("vm-b")).contains("state DOWN").doesNotContain(",UP");
      assertThat(lab.addresses("vm-b")).contains("192.0.2.12/24");
      assertThat(cut("vm-a", "192.0.2.12")).isTrue();
      assertThat(ping("client", "192.0.2.11")).isTrue();
    } finally {
      lab.linkUp("vm-b");
    }
    await()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(() -> assertThat(ping("vm-a", "192.0.2.12")).isTrue());
    assertThat(lab.linkState("vm-b")).contains(",UP").doesNotContain("NO-CARRIER");
  }

  @Test
  void carrierLossLeavesTheInterfaceUpWithoutCarrier() {
    lab.carrierLoss("vm-b");
    try {
      assertThat(lab.linkState("vm-b")).contains("NO-CARRIER").contains(",UP>");
      assertThat(cut("vm-a", "192.0.2.12")).isTrue();
    } finally {
      lab.carrierBack("vm-b");
    }
    await()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(() -> assertThat(ping("vm-a", "192.0.2.12")).isTrue());
    assertThat(lab.linkState("vm-b")).doesNotContain("NO-CARRIER");
  }

  @Test
  void aLossyLinkDropsAShareOfThePacketsBetweenTheTwoHostsOnly() {
    assertThatThrownBy(() -> lab.lossyLink("vm-a", "vm-b", 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("probability");
    lab.lossyLink("vm-a", "vm-b", 0.3);
    try {
      assertThatThrownBy(() -> lab.lossyLink("vm-b", "vm-a", 0.3))
          .hasMessageContaining("already lossy");
      // 30 % each way: an echo and its reply both pass with 0.7 * 0.7, so about half are lost
      assertThat(lossPercent("vm-a", "192.0.2.12", 200)).isBetween(30, 72);
      assertThat(lossPercent("client", "192.0.2.12", 50)).isZero();
      assertThat(lab.run("vm-b", "iptables", "-S", "INPUT")).contains("statistic");
    } finally {
      lab.clearLossyLink("vm-a", "vm-b");
    }
    assertThat(lab.run("vm-a", "iptables", "-S", "INPUT")).doesNotContain("statistic");
    assertThat(lab.run("vm-b", "iptables", "-S", "INPUT")).doesNotContain("statistic");
    assertThat(lossPercent("vm-a", "192.0.2.12", 50)).isZero();
  }

  @Test
  void signalStopsAndContinuesAProcessByItsPid(@TempDir Path logs) throws Exception {
    Process sleeper = lab.start("vm-a", List.of("sleep", "60"), logs.resolve("sleep.log"));
    try {
      LabNetwork.signal(sleeper.toHandle(), "STOP");
      await()
          .atMost(Duration.ofSeconds(5))
          .untilAsserted(() -> assertThat(processState(sleeper.pid())).isEqualTo("T"));
      LabNetwork.signal(sleeper.toHandle(), "CONT");
      await()
          .atMost(Duration.ofSeconds(5))
          .untilAsserted(() -> assertThat(processState(sleeper.pid())).isEqualTo("S"));
      assertThatThrownBy(() -> LabNetwork.signal(sleeper.toHandle(), "stop; true"))
          .hasMessageContaining("signal must be a name");
    } finally {
      sleeper.destroyForcibly();
      sleeper.waitFor();
    }
  }

  /** The state letter of a process in /proc ({@code S} sleeping, {@code T} stopped). */
  private static String processState(long pid) throws Exception {
    String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
    return stat.substring(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  }

  /** Percent of {@code count} pings, 10 ms apart, that got no answer. */
  private static int lossPercent(String from, String to, int count) {
    String output =
        lab.exec(from, "ping", "-q", "-c", Integer.toString(count), "-i", "0.01", "-W", "1", to)
            .output();
    Matcher loss = Pattern.compile("([0-9.]+)% packet loss").matcher(output);
    assertThat(loss.find()).as(output).isTrue();
    return (int) Math.round(Double.parseDouble(loss.group(1)));
  }

  @Test
  void execReportsFailuresWithTheirOutput() {
    LabNetwork.ExecResult result = lab.exec("vm-a", "ip", "link", "show", "nosuchdev");
    assertThat(result.succeeded()).isFalse();
    assertThatThrownBy(result::requireSuccess)
        .hasMessageContaining("ip link show nosuchdev")
        .hasMessageContaining("vm-a")
        .hasMessageContaining("does not exist");
    assertThatThrownBy(() -> lab.run("nobody", "true"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no host 'nobody'");
  }

  @Test
  void closeStopsEveryProcessAndDeletesEveryNamespace(@TempDir Path logs) throws Exception {
    LabNetwork own =
        LabNetwork.create().addHost("vm-a", "192.0.2.11").addHost("vm-b", "192.0.2.12");
    List<String> namespaces =
        List.of(own.bridgeNamespace(), own.namespace("vm-a"), own.namespace("vm-b"));
    Process started = own.start("vm-a", List.of("sleep", "300"), logs.resolve("sleep.log"));
    // a process the lab did not start but that lives in its namespace
    Process stray =
        new ProcessBuilder("ip", "netns", "exec", own.namespace("vm-b"), "sleep", "300").start();
    assertThat(LabNetwork.listNamespaces()).containsAll(namespaces);
    await()
        .untilAsserted(
            () -> assertThat(LabNetworkIT.identify(stray.pid())).contains(own.namespace("vm-b")));

    own.close();
    own.close();

    assertThat(started.isAlive()).isFalse();
    assertThat(stray.waitFor(5, TimeUnit.SECONDS)).isTrue();
    assertThat(LabNetwork.listNamespaces()).doesNotContainAnyElementsOf(namespaces);
    assertThat(Files.exists(logs.resolve("sleep.log"))).isTrue();
    assertThatThrownBy(() -> own.addHost("vm-c", "192.0.2.13")).hasMessageContaining("is closed");
  }

  @Test
  void removeStaleDeletesOnlyNamespacesOfDeadRuns() throws Exception {
    Process finished = new ProcessBuilder("true").start();
    finished.waitFor();
    long deadPid = finished.pid();
    String stale = "rha-" + deadPid + "-1-vm-a";
    String live = "rha-" + ProcessHandle.current().pid() + "-999";
    String foreign = "rhaother-" + ProcessHandle.current().pid();
    try {
      for (String name : List.of(stale, live, foreign)) {
        new ProcessBuilder("ip", "netns", "add", name).inheritIO().start().waitFor();
      }
      List<String> removed = LabNetwork.removeStale();
      assertThat(removed).contains(stale).doesNotContain(live, foreign);
      assertThat(LabNetwork.listNamespaces()).doesNotContain(stale).contains(live, foreign);
    } finally {
      for (String name : List.of(stale, live, foreign)) {
        new ProcessBuilder("ip", "netns", "del", name).start().waitFor();
      }
    }
  }

  @Test
  void shutdownHookCleansUpAJvmThatExitsWithoutClosing(@TempDir Path logs) throws Exception {
    Process child = startChild("exit", logs);
    String[] made = firstLine(child).split(" ");
    assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(LabNetwork.listNamespaces()).doesNotContain(made[0], made[1]);
    assertThat(ProcessHandle.of(Long.parseLong(made[2])).map(ProcessHandle::isAlive))
        .isNotEqualTo(java.util.Optional.of(true));
  }

  @Test
  void removeStaleCleansUpAfterAKilledJvm(@TempDir Path logs) throws Exception {
    Process child = startChild("wait", logs);
    String[] made = firstLine(child).split(" ");
    child.destroyForcibly();
    assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(LabNetwork.listNamespaces()).contains(made[0], made[1]);
    ProcessHandle sleeper = ProcessHandle.of(Long.parseLong(made[2])).orElseThrow();

    assertThat(LabNetwork.removeStale()).contains(made[0], made[1]);

    assertThat(LabNetwork.listNamespaces()).doesNotContain(made[0], made[1]);
    assertThat(sleeper.isAlive()).isFalse();
  }

  private static Process startChild(String mode, Path logs) throws Exception {
    return new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "--enable-native-access=ALL-UNNAMED",
            "-cp",
            System.getProperty("java.class.path"),
            LabNetworkChild.class.getName(),
            mode,
            logs.resolve("sleep.log").toString())
        .redirectError(logs.resolve("child-" + mode + ".err").toFile())
        .start();
  }

  private static String firstLine(Process child) throws Exception {
    try (BufferedReader reader =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      String line = reader.readLine();
      assertThat(line).as("the child JVM's report").isNotNull();
      return line;
    }
  }

  private static String identify(long pid) throws Exception {
    Process identify = new ProcessBuilder("ip", "netns", "identify", String.valueOf(pid)).start();
    String output = new String(identify.getInputStream().readAllBytes());
    identify.waitFor();
    return output;
  }

  private static boolean ping(String from, String to) {
    return lab.exec(from, "ping", "-c", "1", "-W", "2", to).succeeded();
  }

  /** No answer within 0.4 s; on a bridge in one kernel an answer takes well under 1 ms. */
  private static boolean cut(String from, String to) {
    return !lab.exec(from, "ping", "-c", "1", "-W", "0.4", to).succeeded();
  }
}

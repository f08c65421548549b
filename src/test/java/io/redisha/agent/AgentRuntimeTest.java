package io.redisha.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.redisha.api.AgentReport;
import io.redisha.pair.PairFile;
import io.redisha.pair.PairSettings;
import io.redisha.pair.PairValidation;
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
    PairSettings settings = PairValidation.resolve(PairFile.load(file), "vm-a", file.toString());
    return AgentRuntime.start(
        file,
        false,
        settings,
        network.transport(),
        network.addresses(),
        network.arp(),
        sink,
        AgentRuntime.GuardFactory.NONE);
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
}

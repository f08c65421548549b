package io.redisha.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.redisha.pair.PairFile;
import io.redisha.pair.PairSettings;
import io.redisha.pair.PairValidation;
import io.redisha.vrrp.ChecksumMode;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
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
  static void closedPorts() throws IOException {
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
    Files.writeString(file, yaml);
    return file;
  }

  static AgentRuntime start(Path file, FakeNodeNetwork network) throws Exception {
    PairSettings settings = PairValidation.resolve(PairFile.load(file), "vm-a", file.toString());
    return AgentRuntime.start(
        file,
        false,
        settings,
        network.transport(),
        network.addresses(),
        network.arp(),
        ReportSink.NONE,
        AgentRuntime.GuardFactory.NONE);
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
        Files.writeString(file, pairYaml(i % 2 == 0 ? MAX_GROUPS : 1));
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
}

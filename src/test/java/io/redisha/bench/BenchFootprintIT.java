package io.redisha.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.redisha.cli.Main;
import io.redisha.testing.RequiresHost;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code redisha bench --runs 0} with three groups and a short idle window: the agent on the class
 * path, the packaged agent (installed, or the build's {@code .deb} unpacked when the build made
 * one), keepalived 2.2.7 and 2.4.3 tuned and a sentinel each get a row with their memory, CPU and
 * threads, all for three groups.
 */
@RequiresHost(tools = {"ip", "iptables", "redis-server", "redis-cli", "keepalived", "arping"})
class BenchFootprintIT {
  @TempDir Path dir;

  @Test
  void footprintRowsForEveryDaemonWithTheNumberOfGroupsAndThreads() throws Exception {
    Optional<Path> deb = builtPackage();
    List<String> argv =
        new ArrayList<>(
            List.of(
                "bench",
                "--runs",
                "0",
                "--idle-seconds",
                "3",
                "--footprint-groups",
                "3",
                "--out",
                dir.resolve("out").toString(),
                "--work-dir",
                dir.resolve("work").toString()));
    deb.ifPresent(file -> argv.addAll(List.of("--agent-package", file.toString())));
    ByteArrayOutputStream printed = new ByteArrayOutputStream();

    int exit =
        Main.run(
            argv.toArray(String[]::new),
            new PrintStream(printed, true, StandardCharsets.UTF_8),
            System.err);
    String text = printed.toString(StandardCharsets.UTF_8);
    System.out.print(text);

    assertThat(exit).as("exit code").isZero();
    JsonNode json = new ObjectMapper().readTree(dir.resolve("out/bench.json").toFile());
    List<String> daemons = new ArrayList<>();
    for (JsonNode row : json.path("footprint")) {
      daemons.add(row.path("daemon").asText());
      assertThat(row.path("groups").asInt()).isEqualTo(3);
      assertThat(row.path("rssKib").asLong()).as("%s RSS", row.path("daemon")).isPositive();
      assertThat(row.path("threads").asInt()).as("%s threads", row.path("daemon")).isPositive();
      assertThat(row.path("cpuPercent").asDouble()).isNotNegative();
      assertThat(row.path("note").asText()).doesNotContain("not settled");
    }
    List<String> expected =
        new ArrayList<>(
            List.of(
                "redisha (class path)",
                "keepalived 2.2.7 tuned",
                "keepalived 2.4.3 tuned",
                "redis sentinel"));
    boolean packaged = deb.isPresent() || Files.isExecutable(PackagedAgent.INSTALLED_LAUNCHER);
    if (packaged) {
      expected.add(1, "redisha (package)");
    } else {
      assertThat(text).contains("redisha (package) not measured");
    }
    assertThat(daemons).containsExactlyElementsOf(expected);
    JsonNode agent = json.path("footprint").get(0);
    assertThat(agent.path("variant").asText()).isEqualTo(AgentJvm.RECOMMENDED_VARIANT.name());
    assertThat(agent.path("startupMillis").asLong()).isPositive();
    assertThat(text).contains("threads");
  }

  /** The .deb the build made in target/, if it made one. */
  private static Optional<Path> builtPackage() throws IOException {
    Path target = Path.of("target");
    if (!Files.isDirectory(target)) {
      return Optional.empty();
    }
    try (Stream<Path> files = Files.list(target)) {
      return files
          .filter(f -> f.getFileName().toString().matches("redisha_.*_amd64\\.deb"))
          .findFirst();
    }
  }
}

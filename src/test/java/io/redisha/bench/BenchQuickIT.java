package io.redisha.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.redisha.cli.Main;
import io.redisha.testing.RequiresHost;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CI smoke run of the benchmark: {@code redisha bench --quick} (one run of every fault against
 * redisha and keepalived classic). It fails on a crashed run and on an acknowledged write lost in a
 * fault where none may be lost, never on a timing.
 */
@RequiresHost(tools = {"ip", "iptables", "redis-server", "redis-cli", "keepalived", "arping"})
class BenchQuickIT {
  @TempDir Path dir;

  @Test
  void quickModeCompletesAndRedishaLosesNoAcknowledgedWriteItMayNotLose() throws Exception {
    Path out = dir.resolve("out");
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    PrintStream tee =
        new PrintStream(new TeeStream(printed, System.out), true, StandardCharsets.UTF_8);

    int exit =
        Main.run(
            new String[] {
              "bench",
              "--quick",
              "--out",
              out.toString(),
              "--work-dir",
              dir.resolve("work").toString()
            },
            tee,
            System.err);

    JsonNode json = new ObjectMapper().readTree(out.resolve("bench.json").toFile());
    List<String> violations = new ArrayList<>();
    json.path("violations").forEach(v -> violations.add(v.asText()));
    assertThat(violations).as("broken promises and crashes").isEmpty();
    assertThat(exit).as("exit code of redisha bench --quick").isZero();
    for (JsonNode run : json.path("runs")) {
      if (!run.path("system").asText().equals("redisha")) {
        continue; // a baseline that does not recover is a finding, not a broken benchmark
      }
      assertThat(run.path("completed").asBoolean())
          .as(
              "%s %s completed: %s",
              run.path("system").asText(), run.path("fault").asText(), run.path("note").asText())
          .isTrue();
    }
    List<String> redishaFaults = new ArrayList<>();
    for (JsonNode run : json.path("runs")) {
      if (run.path("system").asText().equals("redisha")) {
        redishaFaults.add(run.path("fault").asText());
      }
    }
    assertThat(redishaFaults)
        .contains("kill", "host-cut", "pair-cut", "empty-now", "empty-later", "boot", "clean-stop");
    assertThat(Files.readString(out.resolve("bench.svg"))).startsWith("<svg").contains("</svg>");
    assertThat(printed.toString(StandardCharsets.UTF_8)).contains("ratio to keepalived-classic");
  }

  /** Prints to the test log as it goes and keeps a copy. */
  private static final class TeeStream extends java.io.OutputStream {
    private final java.io.OutputStream first;
    private final java.io.OutputStream second;

    TeeStream(java.io.OutputStream first, java.io.OutputStream second) {
      this.first = first;
      this.second = second;
    }

    @Override
    public void write(int b) throws java.io.IOException {
      first.write(b);
      second.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) throws java.io.IOException {
      first.write(b, off, len);
      second.write(b, off, len);
    }
  }
}

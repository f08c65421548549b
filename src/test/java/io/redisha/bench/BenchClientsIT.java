package io.redisha.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.redisha.cli.Main;
import io.redisha.testing.RequiresHost;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One Redis kill and one planned switchover measured with every client setting (raw RESP with 20 ms
 * and with 1 s connect timeouts, lettuce with its defaults in a JVM of its own) against redisha and
 * keepalived 2.4.3 tuned: each client's writes are counted and read back the same way, and redisha
 * loses none that the fault may not cost, whichever client wrote them.
 */
@RequiresHost(tools = {"ip", "iptables", "redis-server", "redis-cli", "keepalived", "arping"})
class BenchClientsIT {
  @TempDir Path dir;

  @Test
  void everyClientSettingIsMeasuredOnRedishaAndKeepalived24() throws Exception {
    Path out = dir.resolve("out");
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    PrintStream print = new PrintStream(printed, true, StandardCharsets.UTF_8);

    int exit =
        Main.run(
            new String[] {
              "bench",
              "--systems",
              "redisha,keepalived-2.4-tuned",
              "--faults",
              "kill,switchover",
              "--clients",
              "raw-20ms,raw-1s,lettuce",
              "--runs",
              "1",
              "--idle-seconds",
              "0",
              "--out",
              out.toString(),
              "--work-dir",
              dir.resolve("work").toString()
            },
            print,
            System.err);
    String text = printed.toString(StandardCharsets.UTF_8);
    System.out.print(text);

    JsonNode json = new ObjectMapper().readTree(out.resolve("bench.json").toFile());
    List<String> violations = new ArrayList<>();
    json.path("violations").forEach(v -> violations.add(v.asText()));
    assertThat(violations).as("broken promises and crashes").isEmpty();
    assertThat(exit).as("exit code").isZero();
    assertThat(json.path("clients").findValuesAsText("name"))
        .containsExactly("raw-20ms", "raw-1s", "lettuce");
    assertThat(json.path("systems").get(1).path("description").asText())
        .startsWith("keepalived 2.4.3");
    for (JsonNode run : json.path("runs")) {
      assertThat(run.path("completed").asBoolean())
          .as("%s %s: %s", run.path("system"), run.path("fault"), run.path("note"))
          .isTrue();
      assertThat(run.path("clients").findValuesAsText("client"))
          .containsExactly("raw-20ms", "raw-1s", "lettuce");
      for (JsonNode client : run.path("clients")) {
        assertThat(client.path("readBack").asBoolean()).isTrue();
        assertThat(client.path("gapMillis").asLong())
            .as("%s %s %s gap", run.path("system"), run.path("fault"), client.path("client"))
            .isPositive();
      }
    }
    List<String> measured = new ArrayList<>();
    for (JsonNode summary : json.path("summaries")) {
      if (summary.has("runs")) {
        measured.add(
            summary.path("system").asText()
                + " "
                + summary.path("fault").asText()
                + " "
                + summary.path("client").asText());
      }
    }
    assertThat(measured)
        .containsExactlyInAnyOrder(
            "redisha kill raw-20ms",
            "redisha kill raw-1s",
            "redisha kill lettuce",
            "redisha switchover raw-20ms",
            "redisha switchover raw-1s",
            "redisha switchover lettuce",
            "keepalived-2.4-tuned kill raw-20ms",
            "keepalived-2.4-tuned kill raw-1s",
            "keepalived-2.4-tuned kill lettuce");
    assertThat(text).contains("lettuce 7.2 defaults").contains("ratio to keepalived-2.4-tuned");
  }
}

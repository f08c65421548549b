package io.redisha.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.redisha.lab.PairLab;
import io.redisha.testing.RequiresHost;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bench rows of issue 13 in one run: the master host's link down or carrier lost, the master's
 * HA daemon SIGKILLed (back after 3 s) or SIGSTOPped 5 s, the pair link dropping 30 % each way for
 * 10 s, and the master's Redis restarted empty at once; against redisha (None, and Lease with
 * fabric8's mock API server as its own process), keepalived 2.2.7 and 2.4.3 tuned and Sentinel, one
 * run each, with the primary client (raw RESP, 20 ms connect timeout). The run happens once for the
 * class; one test checks that every row was measured, the other that redisha kept its promises.
 */
@RequiresHost(tools = {"ip", "iptables", "redis-server", "redis-cli", "keepalived", "arping"})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BenchLinkAndDaemonFaultsIT {
  static final List<Fault> FAULTS = faults();

  @TempDir Path dir;
  private JsonNode result;
  private int exit;
  private String printed;

  private static List<Fault> faults() {
    List<Fault> faults = new ArrayList<>(Fault.LINK_AND_DAEMON_FAULTS);
    faults.add(Fault.EMPTY_AT_ONCE);
    return List.copyOf(faults);
  }

  static List<SystemUnderTest> systems() {
    return List.of(
        new RedishaSystem("None", AgentJvm.RECOMMENDED),
        RedishaSystem.lease(AgentJvm.RECOMMENDED, mockApiServer()),
        new KeepalivedSystem(KeepalivedConfig.Flavor.TUNED),
        new KeepalivedSystem(KeepalivedConfig.Flavor.TUNED_24),
        new SentinelSystem());
  }

  static List<String> mockApiServer() {
    return List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-XX:+UseSerialGC",
        "-Xmx128m",
        "-XX:TieredStopAtLevel=1",
        "-cp",
        System.getProperty("java.class.path"),
        "io.redisha.arbiter.MockApiServerMain",
        "0.0.0.0",
        Integer.toString(PairLab.API_PORT));
  }

  private synchronized JsonNode bench() throws Exception {
    if (result == null) {
      Path out = dir.resolve("out");
      ByteArrayOutputStream copy = new ByteArrayOutputStream();
      PrintStream tee = new PrintStream(new Tee(copy, System.out), true, StandardCharsets.UTF_8);
      exit =
          Benchmark.run(
              new Benchmark.Plan(false, 1, systems(), FAULTS, out, Duration.ZERO),
              MeasurementOptions.from(Map.of("clients", BenchClient.PRIMARY.id())::get, false, 1),
              dir.resolve("work"),
              tee,
              System.err);
      printed = copy.toString(StandardCharsets.UTF_8);
      result = new ObjectMapper().readTree(out.resolve("bench.json").toFile());
    }
    return result;
  }

  @Test
  void everyFaultIsMeasuredOnEverySystemItAppliesTo() throws Exception {
    JsonNode json = bench();
    List<String> rows = new ArrayList<>();
    for (JsonNode summary : json.path("summaries")) {
      String row = summary.path("system").asText() + " " + summary.path("fault").asText();
      rows.add(
          row
              + (summary.has("notRun")
                  ? " " + summary.path("notRun").asText()
                  : " runs " + summary.path("runs").asInt()));
    }
    for (SystemUnderTest system : systems()) {
      for (Fault fault : FAULTS) {
        String row = system.name() + " " + fault.id();
        String expected =
            system.faults().contains(fault)
                ? row + " runs 1"
                : row + " " + system.notApplicable(fault);
        assertThat(rows).as("rows of the bench").contains(expected);
      }
    }
    List<String> benchFailures = new ArrayList<>();
    json.path("violations")
        .forEach(
            v -> {
              if (v.asText().contains(" failed: ")) {
                benchFailures.add(v.asText());
              }
            });
    assertThat(benchFailures).as("systems that could not be run at all").isEmpty();
    assertThat(printed)
        .contains("ratio to keepalived-tuned")
        .contains("ratio to keepalived-2.4-tuned")
        .contains("ratio to sentinel");
    assertThat(exit).as("exit code").isIn(0, 1);
  }

  @Test
  void redishaLosesNoAcknowledgedWriteAndSettlesAfterEveryFault() throws Exception {
    JsonNode json = bench();
    List<String> violations = new ArrayList<>();
    json.path("violations").forEach(v -> violations.add(v.asText()));
    assertThat(violations).as("broken promises of redisha (and failures of the bench)").isEmpty();
    assertThat(exit).as("exit code").isZero();
  }

  /** Prints to the test log as it goes and keeps a copy. */
  private static final class Tee extends OutputStream {
    private final OutputStream first;
    private final OutputStream second;

    Tee(OutputStream first, OutputStream second) {
      this.first = first;
      this.second = second;
    }

    @Override
    public void write(int b) throws IOException {
      first.write(b);
      second.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      first.write(b, off, len);
      second.write(b, off, len);
    }
  }
}

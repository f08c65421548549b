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
 * The bench rows of issue 13, in two bench runs of one class: redisha (None) takes every fault (the
 * master host's link down or carrier lost, the master's HA daemon SIGKILLed (back after 3 s) or
 * SIGSTOPped 5 s, the pair link dropping 30 % each way for 10 s, the master's Redis restarted empty
 * at once), so that the bench can measure each of them; redisha with Lease (fabric8's mock API
 * server as its own process), keepalived 2.2.7 and 2.4.3 tuned and Sentinel take the link down,
 * which every one of them has, and the daemon crash, which goes through each system's own daemons,
 * so that every row can be measured and redisha-lease has a ratio to each baseline. One run each,
 * with the primary client (raw RESP, 20 ms connect timeout). That redisha keeps its promises under
 * every one of these faults, with None and with Lease, FaultScenariosNoneIT and
 * FaultScenariosLeaseIT assert with the same real parts. The runs happen once for the class; one
 * test checks that every row was measured, the other that redisha kept its promises.
 */
@RequiresHost(tools = {"ip", "iptables", "redis-server", "redis-cli", "keepalived", "arping"})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BenchLinkAndDaemonFaultsIT {
  static final List<Fault> FAULTS = faults();

  /** The faults of the systems of {@link #againstBaselines()}. */
  static final List<Fault> BASELINE_FAULTS = List.of(Fault.LINK_DOWN, Fault.CRASH);

  @TempDir Path dir;
  private final List<JsonNode> results = new ArrayList<>();
  private final List<Integer> exits = new ArrayList<>();
  private String printed;

  private static List<Fault> faults() {
    List<Fault> faults = new ArrayList<>(Fault.LINK_AND_DAEMON_FAULTS);
    faults.add(Fault.EMPTY_AT_ONCE);
    return List.copyOf(faults);
  }

  static List<SystemUnderTest> everyFault() {
    return List.of(new RedishaSystem("None", AgentJvm.RECOMMENDED));
  }

  static List<SystemUnderTest> againstBaselines() {
    return List.of(
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

  private synchronized List<JsonNode> bench() throws Exception {
    if (results.isEmpty()) {
      ByteArrayOutputStream copy = new ByteArrayOutputStream();
      PrintStream tee = new PrintStream(new Tee(copy, System.out), true, StandardCharsets.UTF_8);
      run("every-fault", everyFault(), FAULTS, tee);
      run("baselines", againstBaselines(), BASELINE_FAULTS, tee);
      printed = copy.toString(StandardCharsets.UTF_8);
    }
    return results;
  }

  private void run(String name, List<SystemUnderTest> systems, List<Fault> faults, PrintStream tee)
      throws Exception {
    Path out = dir.resolve(name).resolve("out");
    exits.add(
        Benchmark.run(
            new Benchmark.Plan(false, 1, systems, faults, out, Duration.ZERO),
            MeasurementOptions.from(Map.of("clients", BenchClient.PRIMARY.id())::get, false, 1),
            dir.resolve(name).resolve("work"),
            tee,
            System.err));
    results.add(new ObjectMapper().readTree(out.resolve("bench.json").toFile()));
  }

  @Test
  void everyFaultIsMeasuredOnEverySystemItAppliesTo() throws Exception {
    List<JsonNode> jsons = bench();
    assertEveryRowMeasured(jsons.get(0), everyFault(), FAULTS);
    assertEveryRowMeasured(jsons.get(1), againstBaselines(), BASELINE_FAULTS);
    List<String> benchFailures = new ArrayList<>();
    for (JsonNode json : jsons) {
      json.path("violations")
          .forEach(
              v -> {
                if (v.asText().contains(" failed: ")) {
                  benchFailures.add(v.asText());
                }
              });
    }
    assertThat(benchFailures).as("systems that could not be run at all").isEmpty();
    assertThat(printed)
        .contains("ratio to keepalived-tuned")
        .contains("ratio to keepalived-2.4-tuned")
        .contains("ratio to sentinel");
    assertThat(exits).as("exit codes").allSatisfy(exit -> assertThat(exit).isIn(0, 1));
  }

  private static void assertEveryRowMeasured(
      JsonNode json, List<SystemUnderTest> systems, List<Fault> faults) {
    List<String> rows = new ArrayList<>();
    for (JsonNode summary : json.path("summaries")) {
      String row = summary.path("system").asText() + " " + summary.path("fault").asText();
      rows.add(
          row
              + (summary.has("notRun")
                  ? " " + summary.path("notRun").asText()
                  : " runs " + summary.path("runs").asInt()));
    }
    for (SystemUnderTest system : systems) {
      for (Fault fault : faults) {
        String row = system.name() + " " + fault.id();
        String expected =
            system.faults().contains(fault)
                ? row + " runs 1"
                : row + " " + system.notApplicable(fault);
        assertThat(rows).as("rows of the bench").contains(expected);
      }
    }
  }

  @Test
  void redishaLosesNoAcknowledgedWriteAndSettlesAfterEveryFault() throws Exception {
    List<String> violations = new ArrayList<>();
    for (JsonNode json : bench()) {
      json.path("violations").forEach(v -> violations.add(v.asText()));
    }
    assertThat(violations).as("broken promises of redisha (and failures of the bench)").isEmpty();
    assertThat(exits).as("exit codes").containsOnly(0);
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

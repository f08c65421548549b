package io.redisha.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.redisha.lab.PairLab;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportTest {
  private static ClientWrites writes(String client, long gap, long lost, long beyond) {
    return new ClientWrites(
        client,
        true,
        gap,
        -2,
        gap,
        lost,
        beyond,
        new float[] {-800, -2, gap - 2, gap + 2},
        new float[0]);
  }

  private static FaultSample sample(
      String system, Fault fault, int run, long gap, long lost, long beyond) {
    return new FaultSample(
        system,
        fault,
        run,
        true,
        "",
        gap,
        3,
        0,
        false,
        List.of(writes("raw-20ms", gap, lost, beyond)));
  }

  private static FaultSample sample(String system, Fault fault, int run, ClientWrites... clients) {
    return new FaultSample(system, fault, run, true, "", 10, 3, 0, false, List.of(clients));
  }

  private static BenchReport clientsReport() {
    List<SystemUnderTest> systems =
        List.of(
            new RedishaSystem("None", List.of()),
            new KeepalivedSystem(KeepalivedConfig.Flavor.TUNED_24));
    BenchReport report =
        new BenchReport(
            "full",
            Map.of("redisha", 20, "keepalived-2.4-tuned", 3),
            systems,
            List.of(Fault.KILL),
            List.of(BenchClient.values()));
    report.add(
        sample(
            "redisha",
            Fault.KILL,
            1,
            writes("raw-20ms", 15, 0, 0),
            writes("raw-1s", 18, 0, 0),
            writes("lettuce", 31, 0, 0)));
    report.add(
        sample(
            "keepalived-2.4-tuned",
            Fault.KILL,
            1,
            writes("raw-20ms", 290, 0, 0),
            writes("raw-1s", 1290, 0, 0),
            writes("lettuce", 620, 4, 0)));
    return report;
  }

  private static BenchReport report() {
    List<SystemUnderTest> systems =
        List.of(
            new RedishaSystem("None", List.of()),
            new KeepalivedSystem(KeepalivedConfig.Flavor.CLASSIC));
    BenchReport report =
        new BenchReport("quick", 2, systems, List.of(Fault.KILL, Fault.CLEAN_STOP));
    report.add(sample("redisha", Fault.KILL, 1, 40, 0, 0));
    report.add(sample("redisha", Fault.KILL, 2, 60, 0, 0));
    report.add(sample("keepalived-classic", Fault.KILL, 1, 2400, 3, 0));
    report.add(sample("keepalived-classic", Fault.KILL, 2, 2600, 0, 0));
    return report;
  }

  @Test
  void percentilesUseNearestRank() {
    long[] values = {10, 20, 30, 40, 50, 60, 70, 80, 90, 100};
    assertThat(FaultSummary.percentile(values, 50)).isEqualTo(50);
    assertThat(FaultSummary.percentile(values, 99)).isEqualTo(100);
    assertThat(FaultSummary.percentile(new long[0], 50)).isEqualTo(-1);
  }

  @Test
  void ratioTableDividesRedishaP99ByTheBaselines() {
    String table = report().ratioTable();

    assertThat(table).contains("ratio to keepalived-classic");
    assertThat(table).contains("60 ms").contains("0.023 (2600 ms, N=2)").contains("lost: 0 / 3");
  }

  @Test
  void aLossTheFaultMayNotCostIsAViolationButABaselinesLossIsNot() {
    BenchReport report = report();
    assertThat(report.violations()).isEmpty();

    report.add(sample("keepalived-classic", Fault.CLEAN_STOP, 1, 10, 50, 50));
    assertThat(report.violations()).isEmpty();

    report.add(sample("redisha", Fault.CLEAN_STOP, 1, 10, 2, 2));
    assertThat(report.violations()).singleElement().asString().contains("clean-stop run 1 lost 2");
  }

  @Test
  void anIncompleteRedishaRunIsAViolationWithItsReason() {
    BenchReport report = report();
    report.add(FaultSample.failed("redisha", Fault.KILL, 3, "crashed: boom"));

    assertThat(report.violations()).singleElement().asString().contains("crashed: boom");
  }

  @Test
  void svgIsOneDocumentWithAPlotPerFaultAndSystem() {
    String svg = SvgChart.render(report(), "test <run>");

    assertThat(svg).startsWith("<svg").endsWith("</svg>\n");
    assertThat(svg).contains("test &lt;run&gt;").contains("gap 40 ms").contains("gap 2400 ms");
    assertThat(svg.split("<polyline", -1)).hasSize(1 + 2);
  }

  @Test
  void everyClientHasItsGapAndLossesInTheTablesAndEveryRowItsN() {
    BenchReport report = clientsReport();

    String detail = report.detailTable();
    assertThat(detail).contains("raw-20ms").contains("raw-1s").contains("lettuce");
    String redisha = line(detail, "redisha");
    assertThat(redisha).contains("1/1").contains("15/15").contains("18/18").contains("31/31");
    assertThat(line(detail, "keepalived-2.4-tuned")).contains("1290/1290").contains("4 (1)");
    String ratio = report.ratioTable();
    assertThat(line(ratio, "lettuce")).contains("31 ms").contains("0.050 (620 ms, N=1)");
    assertThat(line(ratio, "raw-1s")).contains("0.014 (1290 ms, N=1)");
    assertThat(report.legend())
        .contains("redisha rows --runs, baselines --runs-baselines")
        .contains("runs per fault: redisha 20, keepalived-2.4-tuned 3")
        .contains("connect timeout 10 s")
        .contains("1 s connect timeout");
  }

  @Test
  void aLossBeyondTheRuleOfAnyClientIsAViolationNamingTheClient() {
    BenchReport report = clientsReport();
    assertThat(report.violations()).isEmpty();

    report.add(
        sample(
            "redisha",
            Fault.KILL,
            2,
            writes("raw-20ms", 15, 0, 0),
            writes("raw-1s", 18, 0, 0),
            writes("lettuce", 31, 2, 2)));

    assertThat(report.violations())
        .singleElement()
        .asString()
        .contains("kill run 2 lost 2")
        .contains("client lettuce");
  }

  @Test
  void aSystemWithoutRunsSaysSoAndTheJsonCarriesClientsAndRuns(@TempDir Path dir) throws Exception {
    List<SystemUnderTest> systems =
        List.of(new RedishaSystem("None", List.of()), new SentinelSystem());
    BenchReport report =
        new BenchReport(
            "full",
            Map.of("redisha", 2, "sentinel", 0),
            systems,
            List.of(Fault.KILL),
            List.of(BenchClient.RAW_20MS, BenchClient.LETTUCE));
    report.add(
        sample(
            "redisha", Fault.KILL, 1, writes("raw-20ms", 15, 0, 0), writes("lettuce", 30, 0, 0)));

    assertThat(line(report.detailTable(), "sentinel")).contains("not run (N=0)");
    BenchReport footprintOnly =
        new BenchReport(
            "full",
            Map.of("redisha", 0, "sentinel", 0),
            systems,
            List.of(Fault.KILL),
            List.of(BenchClient.RAW_20MS));
    assertThat(footprintOnly.detailTable()).contains("footprint only");
    assertThat(footprintOnly.ratioTable()).isEmpty();
    Path file = dir.resolve("bench.json");
    report.writeJson(file, Map.of());
    JsonNode json = new ObjectMapper().readTree(file.toFile());
    assertThat(json.path("clients").findValuesAsText("name"))
        .containsExactly("raw-20ms", "lettuce");
    assertThat(json.path("systems").get(0).path("runsPerFault").asInt()).isEqualTo(2);
    assertThat(json.path("systems").get(1).path("runsPerFault").asInt()).isZero();
    JsonNode lettuce = null;
    for (JsonNode summary : json.path("summaries")) {
      if (summary.path("system").asText().equals("redisha")
          && summary.path("client").asText().equals("lettuce")) {
        lettuce = summary;
      }
    }
    assertThat(lettuce).isNotNull();
    assertThat(lettuce.path("gapP99Millis").asLong()).isEqualTo(30);
    assertThat(json.path("runs").get(0).path("clients").findValuesAsText("client"))
        .containsExactly("raw-20ms", "lettuce");
  }

  @Test
  void footprintCurveShowsEachDaemonPerNumberOfGroups() {
    BenchReport report = report();
    for (int groups : new int[] {2, 8, 32}) {
      report.addFootprint(
          new FootprintRow(
              "redisha (package)", "", "launcher", groups, 40 * 1024 + groups, 0.4, 20, 900, ""));
      report.addFootprint(
          new FootprintRow(
              "keepalived 2.4.3 tuned", "", "k", groups, 12 * 1024, groups / 10.0, 1, -1, ""));
    }
    report.addFootprint(
        new FootprintRow("redisha (class path)", "+serial", "x", 2, 90 * 1024, 2, 30, 1500, ""));

    assertThat(report.footprintTable()).contains("threads").contains("groups");
    String curve = report.footprintCurve();
    assertThat(curve).contains("2 groups").contains("8 groups").contains("32 groups");
    assertThat(line(curve, "redisha (package)")).contains("40.0").contains("0.40").contains("20");
    assertThat(line(curve, "keepalived 2.4.3 tuned")).contains("3.20");
    assertThat(curve).doesNotContain("+serial");
  }

  @Test
  void measurementOptionsNameTheFieldOfABadValue() {
    assertThat(MeasurementOptions.from(name -> null, true, 1).clients())
        .containsExactly(BenchClient.RAW_20MS);
    assertThat(MeasurementOptions.from(name -> null, false, 20).clients())
        .containsExactly(BenchClient.values());
    MeasurementOptions options =
        MeasurementOptions.from(
            Map.of(
                    "runs-baselines",
                    "3",
                    "footprint-groups",
                    "2,8,32",
                    "clients",
                    "lettuce,raw-20ms")
                ::get,
            false,
            20);
    assertThat(options.clients()).containsExactly(BenchClient.RAW_20MS, BenchClient.LETTUCE);
    assertThat(options.footprintGroups()).containsExactly(2, 8, 32);
    assertThat(options.footprintDaemons())
        .containsExactlyInAnyOrder("class-path", "package", "keepalived", "sentinel");
    assertThat(
            MeasurementOptions.from(Map.of("footprint-daemons", "package, sentinel")::get, false, 0)
                .footprintDaemons())
        .containsExactlyInAnyOrder("package", "sentinel");
    assertThatThrownBy(
            () -> MeasurementOptions.from(Map.of("footprint-daemons", "heartbeat")::get, false, 0))
        .hasMessageContaining("--footprint-daemons")
        .hasMessageContaining("'heartbeat'")
        .hasMessageContaining("keepalived");
    assertThat(options.runsFor(new RedishaSystem("None", List.of()), 20)).isEqualTo(20);
    assertThat(options.runsFor(new SentinelSystem(), 20)).isEqualTo(3);

    assertThatThrownBy(() -> MeasurementOptions.from(Map.of("clients", "jedis")::get, false, 1))
        .hasMessageContaining("--clients")
        .hasMessageContaining("'jedis'")
        .hasMessageContaining("lettuce");
    assertThatThrownBy(() -> MeasurementOptions.from(Map.of("clients", "lettuce")::get, false, 1))
        .hasMessageContaining("must include raw-20ms");
    assertThatThrownBy(() -> MeasurementOptions.from(Map.of("runs-baselines", "x")::get, false, 1))
        .hasMessageContaining("--runs-baselines must be a number");
    assertThatThrownBy(
            () -> MeasurementOptions.from(Map.of("footprint-groups", "2,33")::get, false, 1))
        .hasMessageContaining("--footprint-groups")
        .hasMessageContaining("33");
    assertThatThrownBy(
            () -> MeasurementOptions.from(Map.of("footprint-groups", "8,2")::get, false, 1))
        .hasMessageContaining("ascending");
    assertThatThrownBy(
            () ->
                MeasurementOptions.from(Map.of("agent-package", "/nonexistent.deb")::get, false, 1))
        .hasMessageContaining("--agent-package");
  }

  @Test
  void footprintGroupsStartWithTheLabDefaultsAndStayInTheDocumentationRange() {
    List<PairLab.Group> groups = LabGroups.of(32);

    assertThat(groups).hasSize(32);
    assertThat(groups.subList(0, 2)).isEqualTo(PairLab.DEFAULT_GROUPS);
    assertThat(groups.get(31).vip()).isEqualTo("192.0.2.131");
    assertThat(groups.get(31).routerId()).isEqualTo(82);
    assertThat(groups.stream().map(PairLab.Group::port).distinct()).hasSize(32);
    assertThat(groups.stream().map(PairLab.Group::name).distinct()).hasSize(32);
    assertThatThrownBy(() -> LabGroups.of(33)).hasMessageContaining("1 to 32");
  }

  private static String line(String table, String startOrContains) {
    for (String line : table.split("\n")) {
      if (line.contains(" " + startOrContains + " ") || line.startsWith(startOrContains + " ")) {
        return line;
      }
    }
    throw new AssertionError("no line with " + startOrContains + " in\n" + table);
  }

  @Test
  void theRunLineSaysWhenTheLostWritesHadBeenAcknowledged() {
    FaultSample sample =
        sample(
            "redisha-witness",
            Fault.HOST_CUT,
            16,
            new ClientWrites(
                "raw-20ms",
                true,
                4057,
                -3,
                4057,
                2,
                2,
                new float[0],
                new float[] {2210.4f, -3.2f}));

    assertThat(sample.describe())
        .contains("raw-20ms: gap 4057 ms, lost 2 acknowledged at -3..2210 ms")
        .contains("(2 beyond what the fault may cost)");
  }

  @Test
  void unknownFaultNamesTheKnownOnes() {
    assertThatThrownBy(() -> Fault.parseList("kill,melt"))
        .hasMessageContaining("'melt'")
        .hasMessageContaining("host-cut");
  }

  @Test
  void procParsingReadsCpuTicksAndResidentMemory() {
    String stat =
        "1234 (java thread) S 1 1234 1234 0 -1 4194560 100 0 0 0 7 3 2 1 20 0 20 0 100 1000 50";
    assertThat(Footprint.cpuTicks(stat)).isEqualTo(7 + 3 + 2 + 1);
    assertThat(Footprint.rssKib("Name:\tjava\nVmRSS:\t   41234 kB\n")).isEqualTo(41234);
    assertThat(Footprint.threads("Name:\tjava\nThreads:\t23\nVmRSS:\t1 kB\n")).isEqualTo(23);
  }
}

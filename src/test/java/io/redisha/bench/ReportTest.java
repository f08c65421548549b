package io.redisha.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ReportTest {
  private static FaultSample sample(
      String system, Fault fault, int run, long gap, long lost, long beyond) {
    return new FaultSample(
        system,
        fault,
        run,
        true,
        "",
        gap,
        lost,
        beyond,
        gap,
        3,
        0,
        false,
        new float[] {-800, -2, gap - 2, gap + 2},
        new float[0]);
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
    assertThat(table).contains("60 ms").contains("0.023 (2600 ms)").contains("lost: 0 / 3");
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
  }
}

package io.redisha.bench;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Draws acknowledged writes over time around each fault, one small plot per fault (rows) and system
 * (columns), as plain SVG text. Each plot shows the run with the median write gap: the line climbs
 * with every acknowledged write and runs flat while writes stall, so the gap is the flat stretch;
 * red ticks under it mark writes that were acknowledged and later lost.
 */
final class SvgChart {
  private static final int CELL_W = 280;
  private static final int CELL_H = 120;
  private static final int LEFT = 250;
  private static final int TOP = 86;
  private static final int PAD_L = 34;
  private static final int PAD_R = 10;
  private static final int PAD_T = 18;
  private static final int PAD_B = 22;
  private static final String[] COLORS = {
    "#1f77b4", "#d62728", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#17becf"
  };

  private SvgChart() {}

  /** The picture of {@code report}. */
  static String render(BenchReport report, String subtitle) {
    List<SystemUnderTest> systems = report.systems();
    List<Fault> faults = report.faults().stream().filter(Fault::measuresGap).toList();
    int width = LEFT + systems.size() * CELL_W + 20;
    int height = TOP + faults.size() * CELL_H + 30;
    StringBuilder svg = new StringBuilder();
    svg.append(
        String.format(
            Locale.ROOT,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d"
                + " %d\" font-family=\"Helvetica, Arial, sans-serif\" font-size=\"11\">%n",
            width,
            height,
            width,
            height));
    svg.append(
        String.format(
            Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", width, height));
    svg.append(
        "<text x=\"10\" y=\"22\" font-size=\"15\" font-weight=\"bold\">Acknowledged writes"
            + " through the VIP around each fault (group a, one write every 2 ms, client "
            + BenchClient.PRIMARY.id()
            + ")</text>\n");
    svg.append(
        String.format(
            Locale.ROOT, "<text x=\"10\" y=\"40\" fill=\"#555\">%s</text>%n", escape(subtitle)));
    svg.append(
        "<text x=\"10\" y=\"56\" fill=\"#555\">Each plot: the run with the median gap. The"
            + " line climbs with every acknowledged write; flat = writes stalled; red ticks ="
            + " acknowledged writes later lost; dashed line = the fault.</text>\n");
    for (int c = 0; c < systems.size(); c++) {
      svg.append(
          String.format(
              Locale.ROOT,
              "<text x=\"%d\" y=\"%d\" font-size=\"13\" font-weight=\"bold\" fill=\"%s\">%s</text>%n",
              LEFT + c * CELL_W + PAD_L,
              TOP - 8,
              COLORS[c % COLORS.length],
              escape(systems.get(c).name())));
    }
    for (int r = 0; r < faults.size(); r++) {
      Fault fault = faults.get(r);
      int y0 = TOP + r * CELL_H;
      svg.append(
          String.format(
              Locale.ROOT,
              "<text x=\"10\" y=\"%d\" font-size=\"12\" font-weight=\"bold\">%s</text>%n",
              y0 + CELL_H / 2,
              escape(fault.title())));
      List<FaultSample> chosen = new ArrayList<>();
      for (SystemUnderTest system : systems) {
        chosen.add(median(report.samples(system.name(), fault)));
      }
      double xMax = 2000;
      for (FaultSample sample : chosen) {
        if (sample != null && sample.completed() && sample.primary() != null) {
          xMax = Math.max(xMax, gapEnd(sample.primary().timeline()) + 1000);
        }
      }
      xMax = Math.min(xMax, 15_000);
      for (int c = 0; c < systems.size(); c++) {
        cell(
            svg,
            LEFT + c * CELL_W,
            y0,
            chosen.get(c),
            xMax,
            COLORS[c % COLORS.length],
            systems.get(c),
            fault);
      }
    }
    svg.append("</svg>\n");
    return svg.toString();
  }

  /** The completed run with the median gap, or any run, or null. */
  private static FaultSample median(List<FaultSample> samples) {
    List<FaultSample> done =
        samples.stream()
            .filter(FaultSample::completed)
            .sorted(Comparator.comparingLong(FaultSample::gapMillis))
            .toList();
    if (!done.isEmpty()) {
      return done.get((done.size() - 1) / 2);
    }
    return samples.isEmpty() ? null : samples.get(0);
  }

  /** When the longest gap after -500 ms ended, in ms from the fault. */
  static double gapEnd(float[] timeline) {
    double longest = -1;
    double end = 0;
    for (int i = 1; i < timeline.length; i++) {
      if (timeline[i] < -500) {
        continue;
      }
      double gap = timeline[i] - timeline[i - 1];
      if (gap > longest) {
        longest = gap;
        end = timeline[i];
      }
    }
    return end;
  }

  private static void cell(
      StringBuilder svg,
      int x0,
      int y0,
      FaultSample sample,
      double xMax,
      String color,
      SystemUnderTest system,
      Fault fault) {
    double xMin = -500;
    int plotX = x0 + PAD_L;
    int plotY = y0 + PAD_T;
    int plotW = CELL_W - PAD_L - PAD_R;
    int plotH = CELL_H - PAD_T - PAD_B;
    svg.append(
        String.format(
            Locale.ROOT,
            "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"#fafafa\" stroke=\"#ccc\"/>%n",
            plotX,
            plotY,
            plotW,
            plotH));
    if (sample == null) {
      svg.append(
          String.format(
              Locale.ROOT,
              "<text x=\"%d\" y=\"%d\" fill=\"#999\">%s</text>%n",
              plotX + 8,
              plotY + plotH / 2,
              escape(system.faults().contains(fault) ? "not run" : system.notApplicable(fault))));
      return;
    }
    double step = niceStep(xMax - xMin);
    for (double t = 0; t <= xMax; t += step) {
      double x = plotX + (t - xMin) / (xMax - xMin) * plotW;
      svg.append(
          String.format(
              Locale.ROOT,
              "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#e4e4e4\"/>"
                  + "<text x=\"%.1f\" y=\"%d\" fill=\"#777\" font-size=\"9\" text-anchor=\"middle\">%s</text>%n",
              x,
              plotY,
              x,
              plotY + plotH,
              x,
              plotY + plotH + 11,
              t == 0 ? "0" : formatSeconds(t)));
    }
    double zeroX = plotX + (0 - xMin) / (xMax - xMin) * plotW;
    svg.append(
        String.format(
            Locale.ROOT,
            "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#333\""
                + " stroke-dasharray=\"3,3\"/>%n",
            zeroX,
            plotY,
            zeroX,
            plotY + plotH));
    ClientWrites writes = sample.primary();
    float[] timeline = writes == null ? new float[0] : writes.timeline();
    float[] lostTimeline = writes == null ? new float[0] : writes.lostTimeline();
    long lost = writes == null ? 0 : writes.lost();
    int first = 0;
    while (first < timeline.length && timeline[first] < xMin) {
      first++;
    }
    int last = first;
    while (last < timeline.length && timeline[last] <= xMax) {
      last++;
    }
    int count = Math.max(1, last - first);
    StringBuilder points = new StringBuilder();
    double previousX = -1;
    double previousT = xMin;
    points.append(String.format(Locale.ROOT, "%.1f,%.1f ", (double) plotX, (double) plotY + plotH));
    for (int i = first; i < last; i++) {
      double x = plotX + (timeline[i] - xMin) / (xMax - xMin) * plotW;
      double y = plotY + plotH - (double) (i - first + 1) / count * plotH;
      boolean afterGap = timeline[i] - previousT > 20;
      if (afterGap) {
        double yFlat = plotY + plotH - (double) (i - first) / count * plotH;
        points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, yFlat));
      }
      if (x - previousX >= 0.7 || afterGap || i == last - 1) {
        points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
        previousX = x;
      }
      previousT = timeline[i];
    }
    svg.append(
        String.format(
            Locale.ROOT,
            "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"1.6\" points=\"%s\"/>%n",
            color,
            points.toString().strip()));
    for (float lostAt : lostTimeline) {
      if (lostAt < xMin || lostAt > xMax) {
        continue;
      }
      double x = plotX + (lostAt - xMin) / (xMax - xMin) * plotW;
      svg.append(
          String.format(
              Locale.ROOT,
              "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#d00\" stroke-width=\"1\"/>%n",
              x,
              plotY + plotH - 8,
              x,
              plotY + plotH));
    }
    String label =
        (sample.completed() ? "gap " + sample.gapMillis() + " ms" : "FAILED")
            + (lost > 0 ? ", lost " + lost : ", lost 0");
    svg.append(
        String.format(
            Locale.ROOT,
            "<text x=\"%d\" y=\"%d\" font-size=\"11\" fill=\"%s\">%s</text>%n",
            plotX,
            y0 + 13,
            lost > 0 || !sample.completed() ? "#b00" : "#222",
            escape(label)));
  }

  private static double niceStep(double span) {
    for (double step : new double[] {250, 500, 1000, 2000, 5000}) {
      if (span / step <= 8) {
        return step;
      }
    }
    return 10_000;
  }

  private static String formatSeconds(double millis) {
    return millis % 1000 == 0
        ? String.format(Locale.ROOT, "%d s", (long) (millis / 1000))
        : String.format(Locale.ROOT, "%.2f s", millis / 1000);
  }

  static String escape(String text) {
    return text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;");
  }
}

package io.redisha.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Everything one benchmark run measured, and its three renderings: the terminal tables, the JSON
 * file, and (through {@link SvgChart}) the picture.
 */
public final class BenchReport {
  private final String mode;
  private final int runsPerFault;
  private final List<SystemUnderTest> systems;
  private final List<Fault> faults;
  private final List<FaultSample> samples = new ArrayList<>();
  private final List<FootprintRow> footprint = new ArrayList<>();
  private final List<String> problems = new ArrayList<>();

  BenchReport(String mode, int runsPerFault, List<SystemUnderTest> systems, List<Fault> faults) {
    this.mode = mode;
    this.runsPerFault = runsPerFault;
    this.systems = List.copyOf(systems);
    this.faults = List.copyOf(faults);
  }

  synchronized void add(FaultSample sample) {
    samples.add(sample);
  }

  synchronized void addFootprint(FootprintRow row) {
    footprint.add(row);
  }

  /** Records a failure of the benchmark itself (a system that could not start, a crash). */
  synchronized void problem(String text) {
    problems.add(text);
  }

  synchronized List<String> problems() {
    return List.copyOf(problems);
  }

  synchronized List<FaultSample> samples() {
    return List.copyOf(samples);
  }

  List<SystemUnderTest> systems() {
    return systems;
  }

  List<Fault> faults() {
    return faults;
  }

  synchronized List<FaultSample> samples(String system, Fault fault) {
    return samples.stream().filter(s -> s.system().equals(system) && s.fault() == fault).toList();
  }

  FaultSummary summary(String system, Fault fault) {
    List<FaultSample> of = samples(system, fault);
    return of.isEmpty() ? null : FaultSummary.of(system, fault, of);
  }

  private SystemUnderTest system(String name) {
    return systems.stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
  }

  /**
   * Broken promises: a redisha run that did not complete, or lost acknowledged writes the fault may
   * not cost; and failures of the benchmark itself. The CI smoke test fails on these and on nothing
   * else (never on a timing).
   */
  synchronized List<String> violations() {
    List<String> violations = new ArrayList<>(problems);
    for (FaultSample sample : samples) {
      if (!sample.system().startsWith("redisha")) {
        continue;
      }
      if (!sample.completed()) {
        violations.add(
            sample.system()
                + " "
                + sample.fault().id()
                + " run "
                + sample.run()
                + " did not complete: "
                + sample.note());
      }
      if (sample.lostBeyondAllowed() > 0) {
        violations.add(
            sample.system()
                + " "
                + sample.fault().id()
                + " run "
                + sample.run()
                + " lost "
                + sample.lostBeyondAllowed()
                + " acknowledged writes that this fault may not cost");
      }
      if (sample.otherDisturbed()) {
        violations.add(
            sample.system()
                + " "
                + sample.fault().id()
                + " run "
                + sample.run()
                + " disturbed the other group (S6)");
      }
    }
    return violations;
  }

  /** The detailed table: one line per fault and system. */
  String detailTable() {
    StringBuilder text = new StringBuilder();
    text.append(
        String.format(
            Locale.ROOT,
            "%-36s %-19s %5s %8s %7s %7s %12s %7s  %s%n",
            "fault",
            "system",
            "runs",
            "gap p50",
            "p99",
            "max",
            "lost (runs)",
            "VIP p50",
            "other group"));
    for (Fault fault : faults) {
      boolean first = true;
      for (SystemUnderTest system : systems) {
        String faultColumn = first ? fault.title() : "";
        first = false;
        FaultSummary summary = summary(system.name(), fault);
        if (summary == null) {
          text.append(
              String.format(
                  Locale.ROOT,
                  "%-36s %-19s %5s  %s%n",
                  faultColumn,
                  system.name(),
                  "-",
                  system.faults().contains(fault) ? "not run" : system.notApplicable(fault)));
          continue;
        }
        String other =
            !fault.groupScoped()
                ? "-"
                : summary.otherDisturbed() == 0
                    ? "untouched"
                    : "DISTURBED " + summary.otherDisturbed() + "x";
        text.append(
            String.format(
                Locale.ROOT,
                "%-36s %-19s %5s %8s %7s %7s %12s %7s  %s%n",
                faultColumn,
                system.name(),
                summary.completed() + "/" + summary.runs(),
                bound(summary, summary.gapP50()),
                bound(summary, summary.gapP99()),
                bound(summary, summary.gapMax()),
                summary.lost() + " (" + summary.runsWithLoss() + ")",
                millis(summary.vipP50()),
                other));
      }
    }
    return text.toString();
  }

  /**
   * The ratio table: redisha's write gap p99 divided by each baseline's, and losses side by side.
   */
  String ratioTable() {
    List<SystemUnderTest> subjects =
        systems.stream().filter(s -> s.name().startsWith("redisha")).toList();
    List<SystemUnderTest> baselines =
        systems.stream().filter(s -> !s.name().startsWith("redisha")).toList();
    StringBuilder text = new StringBuilder();
    for (SystemUnderTest subject : subjects) {
      StringBuilder header =
          new StringBuilder(
              String.format(Locale.ROOT, "%-36s %12s", "fault", subject.name() + " p99"));
      for (SystemUnderTest baseline : baselines) {
        header.append(String.format(Locale.ROOT, "  %-26s", "ratio to " + baseline.name()));
      }
      header.append("  lost: ").append(subject.name());
      for (SystemUnderTest baseline : baselines) {
        header.append(" / ").append(baseline.name());
      }
      text.append(header.toString().stripTrailing()).append('\n');
      for (Fault fault : faults) {
        FaultSummary mine = summary(subject.name(), fault);
        StringBuilder line =
            new StringBuilder(
                String.format(
                    Locale.ROOT,
                    "%-36s %12s",
                    fault.title(),
                    mine == null
                        ? subject.notApplicable(fault)
                        : fault.measuresGap() ? millis(mine.gapP99()) + " ms" : "-"));
        StringBuilder lost = new StringBuilder(mine == null ? "-" : Long.toString(mine.lost()));
        for (SystemUnderTest baseline : baselines) {
          FaultSummary theirs = summary(baseline.name(), fault);
          String cell;
          if (mine == null || theirs == null || !fault.measuresGap()) {
            cell = theirs == null ? baseline.notApplicable(fault) : "-";
          } else if (theirs.gapP99() <= 0 || mine.gapP99() < 0) {
            cell = "- (" + millis(theirs.gapP99()) + " ms)";
          } else {
            cell =
                String.format(
                    Locale.ROOT,
                    "%.3f (%d ms)",
                    mine.gapP99() / (double) theirs.gapP99(),
                    theirs.gapP99());
          }
          line.append(String.format(Locale.ROOT, "  %-26s", cell));
          lost.append(" / ").append(theirs == null ? "-" : Long.toString(theirs.lost()));
        }
        line.append("  lost: ").append(lost);
        text.append(line).append('\n');
      }
    }
    return text.toString();
  }

  /** The footprint table. */
  synchronized String footprintTable() {
    if (footprint.isEmpty()) {
      return "";
    }
    StringBuilder text = new StringBuilder();
    text.append(
        String.format(
            Locale.ROOT,
            "%-22s %9s %8s %10s  %s%n",
            "daemon (one host)",
            "RSS MiB",
            "CPU %",
            "start ms",
            "settings"));
    for (FootprintRow row : footprint) {
      text.append(
          String.format(
              Locale.ROOT,
              "%-22s %9.1f %8.2f %10s  %s%s%n",
              row.daemon(),
              row.rssKib() / 1024.0,
              row.cpuPercent(),
              row.startupMillis() < 0 ? "-" : Long.toString(row.startupMillis()),
              row.settings(),
              row.note().isEmpty() ? "" : " [" + row.note() + "]"));
    }
    return text.toString();
  }

  /** A gap, marked as a lower bound when some run gave up waiting for the pair to settle. */
  private static String bound(FaultSummary summary, long value) {
    return value >= 0 && summary.completed() < summary.runs() ? ">" + value : millis(value);
  }

  private static String millis(long value) {
    return value < 0 ? "-" : Long.toString(value);
  }

  /** Writes the JSON file. */
  synchronized void writeJson(Path file, Map<String, String> environment) throws IOException {
    ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    ObjectNode root = json.createObjectNode();
    root.put("mode", mode);
    root.put("runsPerFault", runsPerFault);
    ObjectNode env = root.putObject("environment");
    environment.forEach(env::put);
    ArrayNode systemsNode = root.putArray("systems");
    for (SystemUnderTest system : systems) {
      systemsNode.addObject().put("name", system.name()).put("description", system.description());
    }
    ArrayNode summaries = root.putArray("summaries");
    for (Fault fault : faults) {
      for (SystemUnderTest system : systems) {
        FaultSummary summary = summary(system.name(), fault);
        ObjectNode node = summaries.addObject();
        node.put("fault", fault.id()).put("faultTitle", fault.title()).put("system", system.name());
        if (summary == null) {
          node.put("notRun", system.notApplicable(fault));
          continue;
        }
        node.put("runs", summary.runs())
            .put("completed", summary.completed())
            .put("gapP50Millis", summary.gapP50())
            .put("gapP99Millis", summary.gapP99())
            .put("gapMaxMillis", summary.gapMax())
            .put("lostAcknowledgedWrites", summary.lost())
            .put("lostBeyondAllowed", summary.lostBeyondAllowed())
            .put("runsWithLoss", summary.runsWithLoss())
            .put("vipAnswersOnNewMasterP50Millis", summary.vipP50())
            .put("otherGroupDisturbedRuns", summary.otherDisturbed())
            .put("otherGroupGapMaxMillis", summary.otherGapMax());
      }
    }
    ArrayNode ratios = root.putArray("ratios");
    for (SystemUnderTest subject : systems) {
      if (!subject.name().startsWith("redisha")) {
        continue;
      }
      for (Fault fault : faults) {
        FaultSummary mine = summary(subject.name(), fault);
        for (SystemUnderTest baseline : systems) {
          if (baseline.name().startsWith("redisha")) {
            continue;
          }
          FaultSummary theirs = summary(baseline.name(), fault);
          if (mine == null || theirs == null || !fault.measuresGap()) {
            continue;
          }
          ObjectNode node = ratios.addObject();
          node.put("fault", fault.id())
              .put("system", subject.name())
              .put("baseline", baseline.name());
          if (mine.gapP99() >= 0 && theirs.gapP99() > 0) {
            node.put("gapP99Ratio", mine.gapP99() / (double) theirs.gapP99());
          }
          node.put("lost", mine.lost()).put("baselineLost", theirs.lost());
        }
      }
    }
    ArrayNode runs = root.putArray("runs");
    for (FaultSample sample : samples) {
      runs.addObject()
          .put("system", sample.system())
          .put("fault", sample.fault().id())
          .put("run", sample.run())
          .put("completed", sample.completed())
          .put("gapMillis", sample.gapMillis())
          .put("lost", sample.lost())
          .put("lostBeyondAllowed", sample.lostBeyondAllowed())
          .put("vipMillis", sample.vipMillis())
          .put("otherGapMillis", sample.otherGapMillis())
          .put("otherLost", sample.otherLost())
          .put("otherMoved", sample.otherMoved())
          .put("note", sample.note());
    }
    ArrayNode footprintNode = root.putArray("footprint");
    for (FootprintRow row : footprint) {
      footprintNode.add(json.valueToTree(row));
    }
    ArrayNode violationsNode = root.putArray("violations");
    violations().forEach(violationsNode::add);
    json.writeValue(file.toFile(), root);
  }
}

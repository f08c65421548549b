package io.redisha.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Everything one benchmark run measured, and its three renderings: the terminal tables, the JSON
 * file, and (through {@link SvgChart}) the picture.
 */
public final class BenchReport {
  private final String mode;
  private final Map<String, Integer> runsBySystem;
  private final List<SystemUnderTest> systems;
  private final List<Fault> faults;
  private final List<BenchClient> clients;
  private final List<FaultSample> samples = new ArrayList<>();
  private final List<FootprintRow> footprint = new ArrayList<>();
  private final List<String> problems = new ArrayList<>();

  /**
   * @param runsBySystem runs per fault of each system (redisha and the baselines may differ)
   * @param clients the client settings every fault is measured with, the primary one first
   */
  BenchReport(
      String mode,
      Map<String, Integer> runsBySystem,
      List<SystemUnderTest> systems,
      List<Fault> faults,
      List<BenchClient> clients) {
    this.mode = mode;
    this.runsBySystem = Map.copyOf(runsBySystem);
    this.systems = List.copyOf(systems);
    this.faults = List.copyOf(faults);
    this.clients = List.copyOf(clients);
  }

  /** A report where every system runs {@code runsPerFault} times, with the primary client only. */
  BenchReport(String mode, int runsPerFault, List<SystemUnderTest> systems, List<Fault> faults) {
    this(
        mode,
        systems.stream().collect(Collectors.toMap(SystemUnderTest::name, s -> runsPerFault)),
        systems,
        faults,
        List.of(BenchClient.PRIMARY));
  }

  /** Runs per fault planned for {@code system}. */
  int runs(String system) {
    return runsBySystem.getOrDefault(system, 0);
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

  List<BenchClient> clients() {
    return clients;
  }

  synchronized List<FaultSample> samples(String system, Fault fault) {
    return samples.stream().filter(s -> s.system().equals(system) && s.fault() == fault).toList();
  }

  /** What {@code client} saw of {@code system} under {@code fault}, or null when not run. */
  FaultSummary summary(String system, Fault fault, BenchClient client) {
    List<FaultSample> of = samples(system, fault);
    return of.isEmpty() ? null : FaultSummary.of(system, fault, client.id(), of);
  }

  /** The primary client's summary, or null when not run. */
  FaultSummary summary(String system, Fault fault) {
    return summary(system, fault, BenchClient.PRIMARY);
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
      for (ClientWrites writes : sample.clients()) {
        if (writes.lostBeyondAllowed() > 0) {
          violations.add(
              sample.system()
                  + " "
                  + sample.fault().id()
                  + " run "
                  + sample.run()
                  + " lost "
                  + writes.lostBeyondAllowed()
                  + " acknowledged writes of client "
                  + writes.client()
                  + " that this fault may not cost");
        }
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

  /** The legend of the tables: N, and what each client does. */
  String legend() {
    StringBuilder text = new StringBuilder();
    text.append(
        "N = runs of the row (completed/made): redisha rows --runs, baselines --runs-baselines;"
            + " gaps marked > are lower bounds (a run that did not settle)\n");
    List<String> planned = new ArrayList<>();
    for (SystemUnderTest system : systems) {
      planned.add(system.name() + " " + runs(system.name()));
    }
    text.append("runs per fault: ").append(String.join(", ", planned)).append('\n');
    text.append("every client writes SET through the VIP every 2 ms from a lab host of its own:\n");
    for (BenchClient client : clients) {
      text.append(String.format(Locale.ROOT, "  %-9s %s%n", client.id(), client.behaviour()));
    }
    return text.toString();
  }

  /**
   * The detailed table: one line per fault and system, each client's write gap p50/p99 and lost
   * writes side by side.
   */
  String detailTable() {
    if (noFaultRuns()) {
      return "no fault was run (--runs 0: footprint only)\n";
    }
    StringBuilder text = new StringBuilder();
    StringBuilder header =
        new StringBuilder(String.format(Locale.ROOT, "%-36s %-20s %5s", "fault", "system", "N"));
    StringBuilder subheader = new StringBuilder(String.format(Locale.ROOT, "%-63s", ""));
    for (BenchClient client : clients) {
      header.append(String.format(Locale.ROOT, "  %-24s", client.id()));
      subheader.append(String.format(Locale.ROOT, "  %-13s %-10s", "gap p50/p99", "lost"));
    }
    header.append(String.format(Locale.ROOT, " %7s  %s", "VIP p50", "other group"));
    text.append(header.toString().stripTrailing()).append('\n');
    text.append(subheader.toString().stripTrailing()).append('\n');
    for (Fault fault : faults) {
      boolean first = true;
      for (SystemUnderTest system : systems) {
        String faultColumn = first ? fault.title() : "";
        first = false;
        FaultSummary primary = summary(system.name(), fault);
        if (primary == null) {
          text.append(
              String.format(
                  Locale.ROOT,
                  "%-36s %-20s %5s  %s%n",
                  faultColumn,
                  system.name(),
                  "-",
                  !system.faults().contains(fault)
                      ? system.notApplicable(fault)
                      : runs(system.name()) == 0 ? "not run (N=0)" : "not run"));
          continue;
        }
        StringBuilder line =
            new StringBuilder(
                String.format(
                    Locale.ROOT,
                    "%-36s %-20s %5s",
                    faultColumn,
                    system.name(),
                    primary.completed() + "/" + primary.runs()));
        for (BenchClient client : clients) {
          FaultSummary summary = summary(system.name(), fault, client);
          line.append(
              String.format(
                  Locale.ROOT,
                  "  %-13s %-10s",
                  fault.measuresGap()
                      ? bound(summary, summary.gapP50()) + "/" + bound(summary, summary.gapP99())
                      : "-",
                  summary.lost() + " (" + summary.runsWithLoss() + ")"));
        }
        String other =
            !fault.groupScoped()
                ? "-"
                : primary.otherDisturbed() == 0
                    ? "untouched"
                    : "DISTURBED " + primary.otherDisturbed() + "x";
        line.append(String.format(Locale.ROOT, " %7s  %s", millis(primary.vipP50()), other));
        text.append(line).append('\n');
      }
    }
    return text.toString();
  }

  /**
   * The ratio table: redisha's write gap p99 divided by each baseline's, per client, and losses
   * side by side.
   */
  String ratioTable() {
    if (noFaultRuns()) {
      return "";
    }
    List<SystemUnderTest> subjects =
        systems.stream().filter(s -> s.name().startsWith("redisha")).toList();
    List<SystemUnderTest> baselines =
        systems.stream().filter(s -> !s.name().startsWith("redisha")).toList();
    StringBuilder text = new StringBuilder();
    for (SystemUnderTest subject : subjects) {
      StringBuilder header =
          new StringBuilder(
              String.format(
                  Locale.ROOT, "%-36s %-9s %12s", "fault", "client", subject.name() + " p99"));
      for (SystemUnderTest baseline : baselines) {
        header.append(String.format(Locale.ROOT, "  %-28s", "ratio to " + baseline.name()));
      }
      header.append("  lost: ").append(subject.name());
      for (SystemUnderTest baseline : baselines) {
        header.append(" / ").append(baseline.name());
      }
      text.append(header.toString().stripTrailing()).append('\n');
      for (Fault fault : faults) {
        boolean first = true;
        for (BenchClient client : clients) {
          FaultSummary mine = summary(subject.name(), fault, client);
          StringBuilder line =
              new StringBuilder(
                  String.format(
                      Locale.ROOT,
                      "%-36s %-9s %12s",
                      first ? fault.title() : "",
                      client.id(),
                      mine == null
                          ? subject.notApplicable(fault)
                          : fault.measuresGap() ? bound(mine, mine.gapP99()) + " ms" : "-"));
          first = false;
          StringBuilder lost = new StringBuilder(mine == null ? "-" : Long.toString(mine.lost()));
          for (SystemUnderTest baseline : baselines) {
            FaultSummary theirs = summary(baseline.name(), fault, client);
            String cell;
            if (mine == null || theirs == null || !fault.measuresGap()) {
              cell =
                  theirs == null
                      ? (baseline.faults().contains(fault)
                          ? "not run"
                          : baseline.notApplicable(fault))
                      : "-";
            } else if (theirs.gapP99() <= 0 || mine.gapP99() < 0) {
              cell = "- (" + millis(theirs.gapP99()) + " ms)";
            } else {
              cell =
                  String.format(
                      Locale.ROOT,
                      "%.3f (%s ms, N=%d)",
                      mine.gapP99() / (double) theirs.gapP99(),
                      bound(theirs, theirs.gapP99()),
                      theirs.runs());
            }
            line.append(String.format(Locale.ROOT, "  %-28s", cell));
            lost.append(" / ").append(theirs == null ? "-" : Long.toString(theirs.lost()));
          }
          line.append("  lost: ").append(lost);
          text.append(line).append('\n');
        }
      }
    }
    return text.toString();
  }

  /** Whether no system was to run any fault (footprint only). */
  private boolean noFaultRuns() {
    return systems.stream().allMatch(s -> runs(s.name()) == 0);
  }

  /** The footprint table: one line per daemon and number of groups. */
  synchronized String footprintTable() {
    if (footprint.isEmpty()) {
      return "";
    }
    StringBuilder text = new StringBuilder();
    text.append(
        String.format(
            Locale.ROOT,
            "%-26s %6s %8s %7s %8s %9s  %s%n",
            "daemon (one host)",
            "groups",
            "RSS MiB",
            "CPU %",
            "threads",
            "start ms",
            "settings"));
    for (FootprintRow row : footprint) {
      text.append(
          String.format(
              Locale.ROOT,
              "%-26s %6d %8.1f %7.2f %8d %9s  %s%s%n",
              row.daemon(),
              row.groups(),
              row.rssKib() / 1024.0,
              row.cpuPercent(),
              row.threads(),
              row.startupMillis() < 0 ? "-" : Long.toString(row.startupMillis()),
              row.settings(),
              row.note().isEmpty() ? "" : " [" + row.note() + "]"));
    }
    return text.toString();
  }

  /**
   * The footprint as a curve: one line per daemon (and its settings), RSS, CPU and threads for each
   * number of groups measured; empty when only one number of groups was measured.
   */
  synchronized String footprintCurve() {
    List<Integer> counts =
        footprint.stream().map(FootprintRow::groups).distinct().sorted().toList();
    if (counts.size() < 2) {
      return "";
    }
    Map<String, Map<Integer, FootprintRow>> byDaemon = new LinkedHashMap<>();
    for (FootprintRow row : footprint) {
      String name = row.daemon() + (row.variant().isEmpty() ? "" : " " + row.variant());
      byDaemon.computeIfAbsent(name, k -> new HashMap<>()).put(row.groups(), row);
    }
    StringBuilder text = new StringBuilder();
    StringBuilder header =
        new StringBuilder(String.format(Locale.ROOT, "%-36s", "daemon (one host)"));
    for (int count : counts) {
      header.append(
          String.format(Locale.ROOT, "  %-24s", count + " group" + (count == 1 ? "" : "s")));
    }
    text.append(header.toString().stripTrailing()).append('\n');
    StringBuilder units = new StringBuilder(String.format(Locale.ROOT, "%-36s", ""));
    for (int ignored : counts) {
      units.append(String.format(Locale.ROOT, "  %7s %7s %8s", "MiB", "CPU %", "threads"));
    }
    text.append(units.toString().stripTrailing()).append('\n');
    for (Map.Entry<String, Map<Integer, FootprintRow>> daemon : byDaemon.entrySet()) {
      if (daemon.getValue().size() < 2) {
        continue;
      }
      StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-36s", daemon.getKey()));
      for (int count : counts) {
        FootprintRow row = daemon.getValue().get(count);
        line.append(
            row == null
                ? String.format(Locale.ROOT, "  %7s %7s %8s", "-", "-", "-")
                : String.format(
                    Locale.ROOT,
                    "  %7.1f %7.2f %8d",
                    row.rssKib() / 1024.0,
                    row.cpuPercent(),
                    row.threads()));
      }
      text.append(line).append('\n');
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
    ObjectNode env = root.putObject("environment");
    environment.forEach(env::put);
    ArrayNode systemsNode = root.putArray("systems");
    for (SystemUnderTest system : systems) {
      systemsNode
          .addObject()
          .put("name", system.name())
          .put("description", system.description())
          .put("runsPerFault", runs(system.name()));
    }
    ArrayNode clientsNode = root.putArray("clients");
    for (BenchClient client : clients) {
      clientsNode.addObject().put("name", client.id()).put("behaviour", client.behaviour());
    }
    ArrayNode summaries = root.putArray("summaries");
    for (Fault fault : faults) {
      for (SystemUnderTest system : systems) {
        for (BenchClient client : clients) {
          FaultSummary summary = summary(system.name(), fault, client);
          ObjectNode node = summaries.addObject();
          node.put("fault", fault.id())
              .put("faultTitle", fault.title())
              .put("system", system.name())
              .put("client", client.id());
          if (summary == null) {
            node.put(
                "notRun",
                system.faults().contains(fault) ? "not run" : system.notApplicable(fault));
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
    }
    ArrayNode ratios = root.putArray("ratios");
    for (SystemUnderTest subject : systems) {
      if (!subject.name().startsWith("redisha")) {
        continue;
      }
      for (Fault fault : faults) {
        for (BenchClient client : clients) {
          FaultSummary mine = summary(subject.name(), fault, client);
          for (SystemUnderTest baseline : systems) {
            if (baseline.name().startsWith("redisha")) {
              continue;
            }
            FaultSummary theirs = summary(baseline.name(), fault, client);
            if (mine == null || theirs == null || !fault.measuresGap()) {
              continue;
            }
            ObjectNode node = ratios.addObject();
            node.put("fault", fault.id())
                .put("client", client.id())
                .put("system", subject.name())
                .put("baseline", baseline.name())
                .put("runs", mine.runs())
                .put("baselineRuns", theirs.runs());
            if (mine.gapP99() >= 0 && theirs.gapP99() > 0) {
              node.put("gapP99Ratio", mine.gapP99() / (double) theirs.gapP99());
            }
            node.put("lost", mine.lost()).put("baselineLost", theirs.lost());
          }
        }
      }
    }
    ArrayNode runs = root.putArray("runs");
    for (FaultSample sample : samples) {
      ObjectNode run =
          runs.addObject()
              .put("system", sample.system())
              .put("fault", sample.fault().id())
              .put("run", sample.run())
              .put("completed", sample.completed())
              .put("vipMillis", sample.vipMillis())
              .put("otherGapMillis", sample.otherGapMillis())
              .put("otherLost", sample.otherLost())
              .put("otherMoved", sample.otherMoved())
              .put("note", sample.note());
      ArrayNode writes = run.putArray("clients");
      for (ClientWrites client : sample.clients()) {
        writes
            .addObject()
            .put("client", client.client())
            .put("readBack", client.readBack())
            .put("gapMillis", client.gapMillis())
            .put("gapStartMillis", client.gapStartMillis())
            .put("gapAcrossFaultMillis", client.gapAcrossMillis())
            .put("lost", client.lost())
            .put("lostBeyondAllowed", client.lostBeyondAllowed())
            .put("lostAcknowledgedAt", client.lostSpan());
      }
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

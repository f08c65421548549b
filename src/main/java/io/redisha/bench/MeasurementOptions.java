package io.redisha.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * What {@code redisha bench} measures besides the systems and faults: the client settings each
 * fault is measured with, the runs of the baselines, the numbers of groups of the footprint, and
 * the packaged agent. Parsed from option values by name, so whatever parses the command line can
 * hand them over.
 *
 * @param clients client settings, the primary one first ({@code --clients}; quick mode: the primary
 *     client only, else all)
 * @param runsBaselines runs per fault of the baselines ({@code --runs-baselines}, default: as many
 *     as redisha's); redisha's own rows run {@code --runs}
 * @param footprintGroups numbers of groups the footprint is measured with, ascending ({@code
 *     --footprint-groups}, default 2,8,32)
 * @param agentPackage a {@code .deb} to unpack and measure as the packaged agent when none is
 *     installed ({@code --agent-package}), or null
 * @param footprintDaemons the daemons the footprint measures ({@code --footprint-daemons}, default
 *     all of {@link Footprint#DAEMONS})
 */
public record MeasurementOptions(
    List<BenchClient> clients,
    int runsBaselines,
    List<Integer> footprintGroups,
    Path agentPackage,
    Set<String> footprintDaemons) {

  /** The option names this record reads (all take a value). */
  static final Set<String> OPTIONS =
      Set.of("clients", "runs-baselines", "footprint-groups", "agent-package", "footprint-daemons");

  public MeasurementOptions {
    clients = List.copyOf(clients);
    footprintGroups = List.copyOf(footprintGroups);
    footprintDaemons = Set.copyOf(footprintDaemons);
  }

  /**
   * @param option the value of an option by name, null when not given
   * @param quick whether {@code --quick} was given
   * @param runs redisha's runs per fault ({@code --runs})
   */
  public static MeasurementOptions from(Function<String, String> option, boolean quick, int runs) {
    String clientText = option.apply("clients");
    List<BenchClient> clients =
        clientText != null
            ? BenchClient.parseList(clientText)
            : quick ? List.of(BenchClient.PRIMARY) : List.of(BenchClient.values());
    int runsBaselines = runs;
    String baselineText = option.apply("runs-baselines");
    if (baselineText != null) {
      runsBaselines = number("runs-baselines", baselineText);
      if (runsBaselines < 0 || runsBaselines > 1000) {
        throw new IllegalArgumentException(
            "--runs-baselines must be between 0 (baselines not run) and 1000, not "
                + runsBaselines);
      }
    }
    List<Integer> groups = new ArrayList<>();
    String groupText = option.apply("footprint-groups");
    for (String part : (groupText == null ? "2,8,32" : groupText).split(",")) {
      int n = number("footprint-groups", part.strip());
      if (n < 1 || n > LabGroups.MAX) {
        throw new IllegalArgumentException(
            "--footprint-groups: a pair has 1 to " + LabGroups.MAX + " groups, not " + n);
      }
      if (!groups.isEmpty() && n <= groups.get(groups.size() - 1)) {
        throw new IllegalArgumentException(
            "--footprint-groups must be ascending without repeats, like 2,8,32, not " + groupText);
      }
      groups.add(n);
    }
    String packageText = option.apply("agent-package");
    Path agentPackage = packageText == null ? null : Path.of(packageText);
    if (agentPackage != null
        && (!Files.isRegularFile(agentPackage)
            || !agentPackage.getFileName().toString().endsWith(".deb"))) {
      throw new IllegalArgumentException(
          "--agent-package: " + packageText + " is not a .deb file (./mvnw package builds one)");
    }
    String daemonText = option.apply("footprint-daemons");
    Set<String> daemons = new LinkedHashSet<>();
    for (String part :
        (daemonText == null ? String.join(",", Footprint.DAEMONS) : daemonText).split(",")) {
      String daemon = part.strip();
      if (!Footprint.DAEMONS.contains(daemon)) {
        throw new IllegalArgumentException(
            "--footprint-daemons: '"
                + daemon
                + "' is none of "
                + String.join(", ", Footprint.DAEMONS));
      }
      daemons.add(daemon);
    }
    return new MeasurementOptions(clients, runsBaselines, groups, agentPackage, daemons);
  }

  /** What the selected systems need that this machine lacks, as one line each. */
  List<String> missing(List<SystemUnderTest> systems, int runs) {
    List<String> problems = new ArrayList<>();
    for (SystemUnderTest system : systems) {
      if (runs > 0
          && runsFor(system, runs) > 0
          && system instanceof KeepalivedSystem keepalived
          && keepalived.flavor().needs24()
          && KeepalivedBinary.find24().isEmpty()) {
        problems.add(
            system.name()
                + ": "
                + KeepalivedBinary.notFound()
                + "; or leave it out with --systems");
      }
    }
    return problems;
  }

  /** Runs per fault of every system, by name. */
  Map<String, Integer> runsBySystem(List<SystemUnderTest> systems, int runs) {
    Map<String, Integer> byName = new LinkedHashMap<>();
    for (SystemUnderTest system : systems) {
      byName.put(system.name(), runs == 0 ? 0 : runsFor(system, runs));
    }
    return byName;
  }

  /**
   * Measures the footprint for every number of groups: the packaged agent is the installed one,
   * else the {@code --agent-package} unpacked into {@code workDir}, else not measured (said so).
   */
  void measureFootprint(Footprint footprint, Path workDir, BenchReport report, PrintStream out) {
    Optional<PackagedAgent> packaged = PackagedAgent.installed();
    if (packaged.isEmpty() && agentPackage != null) {
      try {
        packaged = Optional.of(PackagedAgent.unpacked(agentPackage, workDir));
      } catch (IOException | IllegalArgumentException e) {
        report.problem("the packaged agent could not be unpacked: " + e.getMessage());
        out.println("  footprint: the packaged agent could not be unpacked: " + e.getMessage());
      }
    }
    footprint.measure(footprintGroups, packaged, footprintDaemons, report);
  }

  /** Runs per fault of {@code system}: redisha's rows {@code runs}, the baselines theirs. */
  int runsFor(SystemUnderTest system, int runs) {
    return system.name().startsWith("redisha") ? runs : runsBaselines;
  }

  private static int number(String name, String text) {
    try {
      return Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--" + name + " must be a number, not '" + text + "'");
    }
  }
}

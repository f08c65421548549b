package io.redisha.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.redisha.lab.PairLab;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Measures what an HA daemon costs on an idle pair: resident memory, threads and CPU of its
 * processes (read from {@code /proc}), for each number of groups asked for; for the agent also the
 * start-up time of each JVM setting and the packaged agent beside the one on the class path.
 */
final class Footprint {
  /** Clock ticks per second of {@code /proc/<pid>/stat} times (USER_HZ, 100 on Linux). */
  private static final double TICKS_PER_SECOND = 100.0;

  private static final String CLASS_PATH_AGENT = "redisha (class path)";
  private static final String PACKAGED_AGENT = "redisha (package)";

  /** What {@code --footprint-daemons} picks from. */
  static final List<String> DAEMONS = List.of("class-path", "package", "keepalived", "sentinel");

  /** The number of groups every JVM setting is compared with (the reference pair). */
  private static final int VARIANT_GROUPS = 2;

  private final Path workDir;
  private final Duration idle;
  private final PrintStream out;

  Footprint(Path workDir, Duration idle, PrintStream out) {
    this.workDir = workDir;
    this.idle = idle;
    this.out = out;
  }

  /** What one process costs at one moment: CPU ticks (own and reaped children), RSS, threads. */
  record ProcessCost(long ticks, long rssKib, int threads) {}

  /** CPU ticks of a process tree, and the per-process costs by PID. */
  record Usage(long ticks, Map<Long, ProcessCost> byPid) {
    /** Resident KiB of the processes present in both {@code this} and {@code earlier}. */
    long longLivedRssKib(Usage earlier) {
      return byPid.entrySet().stream()
          .filter(e -> earlier.byPid.containsKey(e.getKey()))
          .mapToLong(e -> e.getValue().rssKib())
          .sum();
    }

    /** Threads of the processes present in both {@code this} and {@code earlier}. */
    int longLivedThreads(Usage earlier) {
      return byPid.entrySet().stream()
          .filter(e -> earlier.byPid.containsKey(e.getKey()))
          .mapToInt(e -> e.getValue().threads())
          .sum();
    }
  }

  static Usage usage(List<ProcessHandle> roots) {
    Map<Long, ProcessHandle> all = new LinkedHashMap<>();
    for (ProcessHandle root : roots) {
      all.put(root.pid(), root);
      root.descendants().forEach(d -> all.put(d.pid(), d));
    }
    long ticks = 0;
    Map<Long, ProcessCost> byPid = new LinkedHashMap<>();
    for (long pid : all.keySet()) {
      try {
        long own = cpuTicks(Files.readString(Path.of("/proc", Long.toString(pid), "stat")));
        String status = Files.readString(Path.of("/proc", Long.toString(pid), "status"));
        ticks += own;
        byPid.put(pid, new ProcessCost(own, rssKib(status), threads(status)));
      } catch (IOException e) {
        // the process ended between listing and reading: it no longer costs anything
      }
    }
    return new Usage(ticks, byPid);
  }

  /** utime + stime + cutime + cstime from the text of {@code /proc/<pid>/stat}. */
  static long cpuTicks(String stat) {
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).strip().split("\\s+");
    // fields[0] is field 3 (state); utime is field 14
    return Long.parseLong(fields[11])
        + Long.parseLong(fields[12])
        + Long.parseLong(fields[13])
        + Long.parseLong(fields[14]);
  }

  /** VmRSS in KiB from the text of {@code /proc/<pid>/status}, 0 when absent. */
  static long rssKib(String status) {
    return statusNumber(status, "VmRSS:");
  }

  /** Threads from the text of {@code /proc/<pid>/status}, 0 when absent. */
  static int threads(String status) {
    return (int) statusNumber(status, "Threads:");
  }

  private static long statusNumber(String status, String key) {
    for (String line : status.split("\n")) {
      if (line.startsWith(key)) {
        return Long.parseLong(line.substring(key.length()).strip().split("\\s+")[0]);
      }
    }
    return 0;
  }

  /**
   * Measures every daemon for every number of groups in {@code groupCounts}, adding the rows to
   * {@code report} as they come: the agent on the class path (every JVM setting of {@link
   * AgentJvm#VARIANTS} with two groups, the recommended one with any other number), the packaged
   * agent when there is one, keepalived 2.2.7 and 2.4.3 tuned, and a sentinel. A daemon that cannot
   * be measured is a problem of the report; the others are measured all the same.
   */
  void measure(
      List<Integer> groupCounts,
      Optional<PackagedAgent> packaged,
      Set<String> daemons,
      BenchReport report) {
    Optional<Path> keepalived24 = KeepalivedBinary.find24();
    if (packaged.isEmpty() && daemons.contains("package")) {
      out.println(
          "  footprint: "
              + PACKAGED_AGENT
              + " not measured: no "
              + PackagedAgent.INSTALLED_LAUNCHER
              + " with "
              + PackagedAgent.INSTALLED_RUNTIME
              + " (install target/redisha_*_amd64.deb, or pass --agent-package FILE.deb)");
    }
    if (keepalived24.isEmpty() && daemons.contains("keepalived")) {
      out.println(
          "  footprint: keepalived 2.4.3 tuned not measured: " + KeepalivedBinary.notFound());
    }
    for (int n : groupCounts) {
      List<PairLab.Group> groups = LabGroups.of(n);
      out.printf("  footprint with %d group%s%n", n, n == 1 ? "" : "s");
      List<AgentJvm.Variant> variants =
          n == VARIANT_GROUPS ? AgentJvm.VARIANTS : List.of(AgentJvm.RECOMMENDED_VARIANT);
      if (daemons.contains("class-path")) {
        attempt(
            report,
            CLASS_PATH_AGENT + ", " + n + " groups",
            () -> agents(variants, groups, report));
      }
      if (packaged.isPresent() && daemons.contains("package")) {
        attempt(
            report,
            PACKAGED_AGENT + ", " + n + " groups",
            () -> report.addFootprint(packagedAgent(packaged.get(), groups)));
      }
      if (daemons.contains("keepalived")) {
        keepalivedRows(n, groups, keepalived24, report);
      }
      if (daemons.contains("sentinel")) {
        attempt(
            report,
            "redis sentinel, " + n + " groups",
            () -> report.addFootprint(baseline(new SentinelSystem(), "redis sentinel", groups)));
      }
    }
  }

  private void keepalivedRows(
      int n, List<PairLab.Group> groups, Optional<Path> keepalived24, BenchReport report) {
    attempt(
        report,
        "keepalived 2.2.7 tuned, " + n + " groups",
        () ->
            report.addFootprint(
                baseline(
                    new KeepalivedSystem(KeepalivedConfig.Flavor.TUNED),
                    "keepalived 2.2.7 tuned",
                    groups)));
    if (keepalived24.isPresent()) {
      attempt(
          report,
          "keepalived 2.4.3 tuned, " + n + " groups",
          () ->
              report.addFootprint(
                  baseline(
                      new KeepalivedSystem(KeepalivedConfig.Flavor.TUNED_24),
                      "keepalived 2.4.3 tuned",
                      groups)));
    }
  }

  /** One measurement that may fail without stopping the others. */
  private interface Measurement {
    void run() throws Exception;
  }

  private void attempt(BenchReport report, String what, Measurement measurement) {
    try {
      measurement.run();
    } catch (Exception e) {
      report.problem("footprint of " + what + " failed: " + e);
      out.println("  footprint of " + what + " FAILED: " + e);
    }
  }

  /** Measures {@code processes} over the idle window. */
  FootprintRow idle(
      String daemon,
      String variant,
      String settings,
      int groups,
      Supplier<List<ProcessHandle>> processes,
      long startupMillis,
      String note)
      throws InterruptedException {
    Usage start = usage(processes.get());
    long t0 = System.nanoTime();
    Thread.sleep(idle.toMillis());
    Usage end = usage(processes.get());
    double seconds = (System.nanoTime() - t0) / 1e9;
    double cpu = (end.ticks() - start.ticks()) / TICKS_PER_SECOND / seconds * 100.0;
    return new FootprintRow(
        daemon,
        variant,
        settings,
        groups,
        end.longLivedRssKib(start),
        cpu,
        end.longLivedThreads(start),
        startupMillis,
        note);
  }

  /** Starts one agent of a pair. */
  /** The class-data archive the package's launcher keeps in its state directory. */
  static final String PACKAGE_ARCHIVE = "agent.jsa";

  private interface AgentStarter {
    Process start(PairLab lab, String host, Path log);
  }

  /** Runs every agent JVM variant on a fresh pair and measures the agent of vm-a. */
  private void agents(
      List<AgentJvm.Variant> variants, List<PairLab.Group> groups, BenchReport report)
      throws Exception {
    Path dir = workDir.resolve("footprint-redisha-" + groups.size());
    try (PairLab lab = PairLab.create(dir, groups, "splitBrainProtection: None\n")) {
      Path cache = dir.resolve("agent.aot").toAbsolutePath();
      for (AgentJvm.Variant variant : variants) {
        String note = "";
        List<String> options = variant.resolved(cache);
        if (variant.needsAotCache()) {
          note = train(lab, variant, cache);
          if (!Files.exists(cache)) {
            report.addFootprint(
                new FootprintRow(
                    CLASS_PATH_AGENT,
                    variant.name(),
                    variant.name() + ": " + variant.added(),
                    groups.size(),
                    0,
                    0,
                    0,
                    -1,
                    note));
            continue;
          }
        }
        out.printf(
            "  footprint: agent %s (%s), %d groups%n",
            variant.name(), variant.added(), groups.size());
        report.addFootprint(
            measureAgentPair(
                lab,
                CLASS_PATH_AGENT,
                variant.name(),
                variant.name() + ": " + variant.added(),
                (l, host, log) -> AgentJvm.start(l, host, options, log),
                "-" + variant.name(),
                note));
      }
    }
  }

  /** The packaged agent on a fresh pair with {@code groups}. */
  private FootprintRow packagedAgent(PackagedAgent packaged, List<PairLab.Group> groups)
      throws Exception {
    out.printf(
        "  footprint: %s (%s), %d groups%n", PACKAGED_AGENT, packaged.origin(), groups.size());
    Path dir = workDir.resolve("footprint-package-" + groups.size());
    Path states = workDir.resolve("package-state").toAbsolutePath();
    AgentStarter starter =
        (l, host, log) ->
            packaged.start(
                l.network(), host, l.pairFile(), PairLab.STATUS_PORT, states.resolve(host), log);
    try (PairLab lab = PairLab.create(dir, groups, "splitBrainProtection: None\n")) {
      String note = "";
      if (packaged.writesStateArchive()) {
        Path archive = states.resolve(PairLab.VM_A).resolve(PACKAGE_ARCHIVE);
        if (!Files.exists(archive)) {
          out.printf("  footprint: first start of the package, writes %s%n", archive);
          firstStart(lab, starter);
        }
        note =
            Files.exists(archive)
                ? "class-data archive of a first start, "
                    + Files.size(archive) / (1024 * 1024)
                    + " MiB"
                : "no class-data archive after a first start";
      }
      return measureAgentPair(
          lab,
          PACKAGED_AGENT,
          "",
          "its launcher's JVM settings, " + packaged.origin(),
          starter,
          "-package",
          note);
    }
  }

  /** Starts both agents with {@code starter}, waits for the pair, stops both. */
  private static void firstStart(PairLab lab, AgentStarter starter) throws Exception {
    Path dir = lab.workDir();
    Process a = starter.start(lab, PairLab.VM_A, dir.resolve("agent-a-first.log"));
    Process b = starter.start(lab, PairLab.VM_B, dir.resolve("agent-b-first.log"));
    try {
      awaitStates(lab, PairLab.VM_A, System.nanoTime(), Duration.ofSeconds(90));
      new PairProbe(lab).awaitSettled(Duration.ofSeconds(30));
      Thread.sleep(3000);
    } finally {
      stop(a);
      stop(b);
    }
  }

  /** Starts both agents with {@code starter}, waits for the pair, measures vm-a's, stops both. */
  private FootprintRow measureAgentPair(
      PairLab lab,
      String daemon,
      String variant,
      String settings,
      AgentStarter starter,
      String logSuffix,
      String note)
      throws Exception {
    Path dir = lab.workDir();
    long t0 = System.nanoTime();
    Process a = starter.start(lab, PairLab.VM_A, dir.resolve("agent-a" + logSuffix + ".log"));
    Process b = starter.start(lab, PairLab.VM_B, dir.resolve("agent-b" + logSuffix + ".log"));
    try {
      long startup = awaitStates(lab, PairLab.VM_A, t0, Duration.ofSeconds(90));
      String settled = settledNote(lab);
      Thread.sleep(5000);
      return idle(
          daemon,
          variant,
          settings,
          lab.groups().size(),
          () -> List.of(a.toHandle()),
          startup,
          join(note, settled));
    } finally {
      stop(a);
      stop(b);
    }
  }

  /** "" when every group settled within 60 s, else a note saying which did not. */
  private static String settledNote(PairLab lab) throws InterruptedException {
    PairProbe probe = new PairProbe(lab);
    Map<String, PairProbe.GroupState> state = probe.awaitSettled(Duration.ofSeconds(60));
    if (probe.allSettled(state)) {
      return "";
    }
    long unsettled = state.values().stream().filter(g -> !g.settled(lab.network())).count();
    return unsettled + " of " + state.size() + " groups not settled when measured";
  }

  private static String join(String first, String second) {
    return first.isEmpty() ? second : second.isEmpty() ? first : first + "; " + second;
  }

  /** A training run that writes the AOT cache; returns a note on what happened. */
  private String train(PairLab lab, AgentJvm.Variant variant, Path cache) throws Exception {
    Files.deleteIfExists(cache);
    out.printf("  footprint: training run for the AOT cache %s%n", cache);
    Path dir = lab.workDir();
    Process a =
        AgentJvm.start(
            lab, PairLab.VM_A, variant.training(cache), dir.resolve("agent-a-training.log"));
    Process b =
        AgentJvm.start(
            lab,
            PairLab.VM_B,
            variant.options().stream().filter(o -> !o.startsWith("-XX:AOTCache")).toList(),
            dir.resolve("agent-b-training.log"));
    try {
      awaitStates(lab, PairLab.VM_A, System.nanoTime(), Duration.ofSeconds(60));
      new PairProbe(lab).awaitSettled(Duration.ofSeconds(30));
      Thread.sleep(3000);
    } finally {
      stop(a);
      stop(b);
    }
    return Files.exists(cache)
        ? "AOT cache " + Files.size(cache) / (1024 * 1024) + " MiB, made by one training run"
        : "the training run wrote no AOT cache";
  }

  private static void stop(Process process) throws InterruptedException {
    process.destroy();
    process.waitFor();
  }

  /** Time from {@code t0} until {@code host}'s agent reports a VRRP state for every group. */
  private static long awaitStates(PairLab lab, String host, long t0, Duration timeout)
      throws InterruptedException {
    long deadline = t0 + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      JsonNode status = lab.status(host);
      if (status != null && status.path("groups").size() == lab.groups().size()) {
        boolean decided = true;
        for (JsonNode group : status.path("groups")) {
          String state = group.path("vrrpState").asText();
          decided &= state.equals("MASTER") || state.equals("BACKUP");
        }
        if (decided) {
          return (System.nanoTime() - t0) / 1_000_000;
        }
      }
      Thread.sleep(10);
    }
    return -1;
  }

  /** Runs a baseline system on a fresh pair with {@code groups} and measures its daemon on vm-a. */
  FootprintRow baseline(SystemUnderTest system, String daemon, List<PairLab.Group> groups)
      throws Exception {
    out.printf("  footprint: %s, %d groups%n", system.name(), groups.size());
    Path dir = workDir.resolve("footprint-" + system.name() + "-" + groups.size());
    try (PairLab lab =
        PairLab.create(dir, groups, "", PairLab.RedisOptions.NONE, Benchmark.redisBoot(system))) {
      system.start(lab, dir);
      String settled = settledNote(lab);
      Thread.sleep(5000);
      return idle(
          daemon,
          "",
          system.description(),
          groups.size(),
          () -> system.daemonProcesses(PairLab.VM_A),
          -1,
          settled);
    }
  }
}

package io.redisha.bench;

import io.redisha.lab.LabNetwork;
import io.redisha.lab.PairLab;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The benchmark behind {@code redisha bench}: the same faults against redisha, keepalived (classic
 * and tuned 2.2.7, tuned 2.4.3) and Redis Sentinel on the namespace lab, one system after another
 * in the same run, each fault seen by every client setting of {@link MeasurementOptions}, then the
 * tables, a JSON file and an SVG picture. Its exit code is 1 when redisha broke a promise (lost
 * acknowledged writes a fault may not cost, a run that did not complete, the other group disturbed)
 * or the benchmark failed; never because of a timing.
 */
public final class Benchmark {
  private static final List<String> TOOLS =
      List.of("ip", "iptables", "redis-server", "redis-cli", "keepalived", "arping");

  private Benchmark() {}

  /**
   * Runs {@code plan} with the client settings, baseline runs and footprint sizes of {@code
   * measure}, printing progress and tables to {@code out}; {@code workDir} keeps the run's files
   * when given (null: a temporary directory, removed at the end). Returns the exit code.
   */
  public static int run(
      Plan plan, MeasurementOptions measure, Path workDirOrNull, PrintStream out, PrintStream err)
      throws Exception {
    List<String> problems = missingPrerequisites();
    problems.addAll(measure.missing(plan.systems(), plan.runs()));
    if (!problems.isEmpty()) {
      err.println("redisha bench: cannot run: " + String.join("; ", problems));
      return 2;
    }
    List<String> stale = LabNetwork.removeStale();
    if (!stale.isEmpty()) {
      out.println("removed namespaces left by an earlier run that was killed: " + stale);
    }
    Files.createDirectories(plan.out);
    Path workDir =
        workDirOrNull != null ? workDirOrNull : Files.createTempDirectory("redisha-bench-");
    BenchReport report =
        new BenchReport(
            plan.mode(),
            measure.runsBySystem(plan.systems(), plan.runs()),
            plan.systems(),
            plan.faults(),
            measure.clients());
    out.printf(
        "redisha bench (%s): %d run(s) per fault; systems: %s; faults: %s%n"
            + "lab: vm-a 192.0.2.11, vm-b 192.0.2.12, client 192.0.2.20 in network namespaces;"
            + " groups a (6379, VIP 192.0.2.100) and b (6389, VIP 192.0.2.101);%n"
            + "the client writes through each VIP every 2 ms. Work files: %s%n",
        plan.mode(),
        plan.runs,
        String.join(", ", plan.systems.stream().map(SystemUnderTest::name).toList()),
        String.join(", ", Fault.ids(plan.faults)),
        workDir);
    out.print(report.legend());
    long started = System.nanoTime();
    try {
      for (SystemUnderTest system : plan.runs == 0 ? List.<SystemUnderTest>of() : plan.systems) {
        runSystem(system, plan, measure, workDir, report, out);
      }
      if (plan.idle.toSeconds() > 0) {
        out.printf(
            "%n== footprint: idle %d s, %s groups%n",
            plan.idle.toSeconds(), measure.footprintGroups());
        measure.measureFootprint(new Footprint(workDir, plan.idle, out), workDir, report, out);
      }
    } finally {
      if (workDirOrNull == null) {
        deleteTree(workDir);
      }
    }
    long minutes = Duration.ofNanos(System.nanoTime() - started).toMinutes();
    String subtitle =
        String.format(
            Locale.ROOT,
            "redisha bench %s, %d run(s) per fault, %s, %d cores",
            plan.mode(),
            plan.runs,
            Instant.now().toString().substring(0, 10),
            Runtime.getRuntime().availableProcessors());
    out.printf(
        "%n== write gap per fault, system and client (ms; lost = acknowledged writes not read"
            + " back (runs with a loss))%n");
    out.print(report.legend());
    out.print(report.detailTable());
    out.printf(
        "%n== redisha / baseline: write gap p99 ratio per client (below 1 = redisha shorter)%n");
    out.print(report.ratioTable());
    String footprintTable = report.footprintTable();
    if (!footprintTable.isEmpty()) {
      out.printf("%n== footprint of one host's HA daemon, idle%n");
      out.print(footprintTable);
      out.print(report.footprintCurve());
    }
    Path json = plan.out.resolve("bench.json");
    Path svg = plan.out.resolve("bench.svg");
    report.writeJson(json, environment(minutes));
    Files.writeString(svg, SvgChart.render(report, subtitle));
    List<String> violations = report.violations();
    out.printf("%nresults: %s and %s (%d min)%n", json, svg, minutes);
    if (!violations.isEmpty()) {
      out.println("FAILED:");
      violations.forEach(v -> out.println("  " + v));
      return 1;
    }
    out.println("no acknowledged write lost where none may be, every run completed");
    return 0;
  }

  private static void runSystem(
      SystemUnderTest system,
      Plan plan,
      MeasurementOptions measure,
      Path workDir,
      BenchReport report,
      PrintStream out) {
    int runs = measure.runsFor(system, plan.runs);
    if (runs == 0) {
      out.printf("%n== %s: not run (N=0)%n", system.name());
      return;
    }
    out.printf("%n== %s: %s%n", system.name(), system.description());
    Path dir = workDir.resolve(system.name());
    PairLab lab = null;
    try {
      lab = startPair(system, dir, out);
      for (Fault fault : plan.faults) {
        if (!system.faults().contains(fault)) {
          out.printf("  %-12s %s%n", fault.id(), system.notApplicable(fault));
          continue;
        }
        for (int i = 1; i <= runs; i++) {
          out.printf("  %-12s run %d/%d ... ", fault.id(), i, runs);
          out.flush();
          FaultSample sample;
          try {
            sample = new FaultRunner(lab, system, measure.clients()).run(fault, i);
          } catch (Exception e) {
            sample = FaultSample.failed(system.name(), fault, i, "crashed: " + e);
          }
          report.add(sample);
          out.println(describe(sample));
          if (!sample.completed()) {
            PairProbe probe = new PairProbe(lab);
            if (!probe.allSettled(probe.awaitSettled(Duration.ofSeconds(5)))) {
              out.println("  pair did not settle: rebuilding it for the next run");
              lab.close();
              lab = null;
              lab =
                  startPair(system, dir.resolveSibling(system.name() + "-" + fault.id() + i), out);
            }
          }
        }
      }
    } catch (Exception e) {
      report.problem(system.name() + " failed: " + e);
      out.println("  " + system.name() + " FAILED: " + e);
    } finally {
      if (lab != null) {
        lab.close();
      }
    }
  }

  private static PairLab startPair(SystemUnderTest system, Path dir, PrintStream out)
      throws Exception {
    String yaml = system instanceof RedishaSystem redisha ? redisha.pairYaml() : "";
    PairLab lab =
        PairLab.create(
            dir, PairLab.DEFAULT_GROUPS, yaml, PairLab.RedisOptions.NONE, redisBoot(system));
    try {
      system.start(lab, dir);
      PairProbe probe = new PairProbe(lab);
      Map<String, PairProbe.GroupState> state = probe.awaitSettled(Duration.ofSeconds(60));
      if (!probe.allSettled(state)) {
        throw new IllegalStateException("pair did not settle after start: " + state.values());
      }
      out.printf("  pair up: %s%n", state.values());
      return lab;
    } catch (Exception e) {
      lab.close();
      throw e;
    }
  }

  /** The README's redis.conf for redisha's pair; the baselines keep Redis's own defaults. */
  static PairLab.RedisBoot redisBoot(SystemUnderTest system) {
    return system instanceof RedishaSystem ? PairLab.RedisBoot.MANAGED : PairLab.RedisBoot.PLAIN;
  }

  static String describe(FaultSample sample) {
    return sample.describe();
  }

  private static Map<String, String> environment(long minutes) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("date", Instant.now().toString());
    env.put("cores", Integer.toString(Runtime.getRuntime().availableProcessors()));
    env.put("java", System.getProperty("java.version"));
    env.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
    env.put("minutes", Long.toString(minutes));
    return env;
  }

  /**
   * What to run.
   *
   * @param quick the CI smoke mode: fewer runs and systems by default, no footprint
   * @param runs runs per fault and system, 0 for the footprint only
   * @param systems the systems, in the order they run
   * @param faults the faults, in the order they run
   * @param out where bench.json and bench.svg go
   * @param idle how long each daemon idles for the footprint; zero for none
   */
  public record Plan(
      boolean quick,
      int runs,
      List<SystemUnderTest> systems,
      List<Fault> faults,
      Path out,
      Duration idle) {
    public static final int MAX_RUNS = 1000;
    public static final int MAX_IDLE_SECONDS = 3600;

    public Plan {
      if (runs < 0 || runs > MAX_RUNS) {
        throw new IllegalArgumentException(
            "runs must be between 0 (footprint only) and " + MAX_RUNS + ", not " + runs);
      }
      if (idle.isNegative() || idle.toSeconds() > MAX_IDLE_SECONDS) {
        throw new IllegalArgumentException(
            "idle seconds must be between 0 and " + MAX_IDLE_SECONDS + ", not " + idle.toSeconds());
      }
      systems = List.copyOf(systems);
      faults = List.copyOf(faults);
    }

    String mode() {
      return quick ? "quick" : "full";
    }

    /**
     * The plan with the defaults of its mode for what is null: 20 runs and a 60 s footprint, every
     * system and fault; {@code quick}: 1 run, no footprint, redisha and keepalived classic, the
     * faults but those of {@link Fault#LINK_AND_DAEMON_FAULTS}.
     */
    public static Plan of(
        boolean quick,
        Integer runs,
        List<String> systemNames,
        List<String> faultIds,
        Path out,
        Integer idleSeconds) {
      return of(quick, runs, systemNames, faultIds, out, idleSeconds, null);
    }

    /**
     * As {@link #of(boolean, Integer, List, List, Path, Integer)}, with the command of the API
     * server of {@value #LEASE_SYSTEM} ({@link RedishaSystem#lease}); null leaves that system out
     * of the default systems and refuses it by name.
     */
    public static Plan of(
        boolean quick,
        Integer runs,
        List<String> systemNames,
        List<String> faultIds,
        Path out,
        Integer idleSeconds,
        List<String> leaseApiServer) {
      List<SystemUnderTest> systems =
          systemNames != null
              ? Benchmark.systems(systemNames, leaseApiServer)
              : quick
                  ? Benchmark.systems(List.of("redisha", "keepalived-classic"))
                  : allSystems(leaseApiServer);
      List<Fault> faults =
          faultIds != null
              ? faultIds.stream().map(String::strip).map(Fault::byId).toList()
              : quick ? Fault.quickDefaults() : List.of(Fault.values());
      return new Plan(
          quick,
          runs != null ? runs : quick ? 1 : 20,
          systems,
          faults,
          out != null ? out : Path.of("bench-results"),
          Duration.ofSeconds(idleSeconds != null ? idleSeconds : quick ? 0 : 60));
    }
  }

  /** redisha with protection Lease: it runs only with the command of an API server. */
  public static final String LEASE_SYSTEM = "redisha-lease";

  /** The systems named {@code names}; the error names an unknown one and lists the known. */
  public static List<SystemUnderTest> systems(List<String> names) {
    return systems(names, null);
  }

  /**
   * The systems named {@code names}, {@value #LEASE_SYSTEM} with the API server {@code
   * leaseApiServer} (a command line; null: that system is refused with what it needs).
   */
  public static List<SystemUnderTest> systems(List<String> names, List<String> leaseApiServer) {
    Map<String, SystemUnderTest> known = new LinkedHashMap<>();
    for (SystemUnderTest system : allSystems(leaseApiServer)) {
      known.put(system.name(), system);
    }
    List<SystemUnderTest> systems = new ArrayList<>();
    for (String name : names) {
      SystemUnderTest system = known.get(name.strip());
      if (system == null && name.strip().equals(LEASE_SYSTEM)) {
        throw new IllegalArgumentException(
            LEASE_SYSTEM
                + " needs --lease-api-server: the command of a Kubernetes API server for its"
                + " agents");
      }
      if (system == null) {
        throw new IllegalArgumentException(
            "unknown system '" + name + "'; known: " + String.join(",", systemNames()));
      }
      systems.add(system);
    }
    return systems;
  }

  /** The names of every system the benchmark knows, in the order of a full run. */
  public static List<String> systemNames() {
    return allSystems(List.of("api-server")).stream().map(SystemUnderTest::name).toList();
  }

  static List<SystemUnderTest> allSystems() {
    return allSystems(null);
  }

  /** Every system; {@value #LEASE_SYSTEM} only when {@code leaseApiServer} is not null. */
  static List<SystemUnderTest> allSystems(List<String> leaseApiServer) {
    List<SystemUnderTest> systems = new ArrayList<>();
    systems.add(new RedishaSystem("None", AgentJvm.RECOMMENDED));
    systems.add(new RedishaSystem("Etcd", AgentJvm.RECOMMENDED));
    if (leaseApiServer != null) {
      systems.add(RedishaSystem.lease(AgentJvm.RECOMMENDED, leaseApiServer));
    }
    systems.add(new KeepalivedSystem(KeepalivedConfig.Flavor.CLASSIC));
    systems.add(new KeepalivedSystem(KeepalivedConfig.Flavor.TUNED));
    systems.add(new KeepalivedSystem(KeepalivedConfig.Flavor.TUNED_24));
    systems.add(new SentinelSystem());
    return List.copyOf(systems);
  }

  static List<String> missingPrerequisites() {
    List<String> problems = new ArrayList<>();
    if (!"root".equals(System.getProperty("user.name"))) {
      problems.add("must run as root (network namespaces, raw sockets): sudo ./redisha bench");
    }
    String path = System.getenv().getOrDefault("PATH", "") + ":/usr/sbin:/sbin";
    for (String tool : TOOLS) {
      boolean found =
          Stream.of(path.split(File.pathSeparator))
              .anyMatch(dir -> !dir.isEmpty() && new File(dir, tool).canExecute());
      if (!found) {
        problems.add(
            tool
                + " is missing (apt-get install -y keepalived redis-server iproute2 iptables"
                + " iputils-arping)");
      }
    }
    return problems;
  }

  private static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      System.err.println("redisha bench: could not remove " + dir + ": " + e.getMessage());
    }
  }
}

package io.redisha.cli;

import io.redisha.bench.Benchmark;
import io.redisha.bench.Fault;
import io.redisha.bench.MeasurementOptions;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code redisha bench}: write gap per fault, redisha beside keepalived and Sentinel. */
@Command(
    name = "bench",
    synopsisHeading = "%nUsage: ",
    sortOptions = false,
    header = "write gap and lost writes per fault, redisha beside keepalived and Sentinel (root)",
    description = {
      "",
      "Runs the same faults against redisha, keepalived (classic and tuned) and Redis Sentinel on"
          + " the namespace lab, one system after another in the same run, then prints the tables"
          + " (write gap per fault and system, the ratio redisha / baseline, the footprint of each"
          + " idle daemon) and writes the files bench.json and bench.svg in the directory --out.",
      "",
      "Needs root and ip, iptables, redis-server, redis-cli, keepalived and arping; the launcher"
          + " script installs them."
    },
    optionListHeading = "%nOptions:%n",
    footerHeading = "%n",
    footer = {
      "Examples:",
      "  redisha bench --runs 3 --idle-seconds 0    faults only, 3 runs each",
      "  redisha bench --runs 0                     footprint only",
      "  redisha bench --quick                      CI smoke: 1 run per fault",
      "  redisha bench --lease-api-server CMD       every system, redisha-lease too",
      "",
      "Exit codes: 0 done; 1 redisha lost an acknowledged write a fault may not cost, a run did not"
          + " complete, the other group was disturbed, or the benchmark failed (never because of"
          + " a timing); 2 usage error or a missing prerequisite."
    })
final class BenchCommand implements Callable<Integer> {
  private final Streams streams;

  @Option(
      names = "--quick",
      description =
          "CI smoke mode: 1 run per fault against redisha and keepalived-classic, no footprint.")
  boolean quick;

  @Option(
      names = "--runs",
      paramLabel = "N",
      converter = Converters.WholeNumber.class,
      description =
          "Runs per fault and system, 0 (footprint only) to 1000. Default: 20; 1 with --quick.")
  Integer runs;

  @Option(
      names = "--systems",
      paramLabel = "LIST",
      split = ",",
      completionCandidates = SystemNames.class,
      description =
          "The systems, in order, from: ${COMPLETION-CANDIDATES}. Default: all;"
              + " redisha,keepalived-classic with --quick.")
  List<String> systems;

  @Option(
      names = "--faults",
      paramLabel = "LIST",
      split = ",",
      completionCandidates = FaultIds.class,
      description = "The faults, in order, from: ${COMPLETION-CANDIDATES}. Default: all.")
  List<String> faults;

  @Option(
      names = "--out",
      paramLabel = "DIR",
      defaultValue = "bench-results",
      description = "Where bench.json and bench.svg go. Default: ${DEFAULT-VALUE}.")
  Path out;

  @Option(
      names = "--idle-seconds",
      paramLabel = "S",
      converter = Converters.WholeNumber.class,
      description =
          "How long each daemon idles for the footprint, 0 (none) to 3600. Default: 60; 0 with"
              + " --quick.")
  Integer idleSeconds;

  @Option(
      names = "--clients",
      paramLabel = "LIST",
      description =
          "Client settings that see every fault, comma-separated: raw (20 ms connect timeout),"
              + " raw-1s (1 s connect timeout), lettuce (lettuce's defaults). Default: all; raw"
              + " with --quick.")
  String clients;

  @Option(
      names = "--runs-baselines",
      paramLabel = "N",
      description =
          "Runs per fault for keepalived and Sentinel when they should run fewer than redisha"
              + " (--runs). Default: --runs.")
  String runsBaselines;

  @Option(
      names = "--footprint-groups",
      paramLabel = "LIST",
      description = "Group counts the idle footprint is measured with. Default: 2,8,32.")
  String footprintGroups;

  @Option(
      names = "--footprint-daemons",
      paramLabel = "LIST",
      description =
          "The daemons the footprint measures, from: class-path, package, keepalived, sentinel."
              + " Default: all.")
  String footprintDaemons;

  @Option(
      names = "--agent-package",
      paramLabel = "DIR",
      description =
          "An installed package's runtime to measure beside the class-path agent. Default:"
              + " /usr/lib/redisha when installed.")
  String agentPackage;

  @Option(
      names = "--lease-api-server",
      paramLabel = "COMMAND",
      description =
          "The command line of a Kubernetes API server for the system redisha-lease (its agents"
              + " run with --kubernetes against it), started in a lab host of its own: it must"
              + " serve plain HTTP on 192.0.2.30:6443 and print 'listening on'. redisha ships"
              + " none; the tests' io.redisha.arbiter.MockApiServerMain (fabric8's mock server in"
              + " CRUD mode) is one, see README. Default: none, and redisha-lease is not run.")
  String leaseApiServer;

  @Option(
      names = "--work-dir",
      paramLabel = "DIR",
      description =
          "Keep the run's files here. Default: a temporary directory, removed at the end.")
  Path workDir;

  @Option(
      names = {"-h", "--help"},
      usageHelp = true,
      description = "Show this help.")
  boolean help;

  @Spec CommandSpec spec;

  BenchCommand(Streams streams) {
    this.streams = streams;
  }

  @Override
  public Integer call() throws Exception {
    if (runs != null && (runs < 0 || runs > Benchmark.Plan.MAX_RUNS)) {
      throw usage(
          "--runs: must be between 0 (footprint only) and "
              + Benchmark.Plan.MAX_RUNS
              + ", not "
              + runs);
    }
    if (idleSeconds != null && (idleSeconds < 0 || idleSeconds > Benchmark.Plan.MAX_IDLE_SECONDS)) {
      throw usage(
          "--idle-seconds: must be between 0 and "
              + Benchmark.Plan.MAX_IDLE_SECONDS
              + ", not "
              + idleSeconds);
    }
    List<String> apiServer = null;
    if (leaseApiServer != null) {
      if (leaseApiServer.isBlank()) {
        throw usage("--lease-api-server: give the command line of the API server, not nothing");
      }
      apiServer = List.of(leaseApiServer.strip().split("\\s+"));
    }
    if (systems != null) {
      try {
        Benchmark.systems(systems, apiServer);
      } catch (IllegalArgumentException e) {
        throw usage("--systems: " + e.getMessage());
      }
    }
    if (faults != null) {
      try {
        faults.forEach(id -> Fault.byId(id.strip()));
      } catch (IllegalArgumentException e) {
        throw usage("--faults: " + e.getMessage());
      }
    }
    Benchmark.Plan plan =
        Benchmark.Plan.of(quick, runs, systems, faults, out, idleSeconds, apiServer);
    Map<String, String> measurement = new HashMap<>();
    measurement.put("clients", clients);
    measurement.put("runs-baselines", runsBaselines);
    measurement.put("footprint-groups", footprintGroups);
    measurement.put("agent-package", agentPackage);
    measurement.put("footprint-daemons", footprintDaemons);
    MeasurementOptions measure;
    try {
      measure = MeasurementOptions.from(measurement::get, plan.quick(), plan.runs());
    } catch (IllegalArgumentException e) {
      throw usage(e.getMessage());
    }
    return Benchmark.run(plan, measure, workDir, streams.out(), streams.err());
  }

  /** The names {@code --systems} takes. */
  static final class SystemNames implements Iterable<String> {
    @Override
    public Iterator<String> iterator() {
      return Benchmark.systemNames().iterator();
    }
  }

  /** The ids {@code --faults} takes. */
  static final class FaultIds implements Iterable<String> {
    @Override
    public Iterator<String> iterator() {
      return Fault.ids(List.of(Fault.values())).iterator();
    }
  }

  private ParameterException usage(String message) {
    return new ParameterException(spec.commandLine(), message);
  }
}

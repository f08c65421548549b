package io.redisha.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.redisha.lab.PairLab;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Measures what an HA daemon costs on an idle pair: resident memory and CPU of all its processes
 * (read from {@code /proc}), and for the agent, the start-up time of each JVM setting.
 */
final class Footprint {
  /** Clock ticks per second of {@code /proc/<pid>/stat} times (USER_HZ, 100 on Linux). */
  private static final double TICKS_PER_SECOND = 100.0;

  private final Path workDir;
  private final Duration idle;
  private final PrintStream out;

  Footprint(Path workDir, Duration idle, PrintStream out) {
    this.workDir = workDir;
    this.idle = idle;
    this.out = out;
  }

  /** CPU ticks (own and reaped children) and resident KiB of a process tree. */
  record Usage(long ticks, long rssKib) {}

  static Usage usage(List<ProcessHandle> roots) {
    Map<Long, ProcessHandle> all = new LinkedHashMap<>();
    for (ProcessHandle root : roots) {
      all.put(root.pid(), root);
      root.descendants().forEach(d -> all.put(d.pid(), d));
    }
    long ticks = 0;
    long rss = 0;
    for (long pid : all.keySet()) {
      try {
        ticks += cpuTicks(Files.readString(Path.of("/proc", Long.toString(pid), "stat")));
        rss += rssKib(Files.readString(Path.of("/proc", Long.toString(pid), "status")));
      } catch (IOException e) {
        // the process ended between listing and reading: it no longer costs anything
      }
    }
    return new Usage(ticks, rss);
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
    for (String line : status.split("\n")) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.substring(6).strip().split("\\s+")[0]);
      }
    }
    return 0;
  }

  /** Measures {@code processes} over the idle window. */
  FootprintRow idle(
      String daemon,
      String settings,
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
    return new FootprintRow(daemon, settings, end.rssKib(), cpu, startupMillis, note);
  }

  /** Runs every agent JVM variant on a fresh pair and measures the agent of vm-a. */
  List<FootprintRow> agents(List<AgentJvm.Variant> variants) throws Exception {
    List<FootprintRow> rows = new ArrayList<>();
    Path dir = workDir.resolve("footprint-redisha");
    try (PairLab lab =
        PairLab.create(dir, PairLab.DEFAULT_GROUPS, "splitBrainProtection: None\n")) {
      Path cache = dir.resolve("agent.aot").toAbsolutePath();
      for (AgentJvm.Variant variant : variants) {
        String note = "";
        List<String> options = variant.resolved(cache);
        if (variant.needsAotCache()) {
          note = train(lab, variant, cache);
          if (!Files.exists(cache)) {
            rows.add(new FootprintRow("redisha agent", variant.name(), 0, 0, -1, note));
            continue;
          }
        }
        out.printf("  footprint: agent %s (%s)%n", variant.name(), variant.added());
        long t0 = System.nanoTime();
        Process a =
            AgentJvm.start(
                lab, PairLab.VM_A, options, dir.resolve("agent-a-" + variant.name() + ".log"));
        Process b =
            AgentJvm.start(
                lab, PairLab.VM_B, options, dir.resolve("agent-b-" + variant.name() + ".log"));
        try {
          long startup = awaitStates(lab, PairLab.VM_A, t0, Duration.ofSeconds(60));
          new PairProbe(lab).awaitSettled(Duration.ofSeconds(30));
          Thread.sleep(5000);
          rows.add(
              idle(
                  "redisha agent",
                  variant.name() + ": " + variant.added(),
                  () -> List.of(a.toHandle()),
                  startup,
                  note));
        } finally {
          stop(a);
          stop(b);
        }
      }
    }
    return rows;
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

  /** Runs a baseline system on a fresh pair and measures its daemon on vm-a. */
  FootprintRow baseline(SystemUnderTest system, String daemon) throws Exception {
    out.printf("  footprint: %s%n", system.name());
    Path dir = workDir.resolve("footprint-" + system.name());
    try (PairLab lab = PairLab.create(dir, PairLab.DEFAULT_GROUPS, "")) {
      system.start(lab, dir);
      new PairProbe(lab).awaitSettled(Duration.ofSeconds(30));
      Thread.sleep(5000);
      return idle(daemon, system.description(), () -> system.daemonProcesses(PairLab.VM_A), -1, "");
    }
  }
}

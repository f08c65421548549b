package io.redisha.agent;

import io.redisha.lab.PairLab;
import io.redisha.lab.VipWriter;
import io.redisha.pair.PairFile;
import io.redisha.pair.PairSettings;
import io.redisha.pair.PairValidation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * A lab pair (real Redis, agents as processes, started from the pair file) with a writer through
 * each VIP every 2 ms and a {@link VipHolderSampler}, for the fault ITs of the agent: they do one
 * fault, collect what a user would check (who holds each VIP when, what the isolated Redis answers,
 * which acknowledged writes are gone), print the figures, and only then assert.
 */
final class FaultLab implements AutoCloseable {
  final PairLab lab;
  final Map<String, VipWriter> writers = new LinkedHashMap<>();
  VipHolderSampler holders;

  /** What went wrong, collected so every figure is printed before the test fails. */
  final List<String> problems = new ArrayList<>();

  /** Measured figures, printed at the end. */
  final List<String> figures = new ArrayList<>();

  private FaultLab(PairLab lab) {
    this.lab = lab;
  }

  /** Creates the lab, boots both agents, waits until every group settled, starts the writers. */
  static FaultLab boot(Path dir) throws Exception {
    FaultLab fault = new FaultLab(PairLab.create(dir, PairLab.DEFAULT_GROUPS, ""));
    try {
      fault.holders = new VipHolderSampler(fault.lab);
      fault.lab.startAgents();
      if (!fault.awaitSettledWithSoleHolders(Duration.ofSeconds(30))) {
        throw new IllegalStateException("the pair did not settle at boot: " + fault.lab.view());
      }
      for (PairLab.Group group : fault.lab.groups()) {
        fault.writers.put(
            group.name(),
            new VipWriter(
                    fault.lab.network(),
                    PairLab.CLIENT,
                    group.vip(),
                    group.port(),
                    "it:" + group.name(),
                    2)
                .start());
      }
      Thread.sleep(2000);
      return fault;
    } catch (Exception | Error e) {
      fault.close();
      throw e;
    }
  }

  /** Every group settled (one master, the other a replica) and its VIP on its master alone. */
  boolean settledWithSoleHolders() {
    for (PairLab.GroupView view : lab.view().values()) {
      if (!view.settled() || !holders.holders(view.group()).equals(List.of(view.master()))) {
        return false;
      }
    }
    return true;
  }

  boolean awaitSettledWithSoleHolders(Duration timeout) {
    return waitFor(this::settledWithSoleHolders, timeout);
  }

  static boolean waitFor(BooleanSupplier done, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (done.getAsBoolean()) {
        return true;
      }
      sleep(20);
    }
    return done.getAsBoolean();
  }

  /**
   * The survivor's Master_Down_Interval for {@code group}: 3 adverts and its Skew_Time, from the
   * pair file as the agent reads it.
   */
  Duration masterDown(String host, String group) throws Exception {
    PairSettings settings =
        PairValidation.resolve(PairFile.load(lab.pairFile()), host, lab.pairFile().toString());
    long intervalMillis = settings.vrrp().intervalCentis() * 10L;
    int priority = settings.group(group).priority();
    return Duration.ofMillis(3 * intervalMillis + (256 - priority) * intervalMillis / 256);
  }

  /**
   * A {@code SET} on the Redis of {@code host}:{@code port} from inside that host (given up after
   * half a second), then a {@code GET} of the key: whether the write was taken, and what was seen.
   */
  record Probe(boolean written, String text) {}

  Probe probeWrite(String host, int port) {
    String key = "probe:" + host + ":" + port;
    String value = Long.toString(System.nanoTime());
    String set = redisCli(host, port, "SET", key, value);
    String get = redisCli(host, port, "GET", key);
    return new Probe(
        set.equals("OK") || get.equals(value),
        "SET "
            + (set.isEmpty() ? "unanswered" : set)
            + ", then GET "
            + (get.isEmpty() ? "nil" : get));
  }

  private String redisCli(String host, int port, String... command) {
    List<String> full =
        new ArrayList<>(List.of("timeout", "0.5", "redis-cli", "-p", Integer.toString(port)));
    full.addAll(List.of(command));
    return lab.network().exec(host, full.toArray(String[]::new)).output().strip();
  }

  /** Acknowledged writes of the whole run that cannot be read back through the VIP now. */
  long lost(String group) throws Exception {
    VipWriter writer = writers.get(group);
    return writer.lostSequences(writer.ackedSequences(0, Long.MAX_VALUE)).length;
  }

  /** Writes acknowledged in {@code [from, to]} that cannot be read back through the VIP now. */
  long lost(String group, long from, long to) throws Exception {
    VipWriter writer = writers.get(group);
    return writer.lostSequences(writer.ackedSequences(from, to)).length;
  }

  /** The longest time without an acknowledged write of {@code group} in the window. */
  long gapMillis(String group, long from, long to) {
    return writers.get(group).window(from, to).longestGapMillis();
  }

  void figure(String text) {
    figures.add(text);
  }

  void problem(String text) {
    problems.add(text);
  }

  static long millis(long nanos) {
    return nanos < 0 ? -1 : nanos / 1_000_000;
  }

  /** The lines of an agent's log that say what happened, for the printed report. */
  String logExcerpt(String host, String... marks) throws Exception {
    Path log = lab.agentLog(host);
    if (!Files.exists(log)) {
      return "";
    }
    StringBuilder text = new StringBuilder();
    for (String line : Files.readAllLines(log)) {
      for (String mark : marks) {
        if (line.contains(mark)) {
          text.append("    ").append(host).append(": ").append(line).append('\n');
          break;
        }
      }
    }
    return text.toString();
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** Prints the figures and problems. */
  void print(String title) {
    System.out.println("==== " + title);
    figures.forEach(f -> System.out.println("  " + f));
    problems.forEach(p -> System.out.println("  PROBLEM: " + p));
  }

  @Override
  public void close() throws Exception {
    try {
      for (VipWriter writer : writers.values()) {
        writer.close();
      }
      if (holders != null) {
        holders.close();
      }
    } finally {
      lab.close();
    }
  }
}

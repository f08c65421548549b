package io.redisha.lab;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The lab behind {@code redisha lab}: two simulated hosts and a client in network namespaces, real
 * Redis servers, the agents, a writer through each VIP, and the failure scenarios one after another
 * with their write gaps and lost writes. With protection Etcd (the default) the arbiter is a real
 * three-member etcd cluster, one member per namespace, as a pair on VMs would use one.
 */
public final class LabSession {
  private static final List<String> TOOLS = List.of("ip", "iptables", "redis-server", "redis-cli");
  private static final List<String> ETCD_TOOLS = List.of("etcd", "etcdctl");

  /** The scenarios the lab runs by default, in this order. */
  public static final List<String> SCENARIOS = List.of("kill", "cut", "pair-cut", "empty", "stop");

  /**
   * The faults of issue 13, run only when named: the link of the master's host down ({@code
   * link-down}) or its carrier lost ({@code carrier}), its agent killed and restarted 3 s later
   * ({@code crash}) or stopped 5 s ({@code stall}), the pair link dropping 30 % each way for 10 s
   * ({@code lossy}), the master's Redis restarted empty at 0 ms ({@code empty-now}).
   */
  public static final List<String> FAULT_SCENARIOS =
      List.of("link-down", "carrier", "crash", "stall", "lossy", "empty-now");

  /** Every scenario the lab knows. */
  public static final List<String> KNOWN_SCENARIOS = concat(SCENARIOS, FAULT_SCENARIOS);

  /**
   * The split-brain protections the lab can run: Etcd, with its own etcd cluster, or None. (The lab
   * has no Kubernetes API for Lease.)
   */
  public static final List<String> PROTECTIONS = List.of("Etcd", "None");

  public static final String DEFAULT_PROTECTION = "Etcd";

  /** The lab's etcd members, each a host of its own on the lab's bridge. */
  static final Map<String, String> ETCD_MEMBERS = etcdMembers();

  /** How long the pair-cut scenario cuts the link between the hosts. */
  static final Duration PAIR_CUT = Duration.ofSeconds(5);

  private static Map<String, String> etcdMembers() {
    Map<String, String> members = new LinkedHashMap<>();
    members.put("etcd-1", "192.0.2.31");
    members.put("etcd-2", "192.0.2.32");
    members.put("etcd-3", "192.0.2.33");
    return Map.copyOf(members);
  }

  /** The lab's three etcd members, each in a host of its own on {@code lab}'s bridge. */
  public static EtcdCluster startEtcd(PairLab lab, Path dir) {
    Map<String, String> hosts = new LinkedHashMap<>();
    for (String member : List.of("etcd-1", "etcd-2", "etcd-3")) {
      hosts.put(member, ETCD_MEMBERS.get(member));
    }
    return EtcdCluster.start(lab.network(), dir, hosts, PairLab.CLIENT);
  }

  /** The pair file's protection lines for {@code protection}. */
  public static String protectionYaml(String protection) {
    if (!protection.equals("Etcd")) {
      return "splitBrainProtection: " + protection + "\n";
    }
    List<String> urls = new ArrayList<>();
    for (String member : List.of("etcd-1", "etcd-2", "etcd-3")) {
      urls.add("'http://" + ETCD_MEMBERS.get(member) + ":2379'");
    }
    return "splitBrainProtection: Etcd\netcd: {endpoints: [" + String.join(", ", urls) + "]}\n";
  }

  /**
   * What to run.
   *
   * @param protection one of {@link #PROTECTIONS}
   * @param workDir where the lab's files go; null for a new temporary directory
   * @param scenarios names from {@link #SCENARIOS}, in the order to run them
   * @param saveLogs where to copy the agents' and Redis servers' logs at the end; null for nowhere
   * @param keep leave the lab up after the scenarios until the process is stopped
   */
  public record Options(
      String protection, Path workDir, List<String> scenarios, Path saveLogs, boolean keep) {
    public Options {
      if (!PROTECTIONS.contains(protection)) {
        throw new IllegalArgumentException(
            "protection must be one of " + PROTECTIONS + ", not '" + protection + "'");
      }
      for (String scenario : scenarios) {
        if (!KNOWN_SCENARIOS.contains(scenario)) {
          throw new IllegalArgumentException(
              "unknown scenario '" + scenario + "'; known: " + String.join(",", KNOWN_SCENARIOS));
        }
      }
      scenarios = List.copyOf(scenarios);
    }
  }

  private LabSession() {}

  private static List<String> concat(List<String> first, List<String> second) {
    List<String> all = new ArrayList<>(first);
    all.addAll(second);
    return List.copyOf(all);
  }

  /**
   * Builds the lab, runs the scenarios and removes everything; returns 0 when every scenario
   * passed, 1 when one failed or the lab broke, 2 when a prerequisite is missing.
   */
  public static int run(Options options, PrintStream out, PrintStream err) throws Exception {
    String protection = options.protection();
    List<String> problems = missingPrerequisites(protection);
    if (!problems.isEmpty()) {
      err.println("redisha lab: cannot build the lab: " + String.join("; ", problems));
      return 2;
    }
    List<String> stale = LabNetwork.removeStale();
    if (!stale.isEmpty()) {
      out.println("removed namespaces left by an earlier lab that was killed: " + stale);
    }
    Path workDir =
        options.workDir() != null ? options.workDir() : Files.createTempDirectory("redisha-lab-");
    out.println(
        """
        redisha lab: two hosts (vm-a 192.0.2.11, vm-b 192.0.2.12) and a client (192.0.2.20) in
        network namespaces on a bridge; Redis on ports 6379 (group a, VIP 192.0.2.100) and 6389
        (group b, VIP 192.0.2.101) on both hosts; one agent per host; the client writes through
        each VIP every 2 ms. Split-brain protection: %s. Work files: %s
        """
            .formatted(
                protection
                    + (protection.equals("Etcd")
                        ? " (a three-member etcd cluster: etcd-1..3 at 192.0.2.31-33)"
                        : ""),
                workDir));
    PairLab lab = null;
    EtcdCluster etcd = null;
    Thread cleanup = null;
    try {
      lab = PairLab.create(workDir, PairLab.DEFAULT_GROUPS, protectionYaml(protection));
      if (protection.equals("Etcd")) {
        long started = System.nanoTime();
        etcd = startEtcd(lab, workDir.resolve("etcd"));
        out.printf(
            "etcd cluster up in %d ms: %s, leader %s%n",
            (System.nanoTime() - started) / 1_000_000, etcd.endpoints(), etcd.leader().name());
      }
      PairLab built = lab;
      EtcdCluster builtEtcd = etcd;
      cleanup =
          new Thread(
              () -> {
                out.println("\nstopping: removing the lab");
                if (builtEtcd != null) {
                  builtEtcd.close();
                }
                built.close();
                deleteTree(workDir);
                out.println("lab removed: namespaces, processes and " + workDir);
              });
      Runtime.getRuntime().addShutdownHook(cleanup);
      List<String> scenarios = options.scenarios();
      // With an arbiter the pair-cut scenario runs twice: once with it, once with None beside it.
      int steps =
          scenarios.size()
              + 1
              + (scenarios.contains("pair-cut") && !protection.equals("None") ? 1 : 0);
      LabRun run = new LabRun(lab, out, steps);
      run.simultaneousBoot();
      for (String scenario : scenarios) {
        switch (scenario) {
          case "kill" -> run.killRedisMaster("a");
          case "cut" -> run.cutMasterHost("a");
          case "pair-cut" -> pairCut(lab, run, protection, out);
          case "empty" -> run.restartRedisMasterEmpty("a");
          case "stop" -> run.stopMasterAgent("a");
          case "link-down" -> run.linkDown("a", false);
          case "carrier" -> run.linkDown("a", true);
          case "crash" -> run.agentCrash("a");
          case "stall" -> run.agentStall("a");
          case "lossy" -> run.lossyPairLink();
          case "empty-now" -> run.restartRedisMasterEmptyAtOnce("a");
          default -> throw new IllegalStateException("unknown scenario " + scenario);
        }
      }
      out.printf("%nsummary%n%s", run.table());
      boolean passed = run.allPassed();
      if (!passed) {
        for (String host : List.of(PairLab.VM_A, PairLab.VM_B)) {
          out.println("\nlast lines of the agent log of " + host + ":");
          tail(lab.agentLog(host), 30).forEach(line -> out.println("  " + line));
        }
      }
      if (options.keep()) {
        out.println(
            """

            The lab stays up until you press Ctrl-C. Try:
              ip netns exec %s redis-cli -h 192.0.2.100 info replication
              ip netns exec %s curl -s localhost:9736/status
              ip netns exec %s ip -4 addr show dev eth0
            """
                .formatted(
                    lab.network().namespace(PairLab.CLIENT),
                    lab.network().namespace(PairLab.VM_A),
                    lab.network().namespace(PairLab.VM_B)));
        while (true) {
          Thread.sleep(5000);
          out.println("  " + lab.view().values());
        }
      }
      run.stopWriters();
      out.println(passed ? "\nall scenarios passed" : "\nsome scenarios FAILED");
      return passed ? 0 : 1;
    } catch (Exception e) {
      err.println("redisha lab: " + e.getMessage());
      return 1;
    } finally {
      if (cleanup != null) {
        Runtime.getRuntime().removeShutdownHook(cleanup);
      }
      if (etcd != null) {
        etcd.close();
      }
      if (lab != null) {
        lab.close();
      }
      if (options.saveLogs() != null) {
        saveLogs(workDir, options.saveLogs(), out, err);
      }
      deleteTree(workDir);
      out.println("lab removed: namespaces, processes and " + workDir);
    }
  }

  /**
   * The pair-link cut with the lab's protection; with Etcd, then the same cut with None beside it
   * (the agents reload the pair file), and back to Etcd for the scenarios that follow.
   */
  private static void pairCut(PairLab lab, LabRun run, String protection, PrintStream out)
      throws Exception {
    run.cutPairLink(protection, PAIR_CUT, !protection.equals("None"));
    if (protection.equals("None")) {
      return;
    }
    switchProtection(lab, "None", out);
    run.cutPairLink("None", PAIR_CUT, false);
    switchProtection(lab, protection, out);
  }

  /** Rewrites the pair file and waits until both agents run every group with {@code protection}. */
  private static void switchProtection(PairLab lab, String protection, PrintStream out)
      throws Exception {
    out.println("      pair file: splitBrainProtection " + protection + " (the agents reload it)");
    lab.rewritePairFile(protectionYaml(protection));
    String prefix = protection.equals("Etcd") ? "etcd " : protection;
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      boolean switched = true;
      for (String host : List.of(PairLab.VM_A, PairLab.VM_B)) {
        for (PairLab.Group group : lab.groups()) {
          String now = lab.protection(host, group.name());
          switched &= now != null && now.startsWith(prefix);
        }
      }
      if (switched && lab.awaitSettled(Duration.ofSeconds(20))) {
        PairLab.sleep(1000);
        return;
      }
      PairLab.sleep(200);
    }
    throw new IllegalStateException("the agents did not switch to protection " + protection);
  }

  static List<String> missingPrerequisites(String protection) {
    List<String> problems = new ArrayList<>();
    if (!"root".equals(System.getProperty("user.name"))) {
      problems.add("must run as root (network namespaces, raw sockets): sudo ./redisha lab");
    }
    String path = System.getenv().getOrDefault("PATH", "") + ":/usr/sbin:/sbin";
    for (String tool : TOOLS) {
      boolean found =
          Stream.of(path.split(File.pathSeparator))
              .anyMatch(dir -> !dir.isEmpty() && new File(dir, tool).canExecute());
      if (!found) {
        problems.add(tool + " is missing (apt-get install -y redis-server iproute2 iptables)");
      }
    }
    if (protection.equals("Etcd")) {
      for (String tool : ETCD_TOOLS) {
        boolean found =
            Stream.of(path.split(File.pathSeparator))
                .anyMatch(dir -> !dir.isEmpty() && new File(dir, tool).canExecute());
        if (!found) {
          problems.add(
              tool
                  + " is missing (apt-get install -y etcd-server etcd-client, or --protection"
                  + " None)");
        }
      }
    }
    return problems;
  }

  /** Copies the agents' and Redis servers' logs before the work directory goes. */
  private static void saveLogs(Path workDir, Path target, PrintStream out, PrintStream err) {
    try (Stream<Path> files = Files.list(workDir)) {
      Files.createDirectories(target);
      for (Path log : files.filter(f -> f.toString().endsWith(".log")).toList()) {
        Files.copy(log, target.resolve(log.getFileName()), StandardCopyOption.REPLACE_EXISTING);
      }
      out.println("logs saved in " + target);
    } catch (IOException e) {
      err.println("redisha lab: could not save logs: " + e.getMessage());
    }
  }

  private static List<String> tail(Path file, int lines) {
    try {
      List<String> all = Files.readAllLines(file);
      return all.subList(Math.max(0, all.size() - lines), all.size());
    } catch (IOException e) {
      return List.of("(no log: " + e.getMessage() + ")");
    }
  }

  static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      System.err.println("redisha lab: could not remove " + dir + ": " + e.getMessage());
    }
  }
}

package io.redisha.cli;

import io.redisha.lab.LabSession;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code redisha lab}: the namespace lab and its failure scenarios. */
@Command(
    name = "lab",
    synopsisHeading = "%nUsage: ",
    sortOptions = false,
    header = "build two simulated hosts in network namespaces and run failovers (root)",
    description = {
      "",
      "Builds two hosts (vm-a 192.0.2.11, vm-b 192.0.2.12) and a client (192.0.2.20) in network"
          + " namespaces on a bridge, real Redis servers on ports 6379 (group a, VIP 192.0.2.100)"
          + " and 6389 (group b, VIP 192.0.2.101) on both hosts, one agent per host and a client"
          + " writing through each VIP every 2 ms. Then runs the scenarios one after another and"
          + " prints each one's write gap and lost writes. Removes everything it made at the end,"
          + " on Ctrl-C and on any error.",
      "",
      "With protection Etcd (the default) a three-member etcd cluster runs in three more"
          + " namespaces (etcd-1..3, 192.0.2.31-33) as the pair's arbiter.",
      "",
      "Needs root and ip, iptables, redis-server and redis-cli, and etcd and etcdctl for Etcd;"
          + " the launcher script installs them."
    },
    optionListHeading = "%nOptions:%n",
    footerHeading = "%n",
    footer = {
      "Scenarios: kill (the Redis master of group a is killed, comes back empty), cut (the master"
          + " host's link is cut for 3 s), pair-cut (only the link between the hosts is cut for 5"
          + " s; with Etcd, then again with None beside it), empty (the master's Redis restarts"
          + " empty at once), stop (the master's agent gets SIGTERM and starts again).",
      "",
      "Fault scenarios, run only when named: link-down (ip link set eth0 down on the master's"
          + " host), carrier (its carrier lost), crash (its agent SIGKILLed, started again 3 s"
          + " later), stall (its agent SIGSTOPped 5 s), lossy (the pair link drops 30 %% each way"
          + " for 10 s), empty-now (the master's Redis restarted empty at 0 ms).",
      "",
      "Exit codes: 0 every scenario passed; 1 one failed or the lab broke; 2 usage error or a"
          + " missing prerequisite."
    })
final class LabCommand implements Callable<Integer> {
  private final Streams streams;

  @Option(
      names = "--protection",
      paramLabel = "MODE",
      defaultValue = LabSession.DEFAULT_PROTECTION,
      description =
          "splitBrainProtection of the lab's pair: Etcd (its own three-member etcd cluster) or"
              + " None. Default: ${DEFAULT-VALUE}.")
  String protection;

  @Option(
      names = {"--scenarios", "--scenario"},
      paramLabel = "LIST",
      split = ",",
      description =
          "The scenarios to run after the boot, in order (any of those below). Default:"
              + " kill,cut,pair-cut,empty,stop.")
  List<String> scenarios;

  @Option(
      names = "--keep",
      description = "Leave the lab up after the scenarios until Ctrl-C, for poking at it.")
  boolean keep;

  @Option(
      names = "--work-dir",
      paramLabel = "DIR",
      description = "Where the lab's files go (removed at the end). Default: a new temporary one.")
  Path workDir;

  @Option(
      names = "--save-logs",
      paramLabel = "DIR",
      description = "Copy the agents' and Redis servers' logs here before removing the lab.")
  Path saveLogs;

  @Option(
      names = {"-h", "--help"},
      usageHelp = true,
      description = "Show this help.")
  boolean help;

  @Spec CommandSpec spec;

  LabCommand(Streams streams) {
    this.streams = streams;
  }

  @Override
  public Integer call() throws Exception {
    if (!LabSession.PROTECTIONS.contains(protection)) {
      throw new ParameterException(
          spec.commandLine(),
          "--protection: must be "
              + String.join(" or ", LabSession.PROTECTIONS)
              + ", not '"
              + protection
              + "'");
    }
    List<String> chosen =
        scenarios == null ? LabSession.SCENARIOS : scenarios.stream().map(String::strip).toList();
    for (String scenario : chosen) {
      if (!LabSession.KNOWN_SCENARIOS.contains(scenario)) {
        throw new ParameterException(
            spec.commandLine(),
            "--scenarios: unknown scenario '"
                + scenario
                + "'; known: "
                + String.join(",", LabSession.KNOWN_SCENARIOS));
      }
    }
    return LabSession.run(
        new LabSession.Options(protection, workDir, chosen, saveLogs, keep),
        streams.out(),
        streams.err());
  }
}

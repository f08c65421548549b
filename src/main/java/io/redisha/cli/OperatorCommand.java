package io.redisha.cli;

import io.redisha.operator.AgentSettings;
import io.redisha.operator.OperatorProcess;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code redisha operator}: the Kubernetes operator, until the process is stopped. */
@Command(
    name = "operator",
    synopsisHeading = "%nUsage: ",
    sortOptions = false,
    header = "run the Kubernetes operator",
    description = {
      "",
      "Reconciles every RedisHAPair (or those of --namespaces): one agent DaemonSet pinned to the"
          + " pair's two nodes, its ServiceAccount, RBAC and ConfigMap, and the resource's status"
          + " from the agents' reports. Several replicas may run; a Lease elects the one that"
          + " reconciles."
    },
    optionListHeading = "%nOptions:%n",
    footerHeading = "%n",
    footer = {
      "HTTP endpoint: /healthz/live and /healthz/ready (the framework's health), /metrics"
          + " (Prometheus).",
      "",
      "Exit codes: 0 stopped; 1 failed; 2 usage error."
    })
public final class OperatorCommand implements Callable<Integer> {
  @Option(
      names = "--http-port",
      paramLabel = "N",
      defaultValue = "8080",
      converter = Converters.PortOrAny.class,
      description =
          "Port of health and metrics, 0 (any free port) to 65535. Default: ${DEFAULT-VALUE}.")
  int httpPort;

  @Option(
      names = "--namespaces",
      paramLabel = "a,b",
      description = "Watch only these namespaces. Default: all.")
  String namespaces;

  @Option(
      names = "--agent-image",
      paramLabel = "IMAGE",
      description =
          "Image of the agent DaemonSets. Default: $REDISHA_AGENT_IMAGE, else "
              + AgentSettings.DEFAULT_IMAGE
              + ".")
  String agentImage;

  @Option(
      names = "--admin-config",
      paramLabel = "FILE",
      description =
          "The cluster admin's configuration: the hooks pairs may name (hooks) and the agents'"
              + " tolerations (agentTolerations). Default: none.")
  Path adminConfig;

  @Option(
      names = "--leader-election-namespace",
      paramLabel = "NS",
      description = "Where the election Lease lives. Default: $POD_NAMESPACE.")
  String leaderElectionNamespace;

  @Option(
      names = "--no-leader-election",
      description = "Reconcile without electing a leader (one replica only).")
  boolean noLeaderElection;

  @Option(
      names = {"-h", "--help"},
      usageHelp = true,
      description = "Show this help.")
  boolean help;

  @Spec CommandSpec spec;

  /** Parses operator options; throws {@link IllegalArgumentException} naming the bad option. */
  public static OperatorProcess.Options parse(String[] args) {
    OperatorCommand command = new OperatorCommand();
    CommandLine line = new CommandLine(command);
    try {
      line.parseArgs(args);
      return command.options();
    } catch (ParameterException e) {
      throw new IllegalArgumentException(UsageErrors.describe(e), e);
    }
  }

  OperatorProcess.Options options() {
    Set<String> watched = new LinkedHashSet<>();
    if (namespaces != null) {
      Arrays.stream(namespaces.split(","))
          .map(String::trim)
          .filter(s -> !s.isEmpty())
          .forEach(watched::add);
    }
    String namespace =
        leaderElectionNamespace != null ? leaderElectionNamespace : System.getenv("POD_NAMESPACE");
    boolean election = !noLeaderElection;
    if (election && (namespace == null || namespace.isBlank())) {
      throw new ParameterException(
          spec.commandLine(),
          "--leader-election-namespace: not set and $POD_NAMESPACE is empty"
              + " (or run one replica with --no-leader-election)");
    }
    return new OperatorProcess.Options(
        httpPort,
        watched,
        agentImage != null ? agentImage : OperatorProcess.defaultAgentImage(),
        namespace,
        election,
        adminConfig);
  }

  @Override
  public Integer call() throws Exception {
    if (OperatorCommand.class.getClassLoader().getResource(OPERATOR_FRAMEWORK) == null) {
      // The Debian package carries the node agent only, without the operator's libraries.
      throw new IllegalStateException(
          "this installation has no operator (the Debian package carries the agent only); run"
              + " the operator from the container image or the Helm chart");
    }
    return OperatorProcess.run(options());
  }

  /** A class file of java-operator-sdk, there when the operator's libraries are. */
  private static final String OPERATOR_FRAMEWORK = "io/javaoperatorsdk/operator/Operator.class";
}

package io.redisha.operator;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.redisha.pair.InvalidPairException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

/**
 * {@code redisha operator}: runs the operator until the process is stopped. Several replicas may
 * run; a Lease elects the one that reconciles.
 */
public final class OperatorCommand {
  private OperatorCommand() {}

  static final String USAGE =
      """
      usage: redisha operator [options]

        --http-port N              health (/healthz/live, /healthz/ready) and /metrics; default 8080
        --namespaces a,b           watch only these namespaces; default all
        --agent-image IMAGE        image of the agent DaemonSets; default $REDISHA_AGENT_IMAGE or %s
        --admin-config FILE        the cluster admin's configuration: the hooks pairs may name
                                   (hooks), the agents' tolerations (agentTolerations); default none
        --leader-election-namespace NS   where the election Lease lives; default $POD_NAMESPACE
        --no-leader-election       reconcile without electing a leader (one replica only)
      """
          .formatted(AgentSettings.DEFAULT_IMAGE);

  /** Options of the command. */
  record Options(
      int httpPort,
      Set<String> namespaces,
      String agentImage,
      String leaderElectionNamespace,
      boolean leaderElection,
      Path adminConfig) {}

  /** Parses the arguments; throws {@link IllegalArgumentException} naming the bad option. */
  static Options parse(String[] args) {
    int port = 8080;
    Set<String> namespaces = new LinkedHashSet<>();
    String image = AgentSettings.fromEnvironment().image();
    String leNamespace = System.getenv("POD_NAMESPACE");
    boolean election = true;
    Path adminConfig = null;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      switch (arg) {
        case "--http-port" -> {
          String v = value(args, ++i, arg);
          try {
            port = Integer.parseInt(v);
          } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--http-port: not a number: " + v);
          }
          if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("--http-port: must be 0 to 65535, not " + port);
          }
        }
        case "--namespaces" ->
            Arrays.stream(value(args, ++i, arg).split(","))
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .forEach(namespaces::add);
        case "--agent-image" -> image = value(args, ++i, arg);
        case "--leader-election-namespace" -> leNamespace = value(args, ++i, arg);
        case "--no-leader-election" -> election = false;
        case "--admin-config" -> adminConfig = Path.of(value(args, ++i, arg));
        default -> throw new IllegalArgumentException("unknown option " + arg);
      }
    }
    if (election && (leNamespace == null || leNamespace.isBlank())) {
      throw new IllegalArgumentException(
          "--leader-election-namespace: not set and $POD_NAMESPACE is empty"
              + " (or run one replica with --no-leader-election)");
    }
    return new Options(port, namespaces, image, leNamespace, election, adminConfig);
  }

  private static String value(String[] args, int i, String option) {
    if (i >= args.length || args[i].startsWith("--")) {
      throw new IllegalArgumentException(option + ": missing value");
    }
    return args[i];
  }

  /** Runs the operator; returns only on a usage error or when interrupted. */
  public static int run(String[] args) throws IOException, InterruptedException {
    if (Arrays.asList(args).contains("--help") || Arrays.asList(args).contains("-h")) {
      System.out.print(USAGE);
      return 0;
    }
    Options options;
    try {
      options = parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("redisha operator: " + e.getMessage());
      System.err.print(USAGE);
      return 2;
    }
    OperatorConfig config;
    try {
      config =
          options.adminConfig() == null
              ? OperatorConfig.EMPTY
              : OperatorConfig.load(options.adminConfig());
    } catch (InvalidPairException e) {
      System.err.println("redisha operator: --admin-config " + e.getMessage());
      return 2;
    }
    KubernetesClient client = new KubernetesClientBuilder().build();
    OperatorMetrics metrics = new OperatorMetrics();
    Operator operator =
        new Operator(
            o -> {
              o.withKubernetesClient(client);
              if (options.leaderElection()) {
                o.withLeaderElectionConfiguration(
                    new LeaderElectionConfiguration(
                        "redisha-operator", options.leaderElectionNamespace()));
              }
            });
    RedisHAPairReconciler reconciler =
        new RedisHAPairReconciler(
            AgentSettings.defaults(options.agentImage()), config, Clock.systemUTC(), true, metrics);
    if (options.namespaces().isEmpty()) {
      operator.register(reconciler);
    } else {
      operator.register(reconciler, o -> o.settingNamespaces(options.namespaces()));
    }
    CountDownLatch stopped = new CountDownLatch(1);
    try (OperatorHttpServer http =
        new OperatorHttpServer(
            options.httpPort(),
            () -> operator.getRuntimeInfo().allEventSourcesAreHealthy(),
            () -> operator.getRuntimeInfo().allEventSourcesAreHealthy(),
            metrics::render)) {
      Runtime.getRuntime()
          .addShutdownHook(
              Thread.ofPlatform()
                  .unstarted(
                      () -> {
                        operator.stop();
                        stopped.countDown();
                      }));
      operator.start();
      System.err.println(
          "redisha operator: running, http on :"
              + http.port()
              + (options.leaderElection()
                  ? ", leader election in " + options.leaderElectionNamespace()
                  : ", no leader election")
              + (options.namespaces().isEmpty()
                  ? ", all namespaces"
                  : ", namespaces " + String.join(",", options.namespaces()))
              + ", hooks "
              + (config.hooks().names().isEmpty()
                  ? "none"
                  : String.join(",", config.hooks().names())));
      stopped.await();
    }
    return 0;
  }
}

package io.redisha.operator;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.redisha.pair.InvalidPairException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

/**
 * The operator process behind {@code redisha operator}: runs until the process is stopped. Several
 * replicas may run; a Lease elects the one that reconciles.
 */
public final class OperatorProcess {
  private OperatorProcess() {}

  /**
   * What to run.
   *
   * @param httpPort port of health and metrics, 0 to 65535 (0: any free port)
   * @param namespaces the namespaces to watch; empty for all
   * @param agentImage image of the agent DaemonSets
   * @param leaderElectionNamespace where the election Lease lives (with {@code leaderElection})
   * @param leaderElection elect one reconciling replica through a Lease
   * @param adminConfig the cluster admin's configuration file ({@link OperatorConfig}), or null
   */
  public record Options(
      int httpPort,
      Set<String> namespaces,
      String agentImage,
      String leaderElectionNamespace,
      boolean leaderElection,
      Path adminConfig) {
    public Options {
      if (httpPort < 0 || httpPort > 65535) {
        throw new IllegalArgumentException("httpPort: must be 0 to 65535, not " + httpPort);
      }
      if (leaderElection
          && (leaderElectionNamespace == null || leaderElectionNamespace.isBlank())) {
        throw new IllegalArgumentException("leaderElectionNamespace: required for leader election");
      }
      namespaces = Collections.unmodifiableSet(new LinkedHashSet<>(namespaces));
    }
  }

  /** The agent image when none is given: {@code $REDISHA_AGENT_IMAGE} or the release's image. */
  public static String defaultAgentImage() {
    return AgentSettings.fromEnvironment().image();
  }

  /** Runs the operator; returns only when interrupted, or 2 when the admin configuration is bad. */
  public static int run(Options options) throws IOException, InterruptedException {
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

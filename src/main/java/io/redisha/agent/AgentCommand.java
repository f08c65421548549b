package io.redisha.agent;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.redisha.arbiter.LeasePort;
import io.redisha.arbiter.Protection;
import io.redisha.arbiter.SplitBrainGuards;
import io.redisha.arbiter.WitnessPort;
import io.redisha.cli.Args;
import io.redisha.kube.FabricLeasePort;
import io.redisha.kube.LeaseReportSink;
import io.redisha.kube.PairResources;
import io.redisha.net.NetlinkAddressManager;
import io.redisha.net.PacketArpAnnouncer;
import io.redisha.net.RawVrrpSocket;
import io.redisha.net.TcpWitnessPort;
import io.redisha.pair.InvalidPairException;
import io.redisha.pair.PairSettings;
import io.redisha.pair.PairValidation;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code redisha agent --config pair.yaml --node vm-a [--http-address 127.0.0.1] [--http-port
 * 9736]}: runs one node of a pair until SIGTERM, then hands over cleanly.
 */
public final class AgentCommand {
  private static final Logger LOG = LoggerFactory.getLogger("redisha.agent");

  private AgentCommand() {}

  public static int run(String[] argv) throws Exception {
    Args args;
    PairSettings settings;
    Path config;
    try {
      args =
          Args.parse(
              argv, Set.of("config", "node", "http-address", "http-port"), Set.of("kubernetes"));
      config = Path.of(args.require("config"));
      // Under --kubernetes a command comes only from the operator's hooks file (S10).
      settings =
          PairValidation.resolveAgentFile(config, args.require("node"), args.flag("kubernetes"));
    } catch (IllegalArgumentException | InvalidPairException e) {
      System.err.println("redisha agent: " + e.getMessage());
      return 2;
    }
    boolean kubernetes = args.flag("kubernetes");
    KubernetesClient client = kubernetes ? new KubernetesClientBuilder().build() : null;
    ReportSink sink = kubernetes ? LeaseReportSink.fromEnvironment(client) : ReportSink.NONE;
    if (settings.splitBrain().mode() == Protection.LEASE && !kubernetes) {
      System.err.println(
          "redisha agent: splitBrainProtection: Lease needs the Kubernetes API (run under the"
              + " operator with --kubernetes); standalone pairs use Witness or None");
      return 2;
    }
    String namespace = System.getenv().getOrDefault(PairResources.ENV_NAMESPACE, "default");
    AgentRuntime.GuardFactory guards =
        (pair, group, scheduler) ->
            SplitBrainGuards.create(
                pair.guardSettings(),
                group.name(),
                scheduler,
                new SplitBrainGuards.Arbiters() {
                  @Override
                  public LeasePort lease(String groupName) {
                    return new FabricLeasePort(
                        client,
                        namespace,
                        PairResources.groupLeaseName(pair.pairName(), groupName),
                        scheduler);
                  }

                  @Override
                  public WitnessPort witness() {
                    PairSettings.Witness witness = pair.splitBrain().witness();
                    return new TcpWitnessPort(witness.address(), witness.port(), scheduler);
                  }
                },
                LOG::info);
    AgentRuntime runtime =
        AgentRuntime.start(
            config,
            kubernetes,
            settings,
            RawVrrpSocket.open(
                settings.link().interfaceName(), settings.link().localAddress(), 255),
            NetlinkAddressManager.open(),
            PacketArpAnnouncer.open(settings.link().interfaceName()),
            sink,
            guards);
    InetSocketAddress httpAddress =
        new InetSocketAddress(
            InetAddress.getByName(
                args.get("http-address") != null
                    ? args.get("http-address")
                    // The kubelet probes /healthz on the node's address (host network).
                    : kubernetes ? "0.0.0.0" : "127.0.0.1"),
            args.intValue("http-port", AgentDefaults.HTTP_PORT));
    AgentHttpServer http = AgentHttpServer.start(httpAddress, runtime);
    LOG.info(
        "node {} ({}) of pair {}: peer {} ({}), VRRPv{} every {} ms on {}, protection {}, status"
            + " on http://{}:{}/status",
        settings.link().localNode(),
        settings.link().localAddress().getHostAddress(),
        settings.pairName(),
        settings.link().peerNode(),
        settings.link().peerAddress().getHostAddress(),
        settings.vrrp().version().number(),
        settings.vrrp().intervalCentis() * 10,
        settings.link().interfaceName(),
        settings.splitBrain().mode().text(),
        httpAddress.getHostString(),
        http.port());
    CountDownLatch done = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  LOG.info("stopping: handing over every group this node is master of");
                  runtime.close();
                  http.close();
                  LOG.info("stopped");
                  done.countDown();
                }));
    done.await();
    return 0;
  }
}

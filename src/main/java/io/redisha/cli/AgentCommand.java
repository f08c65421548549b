package io.redisha.cli;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.redisha.agent.AgentDefaults;
import io.redisha.agent.AgentHttpServer;
import io.redisha.agent.AgentRuntime;
import io.redisha.agent.ApiAccess;
import io.redisha.agent.ReportSink;
import io.redisha.arbiter.Protection;
import io.redisha.net.InterfaceInfo;
import io.redisha.net.NetlinkAddressManager;
import io.redisha.pair.InvalidPairException;
import io.redisha.pair.PairSettings;
import io.redisha.pair.PairValidation;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import sun.misc.Signal;

/**
 * {@code redisha agent --config pair.yaml --node vm-a}: runs one node of a pair until SIGTERM, then
 * hands over cleanly. Everything that can be refused is checked before the raw socket opens: the
 * options, the pair file, and the HTTP port, which is bound first.
 */
@Command(
    name = "agent",
    synopsisHeading = "%nUsage: ",
    sortOptions = false,
    header = "run one node of a pair: redisha agent --config pair.yaml --node vm-a",
    description = {
      "",
      "Runs the node NAME of the pair in FILE until SIGTERM: unicast VRRP for every group, the VIP"
          + " while master, the health and role of the local Redis. On SIGTERM every group this"
          + " node is master of hands over (priority 0 advert, VIP dropped, clients of its Redis"
          + " disconnected). The file is re-read when it changes: groups are added, removed or"
          + " changed without touching the others; a refused reload keeps the running pair.",
      "",
      "Needs root, or CAP_NET_RAW and CAP_NET_ADMIN (raw VRRP socket, VIPs, gratuitous ARP).",
      "Check a file without starting anything: redisha validate --config FILE --node NAME."
    },
    optionListHeading = "%nOptions:%n",
    footerHeading = "%n",
    footer = {
      "HTTP endpoint: /status (JSON), /metrics (Prometheus), /healthz (alive: the scheduler"
          + " and the VRRP receive loop run), /readyz (ready: the pair file is in force and every"
          + " group checks its Redis),"
          + " POST /switchover?group=G (with --api-token-file: the token as a Bearer header).",
      "",
      "Exit codes: 0 stopped by SIGTERM after handing over; 1 failed to start (port in use,"
          + " missing interface or capability); 2 usage error or invalid pair file (every problem"
          + " is printed with its field)."
    })
final class AgentCommand implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger("redisha.agent");
  private static final int DEFAULT_HTTP_PORT = AgentDefaults.HTTP_PORT;

  private final Streams streams;

  @Option(
      names = "--config",
      required = true,
      paramLabel = "FILE",
      description = "The pair file (or a whole RedisHAPair resource); the same file on both nodes.")
  Path config;

  @Option(
      names = "--node",
      paramLabel = "NAME",
      description =
          "This node: one of the names under nodes in FILE. Default: the first line of the file"
              + " 'node' beside FILE (/etc/redisha/node for the packaged service), else the host"
              + " name.")
  String node;

  @Option(
      names = "--api-token-file",
      paramLabel = "FILE",
      description =
          "A file holding the token that POST requests (/switchover) must send as 'Authorization:"
              + " Bearer TOKEN', read again at every request (a rotated Secret needs no restart)."
              + " Without it only requests from this host may act.")
  Path apiTokenFile;

  @Option(
      names = "--probe-port",
      paramLabel = "PORT",
      converter = Converters.Port.class,
      description =
          "Also answer /healthz and /readyz on 127.0.0.1:PORT, a listener only this host reaches,"
              + " so no remote client can crowd the kubelet's probes out (the DaemonSet sets this)."
              + " Default: none.")
  Integer probePort;

  @Option(
      names = "--http-address",
      paramLabel = "ADDRESS",
      converter = Converters.Address.class,
      description =
          "Address of the HTTP endpoint. Default: 127.0.0.1; with --kubernetes 0.0.0.0, where the"
              + " kubelet probes /healthz.")
  InetAddress httpAddress;

  @Option(
      names = "--http-port",
      paramLabel = "PORT",
      defaultValue = "" + DEFAULT_HTTP_PORT,
      converter = Converters.Port.class,
      description = "Port of the HTTP endpoint, 1 to 65535. Default: ${DEFAULT-VALUE}.")
  int httpPort;

  @Option(
      names = "--kubernetes",
      description =
          "Run under the operator: report to the node's report Lease and take the group Leases of"
              + " splitBrainProtection: Lease through the Kubernetes API (the DaemonSet sets this).")
  boolean kubernetes;

  @Option(
      names = {"-h", "--help"},
      usageHelp = true,
      description = "Show this help.")
  boolean help;

  AgentCommand(Streams streams) {
    this.streams = streams;
  }

  @Override
  public Integer call() throws Exception {
    PairSettings settings;
    ApiAccess access;
    try {
      node = node != null ? node : NodeName.beside(config);
    } catch (IOException e) {
      streams.err().println("redisha agent: --node: " + e.getMessage());
      return Main.USAGE_ERROR;
    }
    try {
      access = apiTokenFile == null ? ApiAccess.LOOPBACK_ONLY : ApiAccess.fromFile(apiTokenFile);
    } catch (IllegalArgumentException e) {
      streams.err().println("redisha agent: --api-token-file: " + e.getMessage());
      return Main.USAGE_ERROR;
    }
    try {
      // Under --kubernetes a command comes only from the operator's hooks file (S10).
      settings = PairValidation.resolveAgentFile(config, node, kubernetes);
    } catch (InvalidPairException e) {
      streams.err().println("redisha agent: " + e.getMessage());
      return Main.USAGE_ERROR;
    }
    if (settings.splitBrain().mode() == Protection.LEASE && !kubernetes) {
      streams
          .err()
          .println(
              "redisha agent: splitBrainProtection: Lease needs the Kubernetes API (run under the"
                  + " operator with --kubernetes); standalone pairs use Etcd or None");
      return Main.USAGE_ERROR;
    }
    KubernetesClient client = kubernetes ? new KubernetesClientBuilder().build() : null;
    AgentWiring.Guards guards;
    try {
      guards = AgentWiring.guards(client, AgentWiring.leaseNamespace(), settings, LOG::info);
    } catch (IllegalArgumentException e) {
      if (client != null) {
        client.close();
      }
      streams.err().println("redisha agent: " + config + ": " + e.getMessage());
      return Main.USAGE_ERROR;
    }
    InetSocketAddress httpAt =
        new InetSocketAddress(
            httpAddress != null
                ? httpAddress
                : InetAddress.getByName(kubernetes ? "0.0.0.0" : "127.0.0.1"),
            httpPort);
    AgentHttpServer http;
    try {
      http =
          AgentHttpServer.bind(
              httpAt,
              probePort == null
                  ? null
                  : new InetSocketAddress(InetAddress.getLoopbackAddress(), probePort),
              access);
    } catch (AgentHttpServer.ProbeListenerException e) {
      guards.close();
      closeClient(client);
      streams
          .err()
          .println(
              "redisha agent: --probe-port: "
                  + StartFailures.httpBind(e.address(), (Exception) e.getCause())
                      .replace("--http-port", "--probe-port"));
      return Main.FAILED;
    } catch (IOException e) {
      guards.close();
      closeClient(client);
      streams.err().println("redisha agent: " + StartFailures.httpBind(httpAt, e));
      return Main.FAILED;
    }
    AgentRuntime runtime;
    try {
      runtime = start(settings, client, guards);
    } catch (Exception e) {
      http.close();
      guards.close();
      closeClient(client);
      streams
          .err()
          .println("redisha agent: " + StartFailures.network(settings, config.toString(), e));
      return Main.FAILED;
    }
    http.serve(runtime);
    // systemctl reload: read the pair file now (it is also read every second).
    Signal.handle(new Signal("HUP"), signal -> runtime.reloadNow());
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
        httpAt.getHostString(),
        http.port());
    CountDownLatch done = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  LOG.info("stopping: handing over every group this node is master of");
                  runtime.close();
                  guards.close();
                  http.close();
                  LOG.info("stopped");
                  done.countDown();
                }));
    done.await();
    return 0;
  }

  /** The network edges, then the runtime; undone on a failure. */
  private AgentRuntime start(
      PairSettings settings, KubernetesClient client, AgentRuntime.GuardFactory guards)
      throws Exception {
    String interfaceName = settings.link().interfaceName();
    // An absent interface is found with a datagram socket, before any raw socket exists.
    InterfaceInfo.lookup(interfaceName);
    List<AutoCloseable> opened = new ArrayList<>();
    try {
      ReportSink sink = AgentWiring.reportSink(client);
      NetlinkAddressManager addresses = NetlinkAddressManager.open();
      opened.add(addresses);
      return AgentRuntime.start(
          config,
          kubernetes,
          settings,
          AgentWiring.networkEdges(settings, addresses),
          sink,
          guards);
    } catch (Exception e) {
      for (AutoCloseable resource : opened.reversed()) {
        try {
          resource.close();
        } catch (Exception closing) {
          e.addSuppressed(closing);
        }
      }
      throw e;
    }
  }

  private static void closeClient(KubernetesClient client) {
    if (client != null) {
      client.close();
    }
  }
}

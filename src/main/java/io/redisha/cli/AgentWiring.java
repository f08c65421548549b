package io.redisha.cli;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.redisha.agent.AgentRuntime;
import io.redisha.agent.ReportSink;
import io.redisha.arbiter.LeasePort;
import io.redisha.arbiter.Protection;
import io.redisha.arbiter.SplitBrainGuard;
import io.redisha.arbiter.SplitBrainGuards;
import io.redisha.clock.ExecutorScheduler;
import io.redisha.clock.Scheduler;
import io.redisha.etcd.EtcdGateway;
import io.redisha.etcd.EtcdLeasePort;
import io.redisha.etcd.EtcdSettings;
import io.redisha.kube.FabricLeasePort;
import io.redisha.kube.LeaseReportSink;
import io.redisha.kube.PairResources;
import io.redisha.net.LinkWatch;
import io.redisha.net.NetlinkAddressManager;
import io.redisha.net.PacketArpAnnouncer;
import io.redisha.net.RawVrrpSocket;
import io.redisha.net.SynRefuser;
import io.redisha.pair.PairSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Connects the agent to its arbiters and to the operator: the fabric8 Lease or the etcd key of each
 * group, and the report Lease. The agent itself knows only the ports.
 */
final class AgentWiring {
  private AgentWiring() {}

  /**
   * Where the agent's reports go: the node's report Lease under the operator ({@code client} not
   * null), nowhere standalone.
   */
  static ReportSink reportSink(KubernetesClient client) {
    return client == null ? ReportSink.NONE : LeaseReportSink.fromEnvironment(client);
  }

  /**
   * The agent's edges on the pair's interface: the raw VRRP socket (TTL 255, from the node's
   * address) and the gratuitous ARP socket, opened by the runtime after the kernel's link watch and
   * again if the interface is re-created, in the agent's network namespace.
   */
  static AgentRuntime.NetworkEdges networkEdges(
      PairSettings settings, NetlinkAddressManager addresses) {
    String interfaceName = settings.link().interfaceName();
    return new AgentRuntime.NetworkEdges(
        () -> RawVrrpSocket.open(interfaceName, settings.link().localAddress(), 255),
        () -> PacketArpAnnouncer.open(interfaceName),
        addresses,
        LinkWatch.netlink(),
        SynRefuser::prepare);
  }

  /** The namespace of the group Leases: the pair's, as the operator's DaemonSet sets it. */
  static String leaseNamespace() {
    return System.getenv().getOrDefault(PairResources.ENV_NAMESPACE, "default");
  }

  /**
   * The split-brain guard of each group, with its Lease in {@code namespace} through {@code client}
   * (Lease protection, which needs a client) or its key in the pair's etcd cluster (Etcd
   * protection). One etcd gateway serves every group; it is opened here, for the pair as it starts,
   * and again when a reload changes the pair's etcd block.
   *
   * @throws IllegalArgumentException when the etcd block cannot be used (a TLS file that is no
   *     certificate, ...), each problem naming its field
   */
  static Guards guards(
      KubernetesClient client, String namespace, PairSettings pair, Consumer<String> log) {
    Guards guards = new Guards(client, namespace, log);
    if (pair.splitBrain().mode() == Protection.ETCD) {
      guards.gateway = EtcdGateway.open(pair.splitBrain().etcd());
      guards.gatewaySettings = pair.splitBrain().etcd();
      log.accept("etcd arbiter: " + describe(pair.splitBrain().etcd(), pair.pairName()));
    }
    return guards;
  }

  /** The etcd block as the start log says it, without the password. */
  static String describe(EtcdSettings etcd, String pairName) {
    return "keys "
        + etcd.prefix()
        + "/"
        + pairName
        + "/<group> on "
        + etcd.endpoints()
        + (etcd.username() == null ? "" : " as user " + etcd.username())
        + (etcd.certFile() == null ? "" : " with client certificate " + etcd.certFile())
        + ", calls of at most "
        + etcd.callTimeout().toMillis()
        + " ms";
  }

  /** The guards of the running groups and the connections they share. */
  static final class Guards implements AgentRuntime.GuardFactory, AutoCloseable {
    private final KubernetesClient client;
    private final String namespace;
    private final Consumer<String> log;
    private final List<EtcdLeasePort> etcdPorts = new ArrayList<>();
    private EtcdGateway gateway;
    private EtcdSettings gatewaySettings;

    /** Why the etcd block of the last reload cannot be used, while {@link #gateway} is null. */
    private String problem;

    private Guards(KubernetesClient client, String namespace, Consumer<String> log) {
      this.client = client;
      this.namespace = namespace;
      this.log = log;
    }

    @Override
    public synchronized SplitBrainGuard create(
        PairSettings pair, PairSettings.Group group, ExecutorScheduler scheduler) {
      List<LeasePort> ports = new ArrayList<>();
      SplitBrainGuard guard =
          SplitBrainGuards.create(
              pair.guardSettings(),
              group.name(),
              scheduler,
              name -> {
                LeasePort port = lease(pair, name, scheduler);
                ports.add(port);
                return port;
              },
              log);
      return ports.isEmpty() ? guard : new PortClosingGuard(guard, ports.getFirst());
    }

    private LeasePort lease(PairSettings pair, String group, Scheduler scheduler) {
      if (pair.splitBrain().mode() == Protection.ETCD) {
        return etcdLease(pair, group, scheduler);
      }
      if (client == null) {
        throw new IllegalStateException(
            "splitBrainProtection: Lease needs the Kubernetes API (--kubernetes)");
      }
      return new FabricLeasePort(
          client, namespace, PairResources.groupLeaseName(pair.pairName(), group), scheduler);
    }

    private LeasePort etcdLease(PairSettings pair, String group, Scheduler scheduler) {
      EtcdSettings wanted = pair.splitBrain().etcd();
      if (!Objects.equals(wanted, gatewaySettings)) {
        reopen(wanted, pair.pairName());
      }
      if (gateway == null) {
        return new UnusableEtcd(
            "etcd " + wanted.prefix() + "/" + pair.pairName() + "/" + group, problem, scheduler);
      }
      EtcdLeasePort port = new EtcdLeasePort(gateway, pair.pairName(), group, scheduler);
      etcdPorts.removeIf(EtcdLeasePort::isClosed);
      etcdPorts.add(port);
      return port;
    }

    /**
     * A reload changed the etcd block: the groups built from now on use a new gateway. The old one
     * closes once the calls its closed groups still had to make (their releases) are over.
     */
    private void reopen(EtcdSettings wanted, String pairName) {
      EtcdGateway old = gateway;
      List<EtcdLeasePort> oldPorts = List.copyOf(etcdPorts);
      etcdPorts.clear();
      gatewaySettings = wanted;
      try {
        gateway = EtcdGateway.open(wanted);
        problem = null;
        log.accept("etcd arbiter changed: " + describe(wanted, pairName));
      } catch (IllegalArgumentException e) {
        gateway = null;
        problem = "etcd settings cannot be used: " + e.getMessage();
        log.accept(problem + "; the groups hold no etcd key until the pair file is fixed");
      }
      if (old != null) {
        Duration wait = old.callTimeout().multipliedBy(2);
        Thread.ofVirtual()
            .name("etcd-gateway-close")
            .start(
                () -> {
                  awaitPorts(oldPorts, wait);
                  old.close();
                });
      }
    }

    /** Waits for the groups' last calls (releases), then closes the etcd gateway. */
    @Override
    public void close() {
      EtcdGateway last;
      List<EtcdLeasePort> ports;
      synchronized (this) {
        last = gateway;
        ports = List.copyOf(etcdPorts);
        gateway = null;
        etcdPorts.clear();
      }
      if (last != null) {
        awaitPorts(ports, last.callTimeout().multipliedBy(2));
        last.close();
      }
    }

    private static void awaitPorts(List<EtcdLeasePort> ports, Duration wait) {
      long deadline = System.nanoTime() + wait.toNanos();
      for (EtcdLeasePort port : ports) {
        port.close();
        try {
          port.awaitClosed(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  /** A guard that closes its lease port after itself, so the port's calls end with the group. */
  private record PortClosingGuard(SplitBrainGuard guard, LeasePort port)
      implements SplitBrainGuard {
    @Override
    public String takeoverRefusal(PeerView peer) {
      return guard.takeoverRefusal(peer);
    }

    @Override
    public String holdRefusal(boolean peerFollowing) {
      return guard.holdRefusal(peerFollowing);
    }

    @Override
    public String describe() {
      return guard.describe();
    }

    @Override
    public boolean arbitrated() {
      return guard.arbitrated();
    }

    @Override
    public boolean holdsArbiter() {
      return guard.holdsArbiter();
    }

    @Override
    public long answeringSinceNanos() {
      return guard.answeringSinceNanos();
    }

    @Override
    public void probeArbiter() {
      guard.probeArbiter();
    }

    @Override
    public void onTakeoverMayBeAllowed(Runnable listener) {
      guard.onTakeoverMayBeAllowed(listener);
    }

    @Override
    public void close() {
      guard.close();
      port.close();
    }
  }

  /**
   * The key of a group whose etcd block cannot be used after a reload: every call fails with the
   * reason, so the group behaves as with etcd unreachable (a healthy pair keeps running, S2).
   */
  private record UnusableEtcd(String where, String problem, Scheduler scheduler)
      implements LeasePort {
    @Override
    public void get(Consumer<Result> done) {
      fail(done);
    }

    @Override
    public void create(LeaseRecord lease, Consumer<Result> done) {
      fail(done);
    }

    @Override
    public void update(LeaseRecord lease, Consumer<Result> done) {
      fail(done);
    }

    private void fail(Consumer<Result> done) {
      scheduler.execute(() -> done.accept(new Failed(problem)));
    }

    @Override
    public String describe() {
      return where;
    }

    @Override
    public String title() {
      return where;
    }

    @Override
    public String store() {
      return "etcd";
    }
  }
}

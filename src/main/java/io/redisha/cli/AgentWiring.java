package io.redisha.cli;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.redisha.agent.AgentRuntime;
import io.redisha.agent.ReportSink;
import io.redisha.arbiter.LeasePort;
import io.redisha.arbiter.SplitBrainGuards;
import io.redisha.arbiter.WitnessPort;
import io.redisha.kube.FabricLeasePort;
import io.redisha.kube.LeaseReportSink;
import io.redisha.kube.PairResources;
import io.redisha.net.LinkWatch;
import io.redisha.net.NetlinkAddressManager;
import io.redisha.net.PacketArpAnnouncer;
import io.redisha.net.RawVrrpSocket;
import io.redisha.net.TcpWitnessPort;
import io.redisha.pair.PairSettings;
import java.util.function.Consumer;

/**
 * Connects the agent to its arbiters and to the operator: the fabric8 Lease of each group, the TCP
 * witness, and the report Lease. The agent itself knows only the ports.
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
   * The split-brain guard of each group, with its Lease in {@code namespace} through {@code client}
   * (only asked for with Lease protection, which needs a client) or the pair's witness.
   */
  static AgentRuntime.GuardFactory guards(
      KubernetesClient client, String namespace, Consumer<String> log) {
    return (pair, group, scheduler) ->
        SplitBrainGuards.create(
            pair.guardSettings(),
            group.name(),
            scheduler,
            new SplitBrainGuards.Arbiters() {
              @Override
              public LeasePort lease(String groupName) {
                if (client == null) {
                  throw new IllegalStateException(
                      "splitBrainProtection: Lease needs the Kubernetes API (--kubernetes)");
                }
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
            log);
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
        LinkWatch.netlink());
  }

  /** The namespace of the group Leases: the pair's, as the operator's DaemonSet sets it. */
  static String leaseNamespace() {
    return System.getenv().getOrDefault(PairResources.ENV_NAMESPACE, "default");
  }
}

package io.redisha.bench;

import io.redisha.lab.EtcdCluster;
import io.redisha.lab.PairLab;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * redisha's agents on both hosts, started as a user starts them ({@code redisha agent --config
 * pair.yaml --node vm-a}) with the JVM options of {@link AgentJvm}, on the pair file the lab wrote.
 * With protection Etcd the pair's arbiter is a real three-member etcd cluster in three more lab
 * hosts ({@code etcd-1..3}, 192.0.2.31-33), started before the agents.
 */
public final class RedishaSystem implements SystemUnderTest {
  private final String protection;
  private final List<String> jvmOptions;
  private final List<String> apiServerCommand;
  private final DaemonProcesses agents = new DaemonProcesses();
  private PairLab lab;

  /** The etcd members of protection Etcd: host and address. */
  static final Map<String, String> ETCD_MEMBERS = etcdMembers();

  private static Map<String, String> etcdMembers() {
    Map<String, String> members = new LinkedHashMap<>();
    for (int i = 1; i <= 3; i++) {
      members.put("etcd-" + i, "192.0.2.3" + i);
    }
    return members;
  }

  /**
   * @param protection the pair file's {@code splitBrainProtection}: None or Etcd
   * @param jvmOptions JVM options of the agents
   */
  public RedishaSystem(String protection, List<String> jvmOptions) {
    if ("Lease".equals(protection)) {
      throw new IllegalArgumentException("protection Lease needs an API server: use lease(...)");
    }
    this.protection = protection;
    this.jvmOptions = List.copyOf(jvmOptions);
    this.apiServerCommand = null;
  }

  private RedishaSystem(List<String> jvmOptions, List<String> apiServerCommand) {
    this.protection = "Lease";
    this.jvmOptions = List.copyOf(jvmOptions);
    this.apiServerCommand = List.copyOf(apiServerCommand);
  }

  /**
   * redisha with {@code splitBrainProtection: Lease}: each pair gets a Kubernetes API server in a
   * host of its own, run with {@code apiServerCommand} (see {@link PairLab#startKubernetesApi}),
   * and the agents run with {@code --kubernetes} against it. redisha ships no API server: {@code
   * redisha bench --lease-api-server} and the tests pass fabric8's mock server as a process of its
   * own.
   */
  public static RedishaSystem lease(List<String> jvmOptions, List<String> apiServerCommand) {
    return new RedishaSystem(jvmOptions, apiServerCommand);
  }

  @Override
  public String name() {
    return "None".equals(protection) ? "redisha" : "redisha-" + protection.toLowerCase();
  }

  @Override
  public String description() {
    return "redisha agents, VRRPv3 100 ms adverts, health check 100 ms fall 2, protection "
        + protection
        + ("Etcd".equals(protection)
            ? " (a three-member etcd 3.4 cluster on three other hosts)"
            : "")
        + ("Lease".equals(protection)
            ? " (agents with --kubernetes, the API server on host " + PairLab.API + ")"
            : "");
  }

  /** The pair-file lines this system adds. */
  public String pairYaml() {
    String yaml = "splitBrainProtection: " + protection + "\n";
    if ("Etcd".equals(protection)) {
      List<String> urls = new ArrayList<>();
      ETCD_MEMBERS.values().forEach(address -> urls.add("'http://" + address + ":2379'"));
      yaml += "etcd: {endpoints: [" + String.join(", ", urls) + "]}\n";
    }
    return yaml;
  }

  /** A Lease or an etcd key is a third voter: a pair-link cut may then cost no write. */
  @Override
  public boolean hasThirdVoter() {
    return "Lease".equals(protection) || "Etcd".equals(protection);
  }

  @Override
  public Set<Fault> faults() {
    Set<Fault> faults = EnumSet.allOf(Fault.class);
    return faults;
  }

  @Override
  public void switchover(String group) throws Exception {
    List<String> holders = lab.vipHolders(lab.group(group));
    if (holders.size() != 1) {
      throw new IllegalStateException("switchover of " + group + ": VIP held by " + holders);
    }
    String reply =
        lab.network()
            .inNamespace(
                holders.get(0), () -> httpPost(PairLab.STATUS_PORT, "/switchover?group=" + group));
    if (!reply.startsWith("200")) {
      throw new IllegalStateException("switchover of " + group + " refused: " + reply);
    }
  }

  /** POSTs to the agent on loopback; returns the status code and body. */
  private static String httpPost(int port, String path) throws java.io.IOException {
    try (java.net.Socket socket = new java.net.Socket()) {
      socket.connect(new java.net.InetSocketAddress("127.0.0.1", port), 1000);
      socket.setSoTimeout(15_000);
      socket
          .getOutputStream()
          .write(
              ("POST " + path + " HTTP/1.0\r\nHost: localhost\r\nContent-Length: 0\r\n\r\n")
                  .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      String response =
          new String(
              socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      String status = response.isEmpty() ? "" : response.substring(0, response.indexOf('\n') + 1);
      String[] parts = status.split(" ");
      int body = response.indexOf("\r\n\r\n");
      return (parts.length > 1 ? parts[1] : "?")
          + " "
          + (body < 0 ? "" : response.substring(body + 4).strip());
    }
  }

  @Override
  public void start(PairLab lab, Path dir) throws Exception {
    this.lab = lab;
    if (apiServerCommand != null) {
      lab.startKubernetesApi(apiServerCommand);
    }
    if ("Etcd".equals(protection)) {
      // Its members are processes of the lab's hosts: closing the lab stops them.
      EtcdCluster.start(lab.network(), dir.resolve("etcd"), ETCD_MEMBERS, PairLab.CLIENT);
    }
    startDaemon(PairLab.VM_A);
    startDaemon(PairLab.VM_B);
  }

  @Override
  public synchronized void startDaemon(String host) {
    agents.put(
        host,
        AgentJvm.start(
            lab, host, jvmOptions, lab.agentLog(host), lab.agentEnvironment(), lab.agentArgs()));
  }

  @Override
  public void stopDaemon(String host) throws InterruptedException {
    agents.stop(host);
  }

  @Override
  public List<ProcessHandle> daemonProcesses(String host) {
    return agents.handles(host);
  }
}

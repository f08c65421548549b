package io.redisha.lab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real etcd cluster (Debian's {@code etcd-server}) in lab hosts: one member per host, data under
 * a directory of the caller, {@code etcdctl} run in a host of the caller's choice. The lab, the
 * benchmark and the tests use it as the arbiter of {@code splitBrainProtection: Etcd}. Every member
 * process is started here and stopped by its PID; the hosts belong to the {@link LabNetwork}.
 */
public final class EtcdCluster implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration HEALTHY_WITHIN = Duration.ofSeconds(90);

  /**
   * One member.
   *
   * @param name etcd's member name, also its lab host
   * @param address the host's address
   * @param scheme {@code http} or {@code https} for the client URL (peers speak http)
   */
  public record Member(String name, String address, String scheme) {
    public String clientUrl() {
      return scheme + "://" + address + ":2379";
    }

    public String peerUrl() {
      return "http://" + address + ":2380";
    }
  }

  private final LabNetwork network;
  private final List<Member> members;
  private final Path dir;
  private final String ctlHost;
  private final List<String> memberFlags;
  private final List<String> ctlFlags;
  private final String clusterToken;
  private final Map<String, Process> running = new LinkedHashMap<>();

  private EtcdCluster(
      LabNetwork network,
      List<Member> members,
      Path dir,
      String ctlHost,
      List<String> memberFlags,
      List<String> ctlFlags) {
    this.network = network;
    this.members = List.copyOf(members);
    this.dir = dir;
    this.ctlHost = ctlHost;
    this.memberFlags = List.copyOf(memberFlags);
    this.ctlFlags = List.copyOf(ctlFlags);
    this.clusterToken = "redisha-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
  }

  /**
   * Adds a host per member to {@code network} ({@code name} at {@code address}/24) and starts a
   * plain-http cluster in them; waits until every member is healthy.
   *
   * @param ctlHost the host etcdctl runs in (one that reaches the members)
   */
  public static EtcdCluster start(
      LabNetwork network, Path dir, Map<String, String> hosts, String ctlHost) {
    List<Member> members = new ArrayList<>();
    hosts.forEach(
        (name, address) -> {
          network.addHost(name, address + "/24");
          members.add(new Member(name, address, "http"));
        });
    return start(network, dir, members, ctlHost, List.of(), List.of());
  }

  /**
   * Starts a cluster of {@code members}, whose hosts exist already, with extra flags for each
   * member (TLS, auth) and for etcdctl; waits until every member is healthy.
   */
  public static EtcdCluster start(
      LabNetwork network,
      Path dir,
      List<Member> members,
      String ctlHost,
      List<String> memberFlags,
      List<String> ctlFlags) {
    EtcdCluster cluster = new EtcdCluster(network, members, dir, ctlHost, memberFlags, ctlFlags);
    try {
      Files.createDirectories(dir);
      for (Member member : members) {
        cluster.start(member);
      }
      cluster.awaitHealthy(members);
      return cluster;
    } catch (IOException e) {
      cluster.close();
      throw new UncheckedIOException("cannot create " + dir, e);
    } catch (RuntimeException | Error e) {
      cluster.close();
      throw e;
    }
  }

  public List<Member> members() {
    return members;
  }

  public Member member(String name) {
    return members.stream().filter(m -> m.name().equals(name)).findFirst().orElseThrow();
  }

  /** The client URLs, comma-separated, as etcdctl and the drivers take them. */
  public String endpoints() {
    return String.join(",", members.stream().map(Member::clientUrl).toList());
  }

  /** The client URLs as a YAML flow list for a pair file's {@code etcd.endpoints}. */
  public String endpointsYaml() {
    return "["
        + String.join(", ", members.stream().map(m -> "'" + m.clientUrl() + "'").toList())
        + "]";
  }

  /** Starts (or restarts, on its existing data) one member. */
  public void start(Member member) {
    String cluster =
        String.join(",", members.stream().map(m -> m.name() + "=" + m.peerUrl()).toList());
    Path data = dir.resolve(member.name());
    boolean existing = Files.isDirectory(data.resolve("member"));
    List<String> command =
        new ArrayList<>(
            List.of(
                "etcd",
                "--name",
                member.name(),
                "--data-dir",
                data.toString(),
                "--listen-client-urls",
                member.clientUrl(),
                "--advertise-client-urls",
                member.clientUrl(),
                "--listen-peer-urls",
                member.peerUrl(),
                "--initial-advertise-peer-urls",
                member.peerUrl(),
                "--initial-cluster",
                cluster,
                "--initial-cluster-token",
                clusterToken,
                "--initial-cluster-state",
                existing ? "existing" : "new",
                "--heartbeat-interval",
                "100",
                "--election-timeout",
                "1000"));
    command.addAll(memberFlags);
    Process process = network.start(member.name(), command, log(member));
    synchronized (running) {
      running.put(member.name(), process);
    }
  }

  /** SIGKILL to the member's etcd process (by its PID), and waits for it to be gone. */
  public void kill(Member member) throws InterruptedException {
    Process process;
    synchronized (running) {
      process = running.remove(member.name());
    }
    if (process == null) {
      throw new IllegalStateException(member.name() + " is not running");
    }
    process.destroyForcibly();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      throw new IllegalStateException(member.name() + " did not die within 10 s of SIGKILL");
    }
  }

  /** Whether the member's process runs. */
  public boolean running(Member member) {
    synchronized (running) {
      Process process = running.get(member.name());
      return process != null && process.isAlive();
    }
  }

  /** Waits until each of {@code expected} answers etcdctl's health check. */
  public void awaitHealthy(List<Member> expected) {
    long deadline = System.nanoTime() + HEALTHY_WITHIN.toNanos();
    for (Member member : expected) {
      while (true) {
        LabNetwork.ExecResult health =
            ctl("--endpoints=" + member.clientUrl(), "endpoint", "health");
        if (health.succeeded()) {
          break;
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              member.name()
                  + " not healthy within "
                  + HEALTHY_WITHIN.toSeconds()
                  + " s: "
                  + health.output().strip()
                  + "; its log: "
                  + tail(read(log(member)), 600));
        }
        PairLab.sleep(300);
      }
    }
  }

  /** The log of a member's process. */
  public Path log(Member member) {
    return dir.resolve(member.name() + ".log");
  }

  /** etcd's member id of each member that answers, by name. */
  public Map<String, BigInteger> memberIds() {
    Map<String, BigInteger> ids = new LinkedHashMap<>();
    for (Member member : members) {
      JsonNode status = status(member);
      if (status != null) {
        ids.put(member.name(), status.path("header").path("member_id").bigIntegerValue());
      }
    }
    return ids;
  }

  /** The member that the answering members call leader, or null when none does. */
  public Member leader() {
    Map<String, BigInteger> ids = memberIds();
    for (Member member : members) {
      JsonNode status = status(member);
      if (status != null) {
        BigInteger leader = status.path("leader").bigIntegerValue();
        for (Map.Entry<String, BigInteger> entry : ids.entrySet()) {
          if (entry.getValue().equals(leader)) {
            return member(entry.getKey());
          }
        }
      }
    }
    return null;
  }

  /** Hands leadership to {@code target} with etcdctl move-leader, and waits until it has it. */
  public void moveLeader(Member target) {
    Member leader = leader();
    if (leader == null) {
      throw new IllegalStateException("no etcd member reports a leader");
    }
    if (leader.equals(target)) {
      return;
    }
    String id = memberIds().get(target.name()).toString(16);
    ctl("--endpoints=" + leader.clientUrl(), "move-leader", id).requireSuccess();
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!target.equals(leader())) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("leadership did not move to " + target.name());
      }
      PairLab.sleep(100);
    }
  }

  /** etcdctl in the ctl host, with the cluster's flags and a 2 s command timeout. */
  public LabNetwork.ExecResult ctl(String... args) {
    List<String> command = new ArrayList<>(List.of("etcdctl", "--command-timeout=2s"));
    command.addAll(ctlFlags);
    command.addAll(List.of(args));
    return network.exec(ctlHost, command.toArray(new String[0]));
  }

  /** etcdctl against every member, for commands on the key space ({@code get}, {@code put}). */
  public LabNetwork.ExecResult ctlAll(String... args) {
    List<String> command = new ArrayList<>(List.of("--endpoints=" + endpoints()));
    command.addAll(List.of(args));
    return ctl(command.toArray(new String[0]));
  }

  private JsonNode status(Member member) {
    LabNetwork.ExecResult result =
        ctl("--endpoints=" + member.clientUrl(), "endpoint", "status", "-w", "json");
    if (!result.succeeded()) {
      return null;
    }
    try {
      String output = result.output();
      JsonNode parsed = JSON.readTree(output.substring(output.indexOf('[')));
      return parsed.path(0).path("Status");
    } catch (IOException | StringIndexOutOfBoundsException e) {
      return null;
    }
  }

  /** The PID of a running member's process, for footprint measurements. */
  public long pid(Member member) {
    synchronized (running) {
      Process process = running.get(member.name());
      if (process == null) {
        throw new IllegalStateException(member.name() + " is not running");
      }
      return process.pid();
    }
  }

  /** SIGTERM to every member this cluster started, SIGKILL after 10 s. */
  @Override
  public void close() {
    synchronized (running) {
      for (Process process : running.values()) {
        process.destroy();
      }
      for (Process process : running.values()) {
        try {
          if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      running.clear();
    }
  }

  static String read(Path file) {
    try {
      return Files.exists(file) ? Files.readString(file) : "";
    } catch (IOException e) {
      return "cannot read " + file + ": " + e;
    }
  }

  private static String tail(String text, int characters) {
    return text.length() <= characters ? text : "..." + text.substring(text.length() - characters);
  }
}

package io.redisha.lab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.redisha.agent.AgentDefaults;
import io.redisha.kube.PairResources;
import io.redisha.pair.PairValidation;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * A Redis pair on one machine: two hosts ({@code vm-a}, {@code vm-b}) and a client in network
 * namespaces on a bridge (192.0.2.0/24), a real Redis per group on each host, and the agents,
 * started the way a user starts them. The lab command, the integration tests and the benchmark
 * drive pairs through this class.
 */
public final class PairLab implements AutoCloseable {
  public static final String VM_A = "vm-a";
  public static final String VM_B = "vm-b";
  public static final String CLIENT = "client";
  public static final int STATUS_PORT = AgentDefaults.HTTP_PORT;
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * One Redis group of the lab.
   *
   * @param name group name
   * @param port Redis port on both hosts
   * @param vip the VIP
   * @param routerId VRRP router id
   * @param preferredMaster preferred master host, or null
   */
  public record Group(String name, int port, String vip, int routerId, String preferredMaster) {}

  /** The default groups: a on 6379 preferring vm-a, b on 6389 preferring vm-b. */
  public static final List<Group> DEFAULT_GROUPS =
      List.of(
          new Group("a", 6379, "192.0.2.100", 51, VM_A),
          new Group("b", 6389, "192.0.2.101", 52, VM_B));

  /**
   * What a test adds to every Redis of the lab (TLS, ACL users): redis-server options by host and
   * port, after the lab's own (a repeated option wins), and the redis-cli options that reach such a
   * server from its host.
   */
  public record RedisOptions(
      BiFunction<String, Integer, List<String>> serverArgs,
      Function<String, List<String>> cliArgs) {
    public static final RedisOptions NONE =
        new RedisOptions((host, port) -> List.of(), host -> List.of());
  }

  /** What each Redis of the lab boots with: the lines its {@code redis.conf} would have. */
  public enum RedisBoot {
    /**
     * The README's {@code redis.conf} for a pair redisha manages: {@code min-replicas-to-write
     * 1000000} (writes refused until the agent decides this node is the master) and {@code
     * replicaof} the peer (a restarted Redis serves no sync until an agent decides, so it cannot
     * feed an empty data set to the peer's replica).
     */
    MANAGED,
    /** Redis's own defaults, a writable master: the keepalived and Sentinel baselines. */
    PLAIN
  }

  private final LabNetwork network;
  private final Path workDir;
  private final List<Group> groups;
  private String extraPairYaml;
  private RedisOptions redisOptions = RedisOptions.NONE;
  private RedisBoot redisBoot = RedisBoot.MANAGED;
  private final Map<String, Process> redis = new HashMap<>();
  private final Map<String, Process> agents = new HashMap<>();
  private final Map<String, Integer> redisStarts = new HashMap<>();
  private List<String> agentArgs = List.of();
  private Map<String, String> agentEnvironment = Map.of();
  private List<String> agentLauncher;
  private Path pairFile;

  private PairLab(LabNetwork network, Path workDir, List<Group> groups, String extraPairYaml) {
    this.network = network;
    this.workDir = workDir;
    this.groups = List.copyOf(groups);
    this.extraPairYaml = extraPairYaml;
  }

  /**
   * Builds the network, writes the pair file and starts Redis on both hosts (no agents yet).
   *
   * @param extraPairYaml lines added to the pair file (e.g. splitBrainProtection), or ""
   */
  public static PairLab create(Path workDir, List<Group> groups, String extraPairYaml)
      throws IOException {
    return create(workDir, groups, extraPairYaml, RedisOptions.NONE);
  }

  /** {@link #create(Path, List, String)} with {@code redisOptions} for every Redis. */
  public static PairLab create(
      Path workDir, List<Group> groups, String extraPairYaml, RedisOptions redisOptions)
      throws IOException {
    return create(workDir, groups, extraPairYaml, redisOptions, RedisBoot.MANAGED);
  }

  /**
   * {@link #create(Path, List, String, RedisOptions)} with every Redis, at the first start and at
   * every {@link #startRedis restart}, booting as {@code redisBoot} says.
   */
  public static PairLab create(
      Path workDir,
      List<Group> groups,
      String extraPairYaml,
      RedisOptions redisOptions,
      RedisBoot redisBoot)
      throws IOException {
    Files.createDirectories(workDir);
    LabNetwork network = LabNetwork.create();
    PairLab lab = new PairLab(network, workDir, groups, extraPairYaml);
    lab.redisOptions = redisOptions;
    lab.redisBoot = redisBoot;
    try {
      network.addHost(VM_A, "192.0.2.11/24");
      network.addHost(VM_B, "192.0.2.12/24");
      network.addHost(CLIENT, "192.0.2.20/24");
      Files.writeString(lab.pairFile(), lab.pairYaml());
      for (String host : List.of(VM_A, VM_B)) {
        for (Group group : groups) {
          lab.startRedis(host, group.port());
        }
      }
      for (String host : List.of(VM_A, VM_B)) {
        for (Group group : groups) {
          lab.awaitRedis(host, group.port(), Duration.ofSeconds(10));
        }
      }
      return lab;
    } catch (IOException | RuntimeException e) {
      lab.close();
      throw e;
    }
  }

  public LabNetwork network() {
    return network;
  }

  public List<Group> groups() {
    return groups;
  }

  public Group group(String name) {
    return groups.stream().filter(g -> g.name().equals(name)).findFirst().orElseThrow();
  }

  public Path workDir() {
    return workDir;
  }

  public Path pairFile() {
    return pairFile != null ? pairFile : workDir.resolve("pair.yaml");
  }

  /**
   * Writes the pair file to {@code file} (for example an installed package's {@code
   * /etc/redisha/pair.yaml}) and runs the agents started from now on from there.
   */
  public void movePairFile(Path file) throws IOException {
    Files.writeString(file, pairYaml());
    this.pairFile = file;
  }

  /**
   * Runs the agents started from now on from {@code file} as it is (a pair file written by someone
   * else, for example from README's text); the lab's own groups must match its instances.
   */
  public void usePairFile(Path file) {
    this.pairFile = file;
  }

  /** The pair file both agents run. */
  public String pairYaml() {
    StringBuilder yaml = new StringBuilder();
    yaml.append("# The lab's pair: written by redisha lab\n");
    yaml.append("nodes:\n");
    yaml.append("- {name: vm-a, address: 192.0.2.11}\n");
    yaml.append("- {name: vm-b, address: 192.0.2.12}\n");
    yaml.append("interface: eth0\n");
    yaml.append("vrrp: {version: 3, advertIntervalMillis: " + ADVERT_MILLIS + "}\n");
    yaml.append(
        "healthCheck: {intervalMillis: "
            + HEALTH_CHECK_MILLIS
            + ", timeoutMillis: 250, fall: 2, rise: 2}\n");
    yaml.append(extraPairYaml);
    yaml.append("instances:\n");
    for (Group group : groups) {
      yaml.append("- {name: ")
          .append(group.name())
          .append(", port: ")
          .append(group.port())
          .append(", vip: ")
          .append(group.vip())
          .append("/24, virtualRouterId: ")
          .append(group.routerId());
      if (group.preferredMaster() != null) {
        yaml.append(", preferredMaster: ").append(group.preferredMaster());
      }
      yaml.append("}\n");
    }
    return yaml.toString();
  }

  /**
   * Rewrites the pair file with other lines in place of {@code extraPairYaml} (another
   * splitBrainProtection, say); the running agents pick it up within a second.
   */
  public void rewritePairFile(String newExtraPairYaml) throws IOException {
    this.extraPairYaml = newExtraPairYaml;
    Files.writeString(pairFile(), pairYaml());
  }

  /** What the agent of {@code host} reports as the protection of {@code group}, or null. */
  public String protection(String host, String group) {
    JsonNode status = status(host);
    if (status == null) {
      return null;
    }
    for (JsonNode g : status.path("groups")) {
      if (g.path("name").asText().equals(group)) {
        return g.path("protection").asText(null);
      }
    }
    return null;
  }

  /**
   * Starts a fresh, empty Redis on {@code host}:{@code port}, with the boot lines of the lab's
   * {@link RedisBoot}, as a supervisor restarting it with its {@code redis.conf} would.
   */
  public void startRedis(String host, int port) {
    String key = host + ":" + port;
    int start = redisStarts.merge(key, 1, Integer::sum);
    Path dir = workDir.resolve("redis-" + host + "-" + port + "-" + start);
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<String> command =
        new ArrayList<>(
            List.of(
                "redis-server",
                "--port",
                Integer.toString(port),
                "--bind",
                "0.0.0.0",
                "--protected-mode",
                "no",
                "--save",
                "",
                "--appendonly",
                "no",
                "--repl-diskless-sync-delay",
                "0",
                "--dir",
                dir.toString(),
                "--daemonize",
                "no"));
    if (redisBoot == RedisBoot.MANAGED) {
      command.addAll(
          List.of(
              "--min-replicas-to-write",
              "1000000",
              "--replicaof",
              network.address(other(host)).getHostAddress(),
              Integer.toString(port)));
    }
    command.addAll(redisOptions.serverArgs().apply(host, port));
    Process process =
        network.start(host, command, workDir.resolve("redis-" + host + "-" + port + ".log"));
    redis.put(key, process);
  }

  /** Waits until Redis answers PING in its host. */
  public void awaitRedis(String host, int port, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (redisCli(host, port, "ping").contains("PONG")) {
        return;
      }
      sleep(50);
    }
    throw new IllegalStateException("Redis " + host + ":" + port + " did not start");
  }

  /** Runs redis-cli on {@code host} against its Redis on {@code port}; returns what it printed. */
  public String redisCli(String host, int port, String... args) {
    List<String> command = new ArrayList<>(List.of("redis-cli", "-p", Integer.toString(port)));
    command.addAll(redisOptions.cliArgs().apply(host));
    command.addAll(List.of(args));
    return network.exec(host, command.toArray(new String[0])).output();
  }

  /**
   * Whether the Redis of {@code host} on {@code port} is a replica with its link to the master up
   * and no sync running: a "replica" role alone is also what a replica in its first full sync says,
   * and its master cannot yet prove that it follows.
   */
  public boolean replicaStreaming(String host, int port) {
    String info = redisCli(host, port, "INFO", "replication");
    return info.contains("role:slave")
        && info.contains("master_link_status:up")
        && info.contains("master_sync_in_progress:0");
  }

  /** SIGKILL of the Redis process on {@code host}:{@code port}. */
  public void killRedis(String host, int port) throws InterruptedException {
    Process process = redis.remove(host + ":" + port);
    if (process != null) {
      process.destroyForcibly();
      process.waitFor();
    }
  }

  /**
   * Options for the agents started from now on, e.g. {@code --kubernetes} with the environment that
   * points it at an API server (KUBECONFIG, REDISHA_NAMESPACE, REDISHA_PAIR).
   */
  public void agentOptions(List<String> extraArgs, Map<String, String> environment) {
    this.agentArgs = List.copyOf(extraArgs);
    this.agentEnvironment = Map.copyOf(environment);
  }

  /**
   * Runs the agents started from now on with {@code launcher} instead of this JVM's class path, for
   * example an installed {@code /usr/bin/redisha} behind {@code setpriv}; the agent's own arguments
   * follow it.
   */
  public void agentLauncher(List<String> launcher) {
    this.agentLauncher = List.copyOf(launcher);
  }

  /** Starts the agent of {@code host}. */
  public void startAgent(String host) {
    List<String> command = new ArrayList<>();
    if (!agentEnvironment.isEmpty()) {
      command.add("env");
      agentEnvironment.forEach((name, value) -> command.add(name + "=" + value));
    }
    if (agentLauncher == null) {
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      command.addAll(
          List.of(
              "--enable-native-access=ALL-UNNAMED",
              "-XX:+UseSerialGC",
              "-Xms8m",
              "-Xmx48m",
              "-Xss256k",
              "-XX:TieredStopAtLevel=1",
              "-XX:ReservedCodeCacheSize=16m",
              "-XX:+UseCompactObjectHeaders",
              "-cp",
              System.getProperty("java.class.path"),
              "io.redisha.cli.Main"));
    } else {
      command.addAll(agentLauncher);
    }
    command.addAll(
        List.of(
            "agent",
            "--config",
            pairFile().toString(),
            "--node",
            host,
            "--http-port",
            Integer.toString(STATUS_PORT)));
    command.addAll(agentArgs);
    agents.put(host, network.start(host, command, agentLog(host)));
  }

  public Path agentLog(String host) {
    return workDir.resolve("agent-" + host + ".log");
  }

  /** Starts both agents at the same moment. */
  public void startAgents() {
    startAgent(VM_A);
    startAgent(VM_B);
  }

  /** SIGTERM to the agent of {@code host} (clean handover) and wait for it to exit. */
  public void stopAgent(String host) throws InterruptedException {
    Process process = agents.remove(host);
    if (process != null) {
      process.destroy();
      process.waitFor();
    }
  }

  // ---- process faults of issue 13: a crashed agent, a stalled agent, an empty restart at once
  // ----

  /**
   * SIGKILL of the agent of {@code host} by its PID, as the kernel's OOM killer or a crash ends it:
   * no shutdown hook runs, so whatever it held (VIPs, Redis roles) stays as it was. Waits for the
   * process to be gone.
   */
  public void killAgent(String host) throws InterruptedException {
    Process process = agents.remove(host);
    if (process == null) {
      throw new IllegalStateException("no agent runs on " + host);
    }
    process.destroyForcibly();
    process.waitFor();
  }

  /** Starts the agent of {@code host} again after {@code delay}, as a supervisor does. */
  public void restartAgent(String host, Duration delay) throws InterruptedException {
    Thread.sleep(delay);
    startAgent(host);
  }

  /**
   * SIGSTOP of the agent of {@code host} for {@code duration}, then SIGCONT: a long GC pause or a
   * stalled VM. Its Redis keeps serving meanwhile. The SIGCONT is sent even when the wait is
   * interrupted.
   */
  public void stallAgent(String host, Duration duration) throws InterruptedException {
    Process process = agents.get(host);
    if (process == null || !process.isAlive()) {
      throw new IllegalStateException("no agent runs on " + host);
    }
    LabNetwork.signal(process.toHandle(), "STOP");
    try {
      Thread.sleep(duration);
    } finally {
      LabNetwork.signal(process.toHandle(), "CONT");
    }
  }

  /**
   * The pair link drops each packet with {@code probability}, each way, for {@code duration}; the
   * rules are removed afterwards, also when the wait is interrupted.
   */
  public void lossyPairLink(String hostA, String hostB, double probability, Duration duration)
      throws InterruptedException {
    network.lossyLink(hostA, hostB, probability);
    try {
      Thread.sleep(duration);
    } finally {
      network.clearLossyLink(hostA, hostB);
    }
  }

  /**
   * SIGKILL of the Redis on {@code host}:{@code port} and a fresh, empty one started in its place
   * at once (0 ms), as a supervisor with {@code Restart=always} and no delay does. Returns when the
   * old one was gone (System.nanoTime).
   */
  public long restartRedisEmptyAtOnce(String host, int port) throws InterruptedException {
    killRedis(host, port);
    long killed = System.nanoTime();
    startRedis(host, port);
    return killed;
  }

  /**
   * Master_Down_Interval of the lab's pair: three adverts plus Skew_Time at the default priority
   * (RFC 9568): how long a backup waits on a silent master before it takes over.
   */
  public static Duration masterDownInterval() {
    long advert = Duration.ofMillis(ADVERT_MILLIS).toNanos();
    return Duration.ofNanos(3 * advert + (256 - PairValidation.DEFAULT_PRIORITY) * advert / 256);
  }

  /** The lab's advert interval (the pair file's {@code advertIntervalMillis}). */
  public static final long ADVERT_MILLIS = 100;

  /** The lab's health check interval (the pair file's {@code healthCheck.intervalMillis}). */
  public static final long HEALTH_CHECK_MILLIS = 100;

  /** The host of {@link #startKubernetesApi}. */
  public static final String API = "api";

  public static final String API_ADDRESS = "192.0.2.30";
  public static final int API_PORT = 6443;

  /** The Kubernetes namespace the lab's agents take their Leases in. */
  public static final String API_NAMESPACE = "redis";

  /**
   * Runs a Kubernetes API server in a host of its own ({@value #API}, {@value #API_ADDRESS}) with
   * {@code serverCommand} (which must listen on {@value #API_ADDRESS}:{@value #API_PORT} over plain
   * HTTP and print {@code listening on} when it does), writes a kubeconfig for it, and runs the
   * agents started from now on with {@code --kubernetes} against it, as the operator's DaemonSet
   * would. The pair is named after the pair file ({@code pair}).
   */
  public Process startKubernetesApi(List<String> serverCommand) throws IOException {
    network.addHost(API, API_ADDRESS + "/24");
    Path log = workDir.resolve("api-server.log");
    Process server = network.start(API, serverCommand, log);
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (true) {
      String text = Files.exists(log) ? Files.readString(log) : "";
      if (text.contains("listening on")) {
        break;
      }
      if (!server.isAlive() || System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "the API server did not start ("
                + (server.isAlive() ? "no 'listening on' within 90 s" : "it exited")
                + "): "
                + text.strip());
      }
      sleep(100);
    }
    Path kubeconfig = workDir.resolve("kubeconfig");
    Files.writeString(
        kubeconfig,
        """
        apiVersion: v1
        kind: Config
        clusters:
        - name: lab
          cluster: {server: "http://%s:%d"}
        users:
        - name: lab
          user: {}
        contexts:
        - name: lab
          context: {cluster: lab, user: lab, namespace: %s}
        current-context: lab
        """
            .formatted(API_ADDRESS, API_PORT, API_NAMESPACE));
    Map<String, String> environment = new LinkedHashMap<>();
    environment.put("KUBECONFIG", kubeconfig.toString());
    environment.put(PairResources.ENV_NAMESPACE, API_NAMESPACE);
    environment.put(PairResources.ENV_PAIR, pairName());
    agentOptions(List.of("--kubernetes"), environment);
    return server;
  }

  /** The pair's name: its file's name without {@code .yaml}. */
  public String pairName() {
    String file = pairFile().getFileName().toString();
    return file.endsWith(".yaml") ? file.substring(0, file.length() - ".yaml".length()) : file;
  }

  /** The options of the agents started from now on (see {@link #agentOptions}). */
  public List<String> agentArgs() {
    return agentArgs;
  }

  /** The environment of the agents started from now on (see {@link #agentOptions}). */
  public Map<String, String> agentEnvironment() {
    return agentEnvironment;
  }

  /** The PID of the agent of {@code host} (the process the namespace's exec became). */
  public long agentPid(String host) {
    return agents.get(host).pid();
  }

  public boolean agentRunning(String host) {
    Process process = agents.get(host);
    return process != null && process.isAlive();
  }

  /** The agent's /status, or null when it does not answer. */
  public JsonNode status(String host) {
    try {
      String body = network.inNamespace(host, () -> httpGet("127.0.0.1", STATUS_PORT, "/status"));
      return body == null ? null : JSON.readTree(body);
    } catch (Exception e) {
      return null;
    }
  }

  /** The agent's /metrics text, or null. */
  public String metrics(String host) {
    try {
      return network.inNamespace(host, () -> httpGet("127.0.0.1", STATUS_PORT, "/metrics"));
    } catch (Exception e) {
      return null;
    }
  }

  private static String httpGet(String host, int port, String path) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, port), 300);
      socket.setSoTimeout(2000);
      OutputStream out = socket.getOutputStream();
      out.write(
          ("GET " + path + " HTTP/1.0\r\nHost: localhost\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      BufferedReader in =
          new BufferedReader(
              new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
      String status = in.readLine();
      if (status == null || !status.contains(" 200 ")) {
        return null;
      }
      String line;
      while ((line = in.readLine()) != null && !line.isEmpty()) {
        // headers
      }
      StringBuilder body = new StringBuilder();
      char[] buffer = new char[8192];
      int n;
      while ((n = in.read(buffer)) >= 0) {
        body.append(buffer, 0, n);
      }
      return body.toString();
    }
  }

  /**
   * What both agents report for one group.
   *
   * @param group group name
   * @param states VRRP state per host ("DOWN" when the agent does not answer)
   * @param roles Redis role per host
   * @param transitions transitions per host
   */
  public record GroupView(
      String group,
      Map<String, String> states,
      Map<String, String> roles,
      Map<String, Long> transitions) {

    /** The host that is master, null when none, "vm-a+vm-b" when both. */
    public String master() {
      List<String> masters =
          states.entrySet().stream()
              .filter(e -> e.getValue().equals("MASTER"))
              .map(Map.Entry::getKey)
              .sorted()
              .toList();
      return masters.isEmpty() ? null : String.join("+", masters);
    }

    /** Exactly one master whose Redis is master, and the other node's Redis a replica. */
    public boolean settled() {
      String master = master();
      if (master == null || master.contains("+")) {
        return false;
      }
      String other = master.equals(VM_A) ? VM_B : VM_A;
      return "master".equals(roles.get(master))
          && "BACKUP".equals(states.get(other))
          && "replica".equals(roles.get(other));
    }

    @Override
    public String toString() {
      StringBuilder text = new StringBuilder(group).append(": ");
      for (String host : List.of(VM_A, VM_B)) {
        text.append(host)
            .append(' ')
            .append(states.getOrDefault(host, "?"))
            .append('/')
            .append(roles.getOrDefault(host, "?"))
            .append("  ");
      }
      return text.toString().strip();
    }
  }

  /** Both agents' view of every group. */
  public Map<String, GroupView> view() {
    Map<String, JsonNode> statuses = new LinkedHashMap<>();
    for (String host : List.of(VM_A, VM_B)) {
      statuses.put(host, agentRunning(host) ? status(host) : null);
    }
    Map<String, GroupView> views = new LinkedHashMap<>();
    for (Group group : groups) {
      Map<String, String> states = new LinkedHashMap<>();
      Map<String, String> roles = new LinkedHashMap<>();
      Map<String, Long> transitions = new LinkedHashMap<>();
      for (String host : List.of(VM_A, VM_B)) {
        JsonNode status = statuses.get(host);
        JsonNode entry = null;
        if (status != null) {
          for (JsonNode g : status.path("groups")) {
            if (g.path("name").asText().equals(group.name())) {
              entry = g;
            }
          }
        }
        states.put(host, entry == null ? "DOWN" : entry.path("vrrpState").asText());
        roles.put(host, entry == null ? "?" : entry.path("redisRole").asText());
        transitions.put(host, entry == null ? -1 : entry.path("transitions").asLong());
      }
      views.put(group.name(), new GroupView(group.name(), states, roles, transitions));
    }
    return views;
  }

  /** Waits until every group is settled; returns false on timeout. */
  public boolean awaitSettled(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (view().values().stream().allMatch(GroupView::settled)) {
        return true;
      }
      sleep(50);
    }
    return false;
  }

  /** Waits until {@code group} is settled with {@code host} as master. */
  public boolean awaitMaster(String group, String host, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      GroupView view = view().get(group);
      if (view.settled() && host.equals(view.master())) {
        return true;
      }
      sleep(50);
    }
    return false;
  }

  /** Which host holds the VIP on its interface: by looking, not by asking the agents. */
  public List<String> vipHolders(Group group) {
    List<String> holders = new ArrayList<>();
    for (String host : List.of(VM_A, VM_B)) {
      if (network
          .exec(host, "ip", "-4", "addr", "show", "dev", "eth0")
          .output()
          .contains(group.vip() + "/")) {
        holders.add(host);
      }
    }
    return holders;
  }

  /** The other host of the pair. */
  public static String other(String host) {
    return host.equals(VM_A) ? VM_B : VM_A;
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  @Override
  public void close() {
    network.close();
  }
}

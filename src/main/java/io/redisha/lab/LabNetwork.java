package io.redisha.lab;

import io.redisha.net.Ipv4Cidr;
import io.redisha.net.NetworkNamespaces;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Inet4Address;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A small simulated LAN in network namespaces, for the lab command, the benchmark and the
 * integration tests. A bridge lives in a namespace of its own; each host is a namespace whose
 * {@code eth0} is a veth plugged into that bridge, with an address the caller chooses (tests use
 * 192.0.2.0/24) and loopback up. Nothing is created in the caller's own namespace.
 *
 * <p>Namespaces are named {@code rha-<pid>-<run>} (the bridge) and {@code rha-<pid>-<run>-<host>}
 * (hosts), so concurrent runs never collide and {@link #removeStale()} can tell which ones belong
 * to runs that died. {@link #close()} (also run by a JVM shutdown hook) stops every process started
 * with {@link #start} and every other process left in the namespaces, then deletes the namespaces.
 *
 * <pre>{@code
 * try (LabNetwork lab = LabNetwork.create()) {
 *   lab.addHost("vm-a", "192.0.2.11/24").addHost("vm-b", "192.0.2.12/24");
 *   lab.run("vm-a", "ping", "-c1", "192.0.2.12");
 *   RawVrrpSocket socket = lab.inNamespace("vm-a",
 *       () -> RawVrrpSocket.open("eth0", lab.address("vm-a"), 255));
 * }
 * }</pre>
 */
public final class LabNetwork implements AutoCloseable {
  /** The interface every host has on the lab bridge. */
  public static final String HOST_INTERFACE = "eth0";

  private static final String BRIDGE = "br0";
  private static final Pattern OUR_NAMESPACE = Pattern.compile("rha-(\\d+)-(\\d+)(-[a-z0-9-]+)?");
  private static final Pattern HOST_NAME = Pattern.compile("[a-z][a-z0-9-]{0,19}");
  private static final Pattern LINK_MAC = Pattern.compile("link/ether ([0-9a-f:]{17})");
  private static final AtomicInteger RUNS = new AtomicInteger();
  private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration STOP_GRACE = Duration.ofSeconds(5);

  private final String bridgeNamespace;
  private final Map<String, Host> hosts = new LinkedHashMap<>();
  private final List<String> namespacesMade = new ArrayList<>();
  private final List<Process> processes = Collections.synchronizedList(new ArrayList<>());
  private final Set<String> partitions = new LinkedHashSet<>();
  private final Map<String, String> lossyLinks = new LinkedHashMap<>();
  private final Thread shutdownHook;
  private boolean closed;

  private record Host(
      String name, String namespace, String bridgePort, Ipv4Cidr address, String mac) {}

  /** Exit code and combined stdout/stderr of a command run in a lab host. */
  public record ExecResult(String where, List<String> command, int exitCode, String output) {
    /** Whether the command exited with 0. */
    public boolean succeeded() {
      return exitCode == 0;
    }

    /** Returns this result, or throws {@link IllegalStateException} with the output on failure. */
    public ExecResult requireSuccess() {
      if (exitCode != 0) {
        throw new IllegalStateException(
            "`"
                + String.join(" ", command)
                + "` in "
                + where
                + " exited with "
                + exitCode
                + ": "
                + output.strip());
      }
      return this;
    }
  }

  private LabNetwork(String bridgeNamespace) {
    this.bridgeNamespace = bridgeNamespace;
    this.shutdownHook =
        Thread.ofPlatform().name("lab-network-cleanup").unstarted(this::closeQuietly);
  }

  /** Creates the bridge namespace; add hosts with {@link #addHost}. Needs root. */
  public static LabNetwork create() {
    String name = "rha-" + ProcessHandle.current().pid() + "-" + RUNS.incrementAndGet();
    LabNetwork lab = new LabNetwork(name);
    Runtime.getRuntime().addShutdownHook(lab.shutdownHook);
    try {
      lab.makeNamespace(name);
      lab.ipIn(name, "link", "set", "lo", "up");
      lab.ipIn(name, "link", "add", BRIDGE, "type", "bridge");
      lab.ipIn(name, "link", "set", BRIDGE, "up");
      return lab;
    } catch (RuntimeException e) {
      lab.closeAfterFailure(e);
      throw e;
    }
  }

  /**
   * Adds a host: a namespace with {@code eth0} on the bridge and the given address.
   *
   * @param host a short name: lower-case letters, digits and dashes, for example {@code vm-a}
   * @param address {@code a.b.c.d/prefix}, or {@code a.b.c.d} for a /24
   */
  public synchronized LabNetwork addHost(String host, String address) {
    ensureOpen();
    if (host == null || !HOST_NAME.matcher(host).matches()) {
      throw new IllegalArgumentException(
          "host '"
              + host
              + "' is not a lab host name: expected 1 to 20 lower-case letters, digits or dashes,"
              + " starting with a letter");
    }
    if (hosts.containsKey(host)) {
      throw new IllegalArgumentException("host '" + host + "' already exists in this lab");
    }
    Objects.requireNonNull(address, "address");
    Ipv4Cidr cidr = Ipv4Cidr.parse(address.contains("/") ? address : address + "/24");
    for (Host other : hosts.values()) {
      if (other.address().address().equals(cidr.address())) {
        throw new IllegalArgumentException(
            "address of host '" + host + "': " + cidr + " is already used by " + other.name());
      }
    }
    String namespace = bridgeNamespace + "-" + host;
    String port = "p" + hosts.size();
    makeNamespace(namespace);
    ipIn(
        bridgeNamespace,
        "link",
        "add",
        port,
        "type",
        "veth",
        "peer",
        "name",
        HOST_INTERFACE,
        "netns",
        namespace);
    ipIn(bridgeNamespace, "link", "set", port, "master", BRIDGE, "up");
    ipIn(namespace, "link", "set", "lo", "up");
    ipIn(namespace, "addr", "add", cidr.toString(), "dev", HOST_INTERFACE);
    ipIn(namespace, "link", "set", HOST_INTERFACE, "up");
    String linkText = ipIn(namespace, "-o", "link", "show", HOST_INTERFACE);
    Matcher mac = LINK_MAC.matcher(linkText);
    if (!mac.find()) {
      throw new IllegalStateException("no MAC address for eth0 of " + host + " in: " + linkText);
    }
    hosts.put(host, new Host(host, namespace, port, cidr, mac.group(1)));
    return this;
  }

  /** The names of the hosts, in the order they were added. */
  public synchronized List<String> hosts() {
    return List.copyOf(hosts.keySet());
  }

  /** The network namespace of a host, for {@code ip netns exec} or {@code ip -n}. */
  public synchronized String namespace(String host) {
    return host(host).namespace();
  }

  /** The namespace holding the bridge. */
  public String bridgeNamespace() {
    return bridgeNamespace;
  }

  /** The address of a host's {@code eth0}. */
  public synchronized Inet4Address address(String host) {
    return host(host).address().address();
  }

  /** The address of a host's {@code eth0} with its prefix length. */
  public synchronized Ipv4Cidr cidr(String host) {
    return host(host).address();
  }

  /** The MAC address of a host's {@code eth0}, as {@code 02:ab:..}. */
  public synchronized String mac(String host) {
    return host(host).mac();
  }

  /** Runs a command in a host's namespace and waits for it; never throws on a non-zero exit. */
  public ExecResult exec(String host, String... command) {
    String namespace = namespace(host);
    List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", namespace));
    full.addAll(List.of(command));
    return runCommand(host + " (" + namespace + ")", full, List.of(command));
  }

  /** Runs a command in a host's namespace and returns its output; throws with it on failure. */
  public String run(String host, String... command) {
    return exec(host, command).requireSuccess().output();
  }

  /**
   * Starts a long-running program in a host's namespace, stdout and stderr appended to {@code
   * logFile}. {@code ip netns exec} replaces itself with the program, so the process's PID is the
   * program's. {@link #close()} stops it.
   */
  public Process start(String host, List<String> command, Path logFile) {
    Objects.requireNonNull(command, "command");
    Objects.requireNonNull(logFile, "logFile");
    if (command.isEmpty()) {
      throw new IllegalArgumentException("command must not be empty");
    }
    List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", namespace(host)));
    full.addAll(command);
    synchronized (this) {
      ensureOpen();
      try {
        Path parent = logFile.toAbsolutePath().getParent();
        if (parent != null) {
          Files.createDirectories(parent);
        }
        Process process =
            new ProcessBuilder(full)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start();
        processes.add(process);
        return process;
      } catch (IOException e) {
        throw new UncheckedIOException("cannot start " + command + " in " + host, e);
      }
    }
  }

  /**
   * Runs {@code action} on a thread inside the host's namespace (see {@link NetworkNamespaces}):
   * sockets it opens stay in that namespace and may then be used from any thread.
   */
  public <T> T inNamespace(String host, Callable<T> action) throws Exception {
    return NetworkNamespaces.call(NetworkNamespaces.namedNamespaceFile(namespace(host)), action);
  }

  /**
   * Cuts the host's cable: its bridge port leaves the bridge, so nothing it sends reaches anyone
   * and nothing reaches it. Its own {@code eth0} stays up with carrier, as when a network fails
   * upstream of a VM.
   */
  public synchronized void isolate(String host) {
    ensureOpen();
    ipIn(bridgeNamespace, "link", "set", host(host).bridgePort(), "nomaster");
  }

  /** Plugs an isolated host back into the bridge. */
  public synchronized void reconnect(String host) {
    ensureOpen();
    ipIn(bridgeNamespace, "link", "set", host(host).bridgePort(), "master", BRIDGE);
  }

  /**
   * Drops all IP traffic between two hosts, both directions, whatever addresses it carries (VIPs
   * too): each host drops frames whose source MAC is the other's. Traffic with other hosts flows.
   */
  public synchronized void partition(String hostA, String hostB) {
    ensureOpen();
    Host a = host(hostA);
    Host b = host(hostB);
    if (a.equals(b)) {
      throw new IllegalArgumentException("cannot partition host '" + hostA + "' from itself");
    }
    if (partitions.add(partitionKey(a, b))) {
      dropFrom(a, b, "-I");
      dropFrom(b, a, "-I");
    }
  }

  /** Ends a {@link #partition} between two hosts. */
  public synchronized void heal(String hostA, String hostB) {
    ensureOpen();
    Host a = host(hostA);
    Host b = host(hostB);
    if (partitions.remove(partitionKey(a, b))) {
      dropFrom(a, b, "-D");
      dropFrom(b, a, "-D");
    }
  }

  // ---- link faults of issue 13: a link that goes down, a lost carrier, a lossy pair link ----

  /**
   * {@code ip link set eth0 down} inside the host, as an operator or a driver does: the interface
   * is administratively down (no carrier either), its addresses stay on it but carry nothing.
   */
  public synchronized void linkDown(String host) {
    ensureOpen();
    ipIn(host(host).namespace(), "link", "set", HOST_INTERFACE, "down");
  }

  /** {@code ip link set eth0 up} inside the host after {@link #linkDown}. */
  public synchronized void linkUp(String host) {
    ensureOpen();
    ipIn(host(host).namespace(), "link", "set", HOST_INTERFACE, "up");
  }

  /**
   * Takes the bridge side of the host's veth down: the host's own {@code eth0} stays
   * administratively up but loses its carrier ({@code NO-CARRIER}, operstate {@code
   * LOWERLAYERDOWN}), as when a cable is pulled or a hypervisor detaches the NIC.
   */
  public synchronized void carrierLoss(String host) {
    ensureOpen();
    ipIn(bridgeNamespace, "link", "set", host(host).bridgePort(), "down");
  }

  /** Brings the carrier back after {@link #carrierLoss}. */
  public synchronized void carrierBack(String host) {
    ensureOpen();
    ipIn(bridgeNamespace, "link", "set", host(host).bridgePort(), "up");
  }

  /**
   * The state of the host's {@code eth0} as {@code ip -o link} shows it: its flags and operstate,
   * for example {@code <NO-CARRIER,BROADCAST,MULTICAST,UP> state LOWERLAYERDOWN}.
   */
  public synchronized String linkState(String host) {
    String line = ipIn(host(host).namespace(), "-o", "link", "show", HOST_INTERFACE);
    int flags = line.indexOf('<');
    int mtu = line.indexOf(" mtu ");
    int state = line.indexOf(" state ");
    int mode = line.indexOf(" mode ");
    String shown = flags >= 0 && mtu > flags ? line.substring(flags, mtu) : line.strip();
    if (state >= 0) {
      shown += line.substring(state, mode > state ? mode : line.length()).stripTrailing();
    }
    return shown;
  }

  /**
   * The IPv4 addresses on the host's {@code eth0}, one {@code a.b.c.d/prefix} each, read with
   * {@code ip -n} (no {@code ip netns exec}, so it is cheap enough to sample every few ms).
   */
  public List<String> addresses(String host) {
    String namespace;
    synchronized (this) {
      ensureOpen();
      namespace = host(host).namespace();
    }
    List<String> command =
        List.of("ip", "-n", namespace, "-4", "-o", "addr", "show", "dev", HOST_INTERFACE);
    String output = runCommand("the host", command, command).requireSuccess().output();
    List<String> addresses = new ArrayList<>();
    for (String line : output.split("\n")) {
      String[] words = line.strip().split("\\s+");
      for (int i = 0; i + 1 < words.length; i++) {
        if (words[i].equals("inet")) {
          addresses.add(words[i + 1]);
        }
      }
    }
    return addresses;
  }

  /**
   * Drops each packet between two hosts with probability {@code probability}, each way on its own
   * ({@code iptables -m statistic --mode random} in both hosts, on frames from the other's MAC): a
   * lossy link, not a cut. Traffic with other hosts is not touched. {@link #clearLossyLink} removes
   * the rules; so does {@link #close} with the namespaces.
   */
  public synchronized void lossyLink(String hostA, String hostB, double probability) {
    ensureOpen();
    if (!(probability > 0 && probability <= 1)) {
      throw new IllegalArgumentException(
          "probability must be above 0 and at most 1, not " + probability);
    }
    Host a = host(hostA);
    Host b = host(hostB);
    if (a.equals(b)) {
      throw new IllegalArgumentException(
          "cannot make a lossy link from host '" + hostA + "' to itself");
    }
    String key = partitionKey(a, b);
    if (lossyLinks.containsKey(key)) {
      throw new IllegalStateException("the link " + key + " is already lossy: clear it first");
    }
    String chance = String.format(java.util.Locale.ROOT, "%.4f", probability);
    lossyLinks.put(key, chance);
    dropRandomlyFrom(a, b, chance, "-I");
    try {
      dropRandomlyFrom(b, a, chance, "-I");
    } catch (RuntimeException e) {
      clearLossyLink(hostA, hostB);
      throw e;
    }
  }

  /** Ends a {@link #lossyLink}; does nothing when the link is not lossy. */
  public synchronized void clearLossyLink(String hostA, String hostB) {
    ensureOpen();
    Host a = host(hostA);
    Host b = host(hostB);
    String chance = lossyLinks.remove(partitionKey(a, b));
    if (chance == null) {
      return;
    }
    List<String> failures = new ArrayList<>();
    for (Host[] pair : new Host[][] {{a, b}, {b, a}}) {
      ExecResult result = execDropRandomly(pair[0], pair[1], chance, "-D");
      if (!result.succeeded() && !result.output().contains("does a matching rule exist")) {
        failures.add(result.output().strip());
      }
    }
    if (!failures.isEmpty()) {
      throw new IllegalStateException(
          "lossy link rules between " + hostA + " and " + hostB + " not removed: " + failures);
    }
  }

  private void dropRandomlyFrom(Host receiver, Host sender, String chance, String action) {
    execDropRandomly(receiver, sender, chance, action).requireSuccess();
  }

  private ExecResult execDropRandomly(Host receiver, Host sender, String chance, String action) {
    return exec(
        receiver.name(),
        "iptables",
        "-w",
        action,
        "INPUT",
        "-m",
        "mac",
        "--mac-source",
        sender.mac(),
        "-m",
        "statistic",
        "--mode",
        "random",
        "--probability",
        chance,
        "-j",
        "DROP");
  }

  /**
   * Sends {@code signal} (a name such as {@code STOP}, {@code CONT} or {@code KILL}) to one process
   * by its PID, with {@code kill(1)}: for processes this lab started.
   */
  public static void signal(ProcessHandle process, String signal) {
    if (!signal.matches("[A-Z]+[0-9]*")) {
      throw new IllegalArgumentException(
          "signal must be a name such as STOP, not '" + signal + "'");
    }
    List<String> command = List.of("kill", "-s", signal, Long.toString(process.pid()));
    runCommand("the host", command, command).requireSuccess();
  }

  /**
   * Stops every process started here (SIGTERM, then SIGKILL after 5 s) and any other process still
   * in the lab's namespaces, then deletes the namespaces. Idempotent. Every step is tried even when
   * an earlier one fails; the failures are then thrown together.
   */
  @Override
  public void close() {
    List<String> failures = new ArrayList<>();
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      List<Process> started;
      synchronized (processes) {
        started = List.copyOf(processes);
      }
      try {
        stop(started.stream().map(Process::toHandle).toList());
      } catch (RuntimeException e) {
        failures.add("stop started processes: " + e.getMessage());
      }
      List<String> namespaces = new ArrayList<>(namespacesMade);
      Collections.reverse(namespaces);
      for (String namespace : namespaces) {
        deleteNamespace(namespace, failures);
      }
      try {
        Set<String> left = new LinkedHashSet<>(listNamespaces());
        left.retainAll(namespacesMade);
        if (!left.isEmpty()) {
          failures.add("namespaces still present after deleting them: " + left);
        }
      } catch (RuntimeException e) {
        failures.add("list namespaces: " + e.getMessage());
      }
    }
    if (Thread.currentThread() != shutdownHook) {
      try {
        Runtime.getRuntime().removeShutdownHook(shutdownHook);
      } catch (IllegalStateException shutdownInProgress) {
        // the hook runs anyway and finds the lab closed
      }
    }
    if (!failures.isEmpty()) {
      throw new IllegalStateException(
          "lab network " + bridgeNamespace + " cleanup incomplete: " + String.join("; ", failures));
    }
  }

  /**
   * Deletes lab namespaces left by runs whose JVM is gone (killed before its cleanup ran), with any
   * process still inside them. Namespaces of live runs and namespaces not named by this class are
   * never touched. Returns the names removed.
   */
  public static List<String> removeStale() {
    List<String> removed = new ArrayList<>();
    List<String> failures = new ArrayList<>();
    for (String namespace : listNamespaces()) {
      Matcher matcher = OUR_NAMESPACE.matcher(namespace);
      if (!matcher.matches()) {
        continue;
      }
      long owner = Long.parseLong(matcher.group(1));
      boolean ownerAlive =
          owner == ProcessHandle.current().pid()
              || ProcessHandle.of(owner).map(ProcessHandle::isAlive).orElse(false);
      if (!ownerAlive) {
        deleteNamespace(namespace, failures);
        removed.add(namespace);
      }
    }
    if (!failures.isEmpty()) {
      throw new IllegalStateException("stale lab namespaces not removed: " + failures);
    }
    return removed;
  }

  /** Names of all network namespaces that {@code ip netns} knows. */
  public static List<String> listNamespaces() {
    String output =
        runCommand("the host", List.of("ip", "netns", "list"), List.of("ip", "netns", "list"))
            .requireSuccess()
            .output();
    List<String> names = new ArrayList<>();
    for (String line : output.split("\n")) {
      String trimmed = line.strip();
      if (!trimmed.isEmpty()) {
        names.add(trimmed.split("\\s+")[0]);
      }
    }
    return names;
  }

  private void closeQuietly() {
    try {
      close();
    } catch (RuntimeException e) {
      System.err.println(e.getMessage());
    }
  }

  private void closeAfterFailure(RuntimeException cause) {
    try {
      close();
    } catch (RuntimeException e) {
      cause.addSuppressed(e);
    }
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("lab network " + bridgeNamespace + " is closed");
    }
  }

  private Host host(String host) {
    Host found = hosts.get(host);
    if (found == null) {
      throw new IllegalArgumentException(
          "no host '" + host + "' in this lab; hosts: " + hosts.keySet());
    }
    return found;
  }

  private void makeNamespace(String namespace) {
    namespacesMade.add(namespace);
    List<String> command = List.of("ip", "netns", "add", namespace);
    runCommand("the host", command, command).requireSuccess();
  }

  private String ipIn(String namespace, String... arguments) {
    List<String> command = new ArrayList<>(List.of("ip", "-n", namespace));
    command.addAll(List.of(arguments));
    return runCommand("the host", command, command).requireSuccess().output();
  }

  private void dropFrom(Host receiver, Host sender, String action) {
    run(
        receiver.name(),
        "iptables",
        "-w",
        action,
        "INPUT",
        "-m",
        "mac",
        "--mac-source",
        sender.mac(),
        "-j",
        "DROP");
  }

  private static String partitionKey(Host a, Host b) {
    return a.name().compareTo(b.name()) < 0 ? a.name() + "|" + b.name() : b.name() + "|" + a.name();
  }

  private static void deleteNamespace(String namespace, List<String> failures) {
    if (!Files.exists(NetworkNamespaces.namedNamespaceFile(namespace))) {
      return;
    }
    try {
      List<String> pidsCommand = List.of("ip", "netns", "pids", namespace);
      String pids = runCommand("the host", pidsCommand, pidsCommand).requireSuccess().output();
      List<ProcessHandle> inside = new ArrayList<>();
      for (String pid : pids.split("\\s+")) {
        long id = pid.isBlank() ? -1 : Long.parseLong(pid);
        if (id > 0 && id != ProcessHandle.current().pid()) {
          ProcessHandle.of(id).ifPresent(inside::add);
        }
      }
      stop(inside);
    } catch (RuntimeException e) {
      failures.add("stop processes in " + namespace + ": " + e.getMessage());
    }
    List<String> delete = List.of("ip", "netns", "del", namespace);
    ExecResult result = runCommand("the host", delete, delete);
    if (!result.succeeded() && Files.exists(NetworkNamespaces.namedNamespaceFile(namespace))) {
      failures.add("delete namespace " + namespace + ": " + result.output().strip());
    }
  }

  /**
   * SIGTERM to the processes and their descendants, all at once; SIGKILL to what is left after the
   * grace time.
   */
  private static void stop(List<ProcessHandle> processes) {
    List<ProcessHandle> family = new ArrayList<>();
    for (ProcessHandle process : processes) {
      family.add(process);
      family.addAll(process.descendants().toList());
    }
    family.forEach(ProcessHandle::destroy);
    long deadline = System.nanoTime() + STOP_GRACE.toNanos();
    for (ProcessHandle member : family) {
      awaitExit(member, deadline);
    }
    List<ProcessHandle> stubborn = family.stream().filter(ProcessHandle::isAlive).toList();
    stubborn.forEach(ProcessHandle::destroyForcibly);
    long killDeadline = System.nanoTime() + STOP_GRACE.toNanos();
    for (ProcessHandle member : stubborn) {
      awaitExit(member, killDeadline);
    }
    List<Long> survivors =
        stubborn.stream().filter(ProcessHandle::isAlive).map(ProcessHandle::pid).toList();
    if (!survivors.isEmpty()) {
      throw new IllegalStateException("PIDs " + survivors + " survived SIGKILL");
    }
  }

  private static void awaitExit(ProcessHandle process, long deadlineNanos) {
    long remaining = deadlineNanos - System.nanoTime();
    if (remaining <= 0) {
      return;
    }
    try {
      process.onExit().get(remaining, TimeUnit.NANOSECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      // the caller escalates to SIGKILL
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException("waiting for PID " + process.pid(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static ExecResult runCommand(String where, List<String> full, List<String> shown) {
    Path output = null;
    try {
      output = Files.createTempFile("rha-lab-", ".out");
      Process process =
          new ProcessBuilder(full)
              .redirectErrorStream(true)
              .redirectOutput(output.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
              .start();
      if (!process.waitFor(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException(
            "`"
                + String.join(" ", shown)
                + "` in "
                + where
                + " did not finish within "
                + COMMAND_TIMEOUT.toSeconds()
                + " s: "
                + Files.readString(output, StandardCharsets.UTF_8).strip());
      }
      return new ExecResult(
          where, shown, process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run `" + String.join(" ", shown) + "`", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted running `" + String.join(" ", shown) + "`", e);
    } finally {
      if (output != null) {
        try {
          Files.deleteIfExists(output);
        } catch (IOException ignored) {
          // a temporary file left behind is harmless
        }
      }
    }
  }
}

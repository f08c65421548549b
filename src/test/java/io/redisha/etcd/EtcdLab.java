package io.redisha.etcd;

import static org.assertj.core.api.Assertions.assertThat;

import io.redisha.lab.EtcdCluster;
import io.redisha.lab.EtcdCluster.Member;
import io.redisha.lab.LabNetwork;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real three-member etcd cluster for the tests: each member in its own lab host (network
 * namespace) on the lab bridge, which sits in a namespace of its own, data under the test's
 * temporary directory, plus lab hosts for the clients ({@link Driver}s) and one for {@code
 * etcdctl}. The members are the lab's {@link EtcdCluster}, started and stopped by their PIDs;
 * {@link #close()} removes the namespaces.
 */
final class EtcdLab implements AutoCloseable {
  static final String CTL = "ctl";
  private static final Pattern FIELD = Pattern.compile("(\\w+)=(\\S+)");

  /**
   * Client TLS of the members: their certificate and key, the CA they trust for client certificates
   * (they require one), and the certificate etcdctl presents.
   */
  record Tls(Path ca, Path serverCert, Path serverKey, Path ctlCert, Path ctlKey) {}

  final LabNetwork network;
  final List<Member> members;
  private final Path dir;
  private final EtcdCluster cluster;
  private final List<Driver> drivers = new ArrayList<>();

  private EtcdLab(LabNetwork network, Path dir, EtcdCluster cluster) {
    this.network = network;
    this.members = cluster.members();
    this.dir = dir;
    this.cluster = cluster;
  }

  /**
   * Members etcd-1..3 at 198.51.100.11-13 and client hosts at 198.51.100.21 and up; etcdctl runs in
   * host {@link #CTL} (198.51.100.30).
   */
  static EtcdLab create(Path dir, List<String> clientHosts) {
    return create(dir, clientHosts, 3, null);
  }

  /** As {@link #create(Path, List)} with {@code memberCount} members, https when {@code tls}. */
  static EtcdLab create(Path dir, List<String> clientHosts, int memberCount, Tls tls) {
    LabNetwork network = LabNetwork.create();
    try {
      List<Member> members = new ArrayList<>();
      for (int i = 1; i <= memberCount; i++) {
        Member member = new Member("etcd-" + i, "198.51.100.1" + i, tls == null ? "http" : "https");
        network.addHost(member.name(), member.address() + "/24");
        members.add(member);
      }
      for (int i = 0; i < clientHosts.size(); i++) {
        network.addHost(clientHosts.get(i), "198.51.100." + (21 + i) + "/24");
      }
      network.addHost(CTL, "198.51.100.30/24");
      List<String> memberFlags = List.of();
      List<String> ctlFlags = List.of();
      if (tls != null) {
        memberFlags =
            List.of(
                "--cert-file=" + tls.serverCert(),
                "--key-file=" + tls.serverKey(),
                "--trusted-ca-file=" + tls.ca(),
                "--client-cert-auth",
                "--auth-token-ttl=2");
        ctlFlags =
            List.of("--cacert=" + tls.ca(), "--cert=" + tls.ctlCert(), "--key=" + tls.ctlKey());
      }
      EtcdCluster cluster = EtcdCluster.start(network, dir, members, CTL, memberFlags, ctlFlags);
      return new EtcdLab(network, dir, cluster);
    } catch (RuntimeException | Error e) {
      network.close();
      throw e;
    }
  }

  String endpoints() {
    return cluster.endpoints();
  }

  Member member(String name) {
    return cluster.member(name);
  }

  /** Starts (or restarts, on its existing data) one member. */
  void start(Member member) {
    cluster.start(member);
  }

  /** SIGKILL to the member's etcd process (by its PID), and wait for it to be gone. */
  void kill(Member member) throws InterruptedException {
    assertThat(cluster.running(member)).as("%s is running", member.name()).isTrue();
    cluster.kill(member);
  }

  void awaitHealthy(List<Member> expected) {
    cluster.awaitHealthy(expected);
  }

  String log(Member member) {
    return read(cluster.log(member));
  }

  /** etcd's member id of each running member, by name. */
  Map<String, BigInteger> memberIds() {
    return cluster.memberIds();
  }

  /** The member that its peers (all reachable ones) call leader. */
  Member leader() {
    Member leader = cluster.leader();
    if (leader == null) {
      throw new AssertionError("no member reports a leader");
    }
    return leader;
  }

  /** Hands leadership to {@code target} with etcdctl move-leader, and waits until it has it. */
  void moveLeader(Member target) {
    cluster.moveLeader(target);
  }

  /** etcdctl in host {@link #CTL}, with the lab's TLS flags and a 2 s command timeout. */
  LabNetwork.ExecResult ctl(String... args) {
    return cluster.ctl(args);
  }

  /**
   * Starts a driver JVM in {@code host} as {@code identity}; {@code options} are the driver's
   * {@code ca=}, {@code cert=}, {@code key=}, {@code user=}, {@code password=}.
   */
  Driver driver(String host, String identity, long callTimeoutMillis, String... options) {
    List<String> args = new ArrayList<>(List.of(endpoints(), Long.toString(callTimeoutMillis)));
    args.addAll(List.of(options));
    Driver driver = new Driver(this, host, identity, args, dir.resolve(identity + ".err"));
    drivers.add(driver);
    driver.awaitLine(0, l -> l.startsWith("ready"), Duration.ofSeconds(60));
    return driver;
  }

  @Override
  public void close() {
    for (Driver driver : drivers) {
      driver.close();
    }
    cluster.close();
    network.close();
  }

  static String read(Path file) {
    try {
      return Files.exists(file) ? Files.readString(file) : "";
    } catch (IOException e) {
      return "cannot read " + file + ": " + e;
    }
  }

  /** The {@code name=value} field of a driver line. */
  static String field(String line, String name) {
    Matcher matcher = FIELD.matcher(line);
    while (matcher.find()) {
      if (matcher.group(1).equals(name)) {
        return matcher.group(2);
      }
    }
    throw new AssertionError("no " + name + "= in: " + line);
  }

  static long number(String line, String name) {
    return Long.parseLong(field(line, name));
  }

  /** One {@link EtcdPortDriver} JVM in a lab host, talked to through its stdin and stdout. */
  static final class Driver implements AutoCloseable {
    final String identity;
    private final Process process;
    private final List<String> lines = Collections.synchronizedList(new ArrayList<>());
    private final Thread reader;
    private final OutputStream in;
    private final Path errors;

    Driver(EtcdLab lab, String host, String identity, List<String> args, Path errors) {
      this.identity = identity;
      this.errors = errors;
      List<String> command =
          new ArrayList<>(List.of("ip", "netns", "exec", lab.network.namespace(host)));
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      command.addAll(
          List.of(
              "-XX:+UseSerialGC",
              "-Xmx96m",
              "-XX:TieredStopAtLevel=1",
              "-cp",
              System.getProperty("java.class.path"),
              EtcdPortDriver.class.getName(),
              identity));
      command.addAll(args);
      try {
        process =
            new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.appendTo(errors.toFile()))
                .start();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot start the driver in " + host, e);
      }
      in = process.getOutputStream();
      reader =
          Thread.ofVirtual()
              .start(
                  () -> {
                    try (BufferedReader out =
                        new BufferedReader(
                            new InputStreamReader(
                                process.getInputStream(), StandardCharsets.UTF_8))) {
                      String line;
                      while ((line = out.readLine()) != null) {
                        if (line.startsWith("@ ")) {
                          lines.add(line.substring(2));
                        }
                      }
                    } catch (IOException ended) {
                      // the driver is gone
                    }
                  });
    }

    int mark() {
      return lines.size();
    }

    void send(String command) {
      try {
        in.write((command + "\n").getBytes(StandardCharsets.UTF_8));
        in.flush();
      } catch (IOException e) {
        throw new UncheckedIOException("driver " + identity + " is gone: " + read(errors), e);
      }
    }

    List<String> linesAfter(int mark) {
      synchronized (lines) {
        return List.copyOf(lines.subList(mark, lines.size()));
      }
    }

    List<String> linesAfter(int mark, String prefix) {
      return linesAfter(mark).stream().filter(l -> l.startsWith(prefix)).toList();
    }

    /** The first line after {@code mark} that matches, waiting for it up to {@code timeout}. */
    String awaitLine(int mark, Predicate<String> wanted, Duration timeout) {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (System.nanoTime() < deadline) {
        for (String line : linesAfter(mark)) {
          if (wanted.test(line)) {
            return line;
          }
        }
        if (!process.isAlive()) {
          break;
        }
        try {
          Thread.sleep(10);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
      throw new AssertionError(
          "driver "
              + identity
              + ": no matching line within "
              + timeout.toMillis()
              + " ms; lines: "
              + linesAfter(Math.max(0, mark - 5))
              + "\nstderr: "
              + read(errors));
    }

    /** Sends {@code command} and waits for its answer line, which starts with {@code prefix}. */
    String ask(String command, String prefix) {
      int mark = mark();
      send(command);
      return awaitLine(mark, l -> l.startsWith(prefix), Duration.ofSeconds(30));
    }

    @Override
    public void close() {
      try {
        if (process.isAlive()) {
          send("quit");
          if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
          }
        }
        reader.join(Duration.ofSeconds(5));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (UncheckedIOException gone) {
        process.destroyForcibly();
      }
    }
  }
}

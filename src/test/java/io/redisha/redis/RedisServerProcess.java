package io.redisha.redis;

import static org.awaitility.Awaitility.await;

import io.redisha.testing.TestPki;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A redis-server this test started on a loopback port, without persistence, in a temporary
 * directory. Stopped by its PID only.
 */
final class RedisServerProcess implements AutoCloseable {
  static final String HOST = "127.0.0.1";

  private final int port;
  private final List<String> extraArgs;
  private final Path dir;
  private final TestPki.Issued tlsCert;
  private final Path tlsCa;
  private Process process;

  private RedisServerProcess(int port, List<String> extraArgs, TestPki.Issued tlsCert, Path tlsCa)
      throws IOException {
    this.port = port;
    this.extraArgs = List.copyOf(extraArgs);
    this.dir = Files.createTempDirectory("redisha-redis-" + port + "-");
    this.tlsCert = tlsCert;
    this.tlsCa = tlsCa;
  }

  /** Starts a server on a free port; {@code extraArgs} are more {@code --name value} options. */
  static RedisServerProcess start(String... extraArgs) {
    return start(null, null, extraArgs);
  }

  /**
   * Starts a server on {@code port} (from {@link #freePort}), for a pair whose servers name each
   * other's port in their options; {@link #startAgain} restarts it with the same options, as a
   * supervisor restarting it with its redis.conf would.
   */
  static RedisServerProcess startOn(int port, String... extraArgs) {
    try {
      RedisServerProcess server = new RedisServerProcess(port, List.of(extraArgs), null, null);
      server.startProcess();
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Starts a server that speaks only TLS on a free port, with {@code cert} as its certificate,
   * asking clients for a certificate signed by {@code ca}.
   */
  static RedisServerProcess startTls(TestPki.Issued cert, Path ca, String... extraArgs) {
    return start(cert, ca, extraArgs);
  }

  private static RedisServerProcess start(TestPki.Issued cert, Path ca, String... extraArgs) {
    try {
      RedisServerProcess server = new RedisServerProcess(freePort(), List.of(extraArgs), cert, ca);
      server.startProcess();
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Runs redis-cli against this server ({@code --tls} with the server's own certificate as client
   * certificate when it speaks TLS) and returns what it printed.
   *
   * @param args redis-cli options ({@code --user}, {@code --pass}) and the command
   */
  String cli(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("redis-cli", "-h", HOST, "-p", "" + port));
    if (tlsCert != null) {
      command.addAll(
          List.of(
              "--tls",
              "--cacert",
              tlsCa.toString(),
              "--cert",
              tlsCert.cert().toString(),
              "--key",
              tlsCert.key().toString()));
    }
    command.add("--no-auth-warning");
    command.addAll(List.of(args));
    Process cli = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(cli.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    cli.waitFor();
    return output.strip();
  }

  int port() {
    return port;
  }

  long pid() {
    return process.pid();
  }

  RedisEndpoint endpoint() {
    return RedisEndpoint.of(HOST, port);
  }

  /** SIGKILL, then waits until the process is gone. */
  void kill() {
    process.destroyForcibly();
    try {
      process.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Starts a new, empty process on the same port (the old one must be gone). */
  void startAgain() {
    try {
      startProcess();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  void signal(String signal) throws IOException, InterruptedException {
    new ProcessBuilder("kill", "-" + signal, Long.toString(pid())).inheritIO().start().waitFor();
  }

  Path log() {
    return dir.resolve("redis.log");
  }

  @Override
  public void close() throws IOException {
    if (process != null && process.isAlive()) {
      process.toHandle().destroyForcibly(); // SIGKILL also ends a SIGSTOPped process
      process.onExit().join();
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(file);
      }
    }
  }

  private void startProcess() throws IOException {
    List<String> command = new ArrayList<>();
    command.addAll(
        List.of(
            "redis-server",
            "--port",
            tlsCert == null ? Integer.toString(port) : "0",
            "--bind",
            HOST,
            "--save",
            "",
            "--appendonly",
            "no",
            "--daemonize",
            "no",
            "--dir",
            dir.toString(),
            "--dbfilename",
            "unused.rdb",
            "--repl-diskless-sync",
            "yes",
            "--repl-diskless-sync-delay",
            "0",
            "--repl-diskless-load",
            "on-empty-db"));
    if (tlsCert != null) {
      command.addAll(
          List.of(
              "--tls-port",
              Integer.toString(port),
              "--tls-cert-file",
              tlsCert.cert().toString(),
              "--tls-key-file",
              tlsCert.key().toString(),
              "--tls-ca-cert-file",
              tlsCa.toString(),
              "--tls-auth-clients",
              "yes"));
    }
    command.addAll(extraArgs);
    process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log().toFile()))
            .start();
    await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(20))
        .until(
            () -> {
              if (!process.isAlive()) {
                throw new IllegalStateException(
                    "redis-server on port " + port + " exited: " + Files.readString(log()));
              }
              if (tlsCert != null) {
                try (Socket probe = new Socket(HOST, port)) {
                  return true; // listening; the tests' own TLS clients say the rest
                } catch (IOException e) {
                  return false;
                }
              }
              try (RawRedisClient probe = new RawRedisClient(HOST, port)) {
                String reply = probe.call("PING");
                return reply.equals("PONG") || reply.startsWith("-NOAUTH");
              } catch (IOException e) {
                return false;
              }
            });
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}

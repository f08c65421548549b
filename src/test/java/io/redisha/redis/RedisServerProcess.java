package io.redisha.redis;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
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
  private Process process;

  private RedisServerProcess(int port, List<String> extraArgs) throws IOException {
    this.port = port;
    this.extraArgs = List.copyOf(extraArgs);
    this.dir = Files.createTempDirectory("redisha-redis-" + port + "-");
  }

  /** Starts a server on a free port; {@code extraArgs} are more {@code --name value} options. */
  static RedisServerProcess start(String... extraArgs) {
    try {
      RedisServerProcess server = new RedisServerProcess(freePort(), List.of(extraArgs));
      server.startProcess();
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
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
            Integer.toString(port),
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
              try (RawRedisClient probe = new RawRedisClient(HOST, port)) {
                String reply = probe.call("PING");
                return reply.equals("PONG") || reply.startsWith("-NOAUTH");
              } catch (IOException e) {
                return false;
              }
            });
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}

package io.redisha.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.redisha.lab.PairLab;
import io.redisha.testing.RequiresHost;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent's HTTP surface as a neighbour meets it: real agents (processes, as the DaemonSet starts
 * them: listening on every address of the node, a token file, the loopback probe listener), real
 * Redis servers, network namespaces. From the client's namespace one request is held open (a header
 * line a second, as a slow-loris client does) and 200 connections sit idle, each reopened as soon
 * as the agent closes it, for 60 s, while {@code /healthz} is asked four times a second on the node
 * address and on the loopback probe listener; then the node port is filled past its bound; then
 * {@code POST /switchover} without, with a wrong and with the right token; then the agent's
 * scheduler is stalled by a file read that never ends.
 */
@RequiresHost(tools = {"ip", "sysctl", "redis-server", "redis-cli", "mkfifo"})
class AgentHttpSurfaceIT {
  static final String NODE_A = "192.0.2.11";
  static final int PORT = PairLab.STATUS_PORT;
  static final int PROBE_PORT = 9737;
  static final String TOKEN = "it-token-" + Long.toHexString(System.nanoTime());
  static final Duration HOLD = Duration.ofSeconds(60);

  /**
   * A probe that waited behind the held request would wait its {@link
   * AgentHttpServer#MAX_REQUEST_SECONDS} (5 s); 2 s leaves a loaded host its stalls (the first
   * probe of a CI run took 1004 ms, every other 1-2 ms).
   */
  static final Duration PROBE_BOUND = Duration.ofSeconds(2);

  /** The agent's request bound plus the JDK server's 1 s timer plus slack for a loaded machine. */
  static final Duration CLOSED_WITHIN = Duration.ofSeconds(AgentHttpServer.MAX_REQUEST_SECONDS + 3);

  @TempDir Path dir;
  PairLab lab;

  @AfterEach
  void tearDown() throws Exception {
    if (lab != null) {
      for (String host : List.of(PairLab.VM_A, PairLab.VM_B)) {
        Path log = lab.agentLog(host);
        if (Files.exists(log)) {
          String text = Files.readString(log);
          System.out.println(
              "--- agent "
                  + host
                  + " (last 4000 chars)\n"
                  + text.substring(Math.max(0, text.length() - 4000)));
        }
      }
      lab.close();
    }
  }

  /** One HTTP/1.0 request: status code and body, or a failure text; with its latency. */
  record Answer(int status, String body, long nanos) {
    boolean fast() {
      return status > 0 && nanos < PROBE_BOUND.toNanos();
    }

    @Override
    public String toString() {
      return status + " in " + nanos / 1_000_000 + " ms: " + body.strip();
    }
  }

  static Answer request(String host, int port, String method, String path, String token) {
    long start = System.nanoTime();
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, port), 2000);
      socket.setSoTimeout(15_000);
      StringBuilder head = new StringBuilder(method + " " + path + " HTTP/1.0\r\nHost: agent\r\n");
      if (token != null) {
        head.append("Authorization: Bearer ").append(token).append("\r\n");
      }
      head.append("Content-Length: 0\r\n\r\n");
      socket.getOutputStream().write(head.toString().getBytes(StandardCharsets.US_ASCII));
      String text = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      long nanos = System.nanoTime() - start;
      int space = text.indexOf(' ');
      int status = space < 0 ? -1 : Integer.parseInt(text.substring(space + 1, space + 4));
      int body = text.indexOf("\r\n\r\n");
      return new Answer(status, body < 0 ? text : text.substring(body + 4), nanos);
    } catch (IOException | RuntimeException e) {
      return new Answer(-1, e.toString(), System.nanoTime() - start);
    }
  }

  /** Asks {@code path} in {@code host}'s namespace. */
  Answer ask(String host, String address, int port, String method, String path, String token)
      throws Exception {
    return lab.network().inNamespace(host, () -> request(address, port, method, path, token));
  }

  /** {@code /healthz} four times a second for {@code duration}; every answer. */
  static List<Answer> sampleHealth(String address, int port, Duration duration) {
    List<Answer> answers = new ArrayList<>();
    long end = System.nanoTime() + duration.toNanos();
    while (System.nanoTime() < end) {
      answers.add(request(address, port, "GET", "/healthz", null));
      sleep(250);
    }
    return answers;
  }

  /**
   * Keeps {@code count} connections open that send nothing, reopening each one the agent closes,
   * for {@code duration}; returns how long each closed one had lived (ms). Runs on the calling
   * thread, so every socket lives in that thread's namespace.
   */
  static List<Long> holdIdle(int count, Duration duration) throws IOException {
    List<Socket> sockets = new ArrayList<>();
    List<Long> opened = new ArrayList<>();
    List<Long> lifetimes = new ArrayList<>();
    long end = System.nanoTime() + duration.toNanos();
    try {
      for (int i = 0; i < count; i++) {
        sockets.add(connect());
        opened.add(System.nanoTime());
      }
      byte[] buffer = new byte[256];
      while (System.nanoTime() < end) {
        for (int i = 0; i < count; i++) {
          Socket socket = sockets.get(i);
          boolean closed;
          try {
            closed = socket.getInputStream().read(buffer) < 0;
          } catch (SocketTimeoutException e) {
            closed = false;
          } catch (IOException e) {
            closed = true;
          }
          if (closed) {
            lifetimes.add((System.nanoTime() - opened.get(i)) / 1_000_000);
            socket.close();
            sockets.set(i, connect());
            opened.set(i, System.nanoTime());
          }
        }
        sleep(100);
      }
    } finally {
      for (Socket socket : sockets) {
        socket.close();
      }
    }
    return lifetimes;
  }

  private static Socket connect() throws IOException {
    Socket socket = new Socket();
    socket.connect(new InetSocketAddress(NODE_A, PORT), 2000);
    socket.setSoTimeout(1);
    return socket;
  }

  /**
   * Holds one request open: the request line and a header, then one more header line a second,
   * never the blank line that ends the request; when the agent closes it, at once another one, for
   * {@code duration}. Returns how long each request was held (ms) before the agent closed it.
   */
  static List<Long> holdSlowRequest(Duration duration) throws IOException {
    List<Long> held = new ArrayList<>();
    long end = System.nanoTime() + duration.toNanos();
    while (System.nanoTime() < end) {
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress(NODE_A, PORT), 2000);
        socket.setSoTimeout(1000);
        long start = System.nanoTime();
        OutputStream out = socket.getOutputStream();
        InputStream in = socket.getInputStream();
        out.write("GET /status HTTP/1.1\r\nHost: agent\r\n".getBytes(StandardCharsets.US_ASCII));
        boolean open = true;
        while (open && System.nanoTime() < end) {
          try {
            open = in.read() >= 0;
          } catch (SocketTimeoutException e) {
            try {
              out.write("X-Slow: 1\r\n".getBytes(StandardCharsets.US_ASCII));
            } catch (IOException closed) {
              open = false;
            }
          } catch (IOException e) {
            open = false;
          }
        }
        if (!open) {
          held.add((System.nanoTime() - start) / 1_000_000);
        }
      }
    }
    return held;
  }

  static <T> CompletableFuture<T> inBackground(ThrowingCallable<T> action) {
    CompletableFuture<T> future = new CompletableFuture<>();
    Thread.ofPlatform()
        .daemon(true)
        .start(
            () -> {
              try {
                future.complete(action.call());
              } catch (Throwable e) {
                future.completeExceptionally(e);
              }
            });
    return future;
  }

  interface ThrowingCallable<T> {
    T call() throws Exception;
  }

  <T> CompletableFuture<T> inNamespaceInBackground(String host, ThrowingCallable<T> action) {
    return inBackground(() -> lab.network().inNamespace(host, action::call));
  }

  @Test
  void aSlowAndManyIdleClientsNeverDelayAProbeAndOnlyTheTokenActs() throws Exception {
    List<PairLab.Group> groups = List.of(new PairLab.Group("a", 6379, "192.0.2.100", 51, null));
    lab = PairLab.create(dir.resolve("lab"), groups, "");
    Path token = dir.resolve("api-token");
    Files.writeString(token, TOKEN + "\n");
    Files.setPosixFilePermissions(token, PosixFilePermissions.fromString("r--------"));
    // As the DaemonSet starts them: every address of the node, the token, the probe listener.
    lab.agentOptions(
        List.of(
            "--http-address",
            "0.0.0.0",
            "--api-token-file",
            token.toString(),
            "--probe-port",
            Integer.toString(PROBE_PORT)),
        Map.of());
    lab.startAgent(PairLab.VM_B);
    // vm-a reads a pair file of its own, in a directory of its own: the stall below blocks
    // a file read beside it.
    Path ownDir = Files.createDirectories(dir.resolve("vm-a"));
    lab.movePairFile(ownDir.resolve("pair.yaml"));
    lab.startAgent(PairLab.VM_A);
    assertThat(lab.awaitSettled(Duration.ofSeconds(30))).as("the pair settles").isTrue();

    // ---- 60 s: one request held open, 200 idle connections, probes four times a second ----
    CompletableFuture<List<Long>> slow =
        inNamespaceInBackground(PairLab.CLIENT, () -> holdSlowRequest(HOLD));
    CompletableFuture<List<Long>> idle =
        inNamespaceInBackground(PairLab.CLIENT, () -> holdIdle(200, HOLD));
    CompletableFuture<List<Answer>> fromClient =
        inNamespaceInBackground(
            PairLab.CLIENT, () -> sampleHealth(NODE_A, PORT, HOLD.minusSeconds(2)));
    CompletableFuture<List<Answer>> fromNode =
        inNamespaceInBackground(
            PairLab.VM_A, () -> sampleHealth("127.0.0.1", PROBE_PORT, HOLD.minusSeconds(2)));
    List<Answer> clientAnswers = fromClient.get(90, TimeUnit.SECONDS);
    List<Answer> nodeAnswers = fromNode.get(90, TimeUnit.SECONDS);
    List<Long> slowHeld = slow.get(90, TimeUnit.SECONDS);
    List<Long> idleLived = idle.get(90, TimeUnit.SECONDS);
    System.out.printf(
        "AgentHttpSurfaceIT: %d s with 1 request held open and 200 idle connections: /healthz on"
            + " %s:%d %d answers, slowest %d ms; on 127.0.0.1:%d %d answers, slowest %d ms;"
            + " the held request closed by the agent %d times after %s ms; idle connections"
            + " closed %d times, longest lived %d ms%n",
        HOLD.toSeconds(),
        NODE_A,
        PORT,
        clientAnswers.size(),
        slowest(clientAnswers),
        PROBE_PORT,
        nodeAnswers.size(),
        slowest(nodeAnswers),
        slowHeld.size(),
        slowHeld,
        idleLived.size(),
        idleLived.stream().mapToLong(Long::longValue).max().orElse(-1));
    assertThat(clientAnswers).hasSizeGreaterThan(100).allSatisfy(this::healthyAndFast);
    assertThat(nodeAnswers).hasSizeGreaterThan(100).allSatisfy(this::healthyAndFast);
    assertThat(slowHeld)
        .as("the agent closes a request that never ends, again and again")
        .hasSizeGreaterThanOrEqualTo(6)
        .allSatisfy(ms -> assertThat(ms).isLessThan(CLOSED_WITHIN.toMillis()));
    assertThat(idleLived)
        .as("the agent closes connections that send nothing")
        .hasSizeGreaterThanOrEqualTo(200)
        .allSatisfy(ms -> assertThat(ms).isLessThan(CLOSED_WITHIN.toMillis()));

    // ---- the node port filled past its bound: the loopback probe listener still answers ----
    CompletableFuture<Integer> kept =
        inNamespaceInBackground(PairLab.CLIENT, () -> fillPastTheBound(400));
    sleep(500);
    List<Answer> whileFull = sampleHealthIn(PairLab.VM_A, Duration.ofSeconds(3));
    int open = kept.get(30, TimeUnit.SECONDS);
    System.out.printf(
        "AgentHttpSurfaceIT: 400 connections to the node port: %d kept open by the agent;"
            + " /healthz on 127.0.0.1:%d meanwhile %d answers, slowest %d ms%n",
        open, PROBE_PORT, whileFull.size(), slowest(whileFull));
    assertThat(open)
        .as("connections the agent keeps open at most")
        .isLessThanOrEqualTo(AgentHttpServer.MAX_CONNECTIONS);
    assertThat(whileFull).hasSizeGreaterThan(5).allSatisfy(this::healthyAndFast);

    // ---- who may act ----
    String master = lab.view().get("a").master();
    String masterAddress = master.equals(PairLab.VM_A) ? NODE_A : "192.0.2.12";
    Answer none = ask(PairLab.CLIENT, masterAddress, PORT, "POST", "/switchover?group=a", null);
    Answer wrong =
        ask(PairLab.CLIENT, masterAddress, PORT, "POST", "/switchover?group=a", "not-" + TOKEN);
    Answer local = ask(master, "127.0.0.1", PORT, "POST", "/switchover?group=a", null);
    Answer onProbePort = ask(master, "127.0.0.1", PROBE_PORT, "POST", "/switchover?group=a", TOKEN);
    System.out.println("AgentHttpSurfaceIT: POST /switchover without token: " + none);
    System.out.println("AgentHttpSurfaceIT: POST /switchover with a wrong token: " + wrong);
    System.out.println("AgentHttpSurfaceIT: POST /switchover from the node, no token: " + local);
    System.out.println("AgentHttpSurfaceIT: POST /switchover on the probe port: " + onProbePort);
    assertThat(none.status()).isEqualTo(401);
    assertThat(wrong.status()).isEqualTo(403);
    assertThat(local.status())
        .as("with a token configured, the node itself needs it too")
        .isEqualTo(401);
    assertThat(onProbePort.status()).as("the probe listener answers probes only").isEqualTo(404);
    assertThat(lab.view().get("a").master())
        .as("no refused request moved anything")
        .isEqualTo(master);
    Answer right = ask(PairLab.CLIENT, masterAddress, PORT, "POST", "/switchover?group=a", TOKEN);
    System.out.println("AgentHttpSurfaceIT: POST /switchover with the token: " + right);
    assertThat(right.status()).isEqualTo(200);
    assertThat(right.body()).contains("\"switched\" : true");
    assertThat(lab.awaitMaster("a", PairLab.other(master), Duration.ofSeconds(15)))
        .as("the switchover was done: %s is master", PairLab.other(master))
        .isTrue();

    // ---- a stalled scheduler: the generation file beside vm-a's pair file becomes a FIFO ----
    Path fifo = ownDir.resolve(AgentDefaults.GENERATION_FILE);
    Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
    assertThat(mkfifo.waitFor()).isZero();
    long stalledAt = System.nanoTime();
    try {
      await()
          .atMost(Duration.ofSeconds(20))
          .pollInterval(Duration.ofMillis(200))
          .untilAsserted(
              () -> {
                Answer live = ask(PairLab.VM_A, "127.0.0.1", PROBE_PORT, "GET", "/healthz", null);
                assertThat(live.status()).isEqualTo(503);
                assertThat(live.body()).contains("scheduler has not run");
                assertThat(live.fast()).as("answered at once: %s", live).isTrue();
              });
      long failedAfter = (System.nanoTime() - stalledAt) / 1_000_000;
      Answer live = ask(PairLab.CLIENT, NODE_A, PORT, "GET", "/healthz", null);
      Answer ready = ask(PairLab.VM_A, "127.0.0.1", PROBE_PORT, "GET", "/readyz", null);
      System.out.printf(
          "AgentHttpSurfaceIT: scheduler blocked on a read: /healthz failing %d ms later (%s);"
              + " /readyz %s%n",
          failedAfter, live, ready);
      assertThat(live.status()).isEqualTo(503);
      assertThat(ready.status()).isEqualTo(503);
      assertThat(ready.body()).contains("no Redis check has completed");
    } finally {
      release(fifo);
    }
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              assertThat(
                      ask(PairLab.VM_A, "127.0.0.1", PROBE_PORT, "GET", "/healthz", null).status())
                  .isEqualTo(200);
              assertThat(
                      ask(PairLab.VM_A, "127.0.0.1", PROBE_PORT, "GET", "/readyz", null).status())
                  .isEqualTo(200);
            });

    // ---- a refused pair file: not ready, still live ----
    Path pairFile = ownDir.resolve("pair.yaml");
    String good = Files.readString(pairFile);
    Files.writeString(pairFile, good.replace("port: 6379", "port: 0"));
    await()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(
            () -> {
              Answer ready = ask(PairLab.VM_A, "127.0.0.1", PROBE_PORT, "GET", "/readyz", null);
              assertThat(ready.status()).isEqualTo(503);
              assertThat(ready.body()).contains("pair file not in force").contains("port");
            });
    assertThat(ask(PairLab.VM_A, "127.0.0.1", PROBE_PORT, "GET", "/healthz", null).status())
        .as("a refused file is no reason to restart the agent")
        .isEqualTo(200);
    Files.writeString(pairFile, good);
    await()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(
            () ->
                assertThat(
                        ask(PairLab.VM_A, "127.0.0.1", PROBE_PORT, "GET", "/readyz", null).status())
                    .isEqualTo(200));
  }

  /**
   * Opens {@code count} connections to the node port as fast as it can and returns how many are
   * still open a second later (the agent closes those past its bound at once).
   */
  static int fillPastTheBound(int count) throws IOException {
    List<Socket> sockets = new ArrayList<>();
    try {
      for (int i = 0; i < count; i++) {
        try {
          sockets.add(connect());
        } catch (IOException refused) {
          // a full backlog: counts as not kept
        }
      }
      sleep(1500);
      int open = 0;
      byte[] buffer = new byte[16];
      for (Socket socket : sockets) {
        try {
          if (socket.getInputStream().read(buffer) >= 0) {
            open++;
          }
        } catch (SocketTimeoutException e) {
          open++;
        } catch (IOException e) {
          // closed by the agent
        }
      }
      sleep(2500);
      return open;
    } finally {
      for (Socket socket : sockets) {
        socket.close();
      }
    }
  }

  List<Answer> sampleHealthIn(String host, Duration duration) throws Exception {
    return lab.network().inNamespace(host, () -> sampleHealth("127.0.0.1", PROBE_PORT, duration));
  }

  /** Lets the blocked read finish: a writer opens the FIFO, which is removed before it writes. */
  static void release(Path fifo) throws InterruptedException, ExecutionException {
    CompletableFuture<Void> written =
        inBackground(
            () -> {
              try (OutputStream out = Files.newOutputStream(fifo)) {
                Files.delete(fifo);
                out.write("1\n".getBytes(StandardCharsets.US_ASCII));
              }
              return null;
            });
    try {
      written.get(10, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new IllegalStateException("nobody read the FIFO " + fifo, e);
    } finally {
      try {
        Files.deleteIfExists(fifo);
      } catch (IOException ignored) {
        // the writer removed it
      }
    }
  }

  void healthyAndFast(Answer answer) {
    assertThat(answer.status()).as("%s", answer).isEqualTo(200);
    assertThat(answer.fast()).as("answered within %s: %s", PROBE_BOUND, answer).isTrue();
  }

  static long slowest(List<Answer> answers) {
    return answers.stream().mapToLong(Answer::nanos).max().orElse(-1) / 1_000_000;
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}

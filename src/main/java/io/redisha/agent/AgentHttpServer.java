package io.redisha.agent;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.redisha.api.AgentReport;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;

/**
 * The agent's endpoint: {@code /status} (JSON), {@code /metrics} (Prometheus), {@code /healthz}
 * (liveness), {@code /readyz} (readiness) and {@code POST /switchover} (needs {@link ApiAccess}).
 * Every exchange runs on a virtual thread of its own, and the JDK server's limits bound how long a
 * request may take, how long a connection may stay idle and how many connections may be open, so a
 * slow or idle client never delays a probe.
 *
 * <p>A client that opens connections as fast as the server closes them can still fill the bound of
 * a listener anyone reaches; so, optionally, the probes also answer on a second listener on
 * loopback, with a bound of its own, that only this host reaches (the kubelet's probes of a
 * hostNetwork pod, with {@code host: 127.0.0.1}).
 */
public final class AgentHttpServer implements AutoCloseable {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** Open connections per listener at most; more are closed as they arrive. */
  static final int MAX_CONNECTIONS = 256;

  /**
   * Seconds a client may take to send its request (a connection that sends nothing is closed after
   * this too), and the agent to send its answer.
   */
  static final int MAX_REQUEST_SECONDS = 5;

  static final int MAX_RESPONSE_SECONDS = 30;

  /** Seconds a kept-alive connection may stay idle between requests. */
  static final int IDLE_SECONDS = 10;

  private final HttpServer server;
  private final HttpServer probeServer;
  private final ApiAccess access;
  private volatile AgentRuntime runtime;
  private volatile AgentMetrics metrics;

  private AgentHttpServer(HttpServer server, HttpServer probeServer, ApiAccess access) {
    this.server = server;
    this.probeServer = probeServer;
    this.access = access;
  }

  /**
   * Binds {@code address} without serving yet, so a busy port is found before anything else of the
   * agent starts; {@link #serve} starts answering.
   *
   * @throws java.net.BindException when the address is in use or not local
   */
  public static AgentHttpServer bind(InetSocketAddress address, ApiAccess access)
      throws IOException {
    return bind(address, null, access);
  }

  /**
   * Binds {@code address} and, unless null, {@code probeAddress}, where only {@code /healthz} and
   * {@code /readyz} answer.
   *
   * @throws java.net.BindException when an address is in use or not local
   */
  public static AgentHttpServer bind(
      InetSocketAddress address, InetSocketAddress probeAddress, ApiAccess access)
      throws IOException {
    limitConnections();
    HttpServer server = HttpServer.create(address, 64);
    HttpServer probes = null;
    if (probeAddress != null) {
      try {
        probes = HttpServer.create(probeAddress, 16);
      } catch (IOException e) {
        server.stop(0);
        throw new ProbeListenerException(probeAddress, e);
      }
    }
    return new AgentHttpServer(server, probes, access);
  }

  /** The probe listener's address could not be bound (the main one was, and is closed again). */
  public static final class ProbeListenerException extends IOException {
    private final transient InetSocketAddress address;

    ProbeListenerException(InetSocketAddress address, IOException cause) {
      super(cause.getMessage(), cause);
      this.address = address;
    }

    public InetSocketAddress address() {
      return address;
    }
  }

  /** Binds {@code address}; only requests from this host may act. */
  public static AgentHttpServer bind(InetSocketAddress address) throws IOException {
    return bind(address, ApiAccess.LOOPBACK_ONLY);
  }

  /**
   * The JDK server reads its limits once, from system properties, when its first server is made;
   * the agent sets them unless the user did. Without {@code clockTick} the idle timer runs every 10
   * s, so a connection that sends nothing would stay up to 15 s instead of 5.
   */
  private static void limitConnections() {
    System.getProperties().putIfAbsent("jdk.httpserver.maxConnections", "" + MAX_CONNECTIONS);
    System.getProperties().putIfAbsent("sun.net.httpserver.maxReqTime", "" + MAX_REQUEST_SECONDS);
    System.getProperties().putIfAbsent("sun.net.httpserver.maxRspTime", "" + MAX_RESPONSE_SECONDS);
    System.getProperties().putIfAbsent("sun.net.httpserver.idleInterval", "" + IDLE_SECONDS);
    System.getProperties().putIfAbsent("sun.net.httpserver.clockTick", "1000");
  }

  /** Starts answering for {@code runtime} on the bound address. */
  public AgentHttpServer serve(AgentRuntime runtime) {
    if (this.runtime != null) {
      throw new IllegalStateException("already serving");
    }
    this.runtime = runtime;
    this.metrics =
        new AgentMetrics(
            runtime::report, runtime::drops, runtime::checkLatencies, runtime::configError);
    server.createContext("/status", this::status);
    server.createContext("/metrics", this::metrics);
    server.createContext("/healthz", exchange -> probe(exchange, runtime.liveness()));
    server.createContext("/readyz", exchange -> probe(exchange, runtime.readiness()));
    server.createContext("/switchover", this::switchover);
    server.setExecutor(
        Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("agent-http-", 0).factory()));
    server.start();
    if (probeServer != null) {
      probeServer.createContext("/healthz", exchange -> probe(exchange, runtime.liveness()));
      probeServer.createContext("/readyz", exchange -> probe(exchange, runtime.readiness()));
      probeServer.setExecutor(
          Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("agent-probe-", 0).factory()));
      probeServer.start();
    }
    return this;
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /** The port of the loopback probe listener, or -1 without one. */
  public int probePort() {
    return probeServer == null ? -1 : probeServer.getAddress().getPort();
  }

  private void status(HttpExchange exchange) throws IOException {
    Map<String, Object> body = new LinkedHashMap<>();
    AgentReport report = runtime.report();
    body.put("pair", report.pair());
    body.put("node", report.node());
    body.put("time", report.time());
    body.put("groups", report.groups());
    body.put("configError", runtime.configError());
    body.put("link", report.link());
    Map<String, Long> drops = new LinkedHashMap<>();
    runtime.drops().snapshot().forEach((reason, count) -> drops.put(reason.label(), count));
    body.put("droppedPackets", drops);
    body.put("recentTransitions", runtime.recentTransitions());
    send(exchange, 200, "application/json", JSON.writeValueAsString(body));
  }

  private void metrics(HttpExchange exchange) throws IOException {
    send(exchange, 200, metrics.contentType(), metrics.render());
  }

  /** {@code POST /switchover?group=a}: a planned, lossless handover of the group to the peer. */
  private void switchover(HttpExchange exchange) throws IOException {
    if (!"POST".equals(exchange.getRequestMethod())) {
      send(exchange, 405, "text/plain", "use POST /switchover?group=NAME\n");
      return;
    }
    switch (access.decide(
        exchange.getRemoteAddress().getAddress(),
        exchange.getRequestHeaders().getFirst("Authorization"))) {
      case ALLOWED -> {}
      case NO_CREDENTIAL -> {
        exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer");
        send(exchange, 401, "text/plain", "send the agent's token: Authorization: Bearer ...\n");
        return;
      }
      case TOKEN_UNREADABLE -> {
        send(
            exchange,
            503,
            "text/plain",
            access.tokenProblem() + "; mount the agent's token Secret and try again\n");
        return;
      }
      case FORBIDDEN -> {
        send(
            exchange,
            403,
            "text/plain",
            !access.needsToken()
                ? "only a request from this host may act (or start the agent with"
                    + " --api-token-file)\n"
                : "wrong token\n");
        return;
      }
    }
    String query = exchange.getRequestURI().getQuery();
    String group = null;
    if (query != null) {
      for (String part : query.split("&")) {
        if (part.startsWith("group=")) {
          group = part.substring("group=".length());
        }
      }
    }
    if (group == null) {
      send(exchange, 400, "text/plain", "group: required, e.g. POST /switchover?group=a\n");
      return;
    }
    var future = runtime.switchover(group);
    if (future == null) {
      send(exchange, 404, "text/plain", "group: no group '" + group + "' in this pair\n");
      return;
    }
    try {
      Switchover.Outcome outcome = future.get(10, java.util.concurrent.TimeUnit.SECONDS);
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("group", group);
      body.put("switched", outcome.switched());
      body.put("reason", outcome.reason());
      body.put("pauseMillis", outcome.pause().toMillis());
      send(
          exchange,
          outcome.switched() ? 200 : 409,
          "application/json",
          JSON.writeValueAsString(body));
    } catch (Exception e) {
      send(exchange, 500, "text/plain", "switchover of " + group + " failed: " + e + "\n");
    }
  }

  private static void probe(HttpExchange exchange, AgentHealth.Probe probe) throws IOException {
    send(
        exchange,
        probe.ok() ? 200 : 503,
        "text/plain",
        (probe.ok() ? "ok: " : "failing: ") + probe.reason() + "\n");
  }

  private static void send(HttpExchange exchange, int code, String type, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.sendResponseHeaders(code, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    if (probeServer != null) {
      probeServer.stop(0);
    }
  }
}

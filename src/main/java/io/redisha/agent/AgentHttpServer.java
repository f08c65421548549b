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
 * The agent's local endpoint: {@code /status} (JSON), {@code /metrics} (Prometheus), {@code
 * /healthz}.
 */
public final class AgentHttpServer implements AutoCloseable {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final HttpServer server;
  private volatile AgentRuntime runtime;
  private volatile AgentMetrics metrics;

  private AgentHttpServer(HttpServer server) {
    this.server = server;
  }

  /**
   * Binds {@code address} without serving yet, so a busy port is found before anything else of the
   * agent starts; {@link #serve} starts answering.
   *
   * @throws java.net.BindException when the address is in use or not local
   */
  public static AgentHttpServer bind(InetSocketAddress address) throws IOException {
    return new AgentHttpServer(HttpServer.create(address, 16));
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
    server.createContext("/healthz", this::healthz);
    server.createContext("/switchover", this::switchover);
    server.setExecutor(
        Executors.newSingleThreadExecutor(
            r -> Thread.ofPlatform().daemon().name("agent-http").unstarted(r)));
    server.start();
    return this;
  }

  public int port() {
    return server.getAddress().getPort();
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

  private void healthz(HttpExchange exchange) throws IOException {
    send(exchange, 200, "text/plain", "ok\n");
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
  }
}

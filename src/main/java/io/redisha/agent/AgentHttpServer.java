package io.redisha.agent;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.redisha.api.AgentReport;
import io.redisha.vrrp.DropReason;
import io.redisha.vrrp.VrrpState;
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
    Map<String, Long> drops = new LinkedHashMap<>();
    runtime.drops().snapshot().forEach((reason, count) -> drops.put(reason.label(), count));
    body.put("droppedPackets", drops);
    body.put("recentTransitions", runtime.recentTransitions());
    send(exchange, 200, "application/json", JSON.writeValueAsString(body));
  }

  private void metrics(HttpExchange exchange) throws IOException {
    StringBuilder out = new StringBuilder();
    AgentReport report = runtime.report();
    out.append(
        "# HELP redisha_vrrp_state Current VRRP state of each group (1 for the state held).\n");
    out.append("# TYPE redisha_vrrp_state gauge\n");
    for (AgentReport.GroupReport group : report.groups()) {
      for (VrrpState state : VrrpState.values()) {
        out.append("redisha_vrrp_state{group=\"")
            .append(group.name())
            .append("\",state=\"")
            .append(state.name())
            .append("\"} ")
            .append(state.name().equals(group.vrrpState()) ? 1 : 0)
            .append('\n');
      }
    }
    out.append(
        "# HELP redisha_vrrp_transitions_total VRRP state changes since the agent started.\n");
    out.append("# TYPE redisha_vrrp_transitions_total counter\n");
    for (AgentReport.GroupReport group : report.groups()) {
      out.append("redisha_vrrp_transitions_total{group=\"")
          .append(group.name())
          .append("\"} ")
          .append(group.transitions())
          .append('\n');
    }
    out.append("# HELP redisha_vip_held Whether this node holds the group's VIP.\n");
    out.append("# TYPE redisha_vip_held gauge\n");
    for (AgentReport.GroupReport group : report.groups()) {
      out.append("redisha_vip_held{group=\"")
          .append(group.name())
          .append("\"} ")
          .append(group.holdsVip() ? 1 : 0)
          .append('\n');
    }
    out.append("# HELP redisha_redis_healthy Whether the local Redis passes the health check.\n");
    out.append("# TYPE redisha_redis_healthy gauge\n");
    for (AgentReport.GroupReport group : report.groups()) {
      out.append("redisha_redis_healthy{group=\"")
          .append(group.name())
          .append("\"} ")
          .append(group.healthy() ? 1 : 0)
          .append('\n');
    }
    out.append("# HELP redisha_health_check_seconds Latency of the last Redis health check.\n");
    out.append("# TYPE redisha_health_check_seconds gauge\n");
    runtime
        .checkLatencies()
        .forEach(
            (group, nanos) ->
                out.append("redisha_health_check_seconds{group=\"")
                    .append(group)
                    .append("\"} ")
                    .append(nanos < 0 ? "NaN" : String.format("%.6f", nanos / 1e9))
                    .append('\n'));
    out.append("# HELP redisha_vrrp_dropped_packets_total VRRP packets refused, by reason (S8).\n");
    out.append("# TYPE redisha_vrrp_dropped_packets_total counter\n");
    for (DropReason reason : DropReason.values()) {
      out.append("redisha_vrrp_dropped_packets_total{reason=\"")
          .append(reason.label())
          .append("\"} ")
          .append(runtime.drops().get(reason))
          .append('\n');
    }
    out.append(
        "# HELP redisha_cloud_routing_ok Whether the last vipHook call of the group succeeded"
            + " (1), failed (0) or is pending (NaN).\n");
    out.append("# TYPE redisha_cloud_routing_ok gauge\n");
    out.append(
        "# HELP redisha_cloud_routing_attempts Attempts of the group's current vipHook request.\n");
    out.append("# TYPE redisha_cloud_routing_attempts gauge\n");
    for (AgentReport.GroupReport group : report.groups()) {
      AgentReport.CloudRouting routing = group.cloudRouting();
      if (routing == null) {
        continue;
      }
      String labels =
          "{group=\""
              + group.name()
              + "\",provider=\""
              + routing.provider()
              + "\",state=\""
              + routing.state()
              + "\"} ";
      out.append("redisha_cloud_routing_ok")
          .append(labels)
          .append(
              switch (routing.result()) {
                case AgentReport.CloudRouting.SUCCEEDED -> "1";
                case AgentReport.CloudRouting.FAILED -> "0";
                default -> "NaN";
              })
          .append('\n');
      out.append("redisha_cloud_routing_attempts")
          .append(labels)
          .append(routing.attempts())
          .append('\n');
    }
    out.append(
        "# HELP redisha_config_error Whether the last reload of the pair file was refused.\n");
    out.append("# TYPE redisha_config_error gauge\n");
    out.append("redisha_config_error ").append(runtime.configError() == null ? 0 : 1).append('\n');
    send(exchange, 200, "text/plain; version=0.0.4", out.toString());
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

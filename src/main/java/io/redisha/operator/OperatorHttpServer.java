package io.redisha.operator;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The operator's HTTP endpoints: {@code /healthz/live} and {@code /healthz/ready} (200 or 503) and
 * {@code /metrics} in the Prometheus text format.
 */
public final class OperatorHttpServer implements AutoCloseable {
  private final HttpServer server;

  /**
   * Starts serving on {@code port} (0 picks a free one).
   *
   * @param live whether the process works (the framework's event sources are healthy)
   * @param ready whether it can take traffic
   * @param metrics the metrics text
   */
  public OperatorHttpServer(
      int port, BooleanSupplier live, BooleanSupplier ready, Supplier<String> metrics)
      throws IOException {
    server = HttpServer.create(new InetSocketAddress(port), 0);
    server.createContext("/healthz/live", ex -> health(ex, live.getAsBoolean()));
    server.createContext("/healthz/ready", ex -> health(ex, ready.getAsBoolean()));
    server.createContext(
        "/metrics", ex -> respond(ex, 200, PrometheusTextFormatWriter.CONTENT_TYPE, metrics.get()));
    server.start();
  }

  /** The port served. */
  public int port() {
    return server.getAddress().getPort();
  }

  private static void health(HttpExchange ex, boolean ok) throws IOException {
    respond(ex, ok ? 200 : 503, "text/plain; charset=utf-8", ok ? "ok\n" : "unhealthy\n");
  }

  private static void respond(HttpExchange ex, int code, String type, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", type);
    ex.sendResponseHeaders(code, bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}

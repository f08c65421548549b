package io.redisha.etcd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * A scripted stand-in for one etcd member's JSON gateway on loopback, for the shapes and edge cases
 * that a real member does not produce on demand (an answer's exact bytes, a 503, an expired token).
 * It records every request; the test says what to answer.
 */
final class FakeEtcd implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  record Request(String path, JsonNode body, String authorization) {}

  record Answer(int status, String body) {
    static Answer ok(String body) {
      return new Answer(200, body);
    }

    static Answer error(int status, int code, String message) {
      return new Answer(
          status,
          "{\"error\":\"" + message + "\",\"message\":\"" + message + "\",\"code\":" + code + "}");
    }
  }

  private final HttpServer server;
  private final List<Request> requests = Collections.synchronizedList(new ArrayList<>());
  private volatile Function<Request, Answer> responder =
      request -> Answer.error(501, 12, "not scripted: " + request.path());

  FakeEtcd() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.createContext("/", this::handle);
    server.start();
  }

  URI uri() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  FakeEtcd answering(Function<Request, Answer> newResponder) {
    responder = newResponder;
    return this;
  }

  List<Request> requests() {
    synchronized (requests) {
      return List.copyOf(requests);
    }
  }

  List<Request> requests(String path) {
    return requests().stream().filter(r -> r.path().equals(path)).toList();
  }

  private void handle(HttpExchange exchange) throws IOException {
    byte[] raw = exchange.getRequestBody().readAllBytes();
    JsonNode body = raw.length == 0 ? JSON.createObjectNode() : JSON.readTree(raw);
    Request request =
        new Request(
            exchange.getRequestURI().getPath(),
            body,
            exchange.getRequestHeaders().getFirst("Authorization"));
    requests.add(request);
    Answer answer = responder.apply(request);
    byte[] out = answer.body().getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(answer.status(), out.length);
    try (OutputStream stream = exchange.getResponseBody()) {
      stream.write(out);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}

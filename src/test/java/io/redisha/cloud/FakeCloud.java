package io.redisha.cloud;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A local HTTP endpoint on loopback that records every request and answers from a script: the
 * stand-in for a cloud API, its metadata service or a webhook receiver.
 */
final class FakeCloud implements AutoCloseable {
  /** One recorded request. */
  record Request(
      String method, String path, String query, Map<String, String> headers, String body) {}

  /** One scripted answer; {@code delayMillis} holds the answer back (for time-outs). */
  record Answer(int status, String body, long delayMillis) {}

  private final HttpServer server;
  private final List<Request> requests = new ArrayList<>();
  private final Map<String, Deque<Answer>> answers = new TreeMap<>();

  FakeCloud() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    server.createContext(
        "/",
        exchange -> {
          String body =
              new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
          Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
          exchange.getRequestHeaders().forEach((k, v) -> headers.put(k, String.join(",", v)));
          String path = exchange.getRequestURI().getRawPath();
          Request request =
              new Request(
                  exchange.getRequestMethod(),
                  path,
                  exchange.getRequestURI().getRawQuery(),
                  headers,
                  body);
          Answer answer;
          synchronized (this) {
            requests.add(request);
            Deque<Answer> queue = answers.get(path);
            answer =
                queue == null || queue.isEmpty()
                    ? new Answer(404, "no answer scripted for " + path, 0)
                    : queue.size() > 1 ? queue.poll() : queue.peek();
          }
          if (answer.delayMillis() > 0) {
            try {
              Thread.sleep(answer.delayMillis());
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
          byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
          try {
            exchange.sendResponseHeaders(answer.status(), bytes.length == 0 ? -1 : bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
              out.write(bytes);
            }
          } catch (IOException e) {
            // the client gave up (time-out test)
          }
        });
    server.setExecutor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
    server.start();
  }

  /** Answers on {@code path}, in order; the last one repeats. */
  synchronized FakeCloud answer(String path, Answer... scripted) {
    answers.put(path, new ArrayDeque<>(List.of(scripted)));
    return this;
  }

  synchronized FakeCloud answer(String path, int status, String body) {
    return answer(path, new Answer(status, body, 0));
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  synchronized List<Request> requests() {
    return List.copyOf(requests);
  }

  synchronized List<Request> requests(String path) {
    return requests.stream().filter(r -> r.path().equals(path)).toList();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}

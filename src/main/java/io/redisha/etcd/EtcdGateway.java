package io.redisha.etcd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;

/**
 * etcd's v3 JSON gateway (the {@code /v3/...} paths every etcd 3.4+ member serves on its client
 * URL) through the JDK's HTTP client: no gRPC, no Netty, no dependency beyond Jackson. One gateway
 * serves every group of an agent and is safe to use from several threads.
 *
 * <p>A call tries the member that answered last, then the others in turn, all within one deadline.
 * Each try but the last gets half the time left, and at least half the call timeout while that much
 * is left (the last try gets all of it): a member that swallows packets costs at most half the call
 * timeout, and a member that is only slow (a busy disk, a far zone) has half the call timeout to
 * answer, even for the second request of a call (a lease grant, then the write). Equal shares would
 * give it a third, and fail every call of a healthy but slow cluster. Transport failures, timeouts
 * and etcd's "unavailable" answers (no leader, leader changed, request timed out) move on to the
 * next member; any other etcd error is the answer.
 */
public final class EtcdGateway implements AutoCloseable {
  static final ObjectMapper JSON = new ObjectMapper();

  /** gRPC codes after which another member may do better. */
  private static final Set<Integer> RETRY_ELSEWHERE = Set.of(1, 4, 8, 14);

  private static final int UNAUTHENTICATED = 16;
  private static final int FAILED_PRECONDITION = 9;
  private static final int INVALID_ARGUMENT = 3;
  private static final int MAX_DETAIL = 200;

  private final List<URI> endpoints;
  private final String prefix;
  private final Duration callTimeout;
  private final String username;
  private final String password;
  private final HttpClient http;
  private final AtomicInteger preferred = new AtomicInteger();
  private final AtomicReference<String> token = new AtomicReference<>();
  private final AtomicLong authentications = new AtomicLong();

  private EtcdGateway(EtcdSettings settings, HttpClient http) {
    this.endpoints = settings.endpoints().stream().map(EtcdSettings::base).toList();
    this.prefix = settings.prefix();
    this.callTimeout = settings.callTimeout();
    this.username = settings.username();
    this.password = settings.password();
    this.http = http;
  }

  /**
   * A gateway for {@code settings}; opens no connection yet.
   *
   * @throws IllegalArgumentException with every problem of the settings, or the TLS file that
   *     cannot be used, each naming its field
   */
  public static EtcdGateway open(EtcdSettings settings) {
    List<String> problems = settings.validate();
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", problems));
    }
    HttpClient.Builder builder =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(settings.callTimeout())
            .followRedirects(HttpClient.Redirect.NEVER)
            .proxy(HttpClient.Builder.NO_PROXY);
    SSLContext tls = EtcdTls.context(settings);
    if (tls != null) {
      builder.sslContext(tls);
    }
    return new EtcdGateway(settings, builder.build());
  }

  /** The key of a group's lease record: {@code <prefix>/<pair>/<group>}. */
  public String key(String pair, String group) {
    return prefix + "/" + pair + "/" + group;
  }

  public Duration callTimeout() {
    return callTimeout;
  }

  /** The deadline of a call that starts now. */
  long deadlineFromNow() {
    return System.nanoTime() + callTimeout.toNanos();
  }

  /** The member the next call tries first: the one that answered last. */
  public URI preferredEndpoint() {
    return endpoints.get(preferred.get());
  }

  /**
   * Posts {@code body} to {@code path} ({@code /v3/kv/range}, ...) and returns etcd's answer.
   *
   * @param deadlineNanos {@link System#nanoTime()} by which the call must be over
   * @throws EtcdCallException with etcd's error, or {@link EtcdCallException#UNREACHABLE} when no
   *     member answered in time
   */
  public JsonNode post(String path, JsonNode body, long deadlineNanos) throws EtcdCallException {
    int count = endpoints.size();
    int first = preferred.get();
    long started = System.nanoTime();
    List<String> misses = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      int index = (first + i) % count;
      URI endpoint = endpoints.get(index);
      long left = deadlineNanos - System.nanoTime();
      if (left <= 0) {
        misses.add(endpoint.getAuthority() + " not tried");
        continue;
      }
      long share = Math.max(left / 2, Math.min(left, callTimeout.toNanos() / 2));
      long tryDeadline = i == count - 1 ? deadlineNanos : System.nanoTime() + share;
      try {
        JsonNode answer = authorizedExchange(endpoint, path, body, tryDeadline);
        preferred.set(index);
        return answer;
      } catch (TryElsewhere miss) {
        misses.add(endpoint.getAuthority() + " " + miss.getMessage());
      } catch (EtcdCallException refused) {
        preferred.set(index);
        throw refused;
      }
    }
    throw new EtcdCallException(
        EtcdCallException.UNREACHABLE,
        "no etcd member answered "
            + path
            + " within "
            + (System.nanoTime() - started) / 1_000_000
            + " ms ("
            + String.join("; ", misses)
            + ")");
  }

  /** How many tokens this gateway has obtained (one, plus one per expired or lost token). */
  public long authentications() {
    return authentications.get();
  }

  /** Closes the connections; calls in flight fail. */
  @Override
  public void close() {
    http.shutdownNow();
  }

  private JsonNode authorizedExchange(URI endpoint, String path, JsonNode body, long deadline)
      throws TryElsewhere, EtcdCallException {
    if (username != null && token.get() == null) {
      authenticate(endpoint, deadline);
    }
    Reply reply = exchange(endpoint, path, body, deadline, token.get());
    if (reply.code() == UNAUTHENTICATED && username != null) {
      // Tokens expire (--auth-token-ttl) and die with the member that issued them: get a new one.
      token.set(null);
      authenticate(endpoint, deadline);
      reply = exchange(endpoint, path, body, deadline, token.get());
    }
    return reply.answer(endpoint);
  }

  private void authenticate(URI endpoint, long deadline) throws TryElsewhere, EtcdCallException {
    ObjectNode credentials =
        JSON.createObjectNode().put("name", username).put("password", password);
    Reply reply = exchange(endpoint, "/v3/auth/authenticate", credentials, deadline, null);
    if (reply.code() == FAILED_PRECONDITION && reply.message().contains("not enabled")) {
      token.set(""); // etcd's auth is off: calls go without a token
      return;
    }
    if (reply.status() != 200) {
      try {
        reply.answer(endpoint);
      } catch (EtcdCallException refused) {
        throw new EtcdCallException(
            refused.code(),
            "etcd.username: "
                + endpoint.getAuthority()
                + " refused user '"
                + username
                + "': "
                + reply.message());
      }
    }
    String issued = reply.body().path("token").asText("");
    if (issued.isEmpty()) {
      throw new EtcdCallException(
          UNAUTHENTICATED,
          "etcd.username: "
              + endpoint.getAuthority()
              + " gave no token for user '"
              + username
              + "'");
    }
    token.set(issued);
    authentications.incrementAndGet();
  }

  private Reply exchange(URI endpoint, String path, JsonNode body, long deadline, String bearer)
      throws TryElsewhere, EtcdCallException {
    long timeout = deadline - System.nanoTime();
    if (timeout <= 0) {
      throw new TryElsewhere("no time left");
    }
    byte[] bytes;
    try {
      bytes = JSON.writeValueAsBytes(body);
    } catch (IOException e) {
      throw new IllegalStateException("cannot write JSON for " + path, e);
    }
    HttpRequest.Builder request =
        HttpRequest.newBuilder(endpoint.resolve(path))
            .timeout(Duration.ofNanos(timeout))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(bytes));
    if (bearer != null && !bearer.isEmpty()) {
      request.header("Authorization", bearer);
    }
    CompletableFuture<HttpResponse<byte[]>> pending =
        http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    HttpResponse<byte[]> response;
    try {
      response = pending.get(timeout, TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      pending.cancel(true);
      throw new TryElsewhere("gave no answer in " + timeout / 1_000_000 + " ms");
    } catch (ExecutionException e) {
      throw new TryElsewhere(transportProblem(e.getCause(), timeout));
    } catch (InterruptedException e) {
      pending.cancel(true);
      Thread.currentThread().interrupt();
      throw new TryElsewhere("interrupted");
    }
    JsonNode parsed;
    try {
      parsed = JSON.readTree(response.body());
    } catch (IOException e) {
      parsed = null;
    }
    if (parsed == null || !parsed.isObject()) {
      String text = new String(response.body(), StandardCharsets.UTF_8);
      if (response.statusCode() == 400 && text.contains("CommonName")) {
        // etcd's fix for CVE-2018-16886: under --client-cert-auth the gateway refuses every
        // request whose client certificate names a CN, on every member alike.
        throw new EtcdCallException(
            INVALID_ARGUMENT,
            "etcd.certFile: "
                + endpoint.getAuthority()
                + " refuses gateway requests from a client certificate with a CommonName; issue"
                + " one with an empty CN (e.g. -subj /O=redisha) and use etcd.username for"
                + " access rights");
      }
      throw new TryElsewhere(
          "answered "
              + response.statusCode()
              + " without etcd JSON ("
              + oneLine(text)
              + "); is it an etcd 3.4+ client URL?");
    }
    return new Reply(response.statusCode(), parsed);
  }

  private static String transportProblem(Throwable cause, long timeoutNanos) {
    if (cause instanceof HttpConnectTimeoutException) {
      return "did not accept a connection in " + timeoutNanos / 1_000_000 + " ms";
    }
    if (cause instanceof HttpTimeoutException) {
      return "gave no answer in " + timeoutNanos / 1_000_000 + " ms";
    }
    if (cause instanceof ConnectException) {
      return "refused the connection";
    }
    if (cause instanceof SSLException) {
      return "TLS failed: " + oneLine(String.valueOf(cause.getMessage()));
    }
    String message = cause == null ? null : cause.getMessage();
    return message == null
        ? (cause == null ? "failed" : cause.getClass().getSimpleName())
        : oneLine(message);
  }

  static String oneLine(String text) {
    String line = text.strip();
    int newline = line.indexOf('\n');
    if (newline >= 0) {
      line = line.substring(0, newline);
    }
    return line.length() > MAX_DETAIL ? line.substring(0, MAX_DETAIL) + "..." : line;
  }

  /** One member's answer, good or bad. */
  private record Reply(int status, JsonNode body) {

    /** etcd's gRPC code: from an error answer, or from a stream's error frame; 0 when none. */
    int code() {
      JsonNode error = body.path("error");
      if (error.isObject()) {
        return error.path("grpc_code").asInt(0);
      }
      return status == 200 ? 0 : body.path("code").asInt(2);
    }

    String message() {
      JsonNode error = body.path("error");
      String text =
          error.isObject()
              ? error.path("message").asText("")
              : body.path("message").asText(error.asText(""));
      return oneLine(text.isEmpty() ? "HTTP " + status : text);
    }

    JsonNode answer(URI endpoint) throws TryElsewhere, EtcdCallException {
      int code = code();
      if (code == 0) {
        return body;
      }
      if (status >= 500 || RETRY_ELSEWHERE.contains(code)) {
        throw new TryElsewhere("answered " + status + ": " + message());
      }
      throw new EtcdCallException(code, "etcd " + endpoint.getAuthority() + ": " + message());
    }
  }

  /** This member failed; the next one may answer. */
  private static final class TryElsewhere extends Exception {
    TryElsewhere(String message) {
      super(message, null, false, false);
    }
  }
}

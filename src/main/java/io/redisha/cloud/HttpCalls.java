package io.redisha.cloud;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/** The few HTTP calls the hooks make, each bounded by the hook's timeout. */
final class HttpCalls {
  /** A response: status and body. */
  record Response(int status, String body) {
    boolean ok() {
      return status >= 200 && status < 300;
    }
  }

  private final HttpClient client;
  private final Duration timeout;

  HttpCalls(Duration timeout) {
    this.timeout = timeout;
    this.client =
        HttpClient.newBuilder()
            .connectTimeout(timeout)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  Response send(String method, URI uri, Map<String, String> headers, byte[] body)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri)
            .timeout(timeout)
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(body));
    headers.forEach(request::header);
    try {
      HttpResponse<String> response =
          client.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      return new Response(response.statusCode(), response.body());
    } catch (HttpTimeoutException e) {
      throw new IOException(
          method + " " + uri.getHost() + " timed out after " + timeout.toMillis() + " ms", e);
    }
  }

  /** A short, single-line excerpt of a response body for error messages. */
  static String excerpt(String body) {
    String line = body == null ? "" : body.replaceAll("\\s+", " ").strip();
    return line.length() > 300 ? line.substring(0, 300) + "..." : line;
  }

  /** The Host header value the JDK client sends for {@code uri}, which a signature must cover. */
  static String hostHeader(URI uri) {
    return uri.getPort() == -1 ? uri.getHost() : uri.getHost() + ":" + uri.getPort();
  }
}

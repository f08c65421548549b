package io.redisha.cloud;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Map;

/**
 * POSTs the event as JSON to a URL: {@code {"group": "a", "node": "vm-a", "vip": "10.0.0.100",
 * "state": "MASTER", "reason": "..."}}; any 2xx answer means done.
 */
public final class WebhookHook implements VipHook {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final URI url;
  private final HttpCalls http;

  public WebhookHook(URI url, Duration timeout) {
    this.url = url;
    this.http = new HttpCalls(timeout);
  }

  @Override
  public String provider() {
    return "webhook";
  }

  @Override
  public void call(VipEvent event) throws Exception {
    HttpCalls.Response response =
        http.send(
            "POST", url, Map.of("Content-Type", "application/json"), JSON.writeValueAsBytes(event));
    if (!response.ok()) {
      throw new IOException(
          "webhook answered HTTP " + response.status() + ": " + HttpCalls.excerpt(response.body()));
    }
  }
}

package io.redisha.cloud;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Alibaba Cloud: the group's VIP is a HAVIP. Becoming master associates it with this ECS instance
 * ({@code AssociateHaVipAddress}); stepping down unassociates it ({@code UnassociateHaVipAddress}).
 * Requests use the VPC RPC API, signed per signature version 1.0 (HMAC-SHA1). Credentials come from
 * a file or the instance's RAM role, and the instance id from the metadata service.
 */
public final class AlibabaHook implements VipHook {
  static final String VPC_VERSION = "2016-04-28";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final DateTimeFormatter TIMESTAMP =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

  private final String region;
  private final URI endpoint;
  private final String metadata;
  private final Path credentialsFile;
  private final Map<String, String> haVipIds;
  private final Clock clock;
  private final Supplier<String> nonces;
  private final HttpCalls http;
  private String instanceId;
  private Credentials roleCredentials;
  private Instant roleCredentialsExpire = Instant.MIN;

  public AlibabaHook(HookSettings settings, Clock clock, Supplier<String> nonces) {
    this.region = settings.region();
    this.endpoint =
        URI.create(
            settings.endpoint() != null
                ? settings.endpoint()
                : "https://vpc." + region + ".aliyuncs.com/");
    this.metadata =
        settings.metadataEndpoint() != null
            ? settings.metadataEndpoint()
            : "http://100.100.100.200";
    this.credentialsFile =
        settings.credentialsFile() == null ? null : Path.of(settings.credentialsFile());
    this.haVipIds = settings.haVipIds();
    this.clock = clock;
    this.nonces = nonces;
    this.http = new HttpCalls(settings.timeout());
  }

  @Override
  public String provider() {
    return "alibaba";
  }

  @Override
  public synchronized void call(VipEvent event) throws Exception {
    String haVipId = haVipIds.get(event.group());
    if (haVipId == null) {
      throw new IOException("instances[" + event.group() + "].haVipId is not set");
    }
    Credentials credentials = credentials();
    Map<String, String> parameters = new LinkedHashMap<>();
    parameters.put("Action", event.master() ? "AssociateHaVipAddress" : "UnassociateHaVipAddress");
    parameters.put("RegionId", region);
    parameters.put("HaVipId", haVipId);
    parameters.put("InstanceId", instanceId());
    parameters.put("InstanceType", "EcsInstance");
    parameters.put("Format", "JSON");
    parameters.put("Version", VPC_VERSION);
    parameters.put("AccessKeyId", credentials.accessKeyId());
    parameters.put("SignatureMethod", "HMAC-SHA1");
    parameters.put("SignatureVersion", "1.0");
    parameters.put("SignatureNonce", nonces.get());
    parameters.put("Timestamp", TIMESTAMP.format(clock.instant()));
    if (credentials.sessionToken() != null) {
      parameters.put("SecurityToken", credentials.sessionToken());
    }
    String signature = AlibabaSignature.sign("GET", parameters, credentials.secret());
    URI uri =
        URI.create(
            endpoint
                + (endpoint.getRawPath().isEmpty() ? "/" : "")
                + "?"
                + AlibabaSignature.canonicalQuery(parameters)
                + "&Signature="
                + AlibabaSignature.encode(signature));
    HttpCalls.Response response = http.send("GET", uri, Map.of(), null);
    if (!response.ok()) {
      String detail = HttpCalls.excerpt(response.body());
      try {
        JsonNode error = JSON.readTree(response.body());
        detail = error.path("Code").asText() + ": " + error.path("Message").asText();
      } catch (IOException e) {
        // not JSON: keep the excerpt
      }
      throw new IOException(
          parameters.get("Action") + " failed: HTTP " + response.status() + " " + detail);
    }
  }

  private Credentials credentials() throws Exception {
    if (credentialsFile != null) {
      return Credentials.fromFile(
          credentialsFile, "access_key_id", "access_key_secret", "security_token");
    }
    if (roleCredentials != null && clock.instant().isBefore(roleCredentialsExpire)) {
      return roleCredentials;
    }
    String role =
        metadata("/latest/meta-data/ram/security-credentials/")
            .lines()
            .findFirst()
            .orElseThrow(() -> new IOException("metadata: the instance has no RAM role"));
    JsonNode json = JSON.readTree(metadata("/latest/meta-data/ram/security-credentials/" + role));
    roleCredentials =
        new Credentials(
            json.path("AccessKeyId").asText(),
            json.path("AccessKeySecret").asText(),
            json.path("SecurityToken").asText(null));
    roleCredentialsExpire =
        json.hasNonNull("Expiration")
            ? Instant.parse(json.get("Expiration").asText()).minus(Duration.ofMinutes(5))
            : clock.instant().plus(Duration.ofMinutes(5));
    return roleCredentials;
  }

  private String instanceId() throws Exception {
    if (instanceId == null) {
      instanceId = metadata("/latest/meta-data/instance-id").strip();
    }
    return instanceId;
  }

  private String metadata(String path) throws Exception {
    HttpCalls.Response response = http.send("GET", URI.create(metadata + path), Map.of(), null);
    if (!response.ok()) {
      throw new IOException("metadata " + path + ": HTTP " + response.status());
    }
    return response.body();
  }
}

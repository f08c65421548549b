package io.redisha.cloud;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * AWS: the VIP is a secondary private IP. Becoming master assigns it to this node's network
 * interface with {@code AssignPrivateIpAddresses} and {@code AllowReassignment=true} (which takes
 * it from the peer in the same call); stepping down releases it with {@code
 * UnassignPrivateIpAddresses}. Requests use the EC2 query API, signed with SigV4. Credentials come
 * from a file or from the instance role through IMDSv2, and the network interface id from IMDSv2
 * (by the MAC of the pair's interface).
 */
public final class AwsHook implements VipHook {
  static final String EC2_VERSION = "2016-11-15";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern XML_CODE = Pattern.compile("<Code>([^<]*)</Code>");
  private static final Pattern XML_MESSAGE = Pattern.compile("<Message>([^<]*)</Message>");

  private final String region;
  private final URI endpoint;
  private final String metadata;
  private final Path credentialsFile;
  private final Supplier<String> interfaceMac;
  private final Clock clock;
  private final HttpCalls http;
  private String networkInterfaceId;
  private Credentials roleCredentials;
  private Instant roleCredentialsExpire = Instant.MIN;

  /**
   * @param interfaceMac the MAC address of the pair's interface, or null when unknown (then the
   *     instance's primary interface is used)
   */
  public AwsHook(HookSettings settings, Supplier<String> interfaceMac, Clock clock) {
    this.region = settings.region();
    this.endpoint =
        URI.create(
            settings.endpoint() != null
                ? settings.endpoint()
                : "https://ec2." + region + ".amazonaws.com/");
    this.metadata =
        settings.metadataEndpoint() != null
            ? settings.metadataEndpoint()
            : "http://169.254.169.254";
    this.credentialsFile =
        settings.credentialsFile() == null ? null : Path.of(settings.credentialsFile());
    this.interfaceMac = interfaceMac;
    this.clock = clock;
    this.http = new HttpCalls(settings.timeout());
  }

  @Override
  public String provider() {
    return "aws";
  }

  @Override
  public synchronized void call(VipEvent event) throws Exception {
    Credentials credentials = credentials();
    Map<String, String> parameters = new LinkedHashMap<>();
    parameters.put(
        "Action", event.master() ? "AssignPrivateIpAddresses" : "UnassignPrivateIpAddresses");
    parameters.put("Version", EC2_VERSION);
    parameters.put("NetworkInterfaceId", networkInterfaceId());
    parameters.put("PrivateIpAddress.1", event.vip());
    if (event.master()) {
      parameters.put("AllowReassignment", "true");
    }
    byte[] body =
        parameters.entrySet().stream()
            .map(
                e ->
                    AlibabaSignature.encode(e.getKey())
                        + "="
                        + AlibabaSignature.encode(e.getValue()))
            .collect(Collectors.joining("&"))
            .getBytes(StandardCharsets.UTF_8);
    Map<String, String> signedHeaders = new LinkedHashMap<>();
    signedHeaders.put("content-type", "application/x-www-form-urlencoded; charset=utf-8");
    signedHeaders.put("host", HttpCalls.hostHeader(endpoint));
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Content-Type", signedHeaders.get("content-type"));
    headers.putAll(
        AwsSigV4.sign(
            "POST",
            endpoint.getRawPath().isEmpty() ? "/" : endpoint.getRawPath(),
            "",
            signedHeaders,
            body,
            region,
            "ec2",
            credentials,
            clock.instant()));
    HttpCalls.Response response = http.send("POST", endpoint, headers, body);
    if (!response.ok()) {
      throw new IOException(
          parameters.get("Action")
              + " failed: HTTP "
              + response.status()
              + " "
              + first(XML_CODE, response.body())
              + ": "
              + first(XML_MESSAGE, response.body()));
    }
  }

  private static String first(Pattern pattern, String text) {
    Matcher m = pattern.matcher(text == null ? "" : text);
    return m.find() ? m.group(1) : HttpCalls.excerpt(text);
  }

  private Credentials credentials() throws Exception {
    if (credentialsFile != null) {
      return Credentials.fromFile(
          credentialsFile, "aws_access_key_id", "aws_secret_access_key", "aws_session_token");
    }
    if (roleCredentials != null && clock.instant().isBefore(roleCredentialsExpire)) {
      return roleCredentials;
    }
    String token = imdsToken();
    String role =
        imds(token, "/latest/meta-data/iam/security-credentials/")
            .lines()
            .findFirst()
            .orElseThrow(() -> new IOException("IMDS: the instance has no IAM role"));
    JsonNode json =
        JSON.readTree(imds(token, "/latest/meta-data/iam/security-credentials/" + role));
    roleCredentials =
        new Credentials(
            json.path("AccessKeyId").asText(),
            json.path("SecretAccessKey").asText(),
            json.path("Token").asText(null));
    roleCredentialsExpire =
        json.hasNonNull("Expiration")
            ? Instant.parse(json.get("Expiration").asText()).minus(Duration.ofMinutes(5))
            : clock.instant().plus(Duration.ofMinutes(5));
    return roleCredentials;
  }

  private String networkInterfaceId() throws Exception {
    if (networkInterfaceId == null) {
      String token = imdsToken();
      String mac = interfaceMac == null ? null : interfaceMac.get();
      if (mac == null) {
        mac = imds(token, "/latest/meta-data/mac").strip();
      }
      networkInterfaceId =
          imds(token, "/latest/meta-data/network/interfaces/macs/" + mac + "/interface-id").strip();
    }
    return networkInterfaceId;
  }

  private String imdsToken() throws Exception {
    HttpCalls.Response response =
        http.send(
            "PUT",
            URI.create(metadata + "/latest/api/token"),
            Map.of("X-aws-ec2-metadata-token-ttl-seconds", "21600"),
            new byte[0]);
    if (!response.ok()) {
      throw new IOException("IMDSv2 token: HTTP " + response.status());
    }
    return response.body().strip();
  }

  private String imds(String token, String path) throws Exception {
    HttpCalls.Response response =
        http.send(
            "GET", URI.create(metadata + path), Map.of("X-aws-ec2-metadata-token", token), null);
    if (!response.ok()) {
      throw new IOException("IMDS " + path + ": HTTP " + response.status());
    }
    return response.body();
  }
}

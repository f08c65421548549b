package io.redisha.cloud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.redisha.api.HookProvider;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each provider against a local fake of its cloud: the exact requests it sends (action, parameters,
 * signature recomputed from the fixed clock and key), the metadata lookups, and the errors and
 * time-outs it reports.
 */
class CloudProvidersTest {
  static final Clock CLOCK = Clock.fixed(Instant.parse("2025-01-02T03:04:05Z"), ZoneOffset.UTC);
  static final ObjectMapper JSON = new ObjectMapper();
  static final VipEvent MASTER =
      new VipEvent("cache", "vm-a", "10.0.0.100", VipEvent.MASTER, "became master");
  static final VipEvent BACKUP =
      new VipEvent("cache", "vm-a", "10.0.0.100", VipEvent.BACKUP, "stepped down");

  @TempDir Path dir;
  final FakeCloud cloud = newCloud();

  static FakeCloud newCloud() {
    try {
      return new FakeCloud();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @AfterEach
  void stop() {
    cloud.close();
  }

  HookSettings settings(String provider, String credentialsFile, Map<String, String> haVipIds) {
    return new HookSettings(
        HookProvider.of(provider),
        List.of(),
        null,
        provider.equals("AWS") ? "us-east-1" : "cn-hangzhou",
        cloud.url() + "/api/",
        cloud.url(),
        credentialsFile,
        Duration.ofMillis(1500),
        Duration.ofSeconds(30),
        haVipIds);
  }

  static Map<String, String> form(String text) {
    Map<String, String> form = new LinkedHashMap<>();
    for (String pair : text.split("&")) {
      int eq = pair.indexOf('=');
      form.put(
          URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
          URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
    }
    return form;
  }

  @Test
  void awsAssignsThePrivateIpToTheInterfaceOfThePairWithRoleCredentialsFromImdsV2()
      throws Exception {
    cloud
        .answer("/latest/api/token", 200, "imds-token-1")
        .answer("/latest/meta-data/iam/security-credentials/", 200, "redisha-node\n")
        .answer(
            "/latest/meta-data/iam/security-credentials/redisha-node",
            200,
            """
            {"Code":"Success","AccessKeyId":"ASIAEXAMPLE","SecretAccessKey":"role-secret",
             "Token":"session-token-1","Expiration":"2025-01-02T09:00:00Z"}""")
        .answer(
            "/latest/meta-data/network/interfaces/macs/0a:00:00:00:00:01/interface-id",
            200,
            "eni-0123456789abcdef0")
        .answer("/api/", 200, "<AssignPrivateIpAddressesResponse/>");
    AwsHook hook = new AwsHook(settings("AWS", null, Map.of()), () -> "0a:00:00:00:00:01", CLOCK);

    hook.call(MASTER);

    for (FakeCloud.Request imds : cloud.requests()) {
      if (imds.path().startsWith("/latest/meta-data")) {
        assertThat(imds.headers()).containsEntry("X-aws-ec2-metadata-token", "imds-token-1");
      }
    }
    assertThat(cloud.requests("/latest/api/token").getFirst().method()).isEqualTo("PUT");
    assertThat(cloud.requests("/latest/api/token").getFirst().headers())
        .containsEntry("X-aws-ec2-metadata-token-ttl-seconds", "21600");
    FakeCloud.Request call = cloud.requests("/api/").getFirst();
    assertThat(call.method()).isEqualTo("POST");
    assertThat(form(call.body()))
        .containsExactly(
            Map.entry("Action", "AssignPrivateIpAddresses"),
            Map.entry("Version", "2016-11-15"),
            Map.entry("NetworkInterfaceId", "eni-0123456789abcdef0"),
            Map.entry("PrivateIpAddress.1", "10.0.0.100"),
            Map.entry("AllowReassignment", "true"));
    assertThat(call.headers())
        .containsEntry("x-amz-date", "20250102T030405Z")
        .containsEntry("x-amz-security-token", "session-token-1")
        .containsEntry("Content-Type", "application/x-www-form-urlencoded; charset=utf-8");
    String host = cloud.url().substring("http://".length());
    Map<String, String> expected =
        AwsSigV4.sign(
            "POST",
            "/api/",
            "",
            Map.of(
                "host", host, "content-type", "application/x-www-form-urlencoded; charset=utf-8"),
            call.body().getBytes(StandardCharsets.UTF_8),
            "us-east-1",
            "ec2",
            new Credentials("ASIAEXAMPLE", "role-secret", "session-token-1"),
            CLOCK.instant());
    assertThat(call.headers().get("Authorization"))
        .isEqualTo(expected.get("Authorization"))
        .startsWith(
            "AWS4-HMAC-SHA256 Credential=ASIAEXAMPLE/20250102/us-east-1/ec2/aws4_request,"
                + " SignedHeaders=content-type;host;x-amz-date;x-amz-security-token, Signature=");

    // Stepping down: one more call, credentials and interface id reused.
    hook.call(BACKUP);
    assertThat(form(cloud.requests("/api/").getLast().body()))
        .containsExactly(
            Map.entry("Action", "UnassignPrivateIpAddresses"),
            Map.entry("Version", "2016-11-15"),
            Map.entry("NetworkInterfaceId", "eni-0123456789abcdef0"),
            Map.entry("PrivateIpAddress.1", "10.0.0.100"));
    assertThat(cloud.requests("/latest/meta-data/iam/security-credentials/redisha-node"))
        .hasSize(1);
  }

  @Test
  void awsWithAKeyFileSignsWithThatKeyAndReportsTheApiError() throws Exception {
    Path keys = dir.resolve("aws");
    Files.writeString(
        keys, "[default]\naws_access_key_id = AKIDEXAMPLE\naws_secret_access_key = file-secret\n");
    cloud
        .answer("/latest/api/token", 200, "t")
        .answer("/latest/meta-data/mac", 200, "0a:00:00:00:00:02")
        .answer(
            "/latest/meta-data/network/interfaces/macs/0a:00:00:00:00:02/interface-id",
            200,
            "eni-2")
        .answer(
            "/api/",
            403,
            "<Response><Errors><Error><Code>UnauthorizedOperation</Code><Message>You are not"
                + " authorized to perform this operation.</Message></Error></Errors></Response>");
    AwsHook hook = new AwsHook(settings("AWS", keys.toString(), Map.of()), () -> null, CLOCK);

    assertThatThrownBy(() -> hook.call(MASTER))
        .hasMessage(
            "AssignPrivateIpAddresses failed: HTTP 403 UnauthorizedOperation: You are not"
                + " authorized to perform this operation.");
    FakeCloud.Request call = cloud.requests("/api/").getFirst();
    assertThat(call.headers()).doesNotContainKey("x-amz-security-token");
    assertThat(call.headers().get("Authorization"))
        .contains("Credential=AKIDEXAMPLE/20250102/us-east-1/ec2/aws4_request")
        .contains("SignedHeaders=content-type;host;x-amz-date,");
    assertThat(cloud.requests("/latest/meta-data/iam/security-credentials/")).isEmpty();
  }

  @Test
  void alibabaAssociatesTheHaVipWithThisInstanceSignedWithHmacSha1() throws Exception {
    cloud
        .answer("/latest/meta-data/instance-id", 200, "i-bp1instance")
        .answer("/latest/meta-data/ram/security-credentials/", 200, "RedishaRole")
        .answer(
            "/latest/meta-data/ram/security-credentials/RedishaRole",
            200,
            """
            {"AccessKeyId":"STS.key","AccessKeySecret":"sts-secret","SecurityToken":"sts-token",
             "Expiration":"2025-01-02T09:00:00Z","Code":"Success"}""")
        .answer("/api/", 200, "{\"RequestId\":\"r-1\"}");
    AlibabaHook hook =
        new AlibabaHook(
            settings("Alibaba", null, Map.of("cache", "havip-bp1abc")), CLOCK, () -> "nonce-1");

    hook.call(MASTER);

    FakeCloud.Request call = cloud.requests("/api/").getFirst();
    assertThat(call.method()).isEqualTo("GET");
    Map<String, String> query = form(call.query());
    String signature = query.remove("Signature");
    assertThat(query)
        .containsExactly(
            Map.entry("AccessKeyId", "STS.key"),
            Map.entry("Action", "AssociateHaVipAddress"),
            Map.entry("Format", "JSON"),
            Map.entry("HaVipId", "havip-bp1abc"),
            Map.entry("InstanceId", "i-bp1instance"),
            Map.entry("InstanceType", "EcsInstance"),
            Map.entry("RegionId", "cn-hangzhou"),
            Map.entry("SecurityToken", "sts-token"),
            Map.entry("SignatureMethod", "HMAC-SHA1"),
            Map.entry("SignatureNonce", "nonce-1"),
            Map.entry("SignatureVersion", "1.0"),
            Map.entry("Timestamp", "2025-01-02T03:04:05Z"),
            Map.entry("Version", "2016-04-28"));
    assertThat(signature).isEqualTo(AlibabaSignature.sign("GET", query, "sts-secret"));

    hook.call(BACKUP);
    assertThat(form(cloud.requests("/api/").getLast().query()))
        .containsEntry("Action", "UnassociateHaVipAddress")
        .containsEntry("HaVipId", "havip-bp1abc");
  }

  @Test
  void alibabaReportsTheApiErrorCode() throws Exception {
    Path keys = dir.resolve("ali");
    Files.writeString(keys, "access_key_id=LTAIexample\naccess_key_secret=file-secret\n");
    cloud
        .answer("/latest/meta-data/instance-id", 200, "i-1")
        .answer(
            "/api/",
            400,
            "{\"Code\":\"IncorrectHaVipStatus\",\"Message\":\"The HaVip status is incorrect.\"}");
    AlibabaHook hook =
        new AlibabaHook(
            settings("Alibaba", keys.toString(), Map.of("cache", "havip-1")), CLOCK, () -> "n");
    assertThatThrownBy(() -> hook.call(MASTER))
        .hasMessage(
            "AssociateHaVipAddress failed: HTTP 400 IncorrectHaVipStatus: The HaVip status is"
                + " incorrect.");
    assertThat(form(cloud.requests("/api/").getFirst().query()))
        .containsEntry("AccessKeyId", "LTAIexample")
        .doesNotContainKey("SecurityToken");
  }

  @Test
  void webhookPostsTheDocumentedJsonBody() throws Exception {
    cloud.answer("/hook", 204, "");
    new WebhookHook(java.net.URI.create(cloud.url() + "/hook"), Duration.ofSeconds(2)).call(MASTER);
    FakeCloud.Request call = cloud.requests("/hook").getFirst();
    assertThat(call.method()).isEqualTo("POST");
    assertThat(call.headers()).containsEntry("Content-Type", "application/json");
    JsonNode body = JSON.readTree(call.body());
    assertThat(body.properties().stream().map(Map.Entry::getKey).toList())
        .containsExactly("group", "node", "vip", "state", "reason");
    assertThat(body.path("group").asText()).isEqualTo("cache");
    assertThat(body.path("node").asText()).isEqualTo("vm-a");
    assertThat(body.path("vip").asText()).isEqualTo("10.0.0.100");
    assertThat(body.path("state").asText()).isEqualTo("MASTER");
    assertThat(body.path("reason").asText()).isEqualTo("became master");
  }

  @Test
  void webhookErrorsAndTimeOutsAreReported() {
    cloud
        .answer("/hook", 503, "maintenance")
        .answer("/slow", new FakeCloud.Answer(200, "late", 3000));
    assertThatThrownBy(
            () ->
                new WebhookHook(java.net.URI.create(cloud.url() + "/hook"), Duration.ofSeconds(2))
                    .call(MASTER))
        .hasMessage("webhook answered HTTP 503: maintenance");
    assertThatThrownBy(
            () ->
                new WebhookHook(java.net.URI.create(cloud.url() + "/slow"), Duration.ofMillis(300))
                    .call(MASTER))
        .hasMessageContaining("timed out after 300 ms");
  }

  @Test
  void execRunsTheCommandWithTheEventInItsEnvironment() throws Exception {
    Path out = dir.resolve("env");
    new ExecHook(
            List.of(
                "/bin/sh",
                "-c",
                "echo \"$REDISHA_GROUP $REDISHA_NODE $REDISHA_VIP $REDISHA_STATE $REDISHA_REASON\" > "
                    + out),
            Duration.ofSeconds(5))
        .call(BACKUP);
    assertThat(Files.readString(out)).isEqualTo("cache vm-a 10.0.0.100 BACKUP stepped down\n");

    assertThatThrownBy(
            () ->
                new ExecHook(
                        List.of("/bin/sh", "-c", "echo quota exceeded >&2; exit 4"),
                        Duration.ofSeconds(5))
                    .call(MASTER))
        .hasMessage("/bin/sh exited with 4: quota exceeded");
    assertThatThrownBy(
            () -> new ExecHook(List.of("/bin/sleep", "5"), Duration.ofMillis(200)).call(MASTER))
        .hasMessage("/bin/sleep did not finish within 200 ms");
  }
}

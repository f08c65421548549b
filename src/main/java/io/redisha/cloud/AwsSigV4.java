package io.redisha.cloud;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * AWS Signature Version 4 for one request, with the JDK only. Pure: the caller passes the time, so
 * a fixed clock and key give a fixed signature.
 */
public final class AwsSigV4 {
  static final DateTimeFormatter AMZ_DATE =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter DATE =
      DateTimeFormatter.ofPattern("yyyyMMdd").withZone(ZoneOffset.UTC);

  private AwsSigV4() {}

  /**
   * The headers to add to a request: {@code x-amz-date}, {@code x-amz-security-token} when the
   * credentials have one, and {@code Authorization}.
   *
   * @param method HTTP method
   * @param path the URI path, already encoded ("/" for the EC2 query API)
   * @param query the canonical query string, "" when none
   * @param headers headers to sign besides x-amz-*, for example host and content-type
   * @param body the request body
   */
  public static Map<String, String> sign(
      String method,
      String path,
      String query,
      Map<String, String> headers,
      byte[] body,
      String region,
      String service,
      Credentials credentials,
      Instant now) {
    String amzDate = AMZ_DATE.format(now);
    String date = DATE.format(now);
    TreeMap<String, String> signed = new TreeMap<>();
    headers.forEach((k, v) -> signed.put(k.toLowerCase(Locale.ROOT), v.strip()));
    signed.put("x-amz-date", amzDate);
    if (credentials.sessionToken() != null) {
      signed.put("x-amz-security-token", credentials.sessionToken());
    }
    String signedHeaders = String.join(";", signed.keySet());
    String canonicalHeaders =
        signed.entrySet().stream()
            .map(e -> e.getKey() + ":" + e.getValue() + "\n")
            .collect(Collectors.joining());
    String canonicalRequest =
        method
            + "\n"
            + path
            + "\n"
            + query
            + "\n"
            + canonicalHeaders
            + "\n"
            + signedHeaders
            + "\n"
            + hex(sha256(body));
    String scope = date + "/" + region + "/" + service + "/aws4_request";
    String stringToSign =
        "AWS4-HMAC-SHA256\n"
            + amzDate
            + "\n"
            + scope
            + "\n"
            + hex(sha256(canonicalRequest.getBytes(StandardCharsets.UTF_8)));
    byte[] key = hmac(("AWS4" + credentials.secret()).getBytes(StandardCharsets.UTF_8), date);
    key = hmac(key, region);
    key = hmac(key, service);
    key = hmac(key, "aws4_request");
    String signature = hex(hmac(key, stringToSign));
    Map<String, String> out = new TreeMap<>();
    out.put("x-amz-date", amzDate);
    if (credentials.sessionToken() != null) {
      out.put("x-amz-security-token", credentials.sessionToken());
    }
    out.put(
        "Authorization",
        "AWS4-HMAC-SHA256 Credential="
            + credentials.accessKeyId()
            + "/"
            + scope
            + ", SignedHeaders="
            + signedHeaders
            + ", Signature="
            + signature);
    return out;
  }

  static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] hmac(byte[] key, String data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(bytes);
  }
}

package io.redisha.cloud;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Alibaba Cloud's RPC signature, version 1.0 (HMAC-SHA1), with the JDK only: the parameters sorted
 * and percent-encoded per RFC 3986, signed as {@code METHOD&%2F&encoded-query} with the key {@code
 * secret + "&"}. Pure.
 */
public final class AlibabaSignature {
  private AlibabaSignature() {}

  /** The Signature parameter for {@code parameters} (which must not contain Signature). */
  public static String sign(String method, Map<String, String> parameters, String secret) {
    String stringToSign = method + "&" + encode("/") + "&" + encode(canonicalQuery(parameters));
    try {
      Mac mac = Mac.getInstance("HmacSHA1");
      mac.init(new SecretKeySpec((secret + "&").getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
      return Base64.getEncoder()
          .encodeToString(mac.doFinal(stringToSign.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The parameters sorted by name, each encoded, joined with {@code &}. */
  public static String canonicalQuery(Map<String, String> parameters) {
    return new TreeMap<>(parameters)
        .entrySet().stream()
            .map(e -> encode(e.getKey()) + "=" + encode(e.getValue()))
            .collect(Collectors.joining("&"));
  }

  /** RFC 3986 percent-encoding: only A-Z, a-z, 0-9, '-', '_', '.' and '~' stay as they are. */
  public static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8)
        .replace("+", "%20")
        .replace("*", "%2A")
        .replace("%7E", "~");
  }
}

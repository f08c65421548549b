package io.redisha.cloud;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * A cloud access key, from a file or the instance role.
 *
 * @param accessKeyId the key id
 * @param secret the secret key
 * @param sessionToken the session (STS) token of role credentials, or null
 */
public record Credentials(String accessKeyId, String secret, String sessionToken) {
  @Override
  public String toString() {
    return "Credentials[" + accessKeyId + ", secret hidden]";
  }

  /**
   * Reads {@code key=value} lines; {@code idKey} and {@code secretKey} are required, {@code
   * tokenKey} optional. Section headers such as {@code [default]} are ignored.
   */
  public static Credentials fromFile(Path file, String idKey, String secretKey, String tokenKey)
      throws IOException {
    Properties properties = new Properties();
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      properties.load(reader);
    }
    String id = trimmed(properties.getProperty(idKey));
    String secret = trimmed(properties.getProperty(secretKey));
    if (id == null || secret == null) {
      throw new IOException(file + ": needs " + idKey + " and " + secretKey);
    }
    return new Credentials(id, secret, trimmed(properties.getProperty(tokenKey)));
  }

  private static String trimmed(String value) {
    return value == null || value.isBlank() ? null : value.strip();
  }
}

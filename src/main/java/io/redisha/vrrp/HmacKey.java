package io.redisha.vrrp;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Locale;

/**
 * One auth_hmac key: an id carried in the trailer and the secret bytes. The bytes are copied in and
 * out so nobody can change a key under a running filter, and {@link #toString()} never shows them.
 * Lengths and ids are checked by {@link HmacAuth#problems}, not here, so a bad key can still be
 * reported with the field it came from.
 */
public final class HmacKey {
  /** Shortest key keepalived accepts, in bytes. */
  public static final int MIN_LENGTH = 32;

  /** Longest key keepalived accepts, in bytes. */
  public static final int MAX_LENGTH = 64;

  private static final String HEX_PREFIX = "hex:";

  private final int id;
  private final byte[] secret;

  public HmacKey(int id, byte[] secret) {
    if (secret == null) {
      throw new IllegalArgumentException("key " + id + ": the secret is missing");
    }
    this.id = id;
    this.secret = secret.clone();
  }

  /**
   * A key written as keepalived's {@code key} line writes it: {@code hex:0011..} gives the raw
   * bytes, anything else is the key's text (UTF-8). Reading {@code file:PATH} is left to the
   * caller, which knows where files may come from.
   *
   * @throws IllegalArgumentException when the {@code hex:} digits are not hexadecimal
   */
  public static HmacKey parse(int id, String written) {
    if (written == null) {
      throw new IllegalArgumentException("key " + id + ": the secret is missing");
    }
    if (written.regionMatches(true, 0, HEX_PREFIX, 0, HEX_PREFIX.length())) {
      String digits = written.substring(HEX_PREFIX.length()).strip();
      if (digits.length() % 2 != 0 || !digits.toLowerCase(Locale.ROOT).matches("[0-9a-f]*")) {
        throw new IllegalArgumentException(
            "key " + id + ": after hex: expected an even number of hexadecimal digits");
      }
      return new HmacKey(id, HexFormat.of().parseHex(digits));
    }
    return new HmacKey(id, written.getBytes(StandardCharsets.UTF_8));
  }

  /** The id carried in the trailer's key id byte, 1 to 255 when valid. */
  public int id() {
    return id;
  }

  /** A copy of the secret. */
  public byte[] secret() {
    return secret.clone();
  }

  /** The secret's length in bytes. */
  public int length() {
    return secret.length;
  }

  byte[] secretForMac() {
    return secret;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof HmacKey key && key.id == id && Arrays.equals(key.secret, secret);
  }

  @Override
  public int hashCode() {
    return 31 * id + Arrays.hashCode(secret);
  }

  @Override
  public String toString() {
    return "HmacKey[id=" + id + ", " + secret.length + " bytes]";
  }
}

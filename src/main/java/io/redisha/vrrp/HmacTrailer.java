package io.redisha.vrrp;

import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * The 28-byte auth_hmac trailer keepalived 2.4.3 appends to an IPv4 advert, after the VRRP message:
 * type, key id, two reserved bytes, the sequence number (seconds, fraction of a second in 1/65536,
 * counter within one timestamp; all network order) and the first 16 bytes of the HMAC-SHA256.
 *
 * @param type {@link #TYPE_HMAC_SHA256_128} for the only type keepalived defines
 * @param keyId the id of the key that signed the advert
 * @param sequence {@code seconds << 32 | fraction << 16 | counter}
 * @param mac the 16 HMAC bytes as carried
 */
public record HmacTrailer(int type, int keyId, long sequence, byte[] mac) {
  /** Bytes on the wire. */
  public static final int LENGTH = 28;

  /** HMAC-SHA256 truncated to 128 bits. */
  public static final int TYPE_HMAC_SHA256_128 = 1;

  /** Bytes of the trailer before the HMAC: type through counter. */
  static final int HEAD_LENGTH = 12;

  /** Bytes of the truncated HMAC. */
  public static final int MAC_LENGTH = 16;

  public HmacTrailer {
    if (mac == null || mac.length != MAC_LENGTH) {
      throw new IllegalArgumentException("the trailer's HMAC is " + MAC_LENGTH + " bytes");
    }
    mac = mac.clone();
  }

  /** Reads the trailer at {@code offset}; the caller has checked that 28 bytes are there. */
  static HmacTrailer read(byte[] bytes, int offset) {
    long sequence = 0;
    for (int i = 4; i < HEAD_LENGTH; i++) {
      sequence = (sequence << 8) | (bytes[offset + i] & 0xff);
    }
    return new HmacTrailer(
        bytes[offset] & 0xff,
        bytes[offset + 1] & 0xff,
        sequence,
        Arrays.copyOfRange(bytes, offset + HEAD_LENGTH, offset + LENGTH));
  }

  /** The first 12 bytes (type, key id, reserved zeros, sequence), as signed. */
  static byte[] head(int type, int keyId, long sequence) {
    byte[] head = new byte[HEAD_LENGTH];
    head[0] = (byte) type;
    head[1] = (byte) keyId;
    for (int i = HEAD_LENGTH - 1; i >= 4; i--) {
      head[i] = (byte) sequence;
      sequence >>>= 8;
    }
    return head;
  }

  /** The trailer's seconds since the Unix epoch, as the 32 unsigned bits it carries. */
  public long seconds() {
    return sequence >>> 32;
  }

  /** The fraction of the second in 1/65536. */
  public int fraction() {
    return (int) (sequence >>> 16) & 0xffff;
  }

  /** The counter that tells apart adverts with the same timestamp. */
  public int counter() {
    return (int) sequence & 0xffff;
  }

  /** The sequence number of the first advert at {@code instant}: its seconds and fraction. */
  public static long sequenceAt(Instant instant) {
    long seconds = instant.getEpochSecond() & 0xffff_ffffL;
    long fraction = ((long) instant.getNano() << 16) / 1_000_000_000L;
    return (seconds << 32) | (fraction << 16);
  }

  /** Whether {@code sequence} comes after {@code last} in 64-bit serial number arithmetic. */
  public static boolean after(long sequence, long last) {
    return sequence - last > 0;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof HmacTrailer trailer
        && trailer.type == type
        && trailer.keyId == keyId
        && trailer.sequence == sequence
        && Arrays.equals(trailer.mac, mac);
  }

  @Override
  public int hashCode() {
    return (31 * (31 * type + keyId) + Long.hashCode(sequence)) * 31 + Arrays.hashCode(mac);
  }

  @Override
  public String toString() {
    return "HmacTrailer[type="
        + type
        + ", keyId="
        + keyId
        + ", seconds="
        + seconds()
        + ", fraction="
        + fraction()
        + ", counter="
        + counter()
        + ", mac="
        + HexFormat.of().formatHex(mac)
        + "]";
  }
}

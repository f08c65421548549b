package io.redisha.vrrp;

import java.net.Inet4Address;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encodes and decodes VRRP messages (the IP payload) for IPv4: VRRPv2 (RFC 3768) with optional PASS
 * authentication and VRRPv3 (RFC 5798, RFC 9568), both optionally signed with keepalived 2.4.3's
 * auth_hmac trailer ({@link HmacTrailer}). Pure functions, no I/O.
 */
public final class VrrpCodec {
  /** Authentication type 1 of RFC 2338/3768: a cleartext password of up to 8 bytes. */
  public static final int AUTH_PASS = 1;

  private static final int TYPE_ADVERTISEMENT = 1;
  private static final int HEADER = 8;
  private static final int V2_AUTH_DATA = 8;
  private static final String HMAC_SHA256 = "HmacSHA256";
  private static final int HMAC_HEADER = 20;

  private VrrpCodec() {}

  /**
   * The message bytes for {@code advert}; {@code source} and {@code destination} are only used for
   * the VRRPv3 pseudo-header checksum.
   */
  public static byte[] encode(
      VrrpAdvertisement advert, ChecksumMode mode, Inet4Address source, Inet4Address destination) {
    boolean v2 = advert.version() == VrrpVersion.V2;
    int count = advert.addresses().size();
    byte[] message = new byte[HEADER + 4 * count + (v2 ? V2_AUTH_DATA : 0)];
    message[0] = (byte) ((advert.version().number() << 4) | TYPE_ADVERTISEMENT);
    message[1] = (byte) advert.virtualRouterId();
    message[2] = (byte) advert.priority();
    message[3] = (byte) count;
    if (v2) {
      message[4] = (byte) (advert.password() == null ? 0 : AUTH_PASS);
      message[5] = (byte) (advert.intervalCentis() / 100);
    } else {
      message[4] = (byte) ((advert.intervalCentis() >> 8) & 0x0f);
      message[5] = (byte) advert.intervalCentis();
    }
    int at = HEADER;
    for (Inet4Address address : advert.addresses()) {
      System.arraycopy(address.getAddress(), 0, message, at, 4);
      at += 4;
    }
    if (v2 && advert.password() != null) {
      byte[] password = passwordBytes(advert.password());
      System.arraycopy(password, 0, message, at, password.length);
    }
    int checksum = checksum(message, message.length, advert.version(), mode, source, destination);
    message[6] = (byte) (checksum >> 8);
    message[7] = (byte) checksum;
    return message;
  }

  /**
   * Reads a VRRP message of {@code length} bytes at {@code offset}. The checksum is not checked
   * here, see {@link #checksumValid}; anything that is not a well-formed advertisement throws.
   */
  public static VrrpAdvertisement decode(byte[] bytes, int offset, int length)
      throws MalformedPacketException {
    if (length < HEADER || offset < 0 || offset + length > bytes.length) {
      throw new MalformedPacketException("VRRP message needs 8 bytes, got " + length);
    }
    int versionNumber = (bytes[offset] >> 4) & 0x0f;
    int type = bytes[offset] & 0x0f;
    if (versionNumber != 2 && versionNumber != 3) {
      throw new MalformedPacketException(DropReason.WRONG_VERSION, "VRRP version " + versionNumber);
    }
    if (type != TYPE_ADVERTISEMENT) {
      throw new MalformedPacketException(DropReason.WRONG_TYPE, "VRRP type " + type);
    }
    VrrpVersion version = VrrpVersion.of(versionNumber);
    int vrid = bytes[offset + 1] & 0xff;
    int priority = bytes[offset + 2] & 0xff;
    int count = bytes[offset + 3] & 0xff;
    int needed = HEADER + 4 * count + (version == VrrpVersion.V2 ? V2_AUTH_DATA : 0);
    if (length < needed) {
      throw new MalformedPacketException(
          "VRRP message with " + count + " addresses needs " + needed + " bytes, got " + length);
    }
    if (vrid == 0) {
      throw new MalformedPacketException("virtual router id 0");
    }
    List<Inet4Address> addresses = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      addresses.add(Ipv4Header.address(bytes, offset + HEADER + 4 * i));
    }
    int intervalCentis;
    String password = null;
    if (version == VrrpVersion.V2) {
      int authType = bytes[offset + 4] & 0xff;
      int seconds = bytes[offset + 5] & 0xff;
      if (seconds == 0) {
        throw new MalformedPacketException("advertisement interval 0");
      }
      intervalCentis = seconds * 100;
      if (authType == AUTH_PASS) {
        int start = offset + HEADER + 4 * count;
        int end = start;
        while (end < start + V2_AUTH_DATA && bytes[end] != 0) {
          end++;
        }
        password = new String(bytes, start, end - start, StandardCharsets.ISO_8859_1);
      } else if (authType != 0) {
        throw new MalformedPacketException(
            DropReason.AUTH_MISMATCH, "unsupported authentication type " + authType);
      }
    } else {
      intervalCentis = ((bytes[offset + 4] & 0x0f) << 8) | (bytes[offset + 5] & 0xff);
      if (intervalCentis == 0) {
        throw new MalformedPacketException("advertisement interval 0");
      }
    }
    return new VrrpAdvertisement(version, vrid, priority, intervalCentis, addresses, password);
  }

  /**
   * The message bytes for {@code advert} followed by the auth_hmac trailer signed with {@code key}
   * and {@code sequence}: the checksum covers the message only, the IP length the whole payload.
   */
  public static byte[] encode(
      VrrpAdvertisement advert,
      ChecksumMode mode,
      Inet4Address source,
      Inet4Address destination,
      HmacKey key,
      long sequence) {
    return sign(encode(advert, mode, source, destination), source, key, sequence);
  }

  /** {@code message} (a whole VRRP message, checksum filled in) with a signed trailer appended. */
  public static byte[] sign(byte[] message, Inet4Address source, HmacKey key, long sequence) {
    byte[] head = HmacTrailer.head(HmacTrailer.TYPE_HMAC_SHA256_128, key.id(), sequence);
    byte[] mac = hmac(key, message, 0, message.length, source, head);
    byte[] signed = Arrays.copyOf(message, message.length + HmacTrailer.LENGTH);
    System.arraycopy(head, 0, signed, message.length, head.length);
    System.arraycopy(mac, 0, signed, message.length + head.length, mac.length);
    return signed;
  }

  /**
   * The truncated HMAC of a VRRP message of {@code length} bytes at {@code offset}, sent from
   * {@code source}, under a trailer starting with {@code trailerHead}. The input, in order: a
   * 20-byte header (4, the VRRP version, the router id, 0, the source address, 12 zeros); the
   * message with its checksum read as zero; the trailer's first 12 bytes; 16 zeros for the HMAC.
   */
  static byte[] hmac(
      HmacKey key, byte[] bytes, int offset, int length, Inet4Address source, byte[] trailerHead) {
    byte[] header = new byte[HMAC_HEADER];
    header[0] = 4;
    header[1] = (byte) ((bytes[offset] >> 4) & 0x0f);
    header[2] = bytes[offset + 1];
    System.arraycopy(source.getAddress(), 0, header, 4, 4);
    try {
      Mac mac = Mac.getInstance(HMAC_SHA256);
      mac.init(new SecretKeySpec(key.secretForMac(), HMAC_SHA256));
      mac.update(header);
      mac.update(bytes, offset, 6);
      mac.update(new byte[2]);
      mac.update(bytes, offset + HEADER, length - HEADER);
      mac.update(trailerHead);
      mac.update(new byte[HmacTrailer.MAC_LENGTH]);
      return Arrays.copyOf(mac.doFinal(), HmacTrailer.MAC_LENGTH);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every Java runtime has " + HMAC_SHA256, e);
    }
  }

  /**
   * Whether {@code trailer}, read after the VRRP message of {@code length} bytes at {@code offset}
   * sent from {@code source}, carries the HMAC that {@code key} gives. Compares in constant time.
   */
  public static boolean hmacValid(
      byte[] bytes, int offset, int length, Inet4Address source, HmacTrailer trailer, HmacKey key) {
    if (length < HEADER || offset < 0 || offset + length > bytes.length) {
      return false;
    }
    byte[] expected =
        hmac(
            key,
            bytes,
            offset,
            length,
            source,
            HmacTrailer.head(trailer.type(), trailer.keyId(), trailer.sequence()));
    return MessageDigest.isEqual(expected, trailer.mac());
  }

  /** The length of {@code advert}'s VRRP message on the wire, without any trailer. */
  public static int messageLength(VrrpAdvertisement advert) {
    return HEADER
        + 4 * advert.addresses().size()
        + (advert.version() == VrrpVersion.V2 ? V2_AUTH_DATA : 0);
  }

  /**
   * The auth_hmac trailer after {@code advert}'s message in the {@code length} bytes at {@code
   * offset}, or null when nothing follows the message.
   *
   * @throws MalformedPacketException when something other than one 28-byte trailer follows, or the
   *     trailer's type or reserved bytes are not keepalived's ({@link DropReason#HMAC_MALFORMED})
   */
  public static HmacTrailer trailer(byte[] bytes, int offset, int length, VrrpAdvertisement advert)
      throws MalformedPacketException {
    int messageLength = messageLength(advert);
    int rest = length - messageLength;
    if (rest == 0) {
      return null;
    }
    if (rest != HmacTrailer.LENGTH || offset + length > bytes.length) {
      throw new MalformedPacketException(
          rest
              + " bytes after the "
              + messageLength
              + "-byte VRRP message, neither none nor a "
              + HmacTrailer.LENGTH
              + "-byte auth_hmac trailer");
    }
    int at = offset + messageLength;
    int type = bytes[at] & 0xff;
    if (type != HmacTrailer.TYPE_HMAC_SHA256_128) {
      throw new MalformedPacketException(
          DropReason.HMAC_MALFORMED, "auth_hmac trailer of unknown type " + type);
    }
    if (bytes[at + 2] != 0 || bytes[at + 3] != 0) {
      throw new MalformedPacketException(
          DropReason.HMAC_MALFORMED, "auth_hmac trailer with non-zero reserved bytes");
    }
    return HmacTrailer.read(bytes, at);
  }

  /** Whether the message's checksum field verifies in {@code mode}. */
  public static boolean checksumValid(
      byte[] bytes,
      int offset,
      int length,
      ChecksumMode mode,
      Inet4Address source,
      Inet4Address destination) {
    if (length < HEADER) {
      return false;
    }
    VrrpVersion version = ((bytes[offset] >> 4) & 0x0f) == 3 ? VrrpVersion.V3 : VrrpVersion.V2;
    byte[] message = Arrays.copyOfRange(bytes, offset, offset + length);
    return checksum(message, length, version, mode, source, destination) == 0;
  }

  /**
   * The one's complement checksum of the message, with the VRRPv3 pseudo-header when asked. Over a
   * message whose checksum field is already filled in, a valid checksum gives 0.
   */
  static int checksum(
      byte[] message,
      int length,
      VrrpVersion version,
      ChecksumMode mode,
      Inet4Address source,
      Inet4Address destination) {
    long sum = 0;
    if (version == VrrpVersion.V3 && mode == ChecksumMode.PSEUDO_HEADER) {
      byte[] src = source.getAddress();
      byte[] dst = destination.getAddress();
      sum += word(src, 0) + word(src, 2) + word(dst, 0) + word(dst, 2);
      sum += Ipv4Header.VRRP_PROTOCOL;
      sum += length;
    }
    for (int i = 0; i + 1 < length; i += 2) {
      sum += word(message, i);
    }
    if ((length & 1) == 1) {
      sum += (message[length - 1] & 0xff) << 8;
    }
    while ((sum >> 16) != 0) {
      sum = (sum & 0xffff) + (sum >> 16);
    }
    return (int) (~sum & 0xffff);
  }

  private static int word(byte[] bytes, int at) {
    return ((bytes[at] & 0xff) << 8) | (bytes[at + 1] & 0xff);
  }

  /** The password as sent on the wire (ISO-8859-1, as keepalived copies the configured bytes). */
  public static byte[] passwordBytes(String password) {
    return password.getBytes(StandardCharsets.ISO_8859_1);
  }
}

package io.redisha.vrrp;

import java.net.Inet4Address;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Encodes and decodes VRRP messages (the IP payload) for IPv4: VRRPv2 (RFC 3768) with optional PASS
 * authentication and VRRPv3 (RFC 5798, RFC 9568). Pure functions, no I/O.
 */
public final class VrrpCodec {
  /** Authentication type 1 of RFC 2338/3768: a cleartext password of up to 8 bytes. */
  public static final int AUTH_PASS = 1;

  private static final int TYPE_ADVERTISEMENT = 1;
  private static final int HEADER = 8;
  private static final int V2_AUTH_DATA = 8;

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

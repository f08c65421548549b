package io.redisha.vrrp;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * The fields of a received IPv4 header that acceptance needs.
 *
 * @param headerLength header length in bytes (IHL times four)
 * @param ttl time to live as received
 * @param protocol IP protocol number (112 for VRRP)
 * @param source source address
 * @param destination destination address
 */
public record Ipv4Header(
    int headerLength, int ttl, int protocol, Inet4Address source, Inet4Address destination) {

  public static final int VRRP_PROTOCOL = 112;

  /**
   * Reads the header at the start of {@code datagram}.
   *
   * @throws MalformedPacketException when the bytes are not an IPv4 header
   */
  public static Ipv4Header parse(byte[] datagram, int length) throws MalformedPacketException {
    if (length < 20 || datagram.length < length) {
      throw new MalformedPacketException("IPv4 header needs 20 bytes, got " + length);
    }
    int version = (datagram[0] >> 4) & 0x0f;
    int headerLength = (datagram[0] & 0x0f) * 4;
    if (version != 4) {
      throw new MalformedPacketException("IP version " + version + ", not 4");
    }
    if (headerLength < 20 || headerLength > length) {
      throw new MalformedPacketException("IPv4 header length " + headerLength + " of " + length);
    }
    return new Ipv4Header(
        headerLength,
        datagram[8] & 0xff,
        datagram[9] & 0xff,
        address(datagram, 12),
        address(datagram, 16));
  }

  static Inet4Address address(byte[] bytes, int offset) {
    try {
      return (Inet4Address) InetAddress.getByAddress(Arrays.copyOfRange(bytes, offset, offset + 4));
    } catch (UnknownHostException e) {
      throw new IllegalStateException("four bytes are always an IPv4 address", e);
    }
  }
}

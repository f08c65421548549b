package io.redisha.net;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Objects;

/**
 * An IPv4 address with a prefix length, as written in configuration: {@code 192.0.2.100/24}. The
 * address keeps its host bits (a VIP is an address, not a network). Parsing never consults DNS.
 *
 * <p>Error messages describe the value only; callers prefix the field name, for example {@code
 * "instances[0].vip: " + e.getMessage()}.
 */
public record Ipv4Cidr(Inet4Address address, int prefixLength) {

  public Ipv4Cidr {
    Objects.requireNonNull(address, "address");
    if (prefixLength < 0 || prefixLength > 32) {
      throw new IllegalArgumentException("prefix length " + prefixLength + " is out of range 0-32");
    }
  }

  /** Parses {@code a.b.c.d/prefix}; throws {@link IllegalArgumentException} with the reason. */
  public static Ipv4Cidr parse(String text) {
    if (text == null) {
      throw new IllegalArgumentException("not an IPv4 CIDR: null: expected a.b.c.d/prefix");
    }
    int slash = text.indexOf('/');
    if (slash < 0 || slash != text.lastIndexOf('/')) {
      throw new IllegalArgumentException(
          "not an IPv4 CIDR: '" + text + "': expected a.b.c.d/prefix");
    }
    String prefixText = text.substring(slash + 1);
    byte[] octets = octets(text.substring(0, slash), text, "a.b.c.d/prefix");
    if (!isDecimal(prefixText, 2)) {
      throw new IllegalArgumentException(
          "not an IPv4 CIDR: '" + text + "': expected a.b.c.d/prefix");
    }
    int prefix = Integer.parseInt(prefixText);
    if (prefix > 32) {
      throw new IllegalArgumentException(
          "not an IPv4 CIDR: '" + text + "': prefix length " + prefix + " is out of range 0-32");
    }
    return new Ipv4Cidr(toAddress(octets), prefix);
  }

  /** Parses a dotted-quad IPv4 address ({@code a.b.c.d}), never consulting DNS. */
  public static Inet4Address parseAddress(String text) {
    if (text == null) {
      throw new IllegalArgumentException("not an IPv4 address: null: expected a.b.c.d");
    }
    return toAddress(octets(text, text, "a.b.c.d"));
  }

  /** The address as four bytes in network order. */
  public byte[] addressBytes() {
    return address.getAddress();
  }

  /** {@code 192.0.2.100/24}. */
  @Override
  public String toString() {
    return address.getHostAddress() + "/" + prefixLength;
  }

  private static byte[] octets(String dotted, String whole, String expected) {
    String kind = expected.contains("/") ? "IPv4 CIDR" : "IPv4 address";
    String[] parts = dotted.split("\\.", -1);
    if (parts.length != 4) {
      throw new IllegalArgumentException(
          "not an " + kind + ": '" + whole + "': expected " + expected);
    }
    byte[] octets = new byte[4];
    for (int i = 0; i < 4; i++) {
      if (!isDecimal(parts[i], 3)) {
        throw new IllegalArgumentException(
            "not an " + kind + ": '" + whole + "': expected " + expected);
      }
      int value = Integer.parseInt(parts[i]);
      if (value > 255) {
        throw new IllegalArgumentException(
            "not an " + kind + ": '" + whole + "': octet " + value + " is out of range 0-255");
      }
      octets[i] = (byte) value;
    }
    return octets;
  }

  private static boolean isDecimal(String text, int maxDigits) {
    if (text.isEmpty() || text.length() > maxDigits) {
      return false;
    }
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) < '0' || text.charAt(i) > '9') {
        return false;
      }
    }
    return true;
  }

  private static Inet4Address toAddress(byte[] octets) {
    try {
      return (Inet4Address) InetAddress.getByAddress(octets);
    } catch (UnknownHostException e) {
      throw new IllegalStateException("four bytes are always an IPv4 address", e);
    }
  }
}

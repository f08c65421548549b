package io.redisha.pair;

import io.redisha.api.Patterns;
import io.redisha.net.Ipv4Cidr;
import java.net.Inet4Address;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The address rules of a pair on parsed addresses: the same text the CRD's patterns admit (dotted
 * quads without leading zeros), and only addresses a node or a VIP can use. Each check adds {@code
 * field: what is wrong} to the problems and returns null when the value is refused.
 */
final class AddressRules {
  private static final Pattern IPV4 = Pattern.compile(Patterns.IPV4);
  private static final Pattern IPV4_CIDR = Pattern.compile(Patterns.IPV4_CIDR);

  private AddressRules() {}

  /**
   * A node's address. {@code loopbackAllowed} for node addresses: two agents on one host (127.0.0.1
   * and 127.0.0.2) make a working pair, which tests use.
   */
  static Inet4Address unicastAddress(
      String field, String text, boolean loopbackAllowed, List<String> problems) {
    Inet4Address address;
    try {
      address = Ipv4Cidr.parseAddress(text);
    } catch (IllegalArgumentException e) {
      problems.add(field + ": " + e.getMessage());
      return null;
    }
    if (!IPV4.matcher(text).matches()) {
      problems.add(field + ": " + leadingZero(text, address.getHostAddress()));
      return null;
    }
    String unusable = unusable(address);
    if (unusable != null && !(loopbackAllowed && isLoopback(address))) {
      problems.add(field + ": " + text + " cannot be used here: " + unusable);
      return null;
    }
    return address;
  }

  /** A VIP: a unicast address that is a host of its own prefix. */
  static Ipv4Cidr vip(String field, String text, List<String> problems) {
    Ipv4Cidr vip;
    try {
      vip = Ipv4Cidr.parse(text);
    } catch (IllegalArgumentException e) {
      problems.add(field + ": " + e.getMessage());
      return null;
    }
    if (!IPV4_CIDR.matcher(text).matches()) {
      problems.add(field + ": " + leadingZero(text, vip.toString()));
      return null;
    }
    String unusable = unusable(vip.address());
    if (unusable != null) {
      problems.add(field + ": " + text + " cannot be used here: " + unusable);
      return null;
    }
    int prefix = vip.prefixLength();
    if (prefix < 31) {
      int value = toInt(vip.address());
      int hostMask = (int) ((1L << (32 - prefix)) - 1);
      String network = toText(value & ~hostMask) + "/" + prefix;
      if ((value & hostMask) == 0) {
        problems.add(
            field
                + ": "
                + text
                + " is the network address of "
                + network
                + "; a VIP must be a host address of its prefix (only /31 and /32 may use it)");
        return null;
      }
      if ((value & hostMask) == hostMask) {
        problems.add(
            field
                + ": "
                + text
                + " is the broadcast address of "
                + network
                + "; a VIP must be a host address of its prefix (only /31 and /32 may use it)");
        return null;
      }
    }
    return vip;
  }

  private static boolean isLoopback(Inet4Address address) {
    return (address.getAddress()[0] & 0xff) == 127;
  }

  /** Why no node or VIP can use {@code address}, or null when one can. */
  static String unusable(Inet4Address address) {
    int first = address.getAddress()[0] & 0xff;
    if (first == 0) {
      return "0.0.0.0/8 means \"this network\", not a host";
    }
    if (first == 127) {
      return "127.0.0.0/8 is loopback, which the other node cannot reach";
    }
    if (first >= 224 && first <= 239) {
      return "224.0.0.0/4 is multicast";
    }
    if (toInt(address) == -1) {
      return "255.255.255.255 is the broadcast address";
    }
    if (first >= 240) {
      return "240.0.0.0/4 is reserved";
    }
    return null;
  }

  private static String leadingZero(String text, String canonical) {
    return "'"
        + text
        + "' has a number with a leading zero, which some tools read as octal;"
        + " write it without leading zeros ("
        + canonical
        + ")";
  }

  private static int toInt(Inet4Address address) {
    byte[] b = address.getAddress();
    return (b[0] & 0xff) << 24 | (b[1] & 0xff) << 16 | (b[2] & 0xff) << 8 | (b[3] & 0xff);
  }

  private static String toText(int value) {
    return (value >>> 24)
        + "."
        + (value >>> 16 & 0xff)
        + "."
        + (value >>> 8 & 0xff)
        + "."
        + (value & 0xff);
  }
}

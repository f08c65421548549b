package io.redisha.vrrp;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/** Reads datagrams in tcpdump's {@code -x} hex layout, as stored in the golden capture file. */
final class KeepalivedCaptures {
  private KeepalivedCaptures() {}

  /** The packets of the golden file by name, each the whole IPv4 datagram. */
  static Map<String, byte[]> golden() {
    return load("/vrrp/keepalived-2.2.7-adverts.txt");
  }

  /** keepalived 2.4.3's auth_hmac adverts by name, signed with key 1 = bytes 00 to 1f. */
  static Map<String, byte[]> hmac() {
    return load("/vrrp/keepalived-2.4.3-hmac-adverts.txt");
  }

  private static Map<String, byte[]> load(String resource) {
    try (InputStream in = KeepalivedCaptures.class.getResourceAsStream(resource)) {
      return parse(new String(in.readAllBytes(), StandardCharsets.US_ASCII));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Map<String, byte[]> parse(String text) {
    Map<String, StringBuilder> hex = new LinkedHashMap<>();
    StringBuilder current = null;
    for (String line : text.split("\n")) {
      String trimmed = line.strip();
      if (trimmed.startsWith("[") && trimmed.endsWith("]")) {
        current = new StringBuilder();
        hex.put(trimmed.substring(1, trimmed.length() - 1), current);
      } else if (trimmed.startsWith("0x") && current != null) {
        current.append(datagramHex(trimmed));
      }
    }
    Map<String, byte[]> packets = new LinkedHashMap<>();
    hex.forEach((name, digits) -> packets.put(name, HexFormat.of().parseHex(digits)));
    return packets;
  }

  /** The hex digits of one tcpdump {@code -x} line, without its offset column. */
  static String datagramHex(String line) {
    return line.substring(line.indexOf(':') + 1).replaceAll("\\s+", "");
  }
}

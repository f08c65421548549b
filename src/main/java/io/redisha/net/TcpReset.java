package io.redisha.net;

import java.util.Objects;

/**
 * Builds the answer Linux gives a TCP SYN for a closed port: an Ethernet frame carrying an IPv4
 * RST|ACK with sequence number 0, acknowledging the SYN (and any data it carried), TTL 64, DF set,
 * IP identification 0, no options, window 0. Sent back to the MAC the SYN came from, so the client
 * fails its connect at once instead of waiting out its SYN retransmission.
 */
public final class TcpReset {
  private TcpReset() {}

  /** Length of the answer: 14 bytes of Ethernet, 20 of IPv4 and 20 of TCP. */
  public static final int FRAME_LENGTH = 54;

  static final int ETHERTYPE_IPV4 = 0x0800;
  static final int PROTOCOL_TCP = 6;
  static final int FLAG_FIN = 0x01;
  static final int FLAG_SYN = 0x02;
  static final int FLAG_RST = 0x04;
  static final int FLAG_ACK = 0x10;
  private static final int ETHERNET_HEADER = 14;
  private static final int TTL = 64;
  private static final int DONT_FRAGMENT = 0x4000;

  /**
   * The RST|ACK frame answering {@code frame}, an Ethernet frame of {@code length} bytes holding an
   * IPv4 TCP SYN (not ACK, not RST), unfragmented; null when it holds anything else or is cut short
   * before the TCP header's flags.
   */
  public static byte[] answer(byte[] frame, int length) {
    Objects.requireNonNull(frame, "frame");
    if (length < 0 || length > frame.length) {
      throw new IllegalArgumentException(
          "length " + length + " is out of range 0-" + frame.length + " (the frame's size)");
    }
    if (length < ETHERNET_HEADER + 20 || unsignedShort(frame, 12) != ETHERTYPE_IPV4) {
      return null;
    }
    int ip = ETHERNET_HEADER;
    int headerLength = (frame[ip] & 0x0f) * 4;
    if ((frame[ip] & 0xf0) != 0x40
        || headerLength < 20
        || (frame[ip + 9] & 0xff) != PROTOCOL_TCP
        || (unsignedShort(frame, ip + 6) & 0x3fff) != 0) {
      return null;
    }
    int tcp = ip + headerLength;
    if (length < tcp + 20) {
      return null;
    }
    int flags = frame[tcp + 13] & 0xff;
    if ((flags & (FLAG_SYN | FLAG_ACK | FLAG_RST)) != FLAG_SYN) {
      return null;
    }
    int segmentLength = unsignedShort(frame, ip + 2) - headerLength;
    int dataOffset = ((frame[tcp + 12] & 0xf0) >>> 4) * 4;
    int payload = Math.max(0, segmentLength - dataOffset);
    long sequence = unsignedInt(frame, tcp + 4);
    // The SYN counts one, a FIN one more, then every byte of data (RFC 9293, 3.10.7.1).
    long acknowledged = (sequence + 1 + ((flags & FLAG_FIN) != 0 ? 1 : 0) + payload) & 0xffffffffL;

    byte[] answer = new byte[FRAME_LENGTH];
    System.arraycopy(frame, 6, answer, 0, 6);
    System.arraycopy(frame, 0, answer, 6, 6);
    putShort(answer, 12, ETHERTYPE_IPV4);
    int replyIp = ETHERNET_HEADER;
    answer[replyIp] = 0x45;
    putShort(answer, replyIp + 2, 40);
    putShort(answer, replyIp + 6, DONT_FRAGMENT);
    answer[replyIp + 8] = (byte) TTL;
    answer[replyIp + 9] = (byte) PROTOCOL_TCP;
    System.arraycopy(frame, ip + 16, answer, replyIp + 12, 4);
    System.arraycopy(frame, ip + 12, answer, replyIp + 16, 4);
    putShort(answer, replyIp + 10, checksum(answer, replyIp, 20, 0));

    int replyTcp = replyIp + 20;
    System.arraycopy(frame, tcp + 2, answer, replyTcp, 2);
    System.arraycopy(frame, tcp, answer, replyTcp + 2, 2);
    putInt(answer, replyTcp + 8, acknowledged);
    answer[replyTcp + 12] = 0x50;
    answer[replyTcp + 13] = (byte) (FLAG_RST | FLAG_ACK);
    long pseudoHeader =
        sumOfWords(answer, replyIp + 12, 8) + PROTOCOL_TCP + 20; // addresses, protocol, length
    putShort(answer, replyTcp + 16, checksum(answer, replyTcp, 20, pseudoHeader));
    return answer;
  }

  /** The Internet checksum (RFC 1071) of {@code length} bytes, starting from {@code initial}. */
  static int checksum(byte[] data, int offset, int length, long initial) {
    long sum = initial + sumOfWords(data, offset, length);
    while ((sum >>> 16) != 0) {
      sum = (sum & 0xffff) + (sum >>> 16);
    }
    return (int) (~sum & 0xffff);
  }

  private static long sumOfWords(byte[] data, int offset, int length) {
    long sum = 0;
    for (int i = 0; i + 1 < length; i += 2) {
      sum += unsignedShort(data, offset + i);
    }
    if ((length & 1) != 0) {
      sum += (data[offset + length - 1] & 0xff) << 8;
    }
    return sum;
  }

  private static int unsignedShort(byte[] data, int offset) {
    return ((data[offset] & 0xff) << 8) | (data[offset + 1] & 0xff);
  }

  private static long unsignedInt(byte[] data, int offset) {
    return ((long) unsignedShort(data, offset) << 16) | unsignedShort(data, offset + 2);
  }

  private static void putShort(byte[] data, int offset, int value) {
    data[offset] = (byte) (value >>> 8);
    data[offset + 1] = (byte) value;
  }

  private static void putInt(byte[] data, int offset, long value) {
    putShort(data, offset, (int) (value >>> 16));
    putShort(data, offset + 2, (int) value);
  }
}

package io.redisha.net;

import java.net.Inet4Address;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Objects;

/**
 * A classic BPF program (Linux {@code SO_ATTACH_FILTER}) for an {@code AF_PACKET} socket that
 * passes only frames addressed to this host ({@code PACKET_HOST}) holding an unfragmented IPv4 TCP
 * SYN, without ACK or RST, to one address and port; everything else is dropped in the kernel before
 * it is queued, so the socket costs no wake-up for other traffic.
 */
final class SynFilter {
  private SynFilter() {}

  /** Bytes of one {@code struct sock_filter}: code (16 bits), jt, jf (8 bits each), k (32 bits). */
  static final int INSTRUCTION_SIZE = 8;

  /**
   * How much of a passing frame is queued: Ethernet, the longest IPv4 header and TCP's first 20.
   */
  static final int CAPTURE_LENGTH = 128;

  private static final int LD_H_ABS = 0x28;
  private static final int LD_W_ABS = 0x20;
  private static final int LD_B_ABS = 0x30;
  private static final int LD_H_IND = 0x48;
  private static final int LD_B_IND = 0x50;
  private static final int LDX_B_MSH = 0xb1;
  private static final int JEQ_K = 0x15;
  private static final int JSET_K = 0x45;
  private static final int AND_K = 0x54;
  private static final int RET_K = 0x06;

  /** {@code SKF_AD_OFF + SKF_AD_PKTTYPE} of linux/filter.h: the frame's packet type. */
  private static final int PACKET_TYPE = -0x1000 + 4;

  private static final int PACKET_HOST = 0;

  private static final int INSTRUCTIONS = 18;
  private static final int DROP = INSTRUCTIONS - 1;

  /** The program, in the machine's byte order, as {@code struct sock_fprog} points at it. */
  static byte[] program(Inet4Address address, int port) {
    Objects.requireNonNull(address, "address");
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port " + port + " is out of range 1-65535");
    }
    byte[] bytes = address.getAddress();
    int addressValue =
        ((bytes[0] & 0xff) << 24)
            | ((bytes[1] & 0xff) << 16)
            | ((bytes[2] & 0xff) << 8)
            | (bytes[3] & 0xff);
    ByteBuffer program =
        ByteBuffer.allocate(INSTRUCTIONS * INSTRUCTION_SIZE).order(ByteOrder.nativeOrder());
    int at = 0;
    at = load(program, at, LD_H_ABS, 12);
    at = dropUnlessEqual(program, at, TcpReset.ETHERTYPE_IPV4);
    at = load(program, at, LD_W_ABS, 14 + 16);
    at = dropUnlessEqual(program, at, addressValue);
    at = load(program, at, LD_B_ABS, 14 + 9);
    at = dropUnlessEqual(program, at, TcpReset.PROTOCOL_TCP);
    at = load(program, at, LD_H_ABS, 14 + 6);
    at = instruction(program, at, JSET_K, DROP - at - 1, 0, 0x3fff);
    at = load(program, at, LDX_B_MSH, 14);
    at = load(program, at, LD_H_IND, 14 + 2);
    at = dropUnlessEqual(program, at, port);
    at = load(program, at, LD_B_IND, 14 + 13);
    at =
        instruction(
            program, at, AND_K, 0, 0, TcpReset.FLAG_SYN | TcpReset.FLAG_ACK | TcpReset.FLAG_RST);
    at = dropUnlessEqual(program, at, TcpReset.FLAG_SYN);
    at = load(program, at, LD_W_ABS, PACKET_TYPE);
    at = dropUnlessEqual(program, at, PACKET_HOST);
    at = instruction(program, at, RET_K, 0, 0, CAPTURE_LENGTH);
    at = instruction(program, at, RET_K, 0, 0, 0);
    if (at != INSTRUCTIONS) {
      throw new IllegalStateException(
          "SYN filter has " + at + " instructions, not " + INSTRUCTIONS);
    }
    return program.array();
  }

  /** The number of instructions in a program made by {@link #program}. */
  static int length(byte[] program) {
    return program.length / INSTRUCTION_SIZE;
  }

  private static int load(ByteBuffer program, int at, int code, int k) {
    return instruction(program, at, code, 0, 0, k);
  }

  private static int dropUnlessEqual(ByteBuffer program, int at, int k) {
    return instruction(program, at, JEQ_K, 0, DROP - at - 1, k);
  }

  private static int instruction(ByteBuffer program, int at, int code, int jt, int jf, int k) {
    program.putShort(at * INSTRUCTION_SIZE, (short) code);
    program.put(at * INSTRUCTION_SIZE + 2, (byte) jt);
    program.put(at * INSTRUCTION_SIZE + 3, (byte) jf);
    program.putInt(at * INSTRUCTION_SIZE + 4, k);
    return at + 1;
  }
}

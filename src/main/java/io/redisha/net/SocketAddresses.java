package io.redisha.net;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Inet4Address;
import java.nio.ByteOrder;

/** Native socket address structures, laid out as Linux defines them. */
final class SocketAddresses {
  private SocketAddresses() {}

  static final int SOCKADDR_IN_SIZE = 16;
  static final int SOCKADDR_LL_SIZE = 20;
  static final int SOCKADDR_NL_SIZE = 12;

  /** Offset of {@code sll_addr} in {@code struct sockaddr_ll}. */
  static final int LINK_ADDRESS = 12;

  private static final ValueLayout.OfShort NETWORK_SHORT =
      JAVA_SHORT.withOrder(ByteOrder.BIG_ENDIAN);

  /** {@code struct sockaddr_in} with port 0. */
  static MemorySegment ipv4(Arena arena, Inet4Address address) {
    MemorySegment sockaddr = arena.allocate(SOCKADDR_IN_SIZE, 4);
    sockaddr.set(JAVA_SHORT, 0, (short) Libc.AF_INET);
    MemorySegment.copy(address.getAddress(), 0, sockaddr, JAVA_BYTE, 4, 4);
    return sockaddr;
  }

  /** {@code struct sockaddr_ll} addressing a frame to {@code destinationMac} on one interface. */
  static MemorySegment link(Arena arena, int interfaceIndex, int etherType, byte[] destinationMac) {
    MemorySegment sockaddr = arena.allocate(SOCKADDR_LL_SIZE, 4);
    sockaddr.set(JAVA_SHORT, 0, (short) Libc.AF_PACKET);
    sockaddr.set(NETWORK_SHORT, 2, (short) etherType);
    sockaddr.set(JAVA_INT, 4, interfaceIndex);
    sockaddr.set(JAVA_BYTE, 11, (byte) destinationMac.length);
    MemorySegment.copy(destinationMac, 0, sockaddr, JAVA_BYTE, 12, destinationMac.length);
    return sockaddr;
  }

  /** {@code struct sockaddr_nl} for the kernel side (pid 0, no multicast groups). */
  static MemorySegment netlink(Arena arena) {
    return netlink(arena, 0);
  }

  /** {@code struct sockaddr_nl} with pid 0 (the kernel picks one) joining the given groups. */
  static MemorySegment netlink(Arena arena, int groups) {
    MemorySegment sockaddr = arena.allocate(SOCKADDR_NL_SIZE, 4);
    sockaddr.set(JAVA_SHORT, 0, (short) Libc.AF_NETLINK);
    sockaddr.set(JAVA_INT, 8, groups);
    return sockaddr;
  }
}

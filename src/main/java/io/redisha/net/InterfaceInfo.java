package io.redisha.net;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * A network interface as the kernel knows it: name, index and MAC address. Looked up in the network
 * namespace of the calling thread.
 */
public record InterfaceInfo(String name, int index, byte[] mac) {
  private static final long SIOCGIFINDEX = 0x8933;
  private static final int IFREQ_SIZE = 40;
  private static final int IFREQ_UNION = 16;

  public InterfaceInfo {
    mac = mac.clone();
  }

  /**
   * Looks an interface up by name; throws an {@link IOException} saying so when there is no such
   * interface in this namespace.
   */
  public static InterfaceInfo lookup(String interfaceName) throws IOException {
    Libc.interfaceNameBytes(interfaceName);
    int fd =
        Libc.socket(
            "interface lookup of " + interfaceName,
            Libc.AF_INET,
            Libc.SOCK_DGRAM | Libc.SOCK_CLOEXEC,
            0);
    try {
      return lookup(fd, interfaceName);
    } finally {
      Libc.close("interface lookup of " + interfaceName, fd);
    }
  }

  /** Looks up through an existing socket, so the answer comes from that socket's namespace. */
  static InterfaceInfo lookup(int socketFd, String interfaceName) throws IOException {
    byte[] name = Libc.interfaceNameBytes(interfaceName);
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment request = arena.allocate(IFREQ_SIZE, 8);
      MemorySegment.copy(name, 0, request, JAVA_BYTE, 0, name.length);
      Libc.ioctl("SIOCGIFINDEX " + interfaceName, socketFd, SIOCGIFINDEX, request);
      int index = request.get(JAVA_INT, IFREQ_UNION);
      request.asSlice(IFREQ_UNION).fill((byte) 0);
      Libc.ioctl("SIOCGIFHWADDR " + interfaceName, socketFd, Libc.SIOCGIFHWADDR, request);
      short hardwareType = request.get(JAVA_SHORT, IFREQ_UNION);
      byte[] mac =
          hardwareType == 1 ? request.asSlice(IFREQ_UNION + 2, 6).toArray(JAVA_BYTE) : new byte[0];
      return new InterfaceInfo(interfaceName, index, mac);
    } catch (NativeCallException e) {
      if (e.errno() == Libc.ENODEV) {
        throw new IOException(
            "no network interface '" + interfaceName + "' in this network namespace", e);
      }
      throw e;
    }
  }

  /** The MAC address, six bytes for Ethernet, empty for interfaces without one (loopback). */
  @Override
  public byte[] mac() {
    return mac.clone();
  }

  /** The MAC address as {@code 02:00:5e:00:01:33}. */
  public String macText() {
    return HexFormat.ofDelimiter(":").formatHex(mac);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof InterfaceInfo that
        && name.equals(that.name)
        && index == that.index
        && Arrays.equals(mac, that.mac);
  }

  @Override
  public int hashCode() {
    return name.hashCode() * 31 + index;
  }

  @Override
  public String toString() {
    return name + " (index " + index + ", MAC " + macText() + ")";
  }
}

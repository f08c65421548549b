package io.redisha.net;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.Inet4Address;
import java.nio.channels.ClosedChannelException;
import java.util.Objects;

/**
 * Sends {@link GratuitousArp} frames through an {@code AF_PACKET} raw socket on one interface. The
 * socket is opened with protocol 0, so it only sends and never queues received frames. The
 * interface's index and MAC are read once at {@link #open}; the socket stays in the network
 * namespace of the opening thread.
 */
public final class PacketArpAnnouncer implements ArpAnnouncer {
  private static final byte[] BROADCAST = {-1, -1, -1, -1, -1, -1};

  private final int fd;
  private final InterfaceInfo link;
  private boolean closed;

  private PacketArpAnnouncer(int fd, InterfaceInfo link) {
    this.fd = fd;
    this.link = link;
  }

  /** Opens an announcer for {@code interfaceName} in the calling thread's network namespace. */
  public static PacketArpAnnouncer open(String interfaceName) throws IOException {
    InterfaceInfo link = InterfaceInfo.lookup(interfaceName);
    if (link.mac().length != 6) {
      throw new IOException(
          "interface '" + interfaceName + "' has no Ethernet address to announce a VIP with");
    }
    int fd =
        Libc.socket(
            "gratuitous ARP on " + interfaceName,
            Libc.AF_PACKET,
            Libc.SOCK_RAW | Libc.SOCK_CLOEXEC,
            0);
    return new PacketArpAnnouncer(fd, link);
  }

  /** The interface frames go out on, with the MAC they announce. */
  public InterfaceInfo link() {
    return link;
  }

  @Override
  public synchronized void announce(Inet4Address vip) throws IOException {
    Objects.requireNonNull(vip, "vip");
    if (closed) {
      throw new ClosedChannelException();
    }
    byte[] frame = GratuitousArp.frame(link.mac(), vip);
    String what = "gratuitous ARP for " + vip.getHostAddress() + " on " + link.name();
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment buffer = arena.allocateFrom(JAVA_BYTE, frame);
      MemorySegment destination =
          SocketAddresses.link(arena, link.index(), GratuitousArp.ETHERTYPE_ARP, BROADCAST);
      long sent = Libc.sendto(what, fd, buffer, frame.length, destination);
      if (sent != frame.length) {
        throw new IOException("sendto(" + what + ") sent " + sent + " of " + frame.length);
      }
    }
  }

  @Override
  public synchronized void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    NativeCallException failure = Libc.close("gratuitous ARP on " + link.name(), fd);
    if (failure != null) {
      throw failure;
    }
  }
}

package io.redisha.net;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * {@link AddressManager} over rtnetlink: one {@code NETLINK_ROUTE} socket, one request at a time,
 * each acknowledged by the kernel. The sockets (netlink, and a datagram socket for interface index
 * lookups) belong to the network namespace of the thread that called {@link #open}, and every
 * operation acts there, whichever thread calls it.
 */
public final class NetlinkAddressManager implements AddressManager {
  private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(5);
  private static final int RECEIVE_BUFFER = 64 * 1024;

  private final int netlinkFd;
  private final int lookupFd;
  private int sequence;
  private boolean closed;

  private NetlinkAddressManager(int netlinkFd, int lookupFd) {
    this.netlinkFd = netlinkFd;
    this.lookupFd = lookupFd;
  }

  /** Opens the sockets in the calling thread's network namespace. */
  public static NetlinkAddressManager open() throws IOException {
    int netlink =
        Libc.socket(
            "rtnetlink", Libc.AF_NETLINK, Libc.SOCK_RAW | Libc.SOCK_CLOEXEC, Libc.NETLINK_ROUTE);
    try (Arena arena = Arena.ofConfined()) {
      Libc.bind("rtnetlink", netlink, SocketAddresses.netlink(arena));
      int lookup =
          Libc.socket(
              "interface lookup for rtnetlink",
              Libc.AF_INET,
              Libc.SOCK_DGRAM | Libc.SOCK_CLOEXEC,
              0);
      return new NetlinkAddressManager(netlink, lookup);
    } catch (IOException | RuntimeException e) {
      Libc.close("rtnetlink", netlink);
      throw e;
    }
  }

  @Override
  public synchronized void add(String interfaceName, Ipv4Cidr address) throws IOException {
    int index = interfaceIndex(interfaceName, "add", address);
    int seq = ++sequence;
    int error =
        request(
            RtnetlinkMessages.newAddress(seq, index, address), seq, "add", interfaceName, address);
    if (error != 0 && error != Libc.EEXIST) {
      throw failure("RTM_NEWADDR", "add", interfaceName, address, error);
    }
  }

  @Override
  public synchronized void remove(String interfaceName, Ipv4Cidr address) throws IOException {
    int index = interfaceIndex(interfaceName, "remove", address);
    int seq = ++sequence;
    int error =
        request(
            RtnetlinkMessages.deleteAddress(seq, index, address),
            seq,
            "remove",
            interfaceName,
            address);
    if (error != 0 && error != Libc.EADDRNOTAVAIL) {
      throw failure("RTM_DELADDR", "remove", interfaceName, address, error);
    }
  }

  @Override
  public synchronized boolean isPresent(String interfaceName, Ipv4Cidr address) throws IOException {
    int index = interfaceIndex(interfaceName, "look for", address);
    int seq = ++sequence;
    send(RtnetlinkMessages.dumpAddresses(seq), "list addresses for " + interfaceName);
    boolean present = false;
    while (true) {
      for (RtnetlinkMessages.Message message : receive("list addresses for " + interfaceName)) {
        if (message.sequence() != seq) {
          continue;
        }
        switch (message.type()) {
          case RtnetlinkMessages.NLMSG_DONE -> {
            return present;
          }
          case RtnetlinkMessages.NLMSG_ERROR -> {
            int error = -RtnetlinkMessages.errorCode(message);
            if (error != 0) {
              throw failure("RTM_GETADDR", "look for", interfaceName, address, error);
            }
          }
          default ->
              present |=
                  RtnetlinkMessages.address(message)
                      .map(entry -> RtnetlinkMessages.matches(entry, index, address))
                      .orElse(false);
        }
      }
    }
  }

  @Override
  public synchronized void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    NativeCallException netlinkFailure = Libc.close("rtnetlink", netlinkFd);
    NativeCallException lookupFailure = Libc.close("interface lookup for rtnetlink", lookupFd);
    if (netlinkFailure != null) {
      throw netlinkFailure;
    }
    if (lookupFailure != null) {
      throw lookupFailure;
    }
  }

  private int interfaceIndex(String interfaceName, String verb, Ipv4Cidr address)
      throws IOException {
    Objects.requireNonNull(address, "address");
    if (closed) {
      throw new ClosedChannelException();
    }
    try {
      return InterfaceInfo.lookup(lookupFd, interfaceName).index();
    } catch (IOException e) {
      throw new IOException(
          "cannot " + verb + " address " + address + " on " + interfaceName + ": " + e.getMessage(),
          e);
    }
  }

  /** Sends a request and returns the errno of its acknowledgement (0 for success). */
  private int request(byte[] message, int seq, String verb, String interfaceName, Ipv4Cidr address)
      throws IOException {
    String what = verb + " " + address + " on " + interfaceName;
    send(message, what);
    while (true) {
      for (RtnetlinkMessages.Message answer : receive(what)) {
        if (answer.sequence() == seq && answer.type() == RtnetlinkMessages.NLMSG_ERROR) {
          return -RtnetlinkMessages.errorCode(answer);
        }
      }
    }
  }

  private void send(byte[] message, String what) throws IOException {
    try (Arena arena = Arena.ofConfined()) {
      Libc.sendto(
          "rtnetlink " + what,
          netlinkFd,
          arena.allocateFrom(JAVA_BYTE, message),
          message.length,
          SocketAddresses.netlink(arena));
    }
  }

  private List<RtnetlinkMessages.Message> receive(String what) throws IOException {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment buffer = arena.allocate(RECEIVE_BUFFER);
      long deadline = System.nanoTime() + ANSWER_TIMEOUT.toNanos();
      while (System.nanoTime() < deadline) {
        int waitMillis = (int) Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
        short[] ready = Libc.pollReadable("rtnetlink " + what, new int[] {netlinkFd}, waitMillis);
        if (ready[0] != 0) {
          long length = Libc.recvNonBlocking("rtnetlink " + what, netlinkFd, buffer);
          if (length >= 0) {
            byte[] data = buffer.asSlice(0, length).toArray(JAVA_BYTE);
            return RtnetlinkMessages.parse(data, data.length);
          }
        }
      }
      throw new IOException(
          "rtnetlink " + what + ": no answer from the kernel within " + ANSWER_TIMEOUT);
    }
  }

  private static NativeCallException failure(
      String call, String verb, String interfaceName, Ipv4Cidr address, int errno) {
    return new NativeCallException(
        call + "(" + verb + " address " + address + " on interface " + interfaceName + ")", errno);
  }
}

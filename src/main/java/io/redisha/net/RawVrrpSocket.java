package io.redisha.net;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.Inet4Address;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * A raw IPv4 socket for protocol 112, bound to one interface ({@code SO_BINDTODEVICE}) and one
 * local address, sending with a fixed TTL. Because it is bound to the local address, it receives
 * only datagrams addressed to that address (unicast VRRP), and only those that arrived on its
 * interface.
 *
 * <p>The socket lives in the network namespace of the thread that opened it. {@link #close()} may
 * be called from any thread: a blocked {@link #receive} is woken through an eventfd it polls beside
 * the socket, and the descriptors are closed only after every receive and send has left them, so a
 * descriptor number is never reused under a running call.
 */
public final class RawVrrpSocket implements VrrpTransport {
  private static final int IPV4_MAX_DATAGRAM = 65535;
  private static final int MAX_VRRP_MESSAGE = IPV4_MAX_DATAGRAM - 60;

  private final int socketFd;
  private final int wakeFd;
  private final String interfaceName;
  private final Inet4Address source;
  private final String description;
  private final ReentrantReadWriteLock inUse = new ReentrantReadWriteLock();
  private final AtomicBoolean closed = new AtomicBoolean();

  private RawVrrpSocket(int socketFd, int wakeFd, String interfaceName, Inet4Address source) {
    this.socketFd = socketFd;
    this.wakeFd = wakeFd;
    this.interfaceName = interfaceName;
    this.source = source;
    this.description = "raw VRRP socket on " + interfaceName + " from " + source.getHostAddress();
  }

  /**
   * Opens the socket in the calling thread's network namespace.
   *
   * @param interfaceName the interface to send and receive on, for example {@code eth0}
   * @param source the local address adverts are sent from and addressed to
   * @param ttl the TTL of sent datagrams, 1 to 255 (VRRP requires 255)
   */
  public static RawVrrpSocket open(String interfaceName, Inet4Address source, int ttl)
      throws IOException {
    byte[] name = Libc.interfaceNameBytes(interfaceName);
    Objects.requireNonNull(source, "source");
    if (ttl < 1 || ttl > 255) {
      throw new IllegalArgumentException("ttl " + ttl + " is out of range 1-255");
    }
    String what = "raw VRRP socket on " + interfaceName + " from " + source.getHostAddress();
    int fd = Libc.socket(what, Libc.AF_INET, Libc.SOCK_RAW | Libc.SOCK_CLOEXEC, VRRP_PROTOCOL);
    int wake = -1;
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment device = arena.allocate(name.length + 1L);
      device.copyFrom(MemorySegment.ofArray(name));
      Libc.setsockopt(
          "SO_BINDTODEVICE " + interfaceName + " for " + what,
          fd,
          Libc.SOL_SOCKET,
          Libc.SO_BINDTODEVICE,
          device);
      Libc.setsockoptInt("IP_TTL " + ttl + " for " + what, fd, Libc.IPPROTO_IP, Libc.IP_TTL, ttl);
      Libc.bind(what, fd, SocketAddresses.ipv4(arena, source));
      wake = Libc.eventfd("close signal of " + what);
      return new RawVrrpSocket(fd, wake, interfaceName, source);
    } catch (IOException | RuntimeException e) {
      Libc.close(what, fd);
      if (wake >= 0) {
        Libc.close("close signal of " + what, wake);
      }
      throw e;
    }
  }

  /** The interface the socket is bound to. */
  public String interfaceName() {
    return interfaceName;
  }

  /** The local address the socket sends from and receives on. */
  public Inet4Address source() {
    return source;
  }

  @Override
  public void send(Inet4Address destination, byte[] vrrpMessage) throws IOException {
    Objects.requireNonNull(destination, "destination");
    Objects.requireNonNull(vrrpMessage, "vrrpMessage");
    if (vrrpMessage.length == 0 || vrrpMessage.length > MAX_VRRP_MESSAGE) {
      throw new IllegalArgumentException(
          "vrrpMessage length " + vrrpMessage.length + " is out of range 1-" + MAX_VRRP_MESSAGE);
    }
    String what = description + " to " + destination.getHostAddress();
    inUse.readLock().lock();
    try (Arena arena = Arena.ofConfined()) {
      ensureOpen();
      MemorySegment buffer = arena.allocateFrom(JAVA_BYTE, vrrpMessage);
      long sent =
          Libc.sendto(
              what, socketFd, buffer, vrrpMessage.length, SocketAddresses.ipv4(arena, destination));
      if (sent != vrrpMessage.length) {
        throw new IOException(
            "sendto(" + what + ") sent " + sent + " of " + vrrpMessage.length + " bytes");
      }
    } finally {
      inUse.readLock().unlock();
    }
  }

  @Override
  public byte[] receive(Duration timeout) throws IOException {
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative()) {
      throw new IllegalArgumentException("timeout " + timeout + " must not be negative");
    }
    long deadline = System.nanoTime() + saturatedNanos(timeout);
    inUse.readLock().lock();
    try (Arena arena = Arena.ofConfined()) {
      ensureOpen();
      MemorySegment buffer = arena.allocate(IPV4_MAX_DATAGRAM);
      int[] fds = {socketFd, wakeFd};
      while (true) {
        long remainingNanos = deadline - System.nanoTime();
        int waitMillis =
            (int)
                Math.min(
                    Integer.MAX_VALUE, TimeUnit.NANOSECONDS.toMillis(remainingNanos + 999_999));
        short[] ready = Libc.pollReadable(description, fds, Math.max(0, waitMillis));
        if (ready[1] != 0 || closed.get()) {
          throw new ClosedChannelException();
        }
        if (ready[0] != 0) {
          long length = Libc.recvNonBlocking(description, socketFd, buffer);
          if (length >= 0) {
            return buffer.asSlice(0, length).toArray(JAVA_BYTE);
          }
        }
        if (remainingNanos <= 0) {
          return null;
        }
      }
    } finally {
      inUse.readLock().unlock();
    }
  }

  /** Closes the socket; idempotent, safe from any thread, wakes blocked receives. */
  @Override
  public void close() throws IOException {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    NativeCallException signalFailure = null;
    try {
      Libc.signal("close signal of " + description, wakeFd);
    } catch (NativeCallException e) {
      signalFailure = e;
    }
    inUse.writeLock().lock();
    try {
      NativeCallException socketFailure = Libc.close(description, socketFd);
      NativeCallException wakeFailure = Libc.close("close signal of " + description, wakeFd);
      NativeCallException first =
          socketFailure != null ? socketFailure : wakeFailure != null ? wakeFailure : signalFailure;
      if (first != null) {
        throw first;
      }
    } finally {
      inUse.writeLock().unlock();
    }
  }

  private void ensureOpen() throws ClosedChannelException {
    if (closed.get()) {
      throw new ClosedChannelException();
    }
  }

  private static long saturatedNanos(Duration duration) {
    try {
      return duration.toNanos();
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE / 2;
    }
  }

  @Override
  public String toString() {
    return description;
  }
}

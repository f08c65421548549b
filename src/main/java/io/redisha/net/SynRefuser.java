package io.redisha.net;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.io.Closeable;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.Inet4Address;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * For a bounded time after this host released a VIP, answers the TCP SYNs to the VIP's port that
 * still reach this host (clients whose ARP entry still names our MAC) with the RST a closed port
 * gives ({@link TcpReset}), so their connect fails at once and they retry, by when the new master's
 * gratuitous ARP has moved them. Without it the kernel drops such a SYN silently (the VIP is not
 * local and the host does not forward), and each costs the client its connect timeout or a 1 s SYN
 * retransmission.
 *
 * <p>The VIP is not on this host while a refuser runs, so nothing here can accept those
 * connections; the caller closes the refuser before it adds the VIP again. The socket is an {@code
 * AF_PACKET} socket with a {@link SynFilter} attached before it is bound, so it never queues
 * anything but those SYNs. It lives in the network namespace of the thread that opened it; one
 * daemon thread answers until the window ends or {@link #close} is called.
 */
public final class SynRefuser implements Closeable {
  private static final Logger LOG = LoggerFactory.getLogger(SynRefuser.class);

  private final int socketFd;
  private final int wakeFd;
  private final InterfaceInfo link;
  private final Inet4Address vip;
  private final int port;
  private final long openedNanos;
  private final long deadlineNanos;
  private final String description;
  private final AtomicInteger refused = new AtomicInteger();
  private final Thread answerer;
  private boolean stopping;
  private boolean descriptorsClosed;

  private SynRefuser(
      int socketFd, int wakeFd, InterfaceInfo link, Inet4Address vip, int port, Duration window) {
    this.socketFd = socketFd;
    this.wakeFd = wakeFd;
    this.link = link;
    this.vip = vip;
    this.port = port;
    this.openedNanos = System.nanoTime();
    this.deadlineNanos = openedNanos + window.toNanos();
    this.description =
        "refusing connects to released VIP "
            + vip.getHostAddress()
            + ":"
            + port
            + " on "
            + link.name();
    this.answerer =
        Thread.ofPlatform()
            .daemon()
            .name("refuse " + vip.getHostAddress() + ":" + port)
            .unstarted(this::answerUntilDone);
  }

  /**
   * Starts refusing, in the calling thread's network namespace, for {@code window} at most.
   *
   * @param interfaceName the interface the VIP was on
   * @param vip the released address
   * @param port the TCP port to refuse (the group's Redis port)
   * @param window how long to refuse; the refuser stops by itself after it
   */
  public static SynRefuser open(String interfaceName, Inet4Address vip, int port, Duration window)
      throws IOException {
    Objects.requireNonNull(vip, "vip");
    Objects.requireNonNull(window, "window");
    if (window.isNegative() || window.isZero()) {
      throw new IllegalArgumentException("window " + window + " must be positive");
    }
    byte[] program = SynFilter.program(vip, port);
    InterfaceInfo link = InterfaceInfo.lookup(interfaceName);
    if (link.mac().length != 6) {
      throw new IOException(
          "interface '" + interfaceName + "' has no Ethernet address to answer connects from");
    }
    String what = "SYN refuser for " + vip.getHostAddress() + ":" + port + " on " + interfaceName;
    // Protocol 0 until bound: the filter is in place before the first frame can be queued.
    int fd = Libc.socket(what, Libc.AF_PACKET, Libc.SOCK_RAW | Libc.SOCK_CLOEXEC, 0);
    int wake = -1;
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment instructions = arena.allocateFrom(JAVA_BYTE, program);
      MemorySegment filter = arena.allocate(16, 8);
      filter.set(JAVA_SHORT, 0, (short) SynFilter.length(program));
      filter.set(ADDRESS, 8, instructions);
      Libc.setsockopt(
          "SO_ATTACH_FILTER for " + what, fd, Libc.SOL_SOCKET, Libc.SO_ATTACH_FILTER, filter);
      Libc.bind(what, fd, SocketAddresses.link(arena, link.index(), Libc.ETH_P_IP, new byte[0]));
      wake = Libc.eventfd("close signal of " + what);
      SynRefuser refuser = new SynRefuser(fd, wake, link, vip, port, window);
      refuser.answerer.start();
      return refuser;
    } catch (IOException | RuntimeException e) {
      Libc.close(what, fd);
      if (wake >= 0) {
        Libc.close("close signal of " + what, wake);
      }
      throw e;
    }
  }

  /** How many SYNs were answered with a RST so far. */
  public int refused() {
    return refused.get();
  }

  /** Whether the window is still open (neither over nor closed). */
  public boolean running() {
    return answerer.isAlive();
  }

  /**
   * Stops refusing; when it returns, no further RST leaves this refuser. Idempotent, from any
   * thread.
   */
  @Override
  public void close() {
    synchronized (this) {
      stopping = true;
      if (!descriptorsClosed) {
        try {
          Libc.signal("close signal of " + description, wakeFd);
        } catch (NativeCallException e) {
          LOG.warn("{}: {}", description, e.getMessage());
        }
      }
    }
    if (Thread.currentThread() != answerer) {
      try {
        answerer.join(TimeUnit.SECONDS.toMillis(1));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void answerUntilDone() {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment buffer = arena.allocate(SynFilter.CAPTURE_LENGTH);
      MemorySegment out = arena.allocate(TcpReset.FRAME_LENGTH);
      MemorySegment destination =
          SocketAddresses.link(arena, link.index(), Libc.ETH_P_IP, new byte[6]);
      int[] fds = {socketFd, wakeFd};
      while (!stopped()) {
        long remainingNanos = deadlineNanos - System.nanoTime();
        if (remainingNanos <= 0) {
          break;
        }
        int waitMillis = (int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(remainingNanos + 999_999));
        short[] ready = Libc.pollReadable(description, fds, waitMillis);
        if (ready[1] != 0) {
          break;
        }
        if (ready[0] != 0) {
          answerWaitingSyns(buffer, out, destination);
        }
      }
    } catch (IOException e) {
      LOG.warn("{} stopped: {}", description, e.getMessage());
    } finally {
      synchronized (this) {
        descriptorsClosed = true;
        Libc.close(description, socketFd);
        Libc.close("close signal of " + description, wakeFd);
      }
      LOG.info(
          "released VIP {}:{}: refused {} connects that still reached this host in {} ms",
          vip.getHostAddress(),
          port,
          refused.get(),
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - openedNanos));
    }
  }

  private void answerWaitingSyns(MemorySegment buffer, MemorySegment out, MemorySegment destination)
      throws IOException {
    while (!stopped()) {
      long length = Libc.recvNonBlocking(description, socketFd, buffer);
      if (length < 0) {
        return;
      }
      byte[] frame = buffer.asSlice(0, length).toArray(JAVA_BYTE);
      byte[] answer = TcpReset.answer(frame, frame.length);
      if (answer == null) {
        continue;
      }
      MemorySegment.copy(answer, 0, out, JAVA_BYTE, 0, answer.length);
      MemorySegment.copy(answer, 0, destination, JAVA_BYTE, SocketAddresses.LINK_ADDRESS, 6);
      try {
        Libc.sendto(description, socketFd, out, answer.length, destination);
        refused.incrementAndGet();
      } catch (NativeCallException e) {
        LOG.debug("{}: {}", description, e.getMessage());
      }
    }
  }

  private synchronized boolean stopped() {
    return stopping;
  }

  @Override
  public String toString() {
    return description + (running() ? "" : " (over)");
  }
}

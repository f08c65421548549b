package io.redisha.net;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.Inet4Address;
import java.nio.channels.ClosedChannelException;
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
 * <p>The socket is an {@code AF_PACKET} socket. {@link #prepare} opens it bound to no protocol, so
 * it receives nothing (it costs the host no work while the VIP is held); {@link #arm}, just before
 * the address goes, attaches a {@link SynFilter} and then binds it to IPv4 on the interface, so it
 * never queues anything but those SYNs, and queues them from that moment: a client retrying in a
 * tight loop cannot slip a SYN in between the address and the refusal. {@link #answer}, once the
 * address is gone, starts the one daemon thread that answers until the window ends or {@link
 * #close}. A SYN queued while the address was still local was answered by the kernel too; our RST
 * then matches no connection of the client's (a refused one is gone, an accepted one expects
 * another sequence number) and is dropped.
 *
 * <p>The VIP is not on this host while the refuser answers, so nothing here can accept those
 * connections; the caller closes the refuser before it adds the VIP again. The socket lives in the
 * network namespace of the thread that prepared it.
 */
public final class SynRefuser implements ConnectRefusal {
  private static final Logger LOG = LoggerFactory.getLogger(SynRefuser.class);

  private final int socketFd;
  private final int wakeFd;
  private final String interfaceName;
  private final Inet4Address vip;
  private final int port;
  private final String description;
  private final AtomicInteger refused = new AtomicInteger();
  private final InterfaceInfo prepared;
  private volatile InterfaceInfo link;
  private volatile Thread answerer;
  private long armedNanos;
  private long deadlineNanos;
  private boolean stopping;
  private boolean descriptorsClosed;

  private SynRefuser(
      int socketFd,
      int wakeFd,
      String interfaceName,
      Inet4Address vip,
      int port,
      InterfaceInfo prepared) {
    this.socketFd = socketFd;
    this.prepared = prepared;
    this.wakeFd = wakeFd;
    this.interfaceName = interfaceName;
    this.vip = vip;
    this.port = port;
    this.description =
        "refusing connects to released VIP "
            + vip.getHostAddress()
            + ":"
            + port
            + " on "
            + interfaceName;
  }

  /**
   * Opens the refuser's socket in the calling thread's network namespace, receiving nothing yet.
   *
   * @param interfaceName the interface the VIP is on
   * @param vip the address whose connects are refused after its release
   * @param port the TCP port to refuse (the group's Redis port)
   */
  public static SynRefuser prepare(String interfaceName, Inet4Address vip, int port)
      throws IOException {
    Libc.interfaceNameBytes(interfaceName);
    Objects.requireNonNull(vip, "vip");
    SynFilter.program(vip, port);
    String what = "SYN refuser for " + vip.getHostAddress() + ":" + port + " on " + interfaceName;
    // Protocol 0: no frame is queued until arm() binds it. The interface is looked up and the
    // filter attached here, while the VIP is still held, so that arm() is a single bind(): it
    // stands between our Redis's death and the VIP's removal, where a Redis restarted at once
    // would take writes through the VIP.
    int fd = Libc.socket(what, Libc.AF_PACKET, Libc.SOCK_RAW | Libc.SOCK_CLOEXEC, 0);
    try {
      InterfaceInfo found = InterfaceInfo.lookup(fd, interfaceName);
      if (found.mac().length != 6) {
        throw new IOException(
            "interface '" + interfaceName + "' has no Ethernet address to answer connects from");
      }
      byte[] program = SynFilter.program(vip, port);
      try (Arena arena = Arena.ofConfined()) {
        MemorySegment instructions = arena.allocateFrom(JAVA_BYTE, program);
        MemorySegment filter = arena.allocate(16, 8);
        filter.set(JAVA_SHORT, 0, (short) SynFilter.length(program));
        filter.set(ADDRESS, 8, instructions);
        Libc.setsockopt(
            "SO_ATTACH_FILTER for " + what, fd, Libc.SOL_SOCKET, Libc.SO_ATTACH_FILTER, filter);
      }
      int wake = Libc.eventfd("close signal of " + what);
      return new SynRefuser(fd, wake, interfaceName, vip, port, found);
    } catch (IOException | RuntimeException e) {
      Libc.close(what, fd);
      throw e;
    }
  }

  /** Prepares, arms and answers at once: refuses for {@code window} from now. */
  public static SynRefuser open(String interfaceName, Inet4Address vip, int port, Duration window)
      throws IOException {
    SynRefuser refuser = prepare(interfaceName, vip, port);
    try {
      refuser.arm();
    } catch (IOException | RuntimeException e) {
      refuser.close();
      throw e;
    }
    refuser.answer(window);
    return refuser;
  }

  @Override
  public synchronized void arm() throws IOException {
    if (stopping) {
      throw new ClosedChannelException();
    }
    if (link != null) {
      return;
    }
    try (Arena arena = Arena.ofConfined()) {
      Libc.bind(
          description,
          socketFd,
          SocketAddresses.link(arena, prepared.index(), Libc.ETH_P_IP, new byte[0]));
    }
    link = prepared;
    armedNanos = System.nanoTime();
  }

  @Override
  public void answer(Duration window) {
    Objects.requireNonNull(window, "window");
    if (window.isNegative() || window.isZero()) {
      throw new IllegalArgumentException("window " + window + " must be positive");
    }
    Thread started;
    synchronized (this) {
      if (link == null) {
        throw new IllegalStateException(description + ": answer() before arm()");
      }
      if (stopping || answerer != null) {
        return;
      }
      deadlineNanos = System.nanoTime() + window.toNanos();
      started =
          Thread.ofPlatform()
              .daemon()
              .name("refuse " + vip.getHostAddress() + ":" + port)
              .unstarted(this::answerUntilDone);
      answerer = started;
    }
    started.start();
  }

  /** How many SYNs were answered with a RST so far. */
  @Override
  public int refused() {
    return refused.get();
  }

  /** Whether the refuser is answering (its window neither over nor closed). */
  public boolean running() {
    Thread thread = answerer;
    return thread != null && thread.isAlive();
  }

  @Override
  public void close() {
    Thread thread;
    synchronized (this) {
      stopping = true;
      thread = answerer;
      if (descriptorsClosed) {
        return;
      }
      if (thread == null) {
        closeDescriptors();
        return;
      }
      try {
        Libc.signal("close signal of " + description, wakeFd);
      } catch (NativeCallException e) {
        LOG.warn("{}: {}", description, e.getMessage());
      }
    }
    if (Thread.currentThread() != thread) {
      try {
        thread.join(TimeUnit.SECONDS.toMillis(1));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void closeDescriptors() {
    descriptorsClosed = true;
    Libc.close(description, socketFd);
    Libc.close("close signal of " + description, wakeFd);
  }

  private void answerUntilDone() {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment buffer = arena.allocate(SynFilter.CAPTURE_LENGTH);
      MemorySegment out = arena.allocate(TcpReset.FRAME_LENGTH);
      MemorySegment destination =
          SocketAddresses.link(arena, link.index(), Libc.ETH_P_IP, new byte[6]);
      long deadline;
      synchronized (this) {
        deadline = deadlineNanos;
      }
      int[] fds = {socketFd, wakeFd};
      while (!stopped()) {
        long remainingNanos = deadline - System.nanoTime();
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
        closeDescriptors();
      }
      LOG.info(
          "released VIP {}:{}: refused {} connects that still reached this host in {} ms",
          vip.getHostAddress(),
          port,
          refused.get(),
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - armedNanos));
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
    return description + (running() ? "" : " (not answering)");
  }
}

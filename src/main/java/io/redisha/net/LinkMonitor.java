package io.redisha.net;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link LinkWatch} over rtnetlink: a {@code NETLINK_ROUTE} socket in the link notification group
 * ({@code RTMGRP_LINK}), so the kernel tells it about every change as it happens; nothing is
 * polled. At start it asks for the interface once ({@code RTM_GETLINK} by name), so the first state
 * is known before {@link #open} returns; it asks again whenever the kernel reports that it dropped
 * notifications (ENOBUFS: the receive queue overran while the listener was slow).
 *
 * <p>The interface is followed by name: deleted and created again, it is found under its new index.
 * The socket belongs to the network namespace of the thread that called {@link #open}; the
 * notifications are read on a daemon thread of the monitor's own, which {@link #close} wakes
 * through an eventfd. Failures on that thread are logged as one line, and the monitor goes on.
 */
public final class LinkMonitor implements LinkWatch {
  private static final Logger LOG = LoggerFactory.getLogger(LinkMonitor.class);
  private static final Duration FIRST_ANSWER_TIMEOUT = Duration.ofSeconds(5);
  private static final Duration RETRY_PAUSE = Duration.ofSeconds(1);
  private static final Duration CLOSE_WAIT = Duration.ofSeconds(2);
  private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(1);
  private static final Duration OVERRUN_LOG_INTERVAL = Duration.ofSeconds(10);
  private static final int RECEIVE_BUFFER = 64 * 1024;
  private static final int MAX_DISCARDED_DATAGRAMS = 100_000;

  private final String interfaceName;
  private final String description;
  private final Listener listener;
  private final int socketFd;
  private final int wakeFd;
  private final LinkTracker tracker;
  private final AtomicInteger overruns = new AtomicInteger();
  private final Object lifecycle = new Object();
  private volatile LinkState current;
  private volatile boolean closed;
  private boolean descriptorsClosed;
  private volatile Thread thread;
  private int sequence;
  private int requestedSequence;
  private long requestedAtNanos;
  private long lastOverrunLogNanos;
  private boolean answered;

  private LinkMonitor(String interfaceName, Listener listener, int socketFd, int wakeFd) {
    this.interfaceName = interfaceName;
    this.description = "rtnetlink link notifications of " + interfaceName;
    this.listener = listener;
    this.socketFd = socketFd;
    this.wakeFd = wakeFd;
    this.tracker = new LinkTracker(interfaceName);
  }

  /**
   * Starts watching {@code interfaceName} in the calling thread's network namespace.
   *
   * @throws IOException one line: {@code interface eth9 not found; check spec.interface}, or the
   *     refused call with its errno and what to do about it
   */
  public static LinkMonitor open(String interfaceName, Listener listener) throws IOException {
    return open(interfaceName, listener, 0);
  }

  /** As {@link #open(String, Listener)}, with the socket's receive queue set to the given size. */
  static LinkMonitor open(String interfaceName, Listener listener, int receiveQueueBytes)
      throws IOException {
    Libc.interfaceNameBytes(interfaceName);
    Objects.requireNonNull(listener, "listener");
    String what = "rtnetlink link notifications of " + interfaceName;
    int socket;
    try {
      socket =
          Libc.socket(what, Libc.AF_NETLINK, Libc.SOCK_RAW | Libc.SOCK_CLOEXEC, Libc.NETLINK_ROUTE);
    } catch (NativeCallException e) {
      throw startFailure(interfaceName, e);
    }
    int wake = -1;
    LinkMonitor monitor = null;
    try (Arena arena = Arena.ofConfined()) {
      if (receiveQueueBytes > 0) {
        Libc.setsockoptInt(
            "SO_RCVBUF of " + what, socket, Libc.SOL_SOCKET, Libc.SO_RCVBUF, receiveQueueBytes);
      }
      Libc.bind(what, socket, SocketAddresses.netlink(arena, RtnetlinkMessages.RTMGRP_LINK));
      wake = Libc.eventfd("close signal of " + what);
      monitor = new LinkMonitor(interfaceName, listener, socket, wake);
      monitor.readFirstState();
      monitor.start();
      return monitor;
    } catch (NativeCallException e) {
      release(monitor, socket, wake, what);
      throw startFailure(interfaceName, e);
    } catch (IOException | RuntimeException e) {
      release(monitor, socket, wake, what);
      throw e;
    }
  }

  private static void release(LinkMonitor monitor, int socket, int wake, String what) {
    if (monitor != null) {
      monitor.closeDescriptors();
      return;
    }
    Libc.close(what, socket);
    if (wake >= 0) {
      Libc.close("close signal of " + what, wake);
    }
  }

  /**
   * The one line a refused start says. EPERM and EACCES name what the agent is missing: reading
   * link notifications needs no capability on current kernels, but joining a netlink group does
   * where the protocol does not allow it unprivileged, and security policies can refuse the socket.
   */
  static IOException startFailure(String interfaceName, NativeCallException refused) {
    String line = "cannot watch interface " + interfaceName + ": " + refused.getMessage();
    if (refused.errno() == Libc.EPERM || refused.errno() == Libc.EACCES) {
      line +=
          "; the agent needs CAP_NET_ADMIN (NET_ADMIN in its DaemonSet), and no seccomp, AppArmor"
              + " or SELinux policy refusing it netlink sockets";
    }
    return new IOException(line, refused);
  }

  /** The text of a start that found no interface by that name. */
  static String notFound(String interfaceName) {
    return "interface " + interfaceName + " not found; check spec.interface";
  }

  @Override
  public LinkState current() {
    return current;
  }

  /** The interface being watched. */
  public String interfaceName() {
    return interfaceName;
  }

  /** How often the kernel dropped notifications (ENOBUFS) and the state was asked for again. */
  int overruns() {
    return overruns.get();
  }

  /**
   * Stops the monitor's thread and closes its socket; waits up to 2 s for a listener call in
   * progress to return. Idempotent; may be called from the listener.
   */
  @Override
  public void close() {
    synchronized (lifecycle) {
      if (closed) {
        return;
      }
      closed = true;
      if (!descriptorsClosed) {
        try {
          Libc.signal("close signal of " + description, wakeFd);
        } catch (NativeCallException e) {
          LOG.warn("closing the link monitor of {}: {}", interfaceName, e.getMessage());
        }
      }
    }
    Thread running = thread;
    if (running != null && running != Thread.currentThread()) {
      try {
        if (!running.join(CLOSE_WAIT)) {
          LOG.warn(
              "link monitor of {}: its listener is still busy {} s after close",
              interfaceName,
              CLOSE_WAIT.toSeconds());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public String toString() {
    return "link monitor of " + interfaceName + ": " + current;
  }

  private void readFirstState() throws IOException {
    requestState();
    long deadline = System.nanoTime() + FIRST_ANSWER_TIMEOUT.toNanos();
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment buffer = arena.allocate(RECEIVE_BUFFER);
      while (!answered) {
        long remaining = deadline - System.nanoTime();
        if (remaining <= 0) {
          throw new IOException(
              "cannot watch interface "
                  + interfaceName
                  + ": the kernel did not answer RTM_GETLINK within "
                  + FIRST_ANSWER_TIMEOUT.toSeconds()
                  + " s");
        }
        receiveOnce(buffer, (int) Math.max(1, remaining / 1_000_000));
      }
    }
    if (current == null || current.presence() != LinkState.Presence.PRESENT) {
      throw new IOException(notFound(interfaceName));
    }
  }

  private void start() {
    thread =
        Thread.ofPlatform()
            .name("link monitor " + interfaceName)
            .daemon(true)
            .unstarted(this::watch);
    thread.start();
  }

  private void watch() {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment buffer = arena.allocate(RECEIVE_BUFFER);
      int failuresInARow = 0;
      boolean askAgain = false;
      while (!closed) {
        try {
          if (!answered && System.nanoTime() - requestedAtNanos > ANSWER_TIMEOUT.toNanos()) {
            LOG.warn(
                "link monitor of {}: no answer to RTM_GETLINK within {} s; asking again",
                interfaceName,
                ANSWER_TIMEOUT.toSeconds());
            askAgain = true;
          }
          if (askAgain) {
            askAgain = false;
            requestState();
          }
          if (!receiveOnce(buffer, answered ? -1 : (int) ANSWER_TIMEOUT.toMillis())) {
            return;
          }
          if (answered) {
            failuresInARow = 0;
          }
        } catch (IOException | RuntimeException e) {
          failuresInARow++;
          LOG.warn(
              "link monitor of {}: {}; asking the kernel for the state again in {} s",
              interfaceName,
              e.getMessage(),
              RETRY_PAUSE.toSeconds());
          if (failuresInARow > 1) {
            publish(LinkState.unknown(interfaceName));
          }
          askAgain = true;
          if (!pause(RETRY_PAUSE)) {
            return;
          }
        }
      }
    } finally {
      closeDescriptors();
    }
  }

  /**
   * Waits for one datagram (up to {@code waitMillis}, -1 for ever) and handles what it says.
   * Returns false once {@link #close} has been called.
   */
  private boolean receiveOnce(MemorySegment buffer, int waitMillis) throws IOException {
    short[] ready = Libc.pollReadable(description, new int[] {socketFd, wakeFd}, waitMillis);
    if (ready[1] != 0 || closed) {
      return false;
    }
    if (ready[0] == 0) {
      return true;
    }
    long length;
    try {
      length = Libc.recvNonBlocking(description, socketFd, buffer);
    } catch (NativeCallException e) {
      if (e.errno() != Libc.ENOBUFS) {
        throw e;
      }
      int count = overruns.incrementAndGet();
      long now = System.nanoTime();
      if (count == 1 || now - lastOverrunLogNanos >= OVERRUN_LOG_INTERVAL.toNanos()) {
        lastOverrunLogNanos = now;
        LOG.warn(
            "link monitor of {}: the kernel dropped link notifications (receive queue full, {}"
                + " times so far); asking for the state again",
            interfaceName,
            count);
      }
      discardQueued(buffer);
      requestState();
      return true;
    }
    if (length >= 0) {
      byte[] data = buffer.asSlice(0, length).toArray(JAVA_BYTE);
      handle(RtnetlinkMessages.parse(data, data.length));
    }
    return true;
  }

  /**
   * Empties the receive queue. Until it is empty the kernel counts the socket as congested and
   * drops every further message to it, the answer to a request too, without reporting ENOBUFS
   * again; what is queued is older than the answer that follows anyway.
   */
  private void discardQueued(MemorySegment buffer) throws NativeCallException {
    for (int datagram = 0; datagram < MAX_DISCARDED_DATAGRAMS; datagram++) {
      try {
        if (Libc.recvNonBlocking(description, socketFd, buffer) < 0) {
          return;
        }
      } catch (NativeCallException e) {
        if (e.errno() != Libc.ENOBUFS) {
          throw e;
        }
        overruns.incrementAndGet();
      }
    }
  }

  private void handle(List<RtnetlinkMessages.Message> messages) throws NativeCallException {
    for (RtnetlinkMessages.Message message : messages) {
      boolean answer = message.sequence() != 0 && message.sequence() == requestedSequence;
      if (message.type() == RtnetlinkMessages.NLMSG_ERROR) {
        int errno = -RtnetlinkMessages.errorCode(message);
        if (!answer || errno == 0) {
          continue;
        }
        answered = true;
        if (errno != Libc.ENODEV) {
          throw new NativeCallException("RTM_GETLINK(" + interfaceName + ")", errno);
        }
        publish(tracker.absent());
        continue;
      }
      if (answer && message.type() == RtnetlinkMessages.RTM_NEWLINK) {
        answered = true;
      }
      tracker.apply(message).ifPresent(this::publish);
    }
  }

  private void requestState() throws NativeCallException {
    requestedSequence = ++sequence;
    requestedAtNanos = System.nanoTime();
    answered = false;
    byte[] request = RtnetlinkMessages.getLink(requestedSequence, interfaceName);
    try (Arena arena = Arena.ofConfined()) {
      Libc.sendto(
          "RTM_GETLINK " + interfaceName,
          socketFd,
          arena.allocateFrom(JAVA_BYTE, request),
          request.length,
          SocketAddresses.netlink(arena));
    }
  }

  private void publish(LinkState next) {
    LinkState previous = current;
    current = next;
    if (thread == null || previous == null || previous.condition() == next.condition() || closed) {
      return;
    }
    LOG.debug("{}", next);
    try {
      listener.linkChanged(next);
    } catch (RuntimeException e) {
      LOG.warn(
          "link listener of {} failed on \"{}\": {}", interfaceName, next.reason(), e.toString());
    }
  }

  /** Sleeps unless {@link #close} wakes it first; returns false when woken. */
  private boolean pause(Duration duration) {
    try {
      short[] ready = Libc.pollReadable(description, new int[] {wakeFd}, (int) duration.toMillis());
      return ready[0] == 0 && !closed;
    } catch (NativeCallException e) {
      LOG.warn("link monitor of {}: {}", interfaceName, e.getMessage());
      return !closed;
    }
  }

  private void closeDescriptors() {
    synchronized (lifecycle) {
      if (descriptorsClosed) {
        return;
      }
      descriptorsClosed = true;
      for (NativeCallException failure :
          new NativeCallException[] {
            Libc.close(description, socketFd), Libc.close("close signal of " + description, wakeFd)
          }) {
        if (failure != null) {
          LOG.warn("closing the link monitor of {}: {}", interfaceName, failure.getMessage());
        }
      }
    }
  }
}

package io.redisha.net;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;

/**
 * The few Linux C library calls this package needs, bound with {@code java.lang.foreign}. Every
 * call captures errno right after it returns and turns a failure into a {@link NativeCallException}
 * naming the call and its purpose. Constants are the Linux values (the same on x86-64 and arm64).
 */
final class Libc {
  private Libc() {}

  static final int AF_INET = 2;
  static final int AF_NETLINK = 16;
  static final int AF_PACKET = 17;
  static final int SOCK_DGRAM = 2;
  static final int SOCK_RAW = 3;
  static final int SOCK_CLOEXEC = 0x80000;
  static final int SOL_SOCKET = 1;
  static final int SO_RCVBUF = 8;
  static final int SO_BINDTODEVICE = 25;
  static final int SO_ATTACH_FILTER = 26;
  static final int ETH_P_IP = 0x0800;
  static final int IPPROTO_IP = 0;
  static final int IP_TTL = 2;
  static final int NETLINK_ROUTE = 0;
  static final int MSG_DONTWAIT = 0x40;
  static final short POLLIN = 0x1;
  static final int EPERM = 1;
  static final int EINTR = 4;
  static final int EAGAIN = 11;
  static final int ENODEV = 19;
  static final int EACCES = 13;
  static final int EEXIST = 17;
  static final int EADDRNOTAVAIL = 99;
  static final int ENOBUFS = 105;
  static final long SIOCGIFHWADDR = 0x8927;
  static final int IFNAMSIZ = 16;
  static final int O_RDONLY = 0;
  static final int O_CLOEXEC = 0x80000;
  static final int CLONE_NEWNET = 0x40000000;
  static final int EFD_CLOEXEC = 0x80000;
  static final int EFD_NONBLOCK = 0x800;

  private static final Linker LINKER = Linker.nativeLinker();
  private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
  private static final VarHandle ERRNO =
      CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
  private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");

  private static final MethodHandle SOCKET =
      bind("socket", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
  private static final MethodHandle SETSOCKOPT =
      bind(
          "setsockopt",
          FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
  private static final MethodHandle BIND =
      bind("bind", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
  private static final MethodHandle SENDTO =
      bind(
          "sendto",
          FunctionDescriptor.of(
              JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));
  private static final MethodHandle RECVFROM =
      bind(
          "recvfrom",
          FunctionDescriptor.of(
              JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, ADDRESS));
  private static final MethodHandle POLL =
      bind("poll", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
  private static final MethodHandle CLOSE =
      bind("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
  private static final MethodHandle WRITE =
      bind("write", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
  private static final MethodHandle EVENTFD =
      bind("eventfd", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
  private static final MethodHandle IF_NAMETOINDEX =
      bind("if_nametoindex", FunctionDescriptor.of(JAVA_INT, ADDRESS));
  private static final MethodHandle IOCTL =
      LINKER.downcallHandle(
          LINKER.defaultLookup().findOrThrow("ioctl"),
          FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS),
          CAPTURE_ERRNO,
          Linker.Option.firstVariadicArg(2));
  private static final MethodHandle OPEN =
      LINKER.downcallHandle(
          LINKER.defaultLookup().findOrThrow("open"),
          FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT),
          CAPTURE_ERRNO,
          Linker.Option.firstVariadicArg(2));
  private static final MethodHandle SETNS =
      bind("setns", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
  private static final MethodHandle STRERROR =
      LINKER.downcallHandle(
          LINKER.defaultLookup().findOrThrow("strerror"), FunctionDescriptor.of(ADDRESS, JAVA_INT));

  private static MethodHandle bind(String name, FunctionDescriptor descriptor) {
    return LINKER.downcallHandle(
        LINKER.defaultLookup().findOrThrow(name), descriptor, CAPTURE_ERRNO);
  }

  /** Memory for one call's captured state; callers allocate it from their own arena. */
  static MemorySegment callState(Arena arena) {
    return arena.allocate(CALL_STATE);
  }

  private static int errno(MemorySegment state) {
    return (int) ERRNO.get(state, 0L);
  }

  static int socket(String purpose, int domain, int type, int protocol) throws NativeCallException {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = callState(arena);
      int fd = (int) SOCKET.invokeExact(state, domain, type, protocol);
      if (fd < 0) {
        throw new NativeCallException("socket(" + purpose + ")", errno(state));
      }
      return fd;
    } catch (NativeCallException e) {
      throw e;
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  static void setsockopt(String purpose, int fd, int level, int option, MemorySegment value)
      throws NativeCallException {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = callState(arena);
      int result =
          (int) SETSOCKOPT.invokeExact(state, fd, level, option, value, (int) value.byteSize());
      if (result < 0) {
        throw new NativeCallException("setsockopt(" + purpose + ")", errno(state));
      }
    } catch (NativeCallException e) {
      throw e;
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  static void setsockoptInt(String purpose, int fd, int level, int option, int value)
      throws NativeCallException {
    try (Arena arena = Arena.ofConfined()) {
      setsockopt(purpose, fd, level, option, arena.allocateFrom(JAVA_INT, value));
    }
  }

  static void bind(String purpose, int fd, MemorySegment address) throws NativeCallException {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = callState(arena);
      int result = (int) BIND.invokeExact(state, fd, address, (int) address.byteSize());
      if (result < 0) {
        throw new NativeCallException("bind(" + purpose + ")", errno(state));
      }
    } catch (NativeCallException e) {
      throw e;
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  /** Sends {@code length} bytes of {@code buffer}; returns the count the kernel took. */
  static long sendto(
      String purpose, int fd, MemorySegment buffer, long length, MemorySegment address)
      throws NativeCallException {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = callState(arena);
      long sent =
          (long)
              SENDTO.invokeExact(state, fd, buffer, length, 0, address, (int) address.byteSize());
      if (sent < 0) {
        throw new NativeCallException("sendto(" + purpose + ")", errno(state));
      }
      return sent;
    } catch (NativeCallException e) {
      throw e;
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  /**
   * Receives one datagram without blocking; returns its length, or -1 when none is waiting (EAGAIN)
   * or the call was interrupted (EINTR).
   */
  static long recvNonBlocking(String purpose, int fd, MemorySegment buffer)
      throws NativeCallException {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = callState(arena);
      long received =
          (long)
              RECVFROM.invokeExact(
                  state,
                  fd,
                  buffer,
                  buffer.byteSize(),
                  MSG_DONTWAIT,
                  MemorySegment.NULL,
                  MemorySegment.NULL);
      if (received < 0) {
        int errno = errno(state);
        if (errno == EAGAIN || errno == EINTR) {
          return -1;
        }
        throw new NativeCallException("recvfrom(" + purpose + ")", errno);
      }
      return received;
    } catch (NativeCallException e) {
      throw e;
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  /**
   * Waits until one of the descriptors is readable or the timeout passes. Returns the {@code
   * revents} of each descriptor, all zero on timeout or interruption (EINTR).
   */
  static short[] pollReadable(String purpose, int[] fds, int timeoutMillis)
      throws NativeCallException {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment pollfds = arena.allocate(8L * fds.length, 4);
      for (int i = 0; i < fds.length; i++) {
        pollfds.set(JAVA_INT, 8L * i, fds[i]);
        pollfds.set(JAVA_SHORT, 8L * i + 4, POLLIN);
      }
      MemorySegment state = callState(arena);
      int result = (int) POLL.invokeExact(state, pollfds, (long) fds.length, timeoutMillis);
      short[] revents = new short[fds.length];
      if (result < 0) {
        int errno = errno(state);
        if (errno == EINTR) {
          return revents;
        }
        throw new NativeCallException("poll(" + purpose + ")", errno);
      }
      for (int i = 0; i < fds.length; i++) {
        revents[i] = pollfds.get(JAVA_SHORT, 8L * i + 6);
      }
      return revents;
    } catch (NativeCallException e) {
      throw e;
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  /** Closes a descriptor; a failure is returned as an exception, never thrown. */
  static NativeCallException close(String purpose, int fd) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = callState(arena);
      int result = (int) CLOSE.invokeExact(state, fd);
      return result < 0 ? new NativeCallException("close(" + purpose + ")", errno(state)) : null;
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  static int eventfd(String purpose) throws NativeCallException {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = callState(arena);
      int fd = (int) EVENTFD.invokeExact(state, 0, EFD_CLOEXEC | EFD_NONBLOCK);
      if (fd < 0) {
        throw new NativeCallException("eventfd(" + purpose + ")", errno(state));
      }
      return fd;
    } catch (NativeCallException e) {
      throw e;
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  /** Adds one to an eventfd counter, which makes it readable for every poller. */
  static void signal(String purpose, int eventFd) throws NativeCallException {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment one = arena.allocateFrom(JAVA_LONG, 1L);
      MemorySegment state = callState(arena);
      long written = (long) WRITE.invokeExact(state, eventFd, one, 8L);
      if (written < 0) {
        throw new NativeCallException("write(" + purpose + ")", errno(state));
      }
    } catch (NativeCallException e) {
      throw e;
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  /** The index of a network interface in the calling thread's network namespace. */
  static int ifNameToIndex(String interfaceName) throws NativeCallException {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = callState(arena);
      int index = (int) IF_NAMETOINDEX.invokeExact(state, arena.allocateFrom(interfaceName));
      if (index == 0) {
        throw new NativeCallException("if_nametoindex(" + interfaceName + ")", errno(state));
      }
      return index;
    } catch (NativeCallException e) {
      throw e;
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  static void ioctl(String purpose, int fd, long request, MemorySegment argument)
      throws NativeCallException {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = callState(arena);
      int result = (int) IOCTL.invokeExact(state, fd, request, argument);
      if (result < 0) {
        throw new NativeCallException("ioctl(" + purpose + ")", errno(state));
      }
    } catch (NativeCallException e) {
      throw e;
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  static int open(String path, int flags) throws NativeCallException {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = callState(arena);
      int fd = (int) OPEN.invokeExact(state, arena.allocateFrom(path), flags);
      if (fd < 0) {
        throw new NativeCallException("open(" + path + ")", errno(state));
      }
      return fd;
    } catch (NativeCallException e) {
      throw e;
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  static void setns(String purpose, int fd, int namespaceType) throws NativeCallException {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = callState(arena);
      int result = (int) SETNS.invokeExact(state, fd, namespaceType);
      if (result < 0) {
        throw new NativeCallException("setns(" + purpose + ")", errno(state));
      }
    } catch (NativeCallException e) {
      throw e;
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  /** The C library's text for an errno, for messages. */
  static String strerror(int errno) {
    try {
      MemorySegment text = (MemorySegment) STRERROR.invokeExact(errno);
      return text.equals(MemorySegment.NULL)
          ? "unknown error"
          : text.reinterpret(1024).getString(0);
    } catch (Throwable t) {
      return "unknown error";
    }
  }

  /** A NUL-terminated interface name, checked against the kernel's 15-character limit. */
  static byte[] interfaceNameBytes(String interfaceName) {
    if (interfaceName == null || interfaceName.isEmpty()) {
      throw new IllegalArgumentException("interfaceName must not be empty");
    }
    byte[] name = interfaceName.getBytes(StandardCharsets.US_ASCII);
    if (name.length >= IFNAMSIZ || !interfaceName.chars().allMatch(c -> c > ' ' && c < 127)) {
      throw new IllegalArgumentException(
          "interfaceName '"
              + interfaceName
              + "' is not a Linux interface name: expected 1 to 15 printable ASCII characters");
    }
    return name;
  }

  private static IllegalStateException unexpected(Throwable t) {
    if (t instanceof RuntimeException r) {
      throw r;
    }
    if (t instanceof Error e) {
      throw e;
    }
    return new IllegalStateException("native call failed unexpectedly", t);
  }
}

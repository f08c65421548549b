package io.redisha.net;

import java.io.IOException;
import java.util.Map;

/**
 * A Linux system call made through the foreign function API failed. The message names the call,
 * what it was for, and the errno (number, symbolic name and text), for example {@code sendto(raw
 * VRRP socket on eth0 to 192.0.2.12) failed: errno 101 ENETUNREACH (Network is unreachable)}.
 */
public final class NativeCallException extends IOException {
  private static final long serialVersionUID = 1L;

  private static final Map<Integer, String> NAMES =
      Map.ofEntries(
          Map.entry(1, "EPERM"),
          Map.entry(2, "ENOENT"),
          Map.entry(4, "EINTR"),
          Map.entry(6, "ENXIO"),
          Map.entry(9, "EBADF"),
          Map.entry(11, "EAGAIN"),
          Map.entry(12, "ENOMEM"),
          Map.entry(13, "EACCES"),
          Map.entry(14, "EFAULT"),
          Map.entry(16, "EBUSY"),
          Map.entry(17, "EEXIST"),
          Map.entry(19, "ENODEV"),
          Map.entry(22, "EINVAL"),
          Map.entry(24, "EMFILE"),
          Map.entry(25, "ENOTTY"),
          Map.entry(88, "ENOTSOCK"),
          Map.entry(90, "EMSGSIZE"),
          Map.entry(93, "EPROTONOSUPPORT"),
          Map.entry(95, "EOPNOTSUPP"),
          Map.entry(97, "EAFNOSUPPORT"),
          Map.entry(98, "EADDRINUSE"),
          Map.entry(99, "EADDRNOTAVAIL"),
          Map.entry(100, "ENETDOWN"),
          Map.entry(101, "ENETUNREACH"),
          Map.entry(105, "ENOBUFS"),
          Map.entry(110, "ETIMEDOUT"),
          Map.entry(113, "EHOSTUNREACH"));

  private final String call;
  private final int errno;

  /**
   * @param call the call and its purpose, for example {@code bind(raw VRRP socket to 192.0.2.11)}
   * @param errno the errno the call left, captured right after it returned
   */
  public NativeCallException(String call, int errno) {
    super(call + " failed: " + describe(errno));
    this.call = call;
    this.errno = errno;
  }

  /** The call and its purpose, as given to the constructor. */
  public String call() {
    return call;
  }

  /** The errno of the failed call. */
  public int errno() {
    return errno;
  }

  /** {@code errno 19 ENODEV (No such device)}; the text comes from the C library. */
  static String describe(int errno) {
    String name = NAMES.getOrDefault(errno, "");
    String text = Libc.strerror(errno);
    return "errno " + errno + (name.isEmpty() ? "" : " " + name) + " (" + text + ")";
  }
}

package io.redisha.cli;

import io.redisha.net.NativeCallException;
import io.redisha.pair.PairSettings;
import java.net.BindException;
import java.net.InetSocketAddress;

/**
 * Turns what can go wrong while an agent or the VRRP demo starts on a host into one line that says
 * what to do: a missing interface, a missing capability, an address that is not this host's.
 */
final class StartFailures {
  private static final int EPERM = 1;
  private static final int ENODEV = 19;
  private static final int EACCES = 13;
  private static final int EADDRNOTAVAIL = 99;

  private StartFailures() {}

  /** Why the HTTP endpoint cannot listen on {@code address}. */
  static String httpBind(InetSocketAddress address, Exception problem) {
    String where = address.getHostString() + ":" + address.getPort();
    String reason = lowerFirst(String.valueOf(problem.getMessage()));
    if (problem instanceof BindException && reason.contains("in use")) {
      return "cannot listen on " + where + ": address already in use; pick another --http-port";
    }
    if (problem instanceof BindException && reason.contains("assign")) {
      return "cannot listen on "
          + where
          + ": "
          + address.getHostString()
          + " is not an address of this host; pick another --http-address";
    }
    return "cannot listen on " + where + ": " + oneLine(problem);
  }

  /**
   * What stopped the network side (raw VRRP socket, netlink, ARP) of {@code settings} from
   * starting, read from the errno of the failed call where there is one.
   */
  static String network(PairSettings settings, String configFile, Throwable problem) {
    NativeCallException call = nativeCause(problem);
    String interfaceName = settings.link().interfaceName();
    if (call != null) {
      switch (call.errno()) {
        case EPERM, EACCES -> {
          return call.getMessage()
              + "; run as root, or give the process CAP_NET_RAW and CAP_NET_ADMIN";
        }
        case ENODEV -> {
          return noInterface(interfaceName, configFile);
        }
        case EADDRNOTAVAIL -> {
          return "address "
              + settings.link().localAddress().getHostAddress()
              + " of node "
              + settings.link().localNode()
              + " is not on this host; check nodes[].address in "
              + configFile
              + " and --node";
        }
        default -> {
          return oneLine(call);
        }
      }
    }
    if (String.valueOf(problem.getMessage()).startsWith("no network interface")) {
      return noInterface(interfaceName, configFile);
    }
    return oneLine(problem);
  }

  private static String noInterface(String interfaceName, String configFile) {
    return "no network interface '"
        + interfaceName
        + "' on this host; set interface in "
        + configFile
        + " to one that 'ip -br link' lists";
  }

  private static NativeCallException nativeCause(Throwable problem) {
    for (Throwable t = problem; t != null; t = t.getCause()) {
      if (t instanceof NativeCallException call) {
        return call;
      }
    }
    return null;
  }

  /** The message of {@code problem} on one line, or its type when it has none. */
  static String oneLine(Throwable problem) {
    String message = problem.getMessage();
    if (message == null || message.isBlank()) {
      Throwable cause = problem.getCause();
      return cause != null && cause != problem
          ? oneLine(cause)
          : problem.getClass().getSimpleName();
    }
    return UsageErrors.oneLine(message);
  }

  private static String lowerFirst(String text) {
    return text.isEmpty() ? text : Character.toLowerCase(text.charAt(0)) + text.substring(1);
  }
}

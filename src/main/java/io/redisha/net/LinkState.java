package io.redisha.net;

import java.util.Locale;
import java.util.Objects;

/**
 * What the kernel last said about one network interface, watched by name: its index, the flags that
 * decide whether it can carry traffic, and its RFC 2863 operational state.
 *
 * @param name the interface name being watched, for example {@code eth0}
 * @param index the kernel's interface index; a re-created interface gets a new one (0 when not
 *     known)
 * @param presence whether the interface exists, is gone, or its state could not be read
 * @param adminUp {@code IFF_UP}: the interface was set up ({@code ip link set X up})
 * @param lowerUp {@code IFF_LOWER_UP} and {@code IFLA_CARRIER}: the link layer has carrier
 * @param running {@code IFF_RUNNING}: the operational state is up (or unknown, for drivers that do
 *     not report one)
 * @param operState the operational state ({@code IFLA_OPERSTATE})
 */
public record LinkState(
    String name,
    int index,
    Presence presence,
    boolean adminUp,
    boolean lowerUp,
    boolean running,
    OperState operState) {

  /** Whether the interface is there. */
  public enum Presence {
    PRESENT,
    /** Deleted, renamed away or moved to another namespace. */
    GONE,
    /** The monitor could not read the state (it says why in its log and retries). */
    UNKNOWN
  }

  /** {@code IF_OPER_*} of linux/if.h, in kernel order. */
  public enum OperState {
    UNKNOWN,
    NOT_PRESENT,
    DOWN,
    LOWER_LAYER_DOWN,
    TESTING,
    DORMANT,
    UP;

    /** The state for a kernel {@code IF_OPER_*} value; out-of-range values are {@code UNKNOWN}. */
    public static OperState fromKernel(int value) {
      OperState[] states = values();
      return value >= 0 && value < states.length ? states[value] : UNKNOWN;
    }

    /** The name {@code ip link} shows, lower case: {@code up}, {@code lowerlayerdown}. */
    public String text() {
      return name().replace("_", "").toLowerCase(Locale.ROOT);
    }
  }

  public LinkState {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(presence, "presence");
    Objects.requireNonNull(operState, "operState");
  }

  /** The state after the interface was deleted, renamed away or moved out of the namespace. */
  public static LinkState gone(String name, int lastIndex) {
    return new LinkState(
        name, lastIndex, Presence.GONE, false, false, false, OperState.NOT_PRESENT);
  }

  /** The state while the monitor cannot read it. */
  public static LinkState unknown(String name) {
    return new LinkState(name, 0, Presence.UNKNOWN, false, false, false, OperState.UNKNOWN);
  }

  /** Whether the interface was deleted (or renamed away, or moved to another namespace). */
  public boolean deleted() {
    return presence == Presence.GONE;
  }

  /** Which of the conditions the state is in; see {@link LinkCondition#of}. */
  public LinkCondition condition() {
    return LinkCondition.of(this);
  }

  /** Whether the interface can carry the VIP and the adverts. */
  public boolean usable() {
    return condition().usable();
  }

  /** Why the interface is or is not usable, for status, logs and metrics: {@code carrier lost}. */
  public String reason() {
    LinkCondition condition = condition();
    return condition == LinkCondition.NOT_RUNNING
        ? condition.reason() + " (operstate " + operState.text() + ")"
        : condition.reason();
  }

  @Override
  public String toString() {
    return name
        + " (index "
        + index
        + "): "
        + reason()
        + (presence == Presence.PRESENT
            ? ", admin "
                + (adminUp ? "up" : "down")
                + ", carrier "
                + (lowerUp ? "on" : "off")
                + ", operstate "
                + operState.text()
            : "");
  }
}

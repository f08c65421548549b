package io.redisha.net;

/**
 * Whether an interface can carry traffic, and if not, why. Only {@link #UP} is usable: the
 * interface exists, is administratively up, has carrier and is operationally running.
 */
public enum LinkCondition {
  UP(true, "link up"),
  DOWN(false, "link down"),
  NO_CARRIER(false, "carrier lost"),
  /** Carrier but not running: dormant (802.1X waiting), testing, or a stacked device's parent. */
  NOT_RUNNING(false, "link not running"),
  GONE(false, "interface gone"),
  UNKNOWN(false, "link state unknown");

  private final boolean usable;
  private final String reason;

  LinkCondition(boolean usable, String reason) {
    this.usable = usable;
    this.reason = reason;
  }

  /** Whether a node may hold a VIP and run a writable master on the interface (S11). */
  public boolean usable() {
    return usable;
  }

  /** The words status, logs and metrics use: {@code link down}, {@code carrier lost}. */
  public String reason() {
    return reason;
  }

  /**
   * The condition of a state. Usable means present, admin up, lower up and running; when several
   * are missing, the one the operator most likely changed wins (a link set down also loses its
   * carrier, and should say "link down").
   */
  public static LinkCondition of(LinkState state) {
    return switch (state.presence()) {
      case GONE -> GONE;
      case UNKNOWN -> UNKNOWN;
      case PRESENT -> {
        if (!state.adminUp()) {
          yield DOWN;
        }
        if (!state.lowerUp()) {
          yield NO_CARRIER;
        }
        yield state.running() ? UP : NOT_RUNNING;
      }
    };
  }
}

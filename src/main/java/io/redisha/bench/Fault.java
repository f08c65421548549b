package io.redisha.bench;

import java.util.Arrays;
import java.util.List;

/**
 * A fault the benchmark injects into a pair, with what the fault may cost in acknowledged writes.
 * Every fault hits group {@code a} (or the host holding its master); group {@code b} shows whether
 * the other group on the same pair was disturbed.
 */
public enum Fault {
  KILL("kill", "Redis master killed", Loss.UNREPLICATED, true),
  HOST_CUT("host-cut", "master host link cut", Loss.UNREPLICATED, false),
  PAIR_CUT("pair-cut", "pair link cut 5 s, healed", Loss.NEEDS_THIRD_VOTER, false),
  EMPTY_AT_ONCE("empty-now", "Redis restarted empty at once", Loss.UNREPLICATED, true),
  EMPTY_LATER("empty-later", "Redis restarted empty after 3 s", Loss.UNREPLICATED, true),
  BOOT("boot", "simultaneous boot", Loss.NONE, false),
  SWITCHOVER("switchover", "planned switchover", Loss.NONE, true),
  CLEAN_STOP("clean-stop", "clean stop of the master's HA daemon", Loss.NONE, false),

  // ---- issue 13: a dead link, a crashed or stalled daemon, a lossy pair link ----
  /** {@code ip link set eth0 down} on the master's host until the peer holds the VIP, 2 s more. */
  LINK_DOWN("link-down", "master host's link down (ip link set down)", Loss.NONE, false),
  /** The master host's carrier lost (the bridge side of its veth down), as long. */
  CARRIER_LOSS("carrier-loss", "master host's carrier lost", Loss.NONE, false),
  /** SIGKILL of the master's HA daemon (with its children), started again 3 s later. */
  CRASH("crash", "master's HA daemon SIGKILLed, back in 3 s", Loss.NONE, false),
  /** SIGSTOP of the master's HA daemon for 5 s while its Redis serves, then SIGCONT. */
  STALL("stall", "master's HA daemon SIGSTOPped 5 s", Loss.NONE, false),
  /** The pair link drops 30 % of the packets each way for 10 s. */
  LOSSY_LINK("lossy-link", "pair link drops 30 % each way 10 s", Loss.NONE, false);

  /** The faults of issue 13, run only when named (the quick run keeps to the others). */
  public static final List<Fault> LINK_AND_DAEMON_FAULTS =
      List.of(LINK_DOWN, CARRIER_LOSS, CRASH, STALL, LOSSY_LINK);

  /** The faults a {@code --quick} run takes by default. */
  public static List<Fault> quickDefaults() {
    return Arrays.stream(values()).filter(f -> !LINK_AND_DAEMON_FAULTS.contains(f)).toList();
  }

  /** Which acknowledged writes a fault may lose without breaking a promise of redisha. */
  public enum Loss {
    /** None. */
    NONE,
    /**
     * Only writes acknowledged by a Redis master in the last moment before it died or was cut off
     * (or, at a clean stop, before the peer took over), which its replica had not received yet:
     * replication is asynchronous.
     */
    UNREPLICATED,
    /**
     * Without a third voter both sides of a pair-link cut keep a master: losses are what the
     * benchmark measures, a promise only with an arbiter (Lease or Etcd protection).
     */
    NEEDS_THIRD_VOTER
  }

  private final String id;
  private final String title;
  private final Loss loss;
  private final boolean groupScoped;

  Fault(String id, String title, Loss loss, boolean groupScoped) {
    this.id = id;
    this.title = title;
    this.loss = loss;
    this.groupScoped = groupScoped;
  }

  /** Short name used on the command line and in the JSON. */
  public String id() {
    return id;
  }

  /** What is done, in words. */
  public String title() {
    return title;
  }

  public Loss loss() {
    return loss;
  }

  /**
   * Whether the fault concerns one group only (its Redis), so that the other group must not move.
   * Faults of a host, a link or a daemon concern every group on it.
   */
  public boolean groupScoped() {
    return groupScoped;
  }

  /** Whether a write gap is meaningful (at a boot there is no master yet to lose). */
  public boolean measuresGap() {
    return this != BOOT;
  }

  /** The fault named {@code id}; the error lists the known names. */
  public static Fault byId(String id) {
    for (Fault fault : values()) {
      if (fault.id.equals(id)) {
        return fault;
      }
    }
    throw new IllegalArgumentException(
        "unknown fault '" + id + "'; known: " + String.join(",", ids(List.of(values()))));
  }

  /** The ids of {@code faults}, in order. */
  public static List<String> ids(List<Fault> faults) {
    return faults.stream().map(Fault::id).toList();
  }

  /** Parses a comma-separated list of fault ids. */
  public static List<Fault> parseList(String text) {
    return Arrays.stream(text.split(",")).map(String::strip).map(Fault::byId).toList();
  }
}

package io.redisha.sim;

/**
 * One fault of a schedule.
 *
 * @param kind what breaks
 * @param atMillis when it starts, in virtual milliseconds
 * @param durationMillis how long it lasts (Redis crash: until the supervisor restarts it empty)
 * @param node the node it hits, where it hits one; {@link #MASTER} for the node that holds VIP a
 *     when the fault begins
 * @param group the group it hits, where it hits one
 * @param rate drop or duplicate probability, or extra delay in milliseconds
 */
record Fault(Kind kind, long atMillis, long durationMillis, int node, String group, double rate) {

  /** The node that holds VIP a when the fault begins (vm-a when none does). */
  static final int MASTER = -1;

  enum Kind {
    PAIR_CUT,
    DROP,
    DELAY,
    DUPLICATE,
    API_CUT,
    ISOLATE,
    REDIS_CRASH,
    REDIS_RESTART_EMPTY,
    REDIS_LAG,
    SWITCHOVER,
    /** The agent's process is frozen (GC pause, stalled VM, SIGSTOP) while its Redis serves. */
    AGENT_STALL,
    /**
     * The agent is killed (its VIPs stay on the interface, its Redis keeps its role) and started
     * again when the fault ends.
     */
    AGENT_CRASH,
    /** The pair link drops packets each way at {@code rate}: adverts lost, TCP retransmits. */
    LOSSY
  }

  /** The kinds the first scenarios were written with, in their order (their seeds replay them). */
  static final java.util.List<Kind> CLASSIC =
      java.util.List.of(
          Kind.PAIR_CUT,
          Kind.DROP,
          Kind.DELAY,
          Kind.DUPLICATE,
          Kind.API_CUT,
          Kind.ISOLATE,
          Kind.REDIS_CRASH,
          Kind.REDIS_RESTART_EMPTY,
          Kind.REDIS_LAG,
          Kind.SWITCHOVER);

  Fault shorter() {
    return new Fault(kind, atMillis, durationMillis / 2, node, group, rate);
  }

  @Override
  public String toString() {
    StringBuilder text = new StringBuilder().append(atMillis).append("ms ").append(kind);
    switch (kind) {
      case PAIR_CUT -> {}
      case DROP, DUPLICATE, LOSSY -> text.append(" p=").append(String.format("%.2f", rate));
      case DELAY -> text.append(" +").append((long) rate).append("ms");
      case API_CUT, ISOLATE, AGENT_STALL, AGENT_CRASH -> text.append(' ').append(nodeText());
      case REDIS_CRASH, REDIS_RESTART_EMPTY, REDIS_LAG ->
          text.append(' ').append(nodeText()).append('/').append(group);
      case SWITCHOVER -> text.append(" group ").append(group);
    }
    if (kind != Fault.Kind.REDIS_RESTART_EMPTY && kind != Fault.Kind.SWITCHOVER) {
      text.append(" for ").append(durationMillis).append("ms");
    }
    return text.toString();
  }

  private String nodeText() {
    return node == MASTER ? "master" : node == 0 ? "vm-a" : "vm-b";
  }
}

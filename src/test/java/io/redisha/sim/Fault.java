package io.redisha.sim;

/**
 * One fault of a schedule.
 *
 * @param kind what breaks
 * @param atMillis when it starts, in virtual milliseconds
 * @param durationMillis how long it lasts (Redis crash: until the supervisor restarts it empty)
 * @param node the node it hits, where it hits one
 * @param group the group it hits, where it hits one
 * @param rate drop or duplicate probability, or extra delay in milliseconds
 */
record Fault(Kind kind, long atMillis, long durationMillis, int node, String group, double rate) {

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
    SWITCHOVER
  }

  Fault shorter() {
    return new Fault(kind, atMillis, durationMillis / 2, node, group, rate);
  }

  @Override
  public String toString() {
    StringBuilder text = new StringBuilder().append(atMillis).append("ms ").append(kind);
    switch (kind) {
      case PAIR_CUT -> {}
      case DROP, DUPLICATE -> text.append(" p=").append(String.format("%.2f", rate));
      case DELAY -> text.append(" +").append((long) rate).append("ms");
      case API_CUT, ISOLATE -> text.append(" vm-").append(node == 0 ? 'a' : 'b');
      case REDIS_CRASH, REDIS_RESTART_EMPTY, REDIS_LAG ->
          text.append(" vm-").append(node == 0 ? 'a' : 'b').append('/').append(group);
      case SWITCHOVER -> text.append(" group ").append(group);
    }
    if (kind != Fault.Kind.REDIS_RESTART_EMPTY && kind != Fault.Kind.SWITCHOVER) {
      text.append(" for ").append(durationMillis).append("ms");
    }
    return text.toString();
  }
}

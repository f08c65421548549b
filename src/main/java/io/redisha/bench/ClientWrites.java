package io.redisha.bench;

/**
 * What one client's writes through group a's VIP measured in one run of a fault.
 *
 * @param client the client's id ({@link BenchClient#id()})
 * @param readBack whether its acknowledged writes could be read back afterwards
 * @param gapMillis longest time without an acknowledged write around the fault, -1 when not
 *     measured
 * @param gapStartMillis when that gap began (the acknowledgement before it), in ms from the fault
 * @param gapAcrossMillis the gap that spans the fault's instant (last acknowledgement before it to
 *     the first after), -1 when not measured
 * @param lost acknowledged writes that could not be read back
 * @param lostBeyondAllowed of those, the ones the fault's {@link Fault.Loss} rule does not allow
 * @param timeline when its writes were acknowledged, in ms from the fault
 * @param lostTimeline when the lost writes had been acknowledged, in ms from the fault
 */
public record ClientWrites(
    String client,
    boolean readBack,
    long gapMillis,
    long gapStartMillis,
    long gapAcrossMillis,
    long lost,
    long lostBeyondAllowed,
    float[] timeline,
    float[] lostTimeline) {

  /** When the first and the last lost write had been acknowledged, in ms from the fault. */
  String lostSpan() {
    if (lostTimeline.length == 0) {
      return "";
    }
    float first = lostTimeline[0];
    float last = lostTimeline[0];
    for (float t : lostTimeline) {
      first = Math.min(first, t);
      last = Math.max(last, t);
    }
    return Math.round(first) + ".." + Math.round(last) + " ms";
  }
}

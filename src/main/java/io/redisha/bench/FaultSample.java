package io.redisha.bench;

/**
 * What one run of one fault against one system measured.
 *
 * @param system system name
 * @param fault the fault
 * @param run run number, from 1
 * @param completed whether the run went through and the pair settled again afterwards
 * @param note what happened or went wrong, in words
 * @param gapMillis longest time without an acknowledged write of group a around the fault, -1 when
 *     not measured
 * @param lost acknowledged writes of group a that could not be read back afterwards
 * @param lostBeyondAllowed of those, the ones the fault's {@link Fault.Loss} rule does not allow
 * @param vipMillis time from the fault until the VIP first answered on the master the pair settled
 *     on, -1 when it never did
 * @param otherGapMillis longest write gap of group b in the same window
 * @param otherLost acknowledged writes of group b lost
 * @param otherMoved whether group b's master changed
 * @param timeline when group a's writes were acknowledged, in ms from the fault
 * @param lostTimeline when the lost writes of group a had been acknowledged, in ms from the fault
 */
public record FaultSample(
    String system,
    Fault fault,
    int run,
    boolean completed,
    String note,
    long gapMillis,
    long lost,
    long lostBeyondAllowed,
    long vipMillis,
    long otherGapMillis,
    long otherLost,
    boolean otherMoved,
    float[] timeline,
    float[] lostTimeline) {

  /** Whether group b was disturbed by a fault that concerns group a only. */
  public boolean otherDisturbed() {
    return fault.groupScoped() && (otherMoved || otherLost > 0);
  }

  /** A run that did not complete, with the reason. */
  static FaultSample failed(String system, Fault fault, int run, String reason) {
    return new FaultSample(
        system, fault, run, false, reason, -1, 0, 0, -1, -1, 0, false, new float[0], new float[0]);
  }
}

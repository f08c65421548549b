package io.redisha.lab;

import io.redisha.lab.PairLab.GroupView;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What one watched fault scenario of {@link LabRun} did and measured: the moments of the fault, the
 * real parts' view over time ({@link PairWatch}), and each group's writes through its VIP. The
 * lab's summary, the integration tests and the closing notes all read their figures from here.
 *
 * @param scenario what was done
 * @param faultHost the host the fault hit: group a's master before it
 * @param survivor the other host
 * @param mastersBefore each group's master before the fault
 * @param faultNanos System.nanoTime once the fault was in effect (the link down, the agent dead or
 *     stopped, the loss rules in place, the Redis killed)
 * @param repairNanos once the repair was done (link up, agent process started again, SIGCONT, loss
 *     rules removed, empty Redis started), or -1
 * @param restartedNanos when a restarted agent wrote its first log line (its code running), or -1
 * @param endNanos when the scenario stopped watching
 * @param takeoverBound how long a takeover may take in this pair: 3 adverts + skew without an
 *     arbiter, the fence time on top with a Lease
 * @param watch the real parts over time
 * @param writes each group's writes through its VIP
 * @param viewAfter the agents' view at the end
 * @param settledAfter whether every group ended with one master holding the VIP and a replica
 * @param setUpNanos when a condition the fault needs began (a pair cut before an agent's kill), or
 *     -1
 */
public record FaultReport(
    String scenario,
    String faultHost,
    String survivor,
    Map<String, String> mastersBefore,
    long faultNanos,
    long repairNanos,
    long restartedNanos,
    long endNanos,
    Duration takeoverBound,
    PairWatch watch,
    Map<String, GroupWrites> writes,
    Map<String, GroupView> viewAfter,
    boolean settledAfter,
    long setUpNanos) {

  /**
   * One group's writes through its VIP in the scenario.
   *
   * @param group group name
   * @param gapMillis longest time without an acknowledged write, from 500 ms before the fault to
   *     the end
   * @param acked acknowledged writes in that window
   * @param lostAckNanos when each acknowledged write (of the whole run) that could no longer be
   *     read back at the end, and was not already missing before this scenario, had been
   *     acknowledged
   */
  public record GroupWrites(String group, long gapMillis, long acked, long[] lostAckNanos) {
    /** Acknowledged writes lost in this scenario. */
    public long lost() {
      return lostAckNanos.length;
    }

    /**
     * Lost writes acknowledged outside {@code [fromNanos, toNanos]}: those no rule of the fault
     * excuses.
     */
    public long lostOutside(long fromNanos, long toNanos) {
      long count = 0;
      for (long nanos : lostAckNanos) {
        if (nanos < fromNanos || nanos > toNanos) {
          count++;
        }
      }
      return count;
    }
  }

  /** Master_Down_Interval of the lab's pair: 3 adverts + skew, in ns. */
  public static long masterDownNanos() {
    return PairLab.masterDownInterval().toNanos();
  }

  /** The hosts holding {@code group}'s VIP at the watch's last look. */
  public List<String> lastVipHolders(String group) {
    List<PairWatch.VipSample> samples = watch.vipSamples();
    return samples.isEmpty() ? List.of() : samples.getLast().holders().get(group);
  }

  /** ms from the fault to {@code nanos}, or -1 when {@code nanos} is -1. */
  public long sinceFault(long nanos) {
    return nanos < 0 ? -1 : (nanos - faultNanos) / 1_000_000;
  }

  /** The figures, one line per group, for logs and notes. */
  public List<String> figures() {
    List<String> lines = new ArrayList<>();
    lines.add(
        String.format(
            "FIGURE %s on %s: fault at +0 ms, repair at %s, restarted agent's first log line at"
                + " %s, watch ended at +%d ms, 3 adverts + skew %.1f ms, takeover bound %.1f ms,"
                + " settled after: %s",
            scenario,
            faultHost,
            repairNanos < 0 ? "-" : "+" + sinceFault(repairNanos) + " ms",
            restartedNanos < 0 ? "-" : "+" + sinceFault(restartedNanos) + " ms",
            sinceFault(endNanos),
            PairLab.masterDownInterval().toNanos() / 1e6,
            takeoverBound.toNanos() / 1e6,
            settledAfter));
    for (GroupWrites group : writes.values()) {
      String name = group.group();
      PairWatch.Overlap twoWritable = watch.twoWritable(name);
      PairWatch.Stretch twoVips = watch.twoVipHolders(name);
      PairWatch.Stretch noVip = watch.noVipHolder(name);
      lines.add(
          String.format(
              "FIGURE %s, group %s (master before %s, after %s): write gap %d ms, acked %d, lost"
                  + " %d%s; two writable masters %d times (longest %d ms, in all %d ms); VIP on both %d"
                  + " samples (longest %d ms), on nobody %d samples (longest %d ms)",
              scenario,
              name,
              mastersBefore.get(name),
              viewAfter.get(name).master(),
              group.gapMillis(),
              group.acked(),
              group.lost(),
              group.lost() == 0 ? "" : " (acked at " + lostTimes(group) + " ms)",
              twoWritable.periods(),
              twoWritable.longestMillis(),
              twoWritable.totalMillis(),
              twoVips.samples(),
              twoVips.longestMillis(),
              noVip.samples(),
              noVip.longestMillis()));
      lines.add(
          String.format(
              "FIGURE %s, group %s: VIP holders over time (ms from the fault): %s",
              scenario, name, watch.vipTimeline(name, faultNanos)));
      lines.add(
          String.format(
              "FIGURE %s, group %s: Redis taking writes over time (ms from the fault): %s",
              scenario, name, watch.writableTimeline(name, faultNanos)));
    }
    if (watch.failure() != null) {
      lines.add("FIGURE " + scenario + ": " + watch.failure());
    }
    return lines;
  }

  private String lostTimes(GroupWrites group) {
    StringBuilder text = new StringBuilder();
    long[] times = group.lostAckNanos();
    int shown = Math.min(times.length, 8);
    for (int i = 0; i < shown; i++) {
      long millis = sinceFault(times[i]);
      text.append(i == 0 ? "" : ", ").append(millis >= 0 ? "+" : "").append(millis);
    }
    if (times.length > shown) {
      text.append(", ... ").append(sinceFault(times[times.length - 1]));
    }
    return text.toString();
  }
}

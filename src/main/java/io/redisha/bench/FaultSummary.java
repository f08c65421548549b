package io.redisha.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The runs of one fault against one system, as one client saw them, summed up.
 *
 * @param system system name
 * @param fault the fault
 * @param client the client's id
 * @param runs runs made
 * @param completed runs that went through with the pair settled afterwards
 * @param gapP50 write gap median (ms), -1 when not measured; a run that did not settle counts with
 *     the gap it had when the benchmark gave up waiting (a lower bound)
 * @param gapP99 write gap 99th percentile (nearest rank, ms)
 * @param gapMax longest write gap (ms)
 * @param lost acknowledged writes lost, all runs together
 * @param lostBeyondAllowed of those, the ones no HA system should lose in this fault
 * @param runsWithLoss runs that lost at least one acknowledged write
 * @param vipP50 median time until the VIP answered on the settled master (ms), -1 when unknown
 * @param otherDisturbed runs in which the other group moved or lost writes
 * @param otherGapMax longest write gap of the other group (ms)
 * @param notes notes of runs that did not complete or where something notable happened
 */
public record FaultSummary(
    String system,
    Fault fault,
    String client,
    int runs,
    int completed,
    long gapP50,
    long gapP99,
    long gapMax,
    long lost,
    long lostBeyondAllowed,
    int runsWithLoss,
    long vipP50,
    int otherDisturbed,
    long otherGapMax,
    List<String> notes) {

  /** Sums up what {@code client} saw in {@code samples}, all of one system and fault. */
  public static FaultSummary of(
      String system, Fault fault, String client, List<FaultSample> samples) {
    List<ClientWrites> writes =
        samples.stream().map(s -> s.client(client)).filter(w -> w != null).toList();
    long[] gaps =
        writes.stream().mapToLong(ClientWrites::gapMillis).filter(g -> g >= 0).sorted().toArray();
    long[] vips =
        samples.stream().mapToLong(FaultSample::vipMillis).filter(v -> v >= 0).sorted().toArray();
    List<String> notes = new ArrayList<>();
    for (FaultSample sample : samples) {
      if (!sample.completed()) {
        notes.add("run " + sample.run() + ": " + sample.note());
      }
    }
    return new FaultSummary(
        system,
        fault,
        client,
        samples.size(),
        (int) samples.stream().filter(s -> s.completed() && s.client(client) != null).count(),
        percentile(gaps, 50),
        percentile(gaps, 99),
        gaps.length == 0 ? -1 : gaps[gaps.length - 1],
        writes.stream().mapToLong(ClientWrites::lost).sum(),
        writes.stream().mapToLong(ClientWrites::lostBeyondAllowed).sum(),
        (int) writes.stream().filter(w -> w.lost() > 0).count(),
        percentile(vips, 50),
        (int) samples.stream().filter(FaultSample::otherDisturbed).count(),
        samples.stream().mapToLong(FaultSample::otherGapMillis).max().orElse(-1),
        notes);
  }

  /** Nearest-rank percentile of sorted values, -1 for none. */
  static long percentile(long[] sorted, int percent) {
    if (sorted.length == 0) {
      return -1;
    }
    long[] copy = Arrays.copyOf(sorted, sorted.length);
    Arrays.sort(copy);
    int rank = (int) Math.ceil(percent / 100.0 * copy.length);
    return copy[Math.max(0, Math.min(copy.length - 1, rank - 1))];
  }
}

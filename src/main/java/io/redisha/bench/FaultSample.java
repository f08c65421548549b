package io.redisha.bench;

import java.util.List;
import java.util.Locale;

/**
 * What one run of one fault against one system measured.
 *
 * @param system system name
 * @param fault the fault
 * @param run run number, from 1
 * @param completed whether the run went through, the pair settled again afterwards and every
 *     client's writes could be read back
 * @param note what happened or went wrong, in words
 * @param vipMillis time from the fault until the VIP first answered on the master the pair settled
 *     on, -1 when it never did
 * @param otherGapMillis longest write gap of group b in the same window (primary client)
 * @param otherLost acknowledged writes of group b lost
 * @param otherMoved whether group b's master changed
 * @param clients each client's writes through group a, the primary client first; empty when the run
 *     failed before writing
 */
public record FaultSample(
    String system,
    Fault fault,
    int run,
    boolean completed,
    String note,
    long vipMillis,
    long otherGapMillis,
    long otherLost,
    boolean otherMoved,
    List<ClientWrites> clients) {

  public FaultSample {
    clients = List.copyOf(clients);
  }

  /** Whether group b was disturbed by a fault that concerns group a only. */
  public boolean otherDisturbed() {
    return fault.groupScoped() && (otherMoved || otherLost > 0);
  }

  /** The writes of client {@code id}, or null when it did not write in this run. */
  public ClientWrites client(String id) {
    return clients.stream().filter(c -> c.client().equals(id)).findFirst().orElse(null);
  }

  /** The primary client's writes (the first), or null. */
  public ClientWrites primary() {
    return clients.isEmpty() ? null : clients.get(0);
  }

  /** The primary client's gap, -1 when none. */
  public long gapMillis() {
    return primary() == null ? -1 : primary().gapMillis();
  }

  /** Acknowledged writes lost, all clients together. */
  public long lost() {
    return clients.stream().mapToLong(ClientWrites::lost).sum();
  }

  /** Lost writes the fault may not cost, all clients together. */
  public long lostBeyondAllowed() {
    return clients.stream().mapToLong(ClientWrites::lostBeyondAllowed).sum();
  }

  /** One line on the run: each client's gap and losses, the VIP, the other group, the note. */
  String describe() {
    StringBuilder text = new StringBuilder();
    for (ClientWrites writes : clients) {
      text.append(writes.client()).append(": ");
      if (writes.gapMillis() >= 0) {
        text.append("gap ").append(writes.gapMillis()).append(" ms, ");
      }
      text.append("lost ").append(writes.lost());
      if (writes.lost() > 0) {
        text.append(" acknowledged at ").append(writes.lostSpan());
      }
      if (writes.lostBeyondAllowed() > 0) {
        text.append(" (")
            .append(writes.lostBeyondAllowed())
            .append(" beyond what the fault may cost)");
      }
      if (writes.gapMillis() >= 0) {
        text.append(
            String.format(
                Locale.ROOT,
                ", gap began %+d ms, across the fault %d ms",
                writes.gapStartMillis(),
                writes.gapAcrossMillis()));
      }
      text.append("; ");
    }
    text.append("VIP on new master ").append(vipMillis < 0 ? "-" : vipMillis + " ms");
    if (fault.groupScoped()) {
      text.append(otherDisturbed() ? ", other group DISTURBED" : ", other group untouched");
    }
    text.append(completed ? "" : ", FAILED");
    if (!note.isEmpty()) {
      text.append(" [").append(note).append(']');
    }
    return text.toString();
  }

  /** A run that did not complete, with the reason. */
  static FaultSample failed(String system, Fault fault, int run, String reason) {
    return new FaultSample(system, fault, run, false, reason, -1, -1, 0, false, List.of());
  }
}

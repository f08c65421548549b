package io.redisha.operator;

import io.redisha.api.RedisHAPair;
import io.redisha.api.RedisHAPairStatus;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The operator's own metrics, in the Prometheus text format: reconciliations, status patches,
 * failover Events, and per pair whether it is ready and how many failovers it has seen.
 */
public final class OperatorMetrics {
  private final AtomicLong reconciles = new AtomicLong();
  private final AtomicLong reconcileErrors = new AtomicLong();
  private final AtomicLong statusPatches = new AtomicLong();
  private final AtomicLong failoverEvents = new AtomicLong();
  private final AtomicLong rejectedSpecs = new AtomicLong();
  private final Map<String, PairGauge> pairs = new ConcurrentHashMap<>();

  private record PairGauge(boolean ready, long failovers) {}

  void reconciled() {
    reconciles.incrementAndGet();
  }

  void reconcileFailed() {
    reconcileErrors.incrementAndGet();
  }

  void statusPatched() {
    statusPatches.incrementAndGet();
  }

  void failoverRecorded() {
    failoverEvents.incrementAndGet();
  }

  void specRejected() {
    rejectedSpecs.incrementAndGet();
  }

  void observed(RedisHAPair pair, RedisHAPairStatus status) {
    var ready = Conditions.find(status.getConditions(), Conditions.READY);
    pairs.put(
        pair.getMetadata().getNamespace() + "/" + pair.getMetadata().getName(),
        new PairGauge(
            ready != null && "True".equals(ready.getStatus()),
            status.getFailovers() == null ? 0 : status.getFailovers()));
  }

  /** The metrics as Prometheus text exposition. */
  public String render() {
    StringBuilder out = new StringBuilder();
    counter(out, "redisha_operator_reconciles_total", "Reconciliations run.", reconciles.get());
    counter(
        out,
        "redisha_operator_reconcile_errors_total",
        "Reconciliations that failed.",
        reconcileErrors.get());
    counter(
        out,
        "redisha_operator_status_patches_total",
        "Status patches sent (only on change).",
        statusPatches.get());
    counter(
        out,
        "redisha_operator_failover_events_total",
        "Failover Events recorded.",
        failoverEvents.get());
    counter(
        out,
        "redisha_operator_rejected_specs_total",
        "Reconciliations that found the spec invalid and left the agents alone.",
        rejectedSpecs.get());
    out.append("# HELP redisha_pair_ready Whether every group of the pair has a healthy master.\n")
        .append("# TYPE redisha_pair_ready gauge\n");
    pairs.forEach(
        (key, g) ->
            out.append("redisha_pair_ready")
                .append(labels(key))
                .append(' ')
                .append(g.ready() ? 1 : 0)
                .append('\n'));
    out.append("# HELP redisha_pair_failovers Failovers of the pair seen by the operator.\n")
        .append("# TYPE redisha_pair_failovers gauge\n");
    pairs.forEach(
        (key, g) ->
            out.append("redisha_pair_failovers")
                .append(labels(key))
                .append(' ')
                .append(g.failovers())
                .append('\n'));
    return out.toString();
  }

  private static String labels(String key) {
    int slash = key.indexOf('/');
    return "{namespace=\""
        + key.substring(0, slash)
        + "\",pair=\""
        + key.substring(slash + 1)
        + "\"}";
  }

  private static void counter(StringBuilder out, String name, String help, long value) {
    out.append("# HELP ")
        .append(name)
        .append(' ')
        .append(help)
        .append('\n')
        .append("# TYPE ")
        .append(name)
        .append(" counter\n")
        .append(name)
        .append(' ')
        .append(value)
        .append('\n');
  }
}

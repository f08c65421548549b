package io.redisha.operator;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.redisha.api.RedisHAPair;
import io.redisha.api.RedisHAPairStatus;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The operator's own metrics, in the Prometheus text format: reconciliations, status patches,
 * failover Events, and per pair whether it is ready and how many failovers it has seen.
 */
public final class OperatorMetrics {
  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
  private final Counter reconciles =
      counter("redisha_operator_reconciles_total", "Reconciliations run.");
  private final Counter reconcileErrors =
      counter("redisha_operator_reconcile_errors_total", "Reconciliations that failed.");
  private final Counter statusPatches =
      counter("redisha_operator_status_patches_total", "Status patches sent (only on change).");
  private final Counter failoverEvents =
      counter("redisha_operator_failover_events_total", "Failover Events recorded.");
  private final Counter rejectedSpecs =
      counter(
          "redisha_operator_rejected_specs_total",
          "Reconciliations that found the spec invalid and left the agents alone.");
  private final Gauge pairReady =
      Gauge.builder()
          .name("redisha_pair_ready")
          .help("Whether every group of the pair has a healthy master.")
          .labelNames("namespace", "pair")
          .register(registry);
  private final Gauge pairFailovers =
      Gauge.builder()
          .name("redisha_pair_failovers")
          .help("Failovers of the pair seen by the operator.")
          .labelNames("namespace", "pair")
          .register(registry);

  void reconciled() {
    reconciles.inc();
  }

  void reconcileFailed() {
    reconcileErrors.inc();
  }

  void statusPatched() {
    statusPatches.inc();
  }

  void failoverRecorded() {
    failoverEvents.inc();
  }

  void specRejected() {
    rejectedSpecs.inc();
  }

  void observed(RedisHAPair pair, RedisHAPairStatus status) {
    var ready = Conditions.find(status.getConditions(), Conditions.READY);
    String namespace = pair.getMetadata().getNamespace();
    String name = pair.getMetadata().getName();
    pairReady
        .labelValues(namespace, name)
        .set(ready != null && "True".equals(ready.getStatus()) ? 1 : 0);
    pairFailovers
        .labelValues(namespace, name)
        .set(status.getFailovers() == null ? 0 : status.getFailovers());
  }

  /** The Content-Type of {@link #render()}. */
  public String contentType() {
    return writer.getContentType();
  }

  /** The metrics as Prometheus text exposition. */
  public String render() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      writer.write(out, registry.scrape());
    } catch (IOException e) {
      throw new UncheckedIOException("writing to memory failed", e);
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  private Counter counter(String name, String help) {
    return Counter.builder().name(name).help(help).register(registry);
  }
}

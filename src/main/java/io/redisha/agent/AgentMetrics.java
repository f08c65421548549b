package io.redisha.agent;

import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.redisha.api.AgentReport;
import io.redisha.api.AgentReport.CloudRouting;
import io.redisha.api.AgentReport.GroupReport;
import io.redisha.api.ReportedVrrpState;
import io.redisha.vrrp.DropCounters;
import io.redisha.vrrp.DropReason;
import io.redisha.vrrp.VrrpState;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The agent's Prometheus metrics. Every value is read from the agent when scraped, so a group added
 * or removed by a reload appears or disappears with the next scrape.
 */
public final class AgentMetrics {
  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();

  /**
   * @param report the agent's latest report
   * @param drops the VRRP packets refused so far
   * @param checkLatencies per group, the nanoseconds of the last health check; negative before one
   * @param configError why the last reload was refused, null when it was not
   */
  public AgentMetrics(
      Supplier<AgentReport> report,
      Supplier<DropCounters> drops,
      Supplier<Map<String, Long>> checkLatencies,
      Supplier<String> configError) {
    GaugeWithCallback.builder()
        .name("redisha_vrrp_state")
        .help("Current VRRP state of each group (1 for the state held).")
        .labelNames("group", "state")
        .callback(
            cb -> {
              for (GroupReport group : report.get().groups()) {
                for (VrrpState state : VrrpState.values()) {
                  cb.call(
                      ReportedVrrpState.of(state) == group.vrrpState() ? 1 : 0,
                      group.name(),
                      state.name());
                }
              }
            })
        .register(registry);
    CounterWithCallback.builder()
        .name("redisha_vrrp_transitions_total")
        .help("VRRP state changes since the agent started.")
        .labelNames("group")
        .callback(
            cb -> {
              for (GroupReport group : report.get().groups()) {
                cb.call(group.transitions(), group.name());
              }
            })
        .register(registry);
    GaugeWithCallback.builder()
        .name("redisha_vip_held")
        .help("Whether this node holds the group's VIP.")
        .labelNames("group")
        .callback(
            cb -> {
              for (GroupReport group : report.get().groups()) {
                cb.call(group.holdsVip() ? 1 : 0, group.name());
              }
            })
        .register(registry);
    GaugeWithCallback.builder()
        .name("redisha_redis_healthy")
        .help("Whether the local Redis passes the health check.")
        .labelNames("group")
        .callback(
            cb -> {
              for (GroupReport group : report.get().groups()) {
                cb.call(group.healthy() ? 1 : 0, group.name());
              }
            })
        .register(registry);
    GaugeWithCallback.builder()
        .name("redisha_health_check_seconds")
        .help("Latency of the last Redis health check.")
        .labelNames("group")
        .callback(
            cb ->
                checkLatencies
                    .get()
                    .forEach(
                        (group, nanos) -> cb.call(nanos < 0 ? Double.NaN : nanos / 1e9, group)))
        .register(registry);
    CounterWithCallback.builder()
        .name("redisha_vrrp_dropped_packets_total")
        .help("VRRP packets refused, by reason (S8).")
        .labelNames("reason")
        .callback(
            cb -> {
              DropCounters counters = drops.get();
              for (DropReason reason : DropReason.values()) {
                cb.call(counters.get(reason), reason.label());
              }
            })
        .register(registry);
    GaugeWithCallback.builder()
        .name("redisha_cloud_routing_ok")
        .help(
            "Whether the last vipHook call of the group succeeded (1), failed (0) or is pending"
                + " (NaN).")
        .labelNames("group", "provider", "state")
        .callback(
            cb -> {
              for (GroupReport group : report.get().groups()) {
                CloudRouting routing = group.cloudRouting();
                if (routing != null) {
                  cb.call(
                      switch (routing.result()) {
                        case SUCCEEDED -> 1;
                        case FAILED -> 0;
                        case PENDING -> Double.NaN;
                      },
                      group.name(),
                      routing.provider(),
                      routing.state().name());
                }
              }
            })
        .register(registry);
    GaugeWithCallback.builder()
        .name("redisha_cloud_routing_attempts")
        .help("Attempts of the group's current vipHook request.")
        .labelNames("group", "provider", "state")
        .callback(
            cb -> {
              for (GroupReport group : report.get().groups()) {
                CloudRouting routing = group.cloudRouting();
                if (routing != null) {
                  cb.call(
                      routing.attempts(), group.name(), routing.provider(), routing.state().name());
                }
              }
            })
        .register(registry);
    GaugeWithCallback.builder()
        .name("redisha_link_usable")
        .help(
            "Whether the pair's interface can carry traffic (S11); while it cannot (0), every group"
                + " is in FAULT.")
        .labelNames("interface")
        .callback(
            cb -> {
              AgentReport.Link link = report.get().link();
              if (link != null) {
                cb.call(link.usable() ? 1 : 0, link.interfaceName());
              }
            })
        .register(registry);
    GaugeWithCallback.builder()
        .name("redisha_config_error")
        .help("Whether the last reload of the pair file was refused.")
        .callback(cb -> cb.call(configError.get() == null ? 0 : 1))
        .register(registry);
  }

  /** The Content-Type of {@link #render()}. */
  public String contentType() {
    return writer.getContentType();
  }

  /** The metrics in the Prometheus text format. */
  public String render() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      writer.write(out, registry.scrape());
    } catch (IOException e) {
      throw new UncheckedIOException("writing to memory failed", e);
    }
    return out.toString(StandardCharsets.UTF_8);
  }
}

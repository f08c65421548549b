package io.redisha.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import io.redisha.PrometheusText;
import io.redisha.api.AgentReport;
import io.redisha.api.AgentReport.CloudRouting;
import io.redisha.api.AgentReport.GroupReport;
import io.redisha.api.RedisRole;
import io.redisha.api.ReportedVrrpState;
import io.redisha.vrrp.DropCounters;
import io.redisha.vrrp.DropReason;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** What a Prometheus scraper reads from the agent's {@code /metrics}: names, labels, values. */
class AgentMetricsTest {
  static GroupReport group(
      String name,
      ReportedVrrpState state,
      RedisRole role,
      boolean healthy,
      long transitions,
      CloudRouting routing) {
    return new GroupReport(
        name,
        state,
        role,
        healthy,
        state == ReportedVrrpState.MASTER,
        100L,
        "r",
        null,
        transitions,
        null,
        "Lease",
        routing);
  }

  final AtomicReference<AgentReport> report = new AtomicReference<>();
  final DropCounters drops = new DropCounters();
  final Map<String, Long> latencies = new LinkedHashMap<>();
  final AtomicReference<String> configError = new AtomicReference<>();
  final AgentMetrics metrics =
      new AgentMetrics(report::get, () -> drops, () -> latencies, configError::get);

  void report(GroupReport... groups) {
    report.set(new AgentReport("cache", "vm-a", "t", 1L, null, List.of(groups)));
  }

  @Test
  void everyFamilyKeepsItsNameTypeHelpAndLabels() {
    report(
        group(
            "a",
            ReportedVrrpState.MASTER,
            RedisRole.MASTER,
            true,
            3,
            new CloudRouting(
                "aws", CloudRouting.Request.MASTER, CloudRouting.Result.SUCCEEDED, 2, null, "t")),
        group(
            "b",
            ReportedVrrpState.FAULT,
            RedisRole.UNKNOWN,
            false,
            1,
            new CloudRouting(
                "exec", CloudRouting.Request.BACKUP, CloudRouting.Result.PENDING, 0, null, "t")));
    drops.increment(DropReason.WRONG_SOURCE);
    drops.increment(DropReason.WRONG_SOURCE);
    drops.increment(DropReason.LOW_TTL);
    drops.incrementUnsignedAccepted();
    drops.incrementUnsignedAccepted();
    drops.incrementUnsignedAccepted();
    latencies.put("a", 1_500_000L);
    latencies.put("b", -1L);
    configError.set("vrrp.version: must be 2 or 3, not 4");

    PrometheusText scraped = PrometheusText.parse(metrics.render());

    Map<String, Double> expected = new LinkedHashMap<>();
    for (String g : List.of("a", "b")) {
      for (String state : List.of("INITIALIZE", "BACKUP", "MASTER", "FAULT")) {
        boolean held = (g.equals("a") ? "MASTER" : "FAULT").equals(state);
        expected.put(
            "redisha_vrrp_state{group=\"" + g + "\",state=\"" + state + "\"}", held ? 1.0 : 0.0);
      }
    }
    expected.put("redisha_vrrp_transitions_total{group=\"a\"}", 3.0);
    expected.put("redisha_vrrp_transitions_total{group=\"b\"}", 1.0);
    expected.put("redisha_vip_held{group=\"a\"}", 1.0);
    expected.put("redisha_vip_held{group=\"b\"}", 0.0);
    expected.put("redisha_redis_healthy{group=\"a\"}", 1.0);
    expected.put("redisha_redis_healthy{group=\"b\"}", 0.0);
    expected.put("redisha_health_check_seconds{group=\"a\"}", 0.0015);
    expected.put("redisha_health_check_seconds{group=\"b\"}", Double.NaN);
    for (DropReason reason : DropReason.values()) {
      expected.put(
          "redisha_vrrp_dropped_packets_total{reason=\"" + reason.label() + "\"}",
          (double) drops.get(reason));
    }
    expected.put("redisha_vrrp_unsigned_accepted_total", 3.0);
    expected.put("redisha_cloud_routing_ok{group=\"a\",provider=\"aws\",state=\"MASTER\"}", 1.0);
    expected.put(
        "redisha_cloud_routing_ok{group=\"b\",provider=\"exec\",state=\"BACKUP\"}", Double.NaN);
    expected.put(
        "redisha_cloud_routing_attempts{group=\"a\",provider=\"aws\",state=\"MASTER\"}", 2.0);
    expected.put(
        "redisha_cloud_routing_attempts{group=\"b\",provider=\"exec\",state=\"BACKUP\"}", 0.0);
    expected.put("redisha_config_error", 1.0);
    assertThat(scraped.samples()).containsExactlyInAnyOrderEntriesOf(expected);
    assertThat(scraped.value("redisha_vrrp_dropped_packets_total{reason=\"wrong_source\"}"))
        .isEqualTo(2.0);

    assertThat(scraped.types())
        .containsOnly(
            entry("redisha_vrrp_state", "gauge"),
            entry("redisha_vrrp_transitions_total", "counter"),
            entry("redisha_vip_held", "gauge"),
            entry("redisha_redis_healthy", "gauge"),
            entry("redisha_health_check_seconds", "gauge"),
            entry("redisha_vrrp_dropped_packets_total", "counter"),
            entry("redisha_vrrp_unsigned_accepted_total", "counter"),
            entry("redisha_cloud_routing_ok", "gauge"),
            entry("redisha_cloud_routing_attempts", "gauge"),
            entry("redisha_config_error", "gauge"));
    assertThat(scraped.help())
        .containsEntry(
            "redisha_vrrp_state", "Current VRRP state of each group (1 for the state held).")
        .containsEntry(
            "redisha_vrrp_dropped_packets_total", "VRRP packets refused, by reason (S8).")
        .containsEntry(
            "redisha_cloud_routing_ok",
            "Whether the last vipHook call of the group succeeded (1), failed (0) or is pending"
                + " (NaN).");
    assertThat(metrics.contentType()).startsWith("text/plain; version=0.0.4");
  }

  @Test
  void aGroupRemovedByAReloadLeavesTheNextScrape() {
    report(
        group("a", ReportedVrrpState.MASTER, RedisRole.MASTER, true, 1, null),
        group("b", ReportedVrrpState.BACKUP, RedisRole.REPLICA, true, 1, null));
    assertThat(PrometheusText.parse(metrics.render()).samples())
        .containsKey("redisha_vip_held{group=\"b\"}")
        .doesNotContainKey(
            "redisha_cloud_routing_ok{group=\"a\",provider=\"aws\",state=\"MASTER\"}");

    report(group("a", ReportedVrrpState.BACKUP, RedisRole.REPLICA, true, 2, null));
    PrometheusText scraped = PrometheusText.parse(metrics.render());
    assertThat(scraped.samples().keySet()).noneMatch(k -> k.contains("group=\"b\""));
    assertThat(scraped.value("redisha_vrrp_state{group=\"a\",state=\"BACKUP\"}")).isEqualTo(1.0);
    assertThat(scraped.value("redisha_vrrp_state{group=\"a\",state=\"MASTER\"}")).isZero();
    assertThat(scraped.value("redisha_config_error")).isZero();
  }
}

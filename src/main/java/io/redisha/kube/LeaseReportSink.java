package io.redisha.kube;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.redisha.agent.ReportSink;
import io.redisha.api.AgentReport;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's {@link ReportSink} under the operator: writes the latest report to the node's report
 * Lease ({@link ReportLease}), on change and as a heartbeat, as {@link ReportThrottle} decides.
 * {@link #publish} never blocks: it stores the report and hands the write to a single thread. A
 * heartbeat is written only when the agent has published since the last write, so a hung agent goes
 * stale instead of being kept alive by this class.
 */
public final class LeaseReportSink implements ReportSink, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LeaseReportSink.class);
  private static final Duration RETRY = Duration.ofSeconds(1);

  private final KubernetesClient client;
  private final String namespace;
  private final String pair;
  private final String pairUid;
  private final Clock clock;
  private final ScheduledExecutorService executor;
  private final ReportThrottle throttle = new ReportThrottle();

  private final AtomicReference<AgentReport> pending = new AtomicReference<>();
  // Touched only on the executor thread.
  private ScheduledFuture<?> scheduledFlush;
  private Instant scheduledAt;
  private volatile long writes;

  public LeaseReportSink(
      KubernetesClient client,
      String namespace,
      String pair,
      String pairUid,
      Clock clock,
      ScheduledExecutorService executor) {
    this.client = client;
    this.namespace = namespace;
    this.pair = pair;
    this.pairUid = pairUid;
    this.clock = clock;
    this.executor = executor;
  }

  /**
   * The sink for an agent started by the operator's DaemonSet: namespace, pair and pair uid from
   * the environment the DaemonSet sets.
   */
  public static LeaseReportSink fromEnvironment(KubernetesClient client) {
    String namespace = requireEnv(PairResources.ENV_NAMESPACE);
    String pair = requireEnv(PairResources.ENV_PAIR);
    ScheduledExecutorService executor =
        Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().name("report-sink").daemon().unstarted(r));
    return new LeaseReportSink(
        client,
        namespace,
        pair,
        System.getenv(PairResources.ENV_PAIR_UID),
        Clock.systemUTC(),
        executor);
  }

  private static String requireEnv(String name) {
    String value = System.getenv(name);
    if (value == null || value.isBlank()) {
      throw new IllegalStateException(
          "environment variable " + name + " is not set (the operator's DaemonSet sets it)");
    }
    return value;
  }

  @Override
  public void publish(AgentReport report) {
    pending.set(report);
    executor.execute(this::flushIfDue);
  }

  /** Reports written so far (for tests and the agent's metrics). */
  public long writes() {
    return writes;
  }

  private void flushIfDue() {
    AgentReport report = pending.get();
    if (report == null) {
      return;
    }
    Instant now = clock.instant();
    Instant due = throttle.dueAt(report, now);
    if (!due.isAfter(now)) {
      write(report, now);
    } else {
      scheduleFlush(due, now);
    }
  }

  private void scheduleFlush(Instant due, Instant now) {
    if (scheduledFlush != null && !scheduledFlush.isDone() && !scheduledAt.isAfter(due)) {
      return;
    }
    if (scheduledFlush != null) {
      scheduledFlush.cancel(false);
    }
    scheduledAt = due;
    scheduledFlush =
        executor.schedule(
            () -> {
              scheduledFlush = null;
              flushIfDue();
            },
            Duration.between(now, due).toMillis() + 1,
            TimeUnit.MILLISECONDS);
  }

  private void write(AgentReport report, Instant now) {
    Lease lease = ReportLease.build(namespace, pair, pairUid, report, now);
    try {
      try {
        // Only what changes: labels and owner stay as created.
        Lease update = new Lease();
        update.setMetadata(
            new ObjectMetaBuilder().withAnnotations(lease.getMetadata().getAnnotations()).build());
        update.setSpec(lease.getSpec());
        client
            .leases()
            .inNamespace(namespace)
            .withName(lease.getMetadata().getName())
            .patch(PatchContext.of(PatchType.JSON_MERGE), Serialization.asJson(update));
      } catch (KubernetesClientException e) {
        if (e.getCode() != 404) {
          throw e;
        }
        client.leases().inNamespace(namespace).resource(lease).create();
      }
      throttle.written(report, now);
      writes++;
      pending.compareAndSet(report, null);
    } catch (RuntimeException e) {
      LOG.warn("cannot write report Lease {}: {}", lease.getMetadata().getName(), e.toString());
      scheduleFlush(now.plus(RETRY), now);
    }
  }

  @Override
  public void close() {
    executor.shutdown();
  }
}

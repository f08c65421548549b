package io.redisha.kube;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.redisha.api.AgentReport;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Map;
import java.util.Optional;

/**
 * The carrier of an agent's report: one Lease per node and pair, named by {@link
 * PairResources#reportLeaseName}. The report is the JSON annotation {@code redisha.io/report};
 * {@code spec.renewTime} is when the agent last wrote it and {@code spec.leaseDurationSeconds} how
 * long the operator may trust it without a new write. The Lease is owned by the pair, so the
 * garbage collector removes it with the pair.
 */
public final class ReportLease {
  private ReportLease() {}

  private static final ObjectMapper JSON =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  /** A report as the operator reads it from a Lease. */
  public record ReceivedReport(AgentReport report, Instant renewTime, Duration validFor) {
    /** Whether the report is still to be trusted at {@code now}. */
    public boolean isFreshAt(Instant now) {
      return now.isBefore(renewTime.plus(validFor));
    }

    /** When the report stops being trusted. */
    public Instant expiresAt() {
      return renewTime.plus(validFor);
    }
  }

  /** The Lease carrying {@code report}, written at {@code now}. */
  public static Lease build(
      String namespace, String pair, String pairUid, AgentReport report, Instant now) {
    ObjectMetaBuilder meta =
        new ObjectMetaBuilder()
            .withName(PairResources.reportLeaseName(pair, report.node()))
            .withNamespace(namespace)
            .withLabels(PairResources.reportLabels(pair))
            .withAnnotations(Map.of(PairResources.ANNOTATION_REPORT, toJson(report)));
    if (pairUid != null && !pairUid.isBlank()) {
      meta.withOwnerReferences(
          new OwnerReferenceBuilder()
              .withApiVersion("redisha.io/v1alpha1")
              .withKind("RedisHAPair")
              .withName(pair)
              .withUid(pairUid)
              .build());
    }
    return new LeaseBuilder()
        .withMetadata(meta.build())
        .withNewSpec()
        .withHolderIdentity(report.node())
        .withLeaseDurationSeconds(PairResources.REPORT_LEASE_SECONDS)
        .withRenewTime(ZonedDateTime.ofInstant(now, ZoneOffset.UTC))
        .endSpec()
        .build();
  }

  /** The report a Lease carries, if it carries a readable one. */
  public static Optional<ReceivedReport> read(Lease lease) {
    Map<String, String> annotations = lease.getMetadata().getAnnotations();
    String json = annotations == null ? null : annotations.get(PairResources.ANNOTATION_REPORT);
    if (json == null || lease.getSpec() == null || lease.getSpec().getRenewTime() == null) {
      return Optional.empty();
    }
    try {
      AgentReport report = JSON.readValue(json, AgentReport.class);
      if (report.node() == null) {
        return Optional.empty();
      }
      Integer seconds = lease.getSpec().getLeaseDurationSeconds();
      return Optional.of(
          new ReceivedReport(
              report,
              lease.getSpec().getRenewTime().toInstant(),
              Duration.ofSeconds(seconds == null ? PairResources.REPORT_LEASE_SECONDS : seconds)));
    } catch (JsonProcessingException e) {
      return Optional.empty();
    }
  }

  static String toJson(AgentReport report) {
    try {
      return JSON.writeValueAsString(report);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write report", e);
    }
  }
}

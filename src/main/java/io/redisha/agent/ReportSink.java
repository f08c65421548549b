package io.redisha.agent;

import io.redisha.api.AgentReport;

/**
 * Where an agent sends its report: nowhere in standalone mode (the local {@code /status} endpoint
 * serves it), to the Kubernetes API under the operator.
 */
public interface ReportSink {
  /**
   * Called on every change and at least every few seconds with the latest report. Must not block:
   * implementations coalesce and rate-limit writes themselves.
   */
  void publish(AgentReport report);

  /** A sink that drops every report. */
  ReportSink NONE = report -> {};
}

package io.redisha.kube;

import io.redisha.api.AgentReport;
import io.redisha.api.AgentReport.GroupReport;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Decides when an agent's report is written to the API server: a change of state at once (but
 * coalesced: at most one write per {@link #MIN_SPACING}), an unchanged report only as a heartbeat
 * once per {@link #HEARTBEAT}. Replication offsets, lag and the report time change all the time and
 * so ride along with the next write instead of causing one. Pure: the caller passes the time.
 */
public final class ReportThrottle {
  public static final Duration MIN_SPACING = Duration.ofMillis(250);
  public static final Duration HEARTBEAT = Duration.ofSeconds(10);

  private AgentReport lastWritten;
  private Instant lastWriteAt;

  /** When {@code pending} is due to be written; {@code now} or later. */
  public Instant dueAt(AgentReport pending, Instant now) {
    if (lastWritten == null) {
      return now;
    }
    Instant due =
        sameState(pending, lastWritten)
            ? lastWriteAt.plus(HEARTBEAT)
            : lastWriteAt.plus(MIN_SPACING);
    return due.isAfter(now) ? due : now;
  }

  /** Records a successful write. */
  public void written(AgentReport report, Instant at) {
    lastWritten = report;
    lastWriteAt = at;
  }

  /** Whether two reports say the same thing, apart from the fields that change all the time. */
  public static boolean sameState(AgentReport a, AgentReport b) {
    return Objects.equals(stable(a), stable(b));
  }

  private static AgentReport stable(AgentReport r) {
    List<GroupReport> groups =
        r.groups() == null
            ? null
            : r.groups().stream()
                .map(
                    g ->
                        new GroupReport(
                            g.name(),
                            g.vrrpState(),
                            g.redisRole(),
                            g.healthy(),
                            g.holdsVip(),
                            null,
                            g.replicationId(),
                            null,
                            g.transitions(),
                            g.lastTransition(),
                            g.protection(),
                            g.cloudRouting() == null
                                ? null
                                : new AgentReport.CloudRouting(
                                    g.cloudRouting().provider(),
                                    g.cloudRouting().state(),
                                    g.cloudRouting().result(),
                                    0,
                                    g.cloudRouting().error(),
                                    null),
                            g.fault()))
                .toList();
    return new AgentReport(
        r.pair(), r.node(), null, r.configGeneration(), r.configError(), groups, r.link());
  }
}

package io.redisha.operator;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.redisha.api.RedisHAPair;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records a Kubernetes Event on the pair for every failover ({@code kubectl describe} shows them).
 * The Event name is derived from the group, its failover count and the failover time, so a failover
 * recorded twice (status patch failed, reconcile repeated) makes one Event.
 */
public final class FailoverEvents {
  private static final Logger LOG = LoggerFactory.getLogger(FailoverEvents.class);

  public static final String REASON = "Failover";
  public static final String COMPONENT = "redisha-operator";

  private FailoverEvents() {}

  /** The Event for {@code failover} of {@code pair}. Pure. */
  public static Event build(RedisHAPair pair, Failover failover, Instant now) {
    String time = now.truncatedTo(ChronoUnit.SECONDS).toString();
    String name =
        (pair.getMetadata().getName()
                + "."
                + failover.group()
                + "."
                + failover.count()
                + "-"
                + Long.toHexString(Math.abs(failover.time().hashCode())))
            .toLowerCase(Locale.ROOT);
    return new EventBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(pair.getMetadata().getNamespace())
        .endMetadata()
        .withNewInvolvedObject()
        .withApiVersion(pair.getApiVersion())
        .withKind(pair.getKind())
        .withName(pair.getMetadata().getName())
        .withNamespace(pair.getMetadata().getNamespace())
        .withUid(pair.getMetadata().getUid())
        .withResourceVersion(pair.getMetadata().getResourceVersion())
        .endInvolvedObject()
        .withType("Warning")
        .withReason(REASON)
        .withMessage(failover.message())
        .withNewSource()
        .withComponent(COMPONENT)
        .endSource()
        .withReportingComponent(COMPONENT)
        .withFirstTimestamp(time)
        .withLastTimestamp(time)
        .withCount(1)
        .build();
  }

  /** Creates the Event; an Event that exists already is fine, other errors are logged. */
  public static void record(
      KubernetesClient client, RedisHAPair pair, Failover failover, Instant now) {
    Event event = build(pair, failover, now);
    try {
      client.v1().events().inNamespace(pair.getMetadata().getNamespace()).resource(event).create();
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) {
        LOG.warn(
            "cannot record failover Event {}: {}", event.getMetadata().getName(), e.getMessage());
      }
    }
  }
}

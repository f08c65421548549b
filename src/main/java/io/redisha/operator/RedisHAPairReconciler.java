package io.redisha.operator;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeAddress;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetStatus;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.Workflow;
import io.javaoperatorsdk.operator.api.reconciler.dependent.Dependent;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.redisha.api.NodeSpec;
import io.redisha.api.RedisHAPair;
import io.redisha.api.RedisHAPairStatus;
import io.redisha.kube.PairResources;
import io.redisha.kube.ReportLease;
import io.redisha.kube.ReportLease.ReceivedReport;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reconciles a RedisHAPair: checks the spec, and only when it is sound makes sure the agents' token
 * Secret exists ({@link AgentTokenSecret}) and lets the dependents (ServiceAccount, Role,
 * RoleBinding, ConfigMap, DaemonSet) converge on it; then turns the agents' report Leases into the
 * status and records an Event for every failover. A spec that fails the check leaves every owned
 * object as it was and says why in the conditions (S9).
 */
@Workflow(
    explicitInvocation = true,
    dependents = {
      @Dependent(type = AgentServiceAccountDependent.class, name = "service-account"),
      @Dependent(type = AgentRoleDependent.class, name = "role"),
      @Dependent(
          type = AgentRoleBindingDependent.class,
          name = "role-binding",
          dependsOn = {"service-account", "role"}),
      @Dependent(type = PairConfigMapDependent.class, name = "config"),
      @Dependent(
          type = AgentDaemonSetDependent.class,
          name = "daemon-set",
          dependsOn = {"config", "role-binding"})
    })
@ControllerConfiguration(name = RedisHAPairReconciler.NAME)
public class RedisHAPairReconciler implements Reconciler<RedisHAPair> {
  private static final Logger LOG = LoggerFactory.getLogger(RedisHAPairReconciler.class);

  public static final String NAME = "redishapair";

  /** Selector of the objects the operator owns (its dependents' informers watch only these). */
  public static final String OWNED_SELECTOR = PairResources.OWNED_SELECTOR;

  private static final String DESIRED = "redisha.desired";

  private final AgentSettings settings;
  private final OperatorConfig config;
  private final Clock clock;
  private final boolean serverSideApply;
  private final OperatorMetrics metrics;
  private final AgentTokenSecret tokens = new AgentTokenSecret(new SecureRandom());

  /**
   * @param settings how the agents run
   * @param clock the time for conditions and report freshness
   * @param serverSideApply patch status with SSA (production) or JSON patch (mock API server)
   * @param metrics where to count
   */
  public RedisHAPairReconciler(
      AgentSettings settings, Clock clock, boolean serverSideApply, OperatorMetrics metrics) {
    this(settings, OperatorConfig.EMPTY, clock, serverSideApply, metrics);
  }

  /**
   * @param settings how the agents run
   * @param config the cluster admin's configuration: the hooks pairs may name, the agents'
   *     tolerations
   * @param clock the time for conditions and report freshness
   * @param serverSideApply patch status with SSA (production) or JSON patch (mock API server)
   * @param metrics where to count
   */
  public RedisHAPairReconciler(
      AgentSettings settings,
      OperatorConfig config,
      Clock clock,
      boolean serverSideApply,
      OperatorMetrics metrics) {
    this.settings = settings;
    this.config = config;
    this.clock = clock;
    this.serverSideApply = serverSideApply;
    this.metrics = metrics;
  }

  /** What the dependents build, computed once per reconciliation by this class. */
  static AgentResources.Desired desiredOf(Context<RedisHAPair> context) {
    return context
        .managedWorkflowAndDependentResourceContext()
        .getMandatory(DESIRED, AgentResources.Desired.class);
  }

  @Override
  public List<EventSource<?, RedisHAPair>> prepareEventSources(
      EventSourceContext<RedisHAPair> context) {
    var reports =
        InformerEventSourceConfiguration.from(Lease.class, RedisHAPair.class)
            .withName("reports")
            .withLabelSelector(PairResources.reportSelector())
            .withSecondaryToPrimaryMapper(
                lease -> {
                  String pair = lease.getMetadata().getLabels().get(PairResources.LABEL_PAIR);
                  return pair == null
                      ? Set.of()
                      : Set.of(new ResourceID(pair, lease.getMetadata().getNamespace()));
                })
            .build();
    var nodes =
        InformerEventSourceConfiguration.from(Node.class, RedisHAPair.class)
            .withName("nodes")
            // Nodes have no namespace: one informer for the cluster, also when the operator
            // watches only some namespaces (its ClusterRole then reads nodes and writes nothing).
            .withWatchAllNamespaces()
            .withSecondaryToPrimaryMapper(
                node ->
                    context
                        .getPrimaryCache()
                        .list(pair -> namesNode(pair, node.getMetadata().getName()))
                        .map(ResourceID::fromResource)
                        .collect(Collectors.toSet()))
            .withPrimaryToSecondaryMapper(
                (RedisHAPair pair) ->
                    pair.getSpec() == null || pair.getSpec().getNodes() == null
                        ? Set.of()
                        : pair.getSpec().getNodes().stream()
                            .map(n -> new ResourceID(n.getName()))
                            .collect(Collectors.toSet()))
            .withOnUpdateFilter(
                (newNode, oldNode) -> !internalIp(newNode).equals(internalIp(oldNode)))
            .build();
    return List.of(
        new InformerEventSource<>(reports, context), new InformerEventSource<>(nodes, context));
  }

  private static boolean namesNode(RedisHAPair pair, String node) {
    return pair.getSpec() != null
        && pair.getSpec().getNodes() != null
        && pair.getSpec().getNodes().stream().map(NodeSpec::getName).anyMatch(node::equals);
  }

  @Override
  public UpdateControl<RedisHAPair> reconcile(RedisHAPair pair, Context<RedisHAPair> context) {
    metrics.reconciled();
    Instant now = clock.instant();
    Map<String, String> addresses = new HashMap<>();
    for (Node node : context.getSecondaryResources(Node.class)) {
      String ip = internalIp(node);
      if (!ip.isEmpty()) {
        addresses.put(node.getMetadata().getName(), ip);
      }
    }
    List<String> problems =
        new ArrayList<>(PairValidator.validate(pair.getSpec(), addresses, config.hooks()));
    problems.addAll(
        LeaseNameConflicts.find(
            pair, context.getPrimaryCache().list(pair.getMetadata().getNamespace()).toList()));
    if (problems.isEmpty()) {
      // Before the DaemonSet: its pods mount the Secret and would not start without it.
      tokens.ensure(context.getClient(), pair);
      var workflow = context.managedWorkflowAndDependentResourceContext();
      workflow.put(DESIRED, AgentResources.desired(pair, addresses, settings, config));
      workflow.reconcileManagedWorkflow();
    } else {
      metrics.specRejected();
      LOG.info(
          "{}/{} generation {} not applied: {}",
          pair.getMetadata().getNamespace(),
          pair.getMetadata().getName(),
          pair.getMetadata().getGeneration(),
          problems);
    }

    Map<String, ReceivedReport> reports = new HashMap<>();
    for (Lease lease : context.getSecondaryResources(Lease.class)) {
      ReportLease.read(lease)
          .ifPresent(
              r ->
                  reports.merge(
                      r.report().node(),
                      r,
                      (a, b) -> a.renewTime().isAfter(b.renewTime()) ? a : b));
    }
    PairStatusAggregator.Rollout rollout =
        context
            .getSecondaryResource(DaemonSet.class)
            .map(RedisHAPairReconciler::rollout)
            .orElse(null);
    var result = PairStatusAggregator.aggregate(pair, problems, reports, rollout, now);

    for (Failover failover : result.failovers()) {
      FailoverEvents.record(context.getClient(), pair, failover, now);
      metrics.failoverRecorded();
    }
    metrics.observed(pair, result.status());

    UpdateControl<RedisHAPair> control;
    if (Objects.equals(result.status(), pair.getStatus())) {
      control = UpdateControl.noUpdate();
    } else {
      metrics.statusPatched();
      control = UpdateControl.patchStatus(withStatus(pair, result.status()));
    }
    result
        .recheckAt()
        .ifPresent(t -> control.rescheduleAfter(Duration.between(now, t).plusMillis(200)));
    return control;
  }

  @Override
  public ErrorStatusUpdateControl<RedisHAPair> updateErrorStatus(
      RedisHAPair pair, Context<RedisHAPair> context, Exception e) {
    metrics.reconcileFailed();
    LOG.warn(
        "reconciling {}/{} failed: {}",
        pair.getMetadata().getNamespace(),
        pair.getMetadata().getName(),
        e.toString());
    RedisHAPairStatus status = copyOf(pair.getStatus());
    List<io.fabric8.kubernetes.api.model.Condition> conditions =
        new ArrayList<>(status.getConditions() == null ? List.of() : status.getConditions());
    conditions.removeIf(c -> Conditions.PROGRESSING.equals(c.getType()));
    conditions.add(
        Conditions.of(
            pair.getStatus() == null ? null : pair.getStatus().getConditions(),
            Conditions.PROGRESSING,
            false,
            Conditions.ProgressingReason.RECONCILE_ERROR,
            String.valueOf(e.getMessage()),
            AgentResources.generation(pair),
            clock.instant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString()));
    status.setConditions(conditions);
    return ErrorStatusUpdateControl.patchStatus(withStatus(pair, status));
  }

  /**
   * The object to patch the status from: with SSA a fresh object holding only name, namespace and
   * status (so the operator claims no other field); without, the primary itself, diffed.
   */
  private RedisHAPair withStatus(RedisHAPair pair, RedisHAPairStatus status) {
    if (!serverSideApply) {
      pair.setStatus(status);
      return pair;
    }
    RedisHAPair fresh = new RedisHAPair();
    fresh.setMetadata(
        new ObjectMetaBuilder()
            .withName(pair.getMetadata().getName())
            .withNamespace(pair.getMetadata().getNamespace())
            .build());
    fresh.setStatus(status);
    return fresh;
  }

  private static RedisHAPairStatus copyOf(RedisHAPairStatus status) {
    return status == null
        ? new RedisHAPairStatus()
        : PairFileRenderer.YAML.convertValue(status, RedisHAPairStatus.class);
  }

  private static PairStatusAggregator.Rollout rollout(DaemonSet ds) {
    DaemonSetStatus s = ds.getStatus();
    if (s == null || s.getDesiredNumberScheduled() == null) {
      return null;
    }
    Long observed = s.getObservedGeneration();
    Long generation = ds.getMetadata().getGeneration();
    int updated = s.getUpdatedNumberScheduled() == null ? 0 : s.getUpdatedNumberScheduled();
    if (observed != null && generation != null && observed < generation) {
      updated = 0;
    }
    return new PairStatusAggregator.Rollout(
        s.getDesiredNumberScheduled(),
        updated,
        s.getNumberReady() == null ? 0 : s.getNumberReady());
  }

  static String internalIp(Node node) {
    if (node.getStatus() == null || node.getStatus().getAddresses() == null) {
      return "";
    }
    return node.getStatus().getAddresses().stream()
        .filter(a -> "InternalIP".equals(a.getType()))
        .map(NodeAddress::getAddress)
        .filter(a -> a != null && a.indexOf(':') < 0)
        .findFirst()
        .orElse("");
  }
}

package io.redisha.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.javaoperatorsdk.operator.Operator;
import io.redisha.api.AgentReport;
import io.redisha.api.AgentReport.GroupReport;
import io.redisha.api.AgentReport.Transition;
import io.redisha.api.GeneratedCrd;
import io.redisha.api.HealthCheckSpec;
import io.redisha.api.InstanceSpec;
import io.redisha.api.InstanceStatus;
import io.redisha.api.PrinterColumns;
import io.redisha.api.RedisHAPair;
import io.redisha.api.RedisRole;
import io.redisha.api.ReportedVrrpState;
import io.redisha.kube.LeaseReportSink;
import io.redisha.kube.PairResources;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The operator against fabric8's mock API server in CRUD mode, with the generated CRD applied first
 * (so status is a subresource) and server-side apply off. The agents' reports are written by {@link
 * LeaseReportSink}, the class the agents use.
 */
@EnableKubernetesMockClient(crud = true)
class RedisHAPairOperatorIT {
  static final String NS = "redis";
  static final Duration WAIT = Duration.ofSeconds(30);

  KubernetesClient client;
  Operator operator;
  final List<Agent> sinks = new ArrayList<>();

  /**
   * Stands in for one agent: publishes through the real {@link LeaseReportSink} and, like the agent
   * runtime, publishes its latest report again every few seconds (the heartbeat that keeps a live
   * agent's report fresh however slow the test machine is).
   */
  static final class Agent implements AutoCloseable {
    final LeaseReportSink sink;
    final ScheduledExecutorService heartbeat = Executors.newSingleThreadScheduledExecutor();
    volatile AgentReport latest;

    Agent(LeaseReportSink sink) {
      this.sink = sink;
      heartbeat.scheduleWithFixedDelay(
          () -> {
            AgentReport report = latest;
            if (report != null) {
              sink.publish(report);
            }
          },
          2,
          2,
          TimeUnit.SECONDS);
    }

    void publish(AgentReport report) {
      latest = report;
      sink.publish(report);
    }

    @Override
    public void close() {
      heartbeat.shutdownNow();
      sink.close();
    }
  }

  @BeforeEach
  void startOperator() {
    CustomResourceDefinition crd =
        client
            .apiextensions()
            .v1()
            .customResourceDefinitions()
            .load(
                new ByteArrayInputStream(GeneratedCrd.committed().getBytes(StandardCharsets.UTF_8)))
            .item();
    client.apiextensions().v1().customResourceDefinitions().resource(crd).create();
    node("vm-a", "192.0.2.11");
    node("vm-b", "192.0.2.12");
    operator =
        new Operator(
            o ->
                o.withKubernetesClient(client)
                    .withCloseClientOnStop(false)
                    .checkingCRDAndValidateLocalModel(false)
                    .withSSABasedCreateUpdateMatchForDependentResources(false)
                    .withUseSSAToPatchPrimaryResource(false));
    operator.register(
        new RedisHAPairReconciler(
            AgentSettings.defaults("redisha/redisha:test"),
            Clock.systemUTC(),
            false,
            new OperatorMetrics()));
    operator.start();
  }

  @AfterEach
  void stopOperator() {
    sinks.forEach(Agent::close);
    operator.stop();
  }

  private void node(String name, String ip) {
    client
        .nodes()
        .resource(
            new NodeBuilder()
                .withNewMetadata()
                .withName(name)
                .addToLabels("kubernetes.io/hostname", name)
                .endMetadata()
                .withNewStatus()
                .addNewAddress()
                .withType("InternalIP")
                .withAddress(ip)
                .endAddress()
                .endStatus()
                .build())
        .create();
  }

  static final String PAIR =
      """
      apiVersion: redisha.io/v1alpha1
      kind: RedisHAPair
      metadata: {name: cache, namespace: redis}
      spec:
        nodes: [{name: vm-a}, {name: vm-b}]
        interface: eth0
        vrrp: {version: 3, advertIntervalMillis: 100}
        splitBrainProtection: Lease
        redis: {passwordSecretRef: {name: cache-redis, key: password}}
        instances:
        - {name: a, port: 6379, vip: 192.0.2.100/24, virtualRouterId: 51, preferredMaster: vm-a}
        - {name: b, port: 6389, vip: 192.0.2.101/24, virtualRouterId: 52, preferredMaster: vm-b}
      """;

  private RedisHAPair createPair() {
    return createPair(PAIR);
  }

  private RedisHAPair createPair(String yaml) {
    RedisHAPair pair =
        client
            .resources(RedisHAPair.class)
            .load(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)))
            .item();
    return client.resources(RedisHAPair.class).inNamespace(NS).resource(pair).create();
  }

  private String daemonSetVersion(String name) {
    return client
        .apps()
        .daemonSets()
        .inNamespace(NS)
        .withName(name)
        .get()
        .getMetadata()
        .getResourceVersion();
  }

  private RedisHAPair pair() {
    return client.resources(RedisHAPair.class).inNamespace(NS).withName("cache").get();
  }

  private static Condition condition(RedisHAPair pair, String type) {
    return pair.getStatus() == null
        ? null
        : Conditions.find(pair.getStatus().getConditions(), type);
  }

  private Agent sink(RedisHAPair pair) {
    Agent sink =
        new Agent(
            new LeaseReportSink(
                client,
                NS,
                "cache",
                pair.getMetadata().getUid(),
                Clock.systemUTC(),
                Executors.newSingleThreadScheduledExecutor()));
    sinks.add(sink);
    return sink;
  }

  static AgentReport report(String node, long generation, GroupReport... groups) {
    return new AgentReport(
        "cache", node, Instant.now().toString(), generation, null, List.of(groups));
  }

  static GroupReport master(String group, String reason) {
    return new GroupReport(
        group,
        ReportedVrrpState.MASTER,
        RedisRole.MASTER,
        true,
        true,
        4242L,
        "8c1f",
        null,
        1,
        new Transition(
            ReportedVrrpState.BACKUP, ReportedVrrpState.MASTER, reason, Instant.now().toString()),
        "Lease held");
  }

  static GroupReport backup(String group) {
    return new GroupReport(
        group,
        ReportedVrrpState.BACKUP,
        RedisRole.REPLICA,
        true,
        false,
        4242L,
        "8c1f",
        0L,
        1,
        new Transition(
            ReportedVrrpState.INITIALIZE,
            ReportedVrrpState.BACKUP,
            "started",
            Instant.now().toString()),
        "Lease");
  }

  @Test
  void creatingAPairMakesEveryDependentWithOwnerReferences() {
    RedisHAPair pair = createPair();
    String agent = PairResources.agentName("cache");
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              for (Class<? extends HasMetadata> kind :
                  List.of(ServiceAccount.class, Role.class, RoleBinding.class, DaemonSet.class)) {
                HasMetadata owned = client.resources(kind).inNamespace(NS).withName(agent).get();
                assertThat(owned).as(kind.getSimpleName()).isNotNull();
                assertOwnedBy(owned, pair);
              }
              ConfigMap cm =
                  client
                      .configMaps()
                      .inNamespace(NS)
                      .withName(PairResources.configMapName("cache"))
                      .get();
              assertThat(cm).isNotNull();
              assertOwnedBy(cm, pair);
            });

    ConfigMap cm =
        client.configMaps().inNamespace(NS).withName(PairResources.configMapName("cache")).get();
    String file = cm.getData().get(PairResources.PAIR_FILE_KEY);
    System.out.println("--- rendered " + PairResources.PAIR_FILE + " ---\n" + file);
    assertThat(file)
        .contains("name: vm-a", "address: 192.0.2.11", "address: 192.0.2.12")
        .contains("passwordFile: /var/run/secrets/redisha/redis/password")
        .doesNotContain("passwordSecretRef");
    assertThat(cm.getData()).containsEntry(PairResources.GENERATION_KEY, "1");

    DaemonSet ds = client.apps().daemonSets().inNamespace(NS).withName(agent).get();
    PodSpec pod = ds.getSpec().getTemplate().getSpec();
    var container = pod.getContainers().getFirst();
    assertThat(pod.getHostNetwork()).isTrue();
    assertThat(container.getSecurityContext().getPrivileged()).isFalse();
    assertThat(container.getSecurityContext().getCapabilities().getAdd())
        .containsExactly("NET_ADMIN", "NET_RAW");
    assertThat(container.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(
            pod.getAffinity()
                .getNodeAffinity()
                .getRequiredDuringSchedulingIgnoredDuringExecution()
                .getNodeSelectorTerms()
                .getFirst()
                .getMatchExpressions()
                .getFirst()
                .getValues())
        .containsExactly("vm-a", "vm-b");
    assertThat(container.getEnv())
        .anySatisfy(
            e -> {
              assertThat(e.getName()).isEqualTo(PairResources.ENV_NODE_NAME);
              assertThat(e.getValueFrom().getFieldRef().getFieldPath()).isEqualTo("spec.nodeName");
            });
    assertThat(container.getArgs())
        .containsExactly(
            "agent",
            "--config",
            PairResources.PAIR_FILE,
            "--node",
            "$(" + PairResources.ENV_NODE_NAME + ")",
            "--kubernetes",
            "--http-port",
            Integer.toString(PairResources.AGENT_HTTP_PORT),
            "--api-token-file",
            PairResources.API_TOKEN_FILE,
            "--probe-port",
            Integer.toString(PairResources.AGENT_PROBE_PORT));
    assertThat(container.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/readyz");
    assertThat(container.getResources().getRequests()).containsKeys("cpu", "memory");
    assertThat(container.getResources().getLimits()).containsKeys("cpu", "memory");
    assertThat(pod.getTerminationGracePeriodSeconds()).isEqualTo(30L);
    assertThat(ds.getSpec().getUpdateStrategy().getRollingUpdate().getMaxUnavailable().getIntVal())
        .isEqualTo(1);
    assertThat(pod.getVolumes())
        .anySatisfy(
            v ->
                assertThat(v.getSecret() == null ? null : v.getSecret().getSecretName())
                    .isEqualTo("cache-redis"));
  }

  private static void assertOwnedBy(HasMetadata owned, RedisHAPair pair) {
    assertThat(owned.getMetadata().getOwnerReferences())
        .as(owned.getKind() + " " + owned.getMetadata().getName())
        .singleElement()
        .satisfies(
            ref -> {
              assertThat(ref.getUid()).isEqualTo(pair.getMetadata().getUid());
              assertThat(ref.getKind()).isEqualTo("RedisHAPair");
            });
  }

  private RedisHAPair runningPair() {
    RedisHAPair pair = createPair();
    sink(pair).publish(report("vm-a", 1, master("a", "elected"), backup("b")));
    sink(pair).publish(report("vm-b", 1, backup("a"), master("b", "elected")));
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              RedisHAPair p = pair();
              assertThat(condition(p, Conditions.READY)).isNotNull();
              assertThat(condition(p, Conditions.READY).getStatus()).isEqualTo("True");
              assertThat(condition(p, Conditions.DEGRADED).getStatus()).isEqualTo("False");
            });
    return pair();
  }

  @Test
  void agentReportsBecomeTheStatusAndConditions() {
    RedisHAPair pair = runningPair();
    assertThat(pair.getStatus().getMasters()).isEqualTo("a=vm-a,b=vm-b");
    assertThat(pair.getStatus().getObservedGeneration()).isEqualTo(1L);
    assertThat(pair.getStatus().getFailovers()).isZero();
    assertThat(pair.getStatus().getConditions())
        .extracting(Condition::getType, Condition::getStatus, Condition::getObservedGeneration)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("Ready", "True", 1L),
            org.assertj.core.groups.Tuple.tuple("Degraded", "False", 1L),
            org.assertj.core.groups.Tuple.tuple("SplitBrain", "False", 1L),
            org.assertj.core.groups.Tuple.tuple("Progressing", "False", 1L));
    InstanceStatus a = pair.getStatus().getInstances().getFirst();
    assertThat(a.getMaster()).isEqualTo("vm-a");
    assertThat(a.getNodes())
        .extracting(n -> n.getName() + ":" + n.getVrrpState() + ":" + n.getRedisRole())
        .containsExactly("vm-a:MASTER:master", "vm-b:BACKUP:replica");
    PrinterColumns columns = new PrinterColumns(GeneratedCrd.committed());
    System.out.println(
        "$ kubectl get redishapairs -n redis\n"
            + columns.table(List.of(pair), false, Instant.now()));
    System.out.println(
        "$ kubectl get redishapairs -n redis -o wide\n"
            + columns.table(List.of(pair), true, Instant.now()));

    // The replica of group b on vm-a falls ill: Degraded turns True, Ready stays True and keeps
    // its lastTransitionTime.
    String readySince = condition(pair, Conditions.READY).getLastTransitionTime();
    GroupReport sickReplica =
        new GroupReport(
            "b",
            ReportedVrrpState.FAULT,
            RedisRole.UNKNOWN,
            false,
            false,
            null,
            null,
            null,
            2,
            new Transition(
                ReportedVrrpState.BACKUP,
                ReportedVrrpState.FAULT,
                "Redis health check failed",
                Instant.now().toString()),
            "Lease");
    sinks.getFirst().publish(report("vm-a", 1, master("a", "elected"), sickReplica));
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              RedisHAPair p = pair();
              assertThat(condition(p, Conditions.DEGRADED).getStatus()).isEqualTo("True");
              assertThat(condition(p, Conditions.DEGRADED).getReason())
                  .isEqualTo("ReplicaNotFollowing");
              assertThat(condition(p, Conditions.DEGRADED).getMessage())
                  .contains("group b on vm-a: FAULT");
              assertThat(condition(p, Conditions.READY).getStatus()).isEqualTo("True");
              assertThat(condition(p, Conditions.READY).getLastTransitionTime())
                  .isEqualTo(readySince);
            });
    System.out.println(
        "$ kubectl get redishapairs -n redis -o wide   # replica of b on vm-a down\n"
            + columns.table(List.of(pair()), true, Instant.now()));
  }

  @Test
  void aFailoverReportMakesAnEventAndCountsIt() {
    runningPair();
    sinks
        .get(1)
        .publish(
            report(
                "vm-b",
                1,
                master("a", "no advert from 192.0.2.11 for 3 intervals"),
                master("b", "elected")));
    sinks
        .get(0)
        .publish(
            report(
                "vm-a",
                1,
                new GroupReport(
                    "a",
                    ReportedVrrpState.FAULT,
                    RedisRole.UNKNOWN,
                    false,
                    false,
                    null,
                    null,
                    null,
                    2,
                    new Transition(
                        ReportedVrrpState.MASTER,
                        ReportedVrrpState.FAULT,
                        "Redis down",
                        Instant.now().toString()),
                    "Lease"),
                backup("b")));
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              RedisHAPair p = pair();
              assertThat(p.getStatus().getFailovers())
                  .as(
                      "%s %s",
                      p.getStatus().getMessage(),
                      client.leases().inNamespace(NS).list().getItems().stream()
                          .map(
                              l ->
                                  l.getMetadata().getAnnotations()
                                      + " "
                                      + l.getSpec().getRenewTime())
                          .toList())
                  .isEqualTo(1L);
              assertThat(p.getStatus().getMasters()).isEqualTo("a=vm-b,b=vm-b");
              InstanceStatus a = p.getStatus().getInstances().getFirst();
              assertThat(a.getFailovers()).isEqualTo(1L);
              assertThat(a.getLastFailoverReason())
                  .isEqualTo("no advert from 192.0.2.11 for 3 intervals");
              List<Event> events = client.v1().events().inNamespace(NS).list().getItems();
              assertThat(events)
                  .singleElement()
                  .satisfies(
                      e -> {
                        assertThat(e.getReason()).isEqualTo("Failover");
                        assertThat(e.getType()).isEqualTo("Warning");
                        assertThat(e.getInvolvedObject().getName()).isEqualTo("cache");
                        assertThat(e.getMessage())
                            .isEqualTo(
                                "group a: master moved from vm-a to vm-b"
                                    + " (no advert from 192.0.2.11 for 3 intervals), failover 1");
                      });
            });
    RedisHAPair p = pair();
    System.out.println(
        "$ kubectl get redishapairs -n redis   # after the failover of group a\n"
            + new PrinterColumns(GeneratedCrd.committed()).table(List.of(p), false, Instant.now()));
    System.out.println("$ kubectl describe redishapair cache -n redis   # (conditions and events)");
    for (Condition c : p.getStatus().getConditions()) {
      System.out.printf(
          "  %-12s %-6s %-20s %s%n", c.getType(), c.getStatus(), c.getReason(), c.getMessage());
    }
    for (Event e : client.v1().events().inNamespace(NS).list().getItems()) {
      System.out.printf(
          "  %-8s %-9s %-17s %s%n",
          e.getType(), e.getReason(), e.getSource().getComponent(), e.getMessage());
    }
  }

  @Test
  void aBadUpdateLeavesTheAgentsAloneAndSaysWhy() {
    runningPair();
    String agent = PairResources.agentName("cache");
    DaemonSet dsBefore = client.apps().daemonSets().inNamespace(NS).withName(agent).get();
    ConfigMap cmBefore =
        client.configMaps().inNamespace(NS).withName(PairResources.configMapName("cache")).get();

    // The API server accepts this (the nodes have no address in the spec), but 192.0.2.11 is
    // vm-a's InternalIP: taking it as a VIP would cut vm-a off.
    client
        .resources(RedisHAPair.class)
        .inNamespace(NS)
        .withName("cache")
        .edit(
            p -> {
              InstanceSpec c = new InstanceSpec();
              c.setName("c");
              c.setPort(6399);
              c.setVip("192.0.2.11/24");
              c.setVirtualRouterId(53);
              p.getSpec().getInstances().add(c);
              return p;
            });
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              RedisHAPair p = pair();
              assertThat(p.getStatus().getObservedGeneration()).isEqualTo(2L);
              Condition degraded = condition(p, Conditions.DEGRADED);
              assertThat(degraded.getStatus()).isEqualTo("True");
              assertThat(degraded.getReason()).isEqualTo("InvalidSpec");
              assertThat(degraded.getMessage())
                  .contains("spec.instances[2].vip: 192.0.2.11 is the address of node vm-a");
              assertThat(condition(p, Conditions.PROGRESSING).getReason()).isEqualTo("InvalidSpec");
              assertThat(condition(p, Conditions.READY).getStatus()).isEqualTo("True");
            });
    assertThat(
            client
                .apps()
                .daemonSets()
                .inNamespace(NS)
                .withName(agent)
                .get()
                .getMetadata()
                .getResourceVersion())
        .isEqualTo(dsBefore.getMetadata().getResourceVersion());
    assertThat(
            client
                .configMaps()
                .inNamespace(NS)
                .withName(PairResources.configMapName("cache"))
                .get()
                .getMetadata()
                .getResourceVersion())
        .isEqualTo(cmBefore.getMetadata().getResourceVersion());
    System.out.println(
        "$ kubectl get redishapairs -n redis -o wide   # after a bad update\n"
            + new PrinterColumns(GeneratedCrd.committed())
                .table(List.of(pair()), true, Instant.now()));

    // Fixed: group c reaches the agents through the ConfigMap; the pod template stays as it was,
    // so no agent restarts and groups a and b do not move.
    client
        .resources(RedisHAPair.class)
        .inNamespace(NS)
        .withName("cache")
        .edit(
            p -> {
              p.getSpec().getInstances().get(2).setVip("192.0.2.102/24");
              return p;
            });
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              ConfigMap cm =
                  client
                      .configMaps()
                      .inNamespace(NS)
                      .withName(PairResources.configMapName("cache"))
                      .get();
              assertThat(cm.getData().get(PairResources.PAIR_FILE_KEY))
                  .contains("vip: 192.0.2.102/24");
              assertThat(cm.getData()).containsEntry(PairResources.GENERATION_KEY, "3");
              assertThat(condition(pair(), Conditions.DEGRADED).getReason())
                  .isNotEqualTo("InvalidSpec");
            });
    DaemonSet dsAfter = client.apps().daemonSets().inNamespace(NS).withName(agent).get();
    assertThat(dsAfter.getSpec().getTemplate()).isEqualTo(dsBefore.getSpec().getTemplate());

    // A change the agents read only at start changes the pod template: the DaemonSet rolls the
    // agents one node at a time (maxUnavailable 1).
    client
        .resources(RedisHAPair.class)
        .inNamespace(NS)
        .withName("cache")
        .edit(
            p -> {
              HealthCheckSpec hc = new HealthCheckSpec();
              hc.setIntervalMillis(200);
              p.getSpec().setHealthCheck(hc);
              return p;
            });
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(
                        client
                            .apps()
                            .daemonSets()
                            .inNamespace(NS)
                            .withName(agent)
                            .get()
                            .getSpec()
                            .getTemplate()
                            .getMetadata()
                            .getAnnotations()
                            .get(PairResources.ANNOTATION_RESTART_DIGEST))
                    .isNotEqualTo(
                        dsBefore
                            .getSpec()
                            .getTemplate()
                            .getMetadata()
                            .getAnnotations()
                            .get(PairResources.ANNOTATION_RESTART_DIGEST)));
  }

  /**
   * Pair {@code shop} with a group {@code report-vm-a} and pair {@code shop-group} on node {@code
   * vm-a}: both name a Lease {@code redisha-shop-group-report-vm-a} (the first's split-brain Lease,
   * the second's report). The second gets no agents, and both say why.
   */
  @Test
  void twoPairsWhoseLeaseNamesMeetAreHeldAndSayWhy() {
    String shop =
        PAIR.replace("name: cache,", "name: shop,")
            .replace("{name: b, port", "{name: report-vm-a, port");
    createPair(shop);
    String shopAgent = PairResources.agentName("shop");
    await()
        .atMost(WAIT)
        .until(() -> client.apps().daemonSets().inNamespace(NS).withName(shopAgent).get() != null);
    String shopDaemonSetVersion = daemonSetVersion(shopAgent);

    String shopGroup =
        PAIR.replace("name: cache,", "name: shop-group,")
            .replace("192.0.2.100/24, virtualRouterId: 51", "192.0.2.110/24, virtualRouterId: 61")
            .replace("192.0.2.101/24, virtualRouterId: 52", "192.0.2.111/24, virtualRouterId: 62");
    createPair(shopGroup);
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              RedisHAPair p =
                  client.resources(RedisHAPair.class).inNamespace(NS).withName("shop-group").get();
              Condition progressing = condition(p, Conditions.PROGRESSING);
              assertThat(progressing).isNotNull();
              assertThat(progressing.getReason()).isEqualTo("InvalidSpec");
              assertThat(progressing.getMessage())
                  .contains(
                      "metadata.name: the agents of this pair and of pair shop would both write"
                          + " Lease redisha-shop-group-report-vm-a");
            });
    assertThat(
            client
                .apps()
                .daemonSets()
                .inNamespace(NS)
                .withName(PairResources.agentName("shop-group"))
                .get())
        .as("no agents for the pair that came second")
        .isNull();
    // The first pair says so at its next reconcile: a change of it is not applied, its agents
    // stay as they were.
    client
        .resources(RedisHAPair.class)
        .inNamespace(NS)
        .withName("shop")
        .edit(
            p -> {
              p.getSpec().getInstances().get(0).setPort(6380);
              return p;
            });
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              RedisHAPair p =
                  client.resources(RedisHAPair.class).inNamespace(NS).withName("shop").get();
              assertThat(condition(p, Conditions.PROGRESSING).getMessage())
                  .contains(
                      "pair shop-group would both write Lease redisha-shop-group-report-vm-a");
            });
    assertThat(daemonSetVersion(shopAgent)).isEqualTo(shopDaemonSetVersion);
  }

  @Test
  void deletingThePairLeavesNothingBehind() {
    RedisHAPair pair = runningPair();
    await()
        .atMost(WAIT)
        .until(() -> client.apps().daemonSets().inNamespace(NS).list().getItems().size() == 1);
    client.resources(RedisHAPair.class).inNamespace(NS).withName("cache").delete();
    await().atMost(WAIT).until(() -> pair() == null);
    sinks.forEach(Agent::close);

    // The mock API server has no garbage collector. Do what kube-controller-manager's does:
    // delete every object whose owner is gone. Whatever lacked an owner reference would remain.
    List<Class<? extends HasMetadata>> kinds =
        List.of(
            ServiceAccount.class,
            Role.class,
            RoleBinding.class,
            ConfigMap.class,
            DaemonSet.class,
            Lease.class);
    Set<String> live =
        client.resources(RedisHAPair.class).inAnyNamespace().list().getItems().stream()
            .map(p -> p.getMetadata().getUid())
            .collect(Collectors.toSet());
    for (Class<? extends HasMetadata> kind : kinds) {
      for (HasMetadata o : client.resources(kind).inNamespace(NS).list().getItems()) {
        List<OwnerReference> owners = o.getMetadata().getOwnerReferences();
        if (owners != null
            && !owners.isEmpty()
            && owners.stream().noneMatch(r -> live.contains(r.getUid()))) {
          client.resource(o).delete();
        }
      }
    }
    Map<String, Integer> left =
        kinds.stream()
            .collect(
                Collectors.toMap(
                    Class::getSimpleName,
                    k -> client.resources(k).inNamespace(NS).list().getItems().size()));
    assertThat(left).allSatisfy((kind, count) -> assertThat(count).as(kind).isZero());
    assertThat(pair.getMetadata().getUid()).isNotBlank();
  }

  @SuppressWarnings("unused")
  private static <T> Function<T, T> same() {
    return t -> t;
  }
}

package io.redisha.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.javaoperatorsdk.operator.Operator;
import io.redisha.api.GeneratedCrd;
import io.redisha.api.RedisHAPair;
import io.redisha.kube.PairResources;
import io.redisha.pair.AdminHooks;
import io.redisha.pair.InvalidPairException;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * S10 against the fabric8 mock API server in CRUD mode, which runs no CEL, so that the operator's
 * own check is all that stands between a RedisHAPair and the agents (as on a cluster whose CRD is
 * older than the operator): a pair that names a command or a file on the nodes is refused with a
 * status that names the field, and nothing of it reaches any ConfigMap, whether it is created so or
 * edited so. The operator runs as the namespaced install runs it: watching only {@value #NS}, with
 * an admin configuration that defines one hook.
 */
@EnableKubernetesMockClient(crud = true)
class ResourceIsNotAShellIT {
  static final String NS = "redis";
  static final String OTHER_NS = "elsewhere";
  static final Duration WAIT = Duration.ofSeconds(30);

  static final String ADMIN_CONFIG =
      """
      hooks:
        route-vip: {provider: Exec, command: [/usr/local/bin/route-vip, --table, main]}
      """;

  KubernetesClient client;
  Operator operator;

  @BeforeEach
  void startOperator() throws InvalidPairException {
    CustomResourceDefinition crd =
        client
            .apiextensions()
            .v1()
            .customResourceDefinitions()
            .load(
                new ByteArrayInputStream(GeneratedCrd.committed().getBytes(StandardCharsets.UTF_8)))
            .item();
    client.apiextensions().v1().customResourceDefinitions().resource(crd).create();
    for (Map.Entry<String, String> node :
        Map.of("vm-a", "192.0.2.11", "vm-b", "192.0.2.12").entrySet()) {
      client
          .nodes()
          .resource(
              new NodeBuilder()
                  .withNewMetadata()
                  .withName(node.getKey())
                  .endMetadata()
                  .withNewStatus()
                  .addNewAddress()
                  .withType("InternalIP")
                  .withAddress(node.getValue())
                  .endAddress()
                  .endStatus()
                  .build())
          .create();
    }
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
            OperatorConfig.parse(ADMIN_CONFIG, "admin.yaml"),
            Clock.systemUTC(),
            false,
            new OperatorMetrics()),
        o -> o.settingNamespaces(Set.of(NS)));
    operator.start();
  }

  @AfterEach
  void stopOperator() {
    operator.stop();
  }

  static final String GOOD_SPEC =
      """
        nodes: [{name: vm-a}, {name: vm-b}]
        interface: eth0
        redis: {passwordSecretRef: {name: cache-redis, key: password}}
        instances:
        - {name: a, port: 6379, vip: 192.0.2.100/24, virtualRouterId: 51}
      """;

  /**
   * A bad spec: what is added to {@link #GOOD_SPEC} (replacing its redis line), the field the
   * status must name, and the texts that must appear in no ConfigMap.
   */
  record Attack(String what, String spec, String field, List<String> secrets) {
    @Override
    public String toString() {
      return what;
    }
  }

  static Stream<Attack> attacks() {
    return Stream.of(
        new Attack(
            "issue 12: a shell as root and the service-account token as AUTH",
            """
              redis: {passwordFile: /var/run/secrets/kubernetes.io/serviceaccount/token}
              vipHook: {provider: Exec, command: [/bin/sh, -c, "id; ip link"]}
            """,
            "spec.vipHook.command",
            List.of("id; ip link", "/bin/sh", "serviceaccount/token")),
        new Attack(
            "any command",
            "  vipHook: {provider: Exec, command: [/usr/bin/touch, /tmp/owned]}\n",
            "spec.vipHook.command",
            List.of("/usr/bin/touch", "/tmp/owned")),
        new Attack(
            "a Redis password file",
            "  redis: {passwordFile: /etc/shadow}\n",
            "spec.redis.passwordFile",
            List.of("/etc/shadow")),
        new Attack(
            "a VRRP password file",
            "  vrrp: {version: 2, advertIntervalMillis: 1000, authPasswordFile: /root/.ssh/id_rsa}\n",
            "spec.vrrp.authPasswordFile",
            List.of("/root/.ssh/id_rsa")),
        new Attack(
            "a cloud credentials file",
            "  vipHook: {provider: AWS, region: us-east-1, credentialsFile: /root/.aws/credentials}\n",
            "spec.vipHook.credentialsFile",
            List.of("/root/.aws/credentials")),
        new Attack(
            "a webhook to a service of the node itself",
            "  vipHook: {provider: Webhook, url: 'http://127.0.0.1:10255/pods'}\n",
            "spec.vipHook.url",
            List.of("127.0.0.1:10255")),
        new Attack(
            "a cloud endpoint that would receive the node's signed role credentials",
            "  vipHook: {provider: AWS, region: us-east-1, endpoint: 'https://collector.example/'}\n",
            "spec.vipHook.endpoint",
            List.of("collector.example")),
        new Attack(
            "a hook the admin did not define",
            "  vipHook: {hookRef: root-shell}\n",
            "spec.vipHook.hookRef",
            List.of("root-shell")));
  }

  private static String resource(String name, String spec) {
    return "apiVersion: redisha.io/v1alpha1\nkind: RedisHAPair\nmetadata: {name: "
        + name
        + ", namespace: "
        + NS
        + "}\nspec:\n"
        + spec;
  }

  private RedisHAPair apply(String name, String spec) {
    RedisHAPair pair =
        client
            .resources(RedisHAPair.class)
            .load(new ByteArrayInputStream(resource(name, spec).getBytes(StandardCharsets.UTF_8)))
            .item();
    RedisHAPair existing = pair(name);
    if (existing == null) {
      return client.resources(RedisHAPair.class).inNamespace(NS).resource(pair).create();
    }
    // The operator writes the status meanwhile: an edit based on an older resourceVersion is
    // refused with 409, as a real API server refuses it; read again and retry, as kubectl does.
    for (int attempt = 1; ; attempt++) {
      try {
        return client
            .resources(RedisHAPair.class)
            .inNamespace(NS)
            .withName(name)
            .edit(
                p -> {
                  p.setSpec(pair.getSpec());
                  return p;
                });
      } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
        if (e.getCode() != 409 || attempt >= 10) {
          throw e;
        }
      }
    }
  }

  private RedisHAPair pair(String name) {
    return client.resources(RedisHAPair.class).inNamespace(NS).withName(name).get();
  }

  private ConfigMap configMap(String pair) {
    return client.configMaps().inNamespace(NS).withName(PairResources.configMapName(pair)).get();
  }

  private static Condition condition(RedisHAPair pair, String type) {
    return pair == null || pair.getStatus() == null
        ? null
        : Conditions.find(pair.getStatus().getConditions(), type);
  }

  private void awaitRefusedNaming(String name, String field, long generation) {
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              RedisHAPair p = pair(name);
              Condition degraded = condition(p, Conditions.DEGRADED);
              assertThat(degraded).as("Degraded condition of %s", name).isNotNull();
              assertThat(p.getStatus().getObservedGeneration()).isEqualTo(generation);
              assertThat(degraded.getStatus()).isEqualTo("True");
              assertThat(degraded.getReason()).isEqualTo("InvalidSpec");
              assertThat(degraded.getMessage()).contains(field + ": ");
              assertThat(condition(p, Conditions.PROGRESSING).getReason()).isEqualTo("InvalidSpec");
            });
  }

  /** Every value of every ConfigMap in every namespace. */
  private List<String> allConfigMapData() {
    return client.configMaps().inAnyNamespace().list().getItems().stream()
        .filter(cm -> cm.getData() != null)
        .flatMap(cm -> cm.getData().values().stream())
        .toList();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("attacks")
  void isRefusedNamingTheFieldAndReachesNoConfigMap(Attack attack) {
    // A running pair whose author then edits it: the agents' files stay as they were.
    apply("cache", GOOD_SPEC);
    await().atMost(WAIT).until(() -> configMap("cache") != null);
    ConfigMap before = configMap("cache");
    assertThat(before.getData().get(PairResources.PAIR_FILE_KEY))
        .contains("passwordFile: " + PairResources.REDIS_SECRET_DIR + "/password");
    String badSpec =
        GOOD_SPEC.replace(
            "  redis: {passwordSecretRef: {name: cache-redis, key: password}}\n", attack.spec());
    apply("cache", badSpec);
    awaitRefusedNaming("cache", attack.field(), 2);
    assertThat(configMap("cache").getMetadata().getResourceVersion())
        .isEqualTo(before.getMetadata().getResourceVersion());

    // A new pair that says so from the start gets no ConfigMap and no DaemonSet at all.
    apply("evil", badSpec);
    awaitRefusedNaming("evil", attack.field(), 1);
    assertThat(configMap("evil")).isNull();
    assertThat(
            client
                .apps()
                .daemonSets()
                .inNamespace(NS)
                .withName(PairResources.agentName("evil"))
                .get())
        .isNull();

    List<String> data = allConfigMapData();
    assertThat(data).isNotEmpty();
    for (String secret : attack.secrets()) {
      assertThat(data).as("no ConfigMap holds %s", secret).noneMatch(v -> v.contains(secret));
    }
    System.out.println(
        "--- "
            + attack.what()
            + ": Degraded "
            + condition(pair("evil"), Conditions.DEGRADED).getMessage());
  }

  /**
   * A named hook reaches the agents with the admin's command, in its own file; the pair file the
   * agents read keeps the name only.
   */
  @Test
  void aNamedHookReachesTheAgentsFromTheAdminConfigurationOnly() throws Exception {
    apply("cache", GOOD_SPEC + "  vipHook: {hookRef: route-vip, timeoutMillis: 3000}\n");
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(
                        client
                            .apps()
                            .daemonSets()
                            .inNamespace(NS)
                            .withName(PairResources.agentName("cache"))
                            .get())
                    .isNotNull());
    ConfigMap cm = configMap("cache");
    assertThat(cm.getData().get(PairResources.PAIR_FILE_KEY))
        .contains("hookRef: route-vip")
        .doesNotContain("/usr/local/bin/route-vip");
    AdminHooks handed =
        AdminHooks.parse(cm.getData().get(PairResources.HOOKS_FILE_KEY), "hooks.yaml");
    assertThat(handed.find("route-vip").getCommand())
        .containsExactly("/usr/local/bin/route-vip", "--table", "main");
    DaemonSet ds =
        client.apps().daemonSets().inNamespace(NS).withName(PairResources.agentName("cache")).get();
    assertThat(
            ds.getSpec().getTemplate().getSpec().getSecurityContext().getSeccompProfile().getType())
        .isEqualTo("RuntimeDefault");
  }

  /** The namespaced install: a pair outside the watched namespaces is not acted on at all. */
  @Test
  void aPairOutsideTheWatchedNamespacesIsLeftAlone() {
    String other =
        resource("cache", GOOD_SPEC).replace("namespace: " + NS, "namespace: " + OTHER_NS);
    client
        .resources(RedisHAPair.class)
        .inNamespace(OTHER_NS)
        .resource(
            client
                .resources(RedisHAPair.class)
                .load(new ByteArrayInputStream(other.getBytes(StandardCharsets.UTF_8)))
                .item())
        .create();
    apply("cache", GOOD_SPEC);
    await().atMost(WAIT).until(() -> configMap("cache") != null);
    await()
        .during(Duration.ofSeconds(3))
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              assertThat(client.configMaps().inNamespace(OTHER_NS).list().getItems()).isEmpty();
              assertThat(
                      client
                          .resources(RedisHAPair.class)
                          .inNamespace(OTHER_NS)
                          .withName("cache")
                          .get()
                          .getStatus())
                  .isNull();
            });
  }
}

package io.redisha.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.Operator;
import io.redisha.api.GeneratedCrd;
import io.redisha.api.RedisHAPair;
import io.redisha.kube.PairResources;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The token {@code POST /switchover} needs under Kubernetes, against the fabric8 mock API server in
 * CRUD mode: the operator generates it once per pair into a Secret the pair owns, mounts it
 * read-only into the agents only, and writes it nowhere else (no ConfigMap, no pod template); it
 * survives edits of the pair and restarts of the operator, and a token the admin wrote is kept.
 */
@EnableKubernetesMockClient(crud = true)
class AgentTokenSecretIT {
  static final String NS = "redis";
  static final Duration WAIT = Duration.ofSeconds(30);
  static final String SPEC =
      """
        nodes: [{name: vm-a}, {name: vm-b}]
        interface: eth0
        instances:
        - {name: a, port: 6379, vip: 192.0.2.100/24, virtualRouterId: 51}
      """;

  KubernetesClient client;
  Operator operator;

  @BeforeEach
  void setUp() {
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
    startOperator();
  }

  void startOperator() {
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
    operator.stop();
  }

  RedisHAPair create(String name, String spec) {
    String yaml =
        "apiVersion: redisha.io/v1alpha1\nkind: RedisHAPair\nmetadata: {name: "
            + name
            + ", namespace: "
            + NS
            + "}\nspec:\n"
            + spec;
    return client
        .resources(RedisHAPair.class)
        .inNamespace(NS)
        .resource(
            client
                .resources(RedisHAPair.class)
                .load(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)))
                .item())
        .create();
  }

  Secret secret(String pair) {
    return client
        .secrets()
        .inNamespace(NS)
        .withName(PairResources.agentTokenSecretName(pair))
        .get();
  }

  DaemonSet daemonSet(String pair) {
    return client.apps().daemonSets().inNamespace(NS).withName(PairResources.agentName(pair)).get();
  }

  static String token(Secret secret) {
    return new String(
        Base64.getDecoder().decode(secret.getData().get(PairResources.API_TOKEN_KEY)),
        StandardCharsets.UTF_8);
  }

  @Test
  void eachPairGetsItsOwnTokenMountedIntoTheAgentsOnly() {
    RedisHAPair cache = create("cache", SPEC);
    await().atMost(WAIT).until(() -> secret("cache") != null && daemonSet("cache") != null);
    Secret secret = secret("cache");
    String token = token(secret);
    assertThat(token).as("256 random bits, base64url").matches("[A-Za-z0-9_-]{43}");
    assertThat(secret.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(
            owner -> {
              assertThat(owner.getKind()).isEqualTo("RedisHAPair");
              assertThat(owner.getUid()).isEqualTo(cache.getMetadata().getUid());
              assertThat(owner.getController()).isTrue();
            });

    DaemonSet ds = daemonSet("cache");
    Volume volume =
        ds.getSpec().getTemplate().getSpec().getVolumes().stream()
            .filter(v -> v.getSecret() != null)
            .filter(v -> secret.getMetadata().getName().equals(v.getSecret().getSecretName()))
            .findFirst()
            .orElseThrow();
    assertThat(volume.getSecret().getDefaultMode()).isEqualTo(0400);
    assertThat(volume.getSecret().getItems())
        .singleElement()
        .satisfies(item -> assertThat(item.getKey()).isEqualTo(PairResources.API_TOKEN_KEY));
    Container agent = ds.getSpec().getTemplate().getSpec().getContainers().getFirst();
    VolumeMount mount =
        agent.getVolumeMounts().stream()
            .filter(m -> m.getName().equals(volume.getName()))
            .findFirst()
            .orElseThrow();
    assertThat(mount.getReadOnly()).isTrue();
    assertThat(mount.getMountPath()).isEqualTo(PairResources.API_TOKEN_DIR);
    assertThat(String.join(" ", agent.getArgs()))
        .contains("--api-token-file " + PairResources.API_TOKEN_FILE)
        .contains("--probe-port " + PairResources.AGENT_PROBE_PORT);
    assertThat(agent.getLivenessProbe().getHttpGet().getHost()).isEqualTo("127.0.0.1");
    assertThat(agent.getLivenessProbe().getHttpGet().getPort().getIntVal())
        .isEqualTo(PairResources.AGENT_PROBE_PORT);
    assertThat(agent.getReadinessProbe().getHttpGet().getHost()).isEqualTo("127.0.0.1");

    // The token is in the Secret only: no ConfigMap, no pod template carries it.
    for (ConfigMap cm : client.configMaps().inAnyNamespace().list().getItems()) {
      assertThat(Serialization.asJson(cm)).doesNotContain(token);
    }
    assertThat(Serialization.asJson(ds)).doesNotContain(token);

    // An edit of the pair (a new group) keeps the token.
    client
        .resources(RedisHAPair.class)
        .inNamespace(NS)
        .withName("cache")
        .edit(
            p -> {
              RedisHAPair added =
                  client
                      .resources(RedisHAPair.class)
                      .load(
                          new ByteArrayInputStream(
                              ("apiVersion: redisha.io/v1alpha1\nkind: RedisHAPair\nmetadata:"
                                      + " {name: cache}\nspec:\n"
                                      + SPEC
                                      + "  - {name: b, port: 6389, vip: 192.0.2.101/24,"
                                      + " virtualRouterId: 52}\n")
                                  .getBytes(StandardCharsets.UTF_8)))
                      .item();
              p.setSpec(added.getSpec());
              return p;
            });
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(
                        client
                            .configMaps()
                            .inNamespace(NS)
                            .withName(PairResources.configMapName("cache"))
                            .get()
                            .getData()
                            .get(PairResources.PAIR_FILE_KEY))
                    .contains("virtualRouterId: 52"));
    assertThat(secret("cache").getMetadata().getResourceVersion())
        .as("the Secret is not rewritten")
        .isEqualTo(secret.getMetadata().getResourceVersion());
    assertThat(token(secret("cache"))).isEqualTo(token);

    // Another pair, another token; a restarted operator keeps both.
    create("sessions", SPEC.replace("virtualRouterId: 51", "virtualRouterId: 61"));
    await().atMost(WAIT).until(() -> secret("sessions") != null);
    String other = token(secret("sessions"));
    assertThat(other).isNotEqualTo(token);
    operator.stop();
    startOperator();
    create("later", SPEC.replace("virtualRouterId: 51", "virtualRouterId: 71"));
    await().atMost(WAIT).until(() -> secret("later") != null && daemonSet("later") != null);
    assertThat(token(secret("cache"))).isEqualTo(token);
    assertThat(token(secret("sessions"))).isEqualTo(other);
    System.out.printf(
        "AgentTokenSecretIT: Secrets %s, %s, %s: three distinct tokens of %d characters, kept over"
            + " an edit and an operator restart%n",
        PairResources.agentTokenSecretName("cache"),
        PairResources.agentTokenSecretName("sessions"),
        PairResources.agentTokenSecretName("later"),
        token.length());
  }

  /** The operator may create Secrets but not read any: no get, list or watch on them. */
  @Test
  void theOperatorCreatesSecretsButReadsNone() throws Exception {
    ClusterRole role =
        Serialization.unmarshal(
            Files.readString(Path.of("deploy", "030-ClusterRole-redisha-operator.yaml")),
            ClusterRole.class);
    List<PolicyRule> onSecrets =
        role.getRules().stream()
            .filter(r -> r.getResources().contains("secrets") || r.getResources().contains("*"))
            .toList();
    assertThat(onSecrets)
        .singleElement()
        .satisfies(r -> assertThat(r.getVerbs()).containsExactly("create"));
  }

  @Test
  void aTokenTheAdminWroteIsKept() {
    client
        .secrets()
        .inNamespace(NS)
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName(PairResources.agentTokenSecretName("cache"))
                .withNamespace(NS)
                .endMetadata()
                .addToData(
                    PairResources.API_TOKEN_KEY,
                    Base64.getEncoder()
                        .encodeToString("chosen-by-the-admin".getBytes(StandardCharsets.UTF_8)))
                .build())
        .create();
    create("cache", SPEC);
    await().atMost(WAIT).until(() -> daemonSet("cache") != null);
    assertThat(token(secret("cache"))).isEqualTo("chosen-by-the-admin");
  }
}

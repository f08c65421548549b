package io.redisha.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.Operator;
import io.redisha.api.PairRules;
import io.redisha.api.RedisHAPair;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.k3s.K3sContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * Against a real API server (k3s in a container): the generated CRD is accepted, its OpenAPI and
 * CEL rules refuse a bad pair with the message the unit tests assert, and the operator (with
 * server-side apply, as in production) creates the agent DaemonSet. Needs a Docker engine; where
 * there is none (as on the machines this project is built on) it says so and is skipped.
 */
class K3sE2E {
  static final String IMAGE = "rancher/k3s:v1.31.4-k3s1";

  static boolean dockerAvailable() {
    try {
      return DockerClientFactory.instance().isDockerAvailable();
    } catch (RuntimeException e) {
      return false;
    }
  }

  @Test
  void theCrdValidatesAndTheOperatorReconcilesOnARealApiServer() throws Exception {
    boolean docker = dockerAvailable();
    if (!docker) {
      System.out.println(
          "SKIPPED K3sE2E: no Docker engine is reachable, so k3s ("
              + IMAGE
              + ") cannot start here; the CRD rules are checked with dev.cel and the operator"
              + " against fabric8's mock API server instead (CrdValidationTest,"
              + " RedisHAPairOperatorIT)");
    }
    Assumptions.assumeTrue(docker, "no Docker engine: k3s cannot start here");
    try (K3sContainer k3s = new K3sContainer(DockerImageName.parse(IMAGE))) {
      k3s.start();
      Config config = Config.fromKubeconfig(k3s.getKubeConfigYaml());
      try (KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build()) {
        CustomResourceDefinition crd =
            Serialization.unmarshal(
                Files.readString(Path.of("crds/redishapairs.redisha.io-v1.yml")),
                CustomResourceDefinition.class);
        client.apiextensions().v1().customResourceDefinitions().resource(crd).serverSideApply();
        await()
            .atMost(Duration.ofSeconds(60))
            .until(
                () ->
                    client
                        .apiextensions()
                        .v1()
                        .customResourceDefinitions()
                        .withName(crd.getMetadata().getName())
                        .get()
                        .getStatus()
                        .getConditions()
                        .stream()
                        .anyMatch(c -> "Established".equals(c.getType())));
        client
            .namespaces()
            .resource(
                new NamespaceBuilder().withNewMetadata().withName("redis").endMetadata().build())
            .create();
        String nodeName = client.nodes().list().getItems().getFirst().getMetadata().getName();
        client
            .nodes()
            .resource(new NodeBuilder().withNewMetadata().withName("vm-b").endMetadata().build())
            .create();

        String bad =
            """
            apiVersion: redisha.io/v1alpha1
            kind: RedisHAPair
            metadata: {name: bad, namespace: redis}
            spec:
              nodes: [{name: %s, address: 192.0.2.11}, {name: vm-b, address: 192.0.2.12}]
              interface: eth0
              instances:
              - {name: a, port: 6379, vip: 192.0.2.100/24, virtualRouterId: 51}
              - {name: b, port: 6379, vip: 192.0.2.101/24, virtualRouterId: 52}
            """
                .formatted(nodeName);
        assertThatThrownBy(
                () -> client.resource(Serialization.unmarshal(bad, RedisHAPair.class)).create())
            .isInstanceOf(KubernetesClientException.class)
            .hasMessageContaining(PairRules.UNIQUE_PORTS_MESSAGE);

        Operator operator = new Operator(o -> o.withKubernetesClient(client));
        operator.register(
            new RedisHAPairReconciler(
                AgentSettings.defaults("redisha/redisha:e2e"),
                Clock.systemUTC(),
                true,
                new OperatorMetrics()));
        operator.start();
        try {
          client
              .resource(
                  Serialization.unmarshal(
                      bad.replace("name: bad", "name: cache")
                          .replace("port: 6379, vip: 192.0.2.101", "port: 6389, vip: 192.0.2.101"),
                      RedisHAPair.class))
              .create();
          await()
              .atMost(Duration.ofSeconds(60))
              .untilAsserted(
                  () ->
                      assertThat(client.apps().daemonSets().inNamespace("redis").list().getItems())
                          .singleElement()
                          .satisfies(
                              ds ->
                                  assertThat(ds.getMetadata().getOwnerReferences())
                                      .singleElement()
                                      .satisfies(
                                          ref ->
                                              assertThat(ref.getKind()).isEqualTo("RedisHAPair"))));
        } finally {
          operator.stop();
        }
      }
    }
  }
}

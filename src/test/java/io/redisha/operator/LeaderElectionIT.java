package io.redisha.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReviewBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.redisha.PrometheusText;
import io.redisha.api.GeneratedCrd;
import io.redisha.api.RedisHAPair;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Two operator replicas on one (mock) API server: one holds the election Lease and reconciles, the
 * other waits; when the leader stops, the other takes over.
 */
@EnableKubernetesMockClient(crud = true)
class LeaderElectionIT {
  KubernetesClient client;
  KubernetesMockServer server;

  private Operator replica(String identity, OperatorMetrics metrics) {
    Operator operator =
        new Operator(
            o ->
                o.withKubernetesClient(client)
                    .withCloseClientOnStop(false)
                    .withSSABasedCreateUpdateMatchForDependentResources(false)
                    .withUseSSAToPatchPrimaryResource(false)
                    .withLeaderElectionConfiguration(
                        new LeaderElectionConfiguration(
                            "redisha-operator",
                            "redisha-system",
                            Duration.ofSeconds(2),
                            Duration.ofMillis(1500),
                            Duration.ofMillis(200),
                            identity,
                            null,
                            false)));
    operator.register(
        new RedisHAPairReconciler(
            AgentSettings.defaults("redisha/redisha:test"), Clock.systemUTC(), false, metrics));
    return operator;
  }

  private void createPair(String name) {
    String yaml =
        """
        apiVersion: redisha.io/v1alpha1
        kind: RedisHAPair
        metadata: {name: %s, namespace: redis}
        spec:
          nodes: [{name: vm-a, address: 192.0.2.11}, {name: vm-b, address: 192.0.2.12}]
          interface: eth0
          instances: [{name: a, port: 6379, vip: 192.0.2.100/24, virtualRouterId: 51}]
        """
            .formatted(name);
    RedisHAPair pair =
        client
            .resources(RedisHAPair.class)
            .load(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)))
            .item();
    client.resources(RedisHAPair.class).inNamespace("redis").resource(pair).create();
  }

  private boolean hasStatus(String name) {
    RedisHAPair p = client.resources(RedisHAPair.class).inNamespace("redis").withName(name).get();
    return p != null && p.getStatus() != null && p.getStatus().getObservedGeneration() != null;
  }

  @Test
  void oneReplicaReconcilesAndTheOtherTakesOver() {
    CustomResourceDefinition crd =
        client
            .apiextensions()
            .v1()
            .customResourceDefinitions()
            .load(
                new ByteArrayInputStream(GeneratedCrd.committed().getBytes(StandardCharsets.UTF_8)))
            .item();
    client.apiextensions().v1().customResourceDefinitions().resource(crd).create();
    // The framework checks that it may use the election Lease before it starts; the mock API
    // server does not answer that review by itself.
    server
        .expect()
        .post()
        .withPath("/apis/authorization.k8s.io/v1/selfsubjectrulesreviews")
        .andReturn(
            201,
            new SelfSubjectRulesReviewBuilder()
                .withNewMetadata()
                .endMetadata()
                .withNewStatus()
                .addNewResourceRule()
                .withApiGroups("coordination.k8s.io")
                .withResources("leases")
                .withVerbs("*")
                .endResourceRule()
                .withIncomplete(false)
                .endStatus()
                .build())
        .always();
    Map<String, OperatorMetrics> metrics =
        Map.of("op-1", new OperatorMetrics(), "op-2", new OperatorMetrics());
    Operator first = replica("op-1", metrics.get("op-1"));
    Operator second = replica("op-2", metrics.get("op-2"));
    first.start();
    await().atMost(Duration.ofSeconds(30)).until(() -> holder() != null && holder().equals("op-1"));
    second.start();
    try {
      createPair("cache");
      await().atMost(Duration.ofSeconds(30)).until(() -> hasStatus("cache"));
      assertThat(reconciles(metrics.get("op-2"))).isZero();
      assertThat(reconciles(metrics.get("op-1"))).isPositive();

      first.stop();
      await().atMost(Duration.ofSeconds(30)).until(() -> "op-2".equals(holder()));
      createPair("cache2");
      await().atMost(Duration.ofSeconds(30)).until(() -> hasStatus("cache2"));
      assertThat(reconciles(metrics.get("op-2"))).isPositive();
    } finally {
      second.stop();
    }
  }

  /** The reconciliations counted, as a scraper reads them. */
  private static double reconciles(OperatorMetrics metrics) {
    return PrometheusText.parse(metrics.render()).value("redisha_operator_reconciles_total");
  }

  private String holder() {
    Lease lease = client.leases().inNamespace("redisha-system").withName("redisha-operator").get();
    return lease == null || lease.getSpec() == null ? null : lease.getSpec().getHolderIdentity();
  }
}

package io.redisha.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.redisha.api.RedisHAPair;
import io.redisha.api.TlsSpec;
import io.redisha.kube.PairResources;
import io.redisha.pair.AdminHooks;
import io.redisha.pair.PairFile;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The Secrets of {@code redis.tls} reach the agents as files: each reference is mounted read-only
 * where the rendered pair file names it, so a changed Secret (the kubelet updates mounted Secrets
 * in place) is read by the running agents, and nothing of it is in the restart digest.
 */
class RedisTlsSecretsTest {
  static final String RESOURCE =
      """
      apiVersion: redisha.io/v1alpha1
      kind: RedisHAPair
      metadata: {name: cache, namespace: redis, uid: 1234}
      spec:
        nodes: [{name: vm-a, address: 192.0.2.11}, {name: vm-b, address: 192.0.2.12}]
        interface: eth0
        redis:
          username: redisha
          passwordSecretRef: {name: cache-redis, key: password}
          tls:
            caSecretRef: {name: cache-ca, key: ca.crt}
            certSecretRef: {name: cache-agent-tls, key: tls.crt}
            keySecretRef: {name: cache-agent-tls, key: tls.key}
        instances:
        - {name: a, port: 6379, vip: 192.0.2.100/24, virtualRouterId: 51}
      """;

  @Test
  void eachTlsSecretIsMountedWhereTheRenderedPairFileNamesIt() throws Exception {
    RedisHAPair pair = Serialization.unmarshal(RESOURCE, RedisHAPair.class);
    AgentSettings settings = AgentSettings.defaults("redisha/redisha:test");
    DaemonSet daemonSet = AgentResources.daemonSet(pair, Map.of(), settings, OperatorConfig.EMPTY);
    PodSpec pod = daemonSet.getSpec().getTemplate().getSpec();
    Container agent = pod.getContainers().getFirst();

    assertMounted(pod, agent, "cache-ca", "ca.crt", PairResources.REDIS_TLS_CA_FILE);
    assertMounted(pod, agent, "cache-agent-tls", "tls.crt", PairResources.REDIS_TLS_CERT_FILE);
    assertMounted(pod, agent, "cache-agent-tls", "tls.key", PairResources.REDIS_TLS_KEY_FILE);

    String yaml =
        AgentResources.configMap(pair, Map.of(), AdminHooks.NONE)
            .getData()
            .get(PairResources.PAIR_FILE_KEY);
    TlsSpec tls = PairFile.parse(yaml, "pair.yaml", "pair").spec().getRedis().getTls();
    assertThat(tls.getCaFile()).isEqualTo(PairResources.REDIS_TLS_CA_FILE);
    assertThat(tls.getCertFile()).isEqualTo(PairResources.REDIS_TLS_CERT_FILE);
    assertThat(tls.getKeyFile()).isEqualTo(PairResources.REDIS_TLS_KEY_FILE);
    assertThat(tls.getCaSecretRef()).isNull();
    assertThat(yaml).contains("username: redisha").doesNotContain("SecretRef");
  }

  @Test
  void withoutTlsNothingIsMounted() {
    RedisHAPair pair =
        Serialization.unmarshal(
            RESOURCE.replaceAll("(?s)    tls:.*?tls.key}\n", ""), RedisHAPair.class);
    DaemonSet daemonSet =
        AgentResources.daemonSet(
            pair, Map.of(), AgentSettings.defaults("redisha/redisha:test"), OperatorConfig.EMPTY);
    List<String> volumes =
        daemonSet.getSpec().getTemplate().getSpec().getVolumes().stream()
            .map(Volume::getName)
            .toList();
    assertThat(volumes).noneMatch(name -> name.startsWith("redis-tls"));
    assertThat(volumes).contains("redis-auth");
  }

  private static void assertMounted(
      PodSpec pod, Container agent, String secret, String key, String file) {
    String dir = file.substring(0, file.lastIndexOf('/'));
    String name = file.substring(file.lastIndexOf('/') + 1);
    Volume volume =
        pod.getVolumes().stream()
            .filter(v -> v.getSecret() != null && v.getSecret().getSecretName().equals(secret))
            .filter(v -> v.getSecret().getItems().getFirst().getKey().equals(key))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no volume of " + secret + "/" + key));
    assertThat(volume.getSecret().getItems().getFirst().getPath()).isEqualTo(name);
    assertThat(volume.getSecret().getDefaultMode()).isEqualTo(0400);
    VolumeMount mount =
        agent.getVolumeMounts().stream()
            .filter(m -> m.getName().equals(volume.getName()))
            .findFirst()
            .orElseThrow();
    assertThat(mount.getMountPath()).isEqualTo(dir);
    assertThat(mount.getReadOnly()).isTrue();
    assertThat(mount.getSubPath()).as("a subPath mount would not follow Secret updates").isNull();
  }
}

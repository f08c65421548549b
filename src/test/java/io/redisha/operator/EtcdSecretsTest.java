package io.redisha.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.redisha.api.RedisHAPair;
import io.redisha.api.RedisHAPairSpec;
import io.redisha.kube.PairResources;
import io.redisha.pair.PairFile;
import io.redisha.pair.PairValidation;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Under the operator the etcd password and TLS files come from Secrets: the DaemonSet mounts them,
 * the rendered pair file names the mounted files, and a resource that names files itself is refused
 * (S10).
 */
class EtcdSecretsTest {
  static final String RESOURCE =
      """
      apiVersion: redisha.io/v1alpha1
      kind: RedisHAPair
      metadata: {name: cache, namespace: redis}
      spec:
        nodes: [{name: vm-a, address: 192.0.2.11}, {name: vm-b, address: 192.0.2.12}]
        interface: eth0
        splitBrainProtection: Etcd
        etcd:
          endpoints: ['https://etcd-1.example:2379', 'https://etcd-2.example:2379']
          username: redisha
          passwordSecretRef: {name: etcd-redisha, key: password}
          tlsSecretRef: {name: etcd-client}
        instances:
        - {name: a, port: 6379, vip: 192.0.2.100/24, virtualRouterId: 51}
      """;

  static RedisHAPair pair(String yaml) {
    return Serialization.unmarshal(yaml, RedisHAPair.class);
  }

  @Test
  void theDaemonSetMountsTheEtcdSecretsAndThePairFileNamesTheMountedFiles() throws Exception {
    RedisHAPair pair = pair(RESOURCE);
    assertThat(PairValidator.validate(pair.getSpec(), Map.of())).isEmpty();

    DaemonSet daemonSet =
        AgentResources.daemonSet(
            pair, Map.of(), AgentSettings.defaults("redisha:test"), OperatorConfig.EMPTY);
    List<Volume> volumes = daemonSet.getSpec().getTemplate().getSpec().getVolumes();
    Volume auth = volume(volumes, "etcd-auth");
    assertThat(auth.getSecret().getSecretName()).isEqualTo("etcd-redisha");
    assertThat(auth.getSecret().getItems())
        .extracting(KeyToPath::getKey, KeyToPath::getPath)
        .containsExactly(tuple("password", "password"));
    Volume tls = volume(volumes, "etcd-tls");
    assertThat(tls.getSecret().getSecretName()).isEqualTo("etcd-client");
    assertThat(tls.getSecret().getItems())
        .extracting(KeyToPath::getKey)
        .containsExactly("ca.crt", "tls.crt", "tls.key");
    List<VolumeMount> mounts =
        daemonSet.getSpec().getTemplate().getSpec().getContainers().getFirst().getVolumeMounts();
    assertThat(mounts)
        .filteredOn(m -> m.getName().startsWith("etcd-"))
        .extracting(VolumeMount::getMountPath, VolumeMount::getReadOnly)
        .containsExactlyInAnyOrder(
            tuple(PairResources.ETCD_SECRET_DIR, true), tuple(PairResources.ETCD_TLS_DIR, true));

    RedisHAPairSpec rendered = PairFileRenderer.render(pair.getSpec(), Map.of());
    String yaml = PairFileRenderer.toYaml(rendered, "redis", "cache", 1);
    PairFile.Loaded loaded = PairFile.parse(yaml, "pair.yaml", "cache");
    assertThat(loaded.spec().getEtcd().getPasswordSecretRef()).isNull();
    assertThat(loaded.spec().getEtcd().getTlsSecretRef()).isNull();
    assertThat(loaded.spec().getEtcd().getPasswordFile())
        .isEqualTo(PairResources.ETCD_SECRET_DIR + "/password");
    assertThat(loaded.spec().getEtcd().getCaFile())
        .isEqualTo(PairResources.ETCD_TLS_DIR + "/ca.crt");
    assertThat(loaded.spec().getEtcd().getCertFile())
        .isEqualTo(PairResources.ETCD_TLS_DIR + "/tls.crt");
    assertThat(loaded.spec().getEtcd().getKeyFile())
        .isEqualTo(PairResources.ETCD_TLS_DIR + "/tls.key");
    assertThat(PairValidation.validate(loaded.spec())).isEmpty();
  }

  @Test
  void withoutAClientCertificateOnlyTheCaIsMounted() {
    RedisHAPair pair =
        pair(
            RESOURCE.replace(
                "tlsSecretRef: {name: etcd-client}",
                "tlsSecretRef: {name: etcd-ca, clientCertificate: false}"));
    DaemonSet daemonSet =
        AgentResources.daemonSet(
            pair, Map.of(), AgentSettings.defaults("redisha:test"), OperatorConfig.EMPTY);
    Volume tls = volume(daemonSet.getSpec().getTemplate().getSpec().getVolumes(), "etcd-tls");
    assertThat(tls.getSecret().getItems()).extracting(KeyToPath::getKey).containsExactly("ca.crt");
    RedisHAPairSpec rendered = PairFileRenderer.render(pair.getSpec(), Map.of());
    assertThat(rendered.getEtcd().getCaFile()).isEqualTo(PairResources.ETCD_TLS_DIR + "/ca.crt");
    assertThat(rendered.getEtcd().getCertFile()).isNull();
    assertThat(rendered.getEtcd().getKeyFile()).isNull();
  }

  @Test
  void aResourceThatNamesEtcdFilesOnTheNodesIsRefusedByTheOperator() {
    RedisHAPair pair =
        pair(
            RESOURCE
                .replace(
                    "passwordSecretRef: {name: etcd-redisha, key: password}",
                    "passwordFile: /root/.etcd-password")
                .replace("tlsSecretRef: {name: etcd-client}", "caFile: /etc/ssl/private/ca.pem"));
    assertThat(PairValidator.validate(pair.getSpec(), Map.of()))
        .anyMatch(p -> p.startsWith("spec.etcd.passwordFile: a RedisHAPair may not name a file"))
        .anyMatch(p -> p.startsWith("spec.etcd.caFile: a RedisHAPair may not name a file"));
  }

  private static Volume volume(List<Volume> volumes, String name) {
    return volumes.stream().filter(v -> v.getName().equals(name)).findFirst().orElseThrow();
  }
}

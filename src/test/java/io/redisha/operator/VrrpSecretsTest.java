package io.redisha.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.redisha.api.RedisHAPair;
import io.redisha.kube.PairResources;
import io.redisha.pair.AdminHooks;
import io.redisha.pair.PairFile;
import io.redisha.pair.PairValidation;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The Secrets of the per-group passwords and auth_hmac keys under the operator: mounted whole into
 * the agents, named by path in the rendered pair file, and left out of what restarts the agents, so
 * a key added to a Secret or a new active key reaches the agents with no rollout.
 */
class VrrpSecretsTest {
  static final String PAIR =
      """
      apiVersion: redisha.io/v1alpha1
      kind: RedisHAPair
      metadata: {name: cache, namespace: redis, generation: 3, uid: u-1}
      spec:
        nodes: [{name: vm-a, address: 192.0.2.11}, {name: vm-b, address: 192.0.2.12}]
        interface: eth0
        vrrp:
          version: 2
          advertIntervalMillis: 1000
          authHmac: {keys: [{id: 1, secretRef: {name: cache-hmac, key: key-1}}], activeKeyId: 1}
        instances:
        - name: a
          port: 6379
          vip: 192.0.2.100/24
          virtualRouterId: 51
          auth: {passwordSecretRef: {name: cache-vrrp, key: a-password}}
        - name: b
          port: 6389
          vip: 192.0.2.101/24
          virtualRouterId: 52
          auth: {hmac: {keys: [{id: 1, secretRef: {name: cache-hmac, key: b-key-1}}, {id: 2, secretRef: {name: cache-hmac, key: b-key-2}}], activeKeyId: 1, mode: permissive}}
        - {name: c, port: 6399, vip: 192.0.2.102/24, virtualRouterId: 53}
      """;

  static final AgentSettings SETTINGS = AgentSettings.defaults("redisha:test");

  static RedisHAPair pair(String yaml) {
    return Serialization.unmarshal(yaml, RedisHAPair.class);
  }

  static PodTemplateSpec template(String yaml) {
    return AgentResources.daemonSet(pair(yaml), Map.of(), SETTINGS, OperatorConfig.EMPTY)
        .getSpec()
        .getTemplate();
  }

  @Test
  void eachSecretIsMountedWholeOnceAndTheRenderedFileNamesItsFiles() throws Exception {
    PodTemplateSpec template = template(PAIR);
    List<Volume> secrets =
        template.getSpec().getVolumes().stream()
            .filter(v -> v.getSecret() != null)
            .filter(VrrpSecretsTest::notTheAgentToken)
            .toList();
    assertThat(secrets)
        .extracting(v -> v.getSecret().getSecretName())
        .containsExactlyInAnyOrder("cache-hmac", "cache-vrrp");
    for (Volume volume : secrets) {
      assertThat(volume.getSecret().getItems()).as("the whole Secret").isNullOrEmpty();
      assertThat(volume.getSecret().getDefaultMode()).isEqualTo(0400);
      assertThat(volume.getName())
          .isEqualTo(PairResources.vrrpSecretVolume(volume.getSecret().getSecretName()));
    }
    List<VolumeMount> mounts = template.getSpec().getContainers().getFirst().getVolumeMounts();
    assertThat(mounts)
        .filteredOn(m -> m.getName().startsWith("vrrp-secret-"))
        .extracting(VolumeMount::getMountPath, VolumeMount::getReadOnly)
        .containsExactlyInAnyOrder(
            tuple("/var/run/secrets/redisha/vrrp-secrets/cache-hmac", true),
            tuple("/var/run/secrets/redisha/vrrp-secrets/cache-vrrp", true));

    String yaml =
        AgentResources.configMap(pair(PAIR), Map.of(), AdminHooks.NONE)
            .getData()
            .get(PairResources.PAIR_FILE_KEY);
    assertThat(yaml).doesNotContain("secretRef").doesNotContain("SecretRef");
    PairFile.Loaded loaded = PairFile.parse(yaml, "pair.yaml", "cache");
    assertThat(PairValidation.validate(loaded.spec())).isEmpty();
    assertThat(PairValidation.authFiles(loaded.spec()))
        .containsExactly(
            "/var/run/secrets/redisha/vrrp-secrets/cache-hmac/key-1",
            "/var/run/secrets/redisha/vrrp-secrets/cache-vrrp/a-password",
            "/var/run/secrets/redisha/vrrp-secrets/cache-hmac/b-key-1",
            "/var/run/secrets/redisha/vrrp-secrets/cache-hmac/b-key-2");
    for (String file : PairValidation.authFiles(loaded.spec())) {
      String[] parts = file.substring(PairResources.VRRP_SECRETS_DIR.length() + 1).split("/");
      assertThat(mounts)
          .as("%s is inside a mounted Secret", file)
          .anyMatch(
              m ->
                  m.getMountPath().equals(PairResources.VRRP_SECRETS_DIR + "/" + parts[0])
                      && m.getName().equals(PairResources.vrrpSecretVolume(parts[0])));
    }
  }

  @Test
  void aRotationInsideTheSameSecretsChangesNoPodTemplate() {
    String rotated =
        PAIR.replace(
                "key: b-key-2}}], activeKeyId: 1, mode: permissive",
                "key: b-key-2}}, {id: 3, secretRef: {name: cache-hmac, key: b-key-3}}],"
                    + " activeKeyId: 3, mode: enforce")
            .replace("key: a-password", "key: a-password-2")
            .replace(
                "[{id: 1, secretRef: {name: cache-hmac, key: key-1}}], activeKeyId: 1}",
                "[{id: 4, secretRef: {name: cache-hmac, key: key-4}}], activeKeyId: 4,"
                    + " antiReplay: monotonic}");
    assertThat(rotated).isNotEqualTo(PAIR).contains("b-key-3").contains("id: 4");
    assertThat(template(rotated)).isEqualTo(template(PAIR));
    assertThat(AgentResources.configMap(pair(rotated), Map.of(), AdminHooks.NONE))
        .as("the agents get the new file")
        .isNotEqualTo(AgentResources.configMap(pair(PAIR), Map.of(), AdminHooks.NONE));
  }

  @Test
  void anotherSecretIsAnotherVolumeAndRollsTheAgents() {
    String moved = PAIR.replace("{name: cache-vrrp, key: a-password}", "{name: other, key: a}");
    PodTemplateSpec template = template(moved);
    assertThat(template).isNotEqualTo(template(PAIR));
    assertThat(template.getSpec().getVolumes())
        .filteredOn(v -> v.getSecret() != null)
        .filteredOn(VrrpSecretsTest::notTheAgentToken)
        .extracting(v -> v.getSecret().getSecretName())
        .containsExactlyInAnyOrder("cache-hmac", "other");
  }

  /** Every pair's agents also mount their token Secret (AgentTokenSecretIT covers it). */
  static boolean notTheAgentToken(Volume volume) {
    return !volume.getSecret().getSecretName().equals(PairResources.agentTokenSecretName("cache"));
  }
}

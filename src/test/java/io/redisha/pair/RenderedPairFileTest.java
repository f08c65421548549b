package io.redisha.pair;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.redisha.api.HookProvider;
import io.redisha.api.RedisHAPair;
import io.redisha.api.RedisHAPairSpec;
import io.redisha.cloud.HookSettings;
import io.redisha.kube.PairResources;
import io.redisha.operator.AgentResources;
import io.redisha.operator.PairFileRenderer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Under Kubernetes the agents read the pair file the operator renders from the resource, and the
 * hook of the operator's configuration that the pair names in a file beside it. The strict reading
 * must take both back unchanged, also where a text looks like a number or a boolean; and the agent
 * under {@code --kubernetes} takes a command from the hooks file only.
 */
class RenderedPairFileTest {
  static final String RESOURCE =
      """
      apiVersion: redisha.io/v1alpha1
      kind: RedisHAPair
      metadata: {name: cache, namespace: redis}
      spec:
        nodes: [{name: "1234"}, {name: vm-b, address: 192.0.2.12}]
        interface: eth0
        vrrp: {version: 3, advertIntervalMillis: 100, preempt: false, v3Checksum: MessageOnly,
               garp: {count: 3, refreshMillis: 60000}}
        healthCheck: {intervalMillis: 100, timeoutMillis: 250, fall: 2, rise: 2}
        splitBrainProtection: Lease
        vipHook: {hookRef: route-vip, timeoutMillis: 3000}
        instances:
        - {name: "010", port: 6379, vip: 192.0.2.100/24, virtualRouterId: 51, preferredMaster: "1234"}
        - {name: "1e3", port: 6389, vip: 192.0.2.101/24, virtualRouterId: 52}
      """;

  static final String ADMIN_HOOKS =
      """
      hooks:
        route-vip:
          provider: Exec
          command: [/usr/local/bin/route-vip, "010", "1e3", "yes", "0x1F", "6_379", "+5"]
        other: {provider: Webhook, url: 'http://192.0.2.30/route'}
      """;

  @TempDir Path dir;

  @Test
  void theRenderedFilesReadBackAsTheSameSpecAndHooks() throws Exception {
    RedisHAPair pair = Serialization.unmarshal(RESOURCE, RedisHAPair.class);
    AdminHooks hooks = AdminHooks.parse(ADMIN_HOOKS, "admin");
    ConfigMap cm = AgentResources.configMap(pair, Map.of("1234", "192.0.2.11"), hooks);
    String yaml = cm.getData().get(PairResources.PAIR_FILE_KEY);

    PairFile.Loaded loaded = PairFile.parse(yaml, "pair.yaml", "pair");
    ObjectMapper json = new ObjectMapper();
    RedisHAPairSpec rendered =
        PairFileRenderer.render(pair.getSpec(), Map.of("1234", "192.0.2.11"));
    JsonNode read = json.valueToTree(loaded.spec());
    JsonNode written = json.valueToTree(rendered);
    assertThat(read).isEqualTo(written);
    assertThat(yaml).doesNotContain("route-vip,", "command");

    // Only the hook the pair names is handed to its agents.
    AdminHooks handed =
        AdminHooks.parse(cm.getData().get(PairResources.HOOKS_FILE_KEY), "hooks.yaml");
    assertThat(handed.names()).containsExactly("route-vip");
    assertThat(handed.find("route-vip").getCommand())
        .containsExactly("/usr/local/bin/route-vip", "010", "1e3", "yes", "0x1F", "6_379", "+5");

    Path pairFile = Files.writeString(dir.resolve(PairResources.PAIR_FILE_KEY), yaml);
    Files.writeString(
        dir.resolve(PairResources.HOOKS_FILE_KEY), cm.getData().get(PairResources.HOOKS_FILE_KEY));
    HookSettings hook = PairValidation.resolveAgentFile(pairFile, "1234", true).vipHook();
    assertThat(hook.provider()).isEqualTo(HookProvider.EXEC);
    assertThat(hook.command()).isEqualTo(handed.find("route-vip").getCommand());
    assertThat(hook.timeout().toMillis()).isEqualTo(3000);
  }

  /**
   * The agent under {@code --kubernetes} refuses a command in its pair file, and any file outside
   * the Secrets the operator mounts, even if something wrote them there: it takes commands from the
   * hooks file only.
   */
  @Test
  void underKubernetesThePairFileCarriesNoCommandAndNoOtherFile() throws Exception {
    String base =
        """
        nodes: [{name: vm-a, address: 192.0.2.11}, {name: vm-b, address: 192.0.2.12}]
        interface: eth0
        instances: [{name: a, port: 6379, vip: 192.0.2.100/24, virtualRouterId: 51}]
        """;
    Path pairFile =
        Files.writeString(
            dir.resolve("pair.yaml"),
            base
                + "vipHook: {provider: Exec, command: [/bin/sh, -c, 'id; ip link']}\n"
                + "redis: {passwordFile: /var/run/secrets/kubernetes.io/serviceaccount/token}\n");
    assertThatThrownBy(() -> PairValidation.resolveAgentFile(pairFile, "vm-a", true))
        .isInstanceOf(InvalidPairException.class)
        .satisfies(
            e ->
                assertThat(((InvalidPairException) e).problems())
                    .anySatisfy(p -> assertThat(p).startsWith("vipHook.command: "))
                    .anySatisfy(p -> assertThat(p).startsWith("vipHook.provider: Exec"))
                    .anySatisfy(
                        p ->
                            assertThat(p)
                                .startsWith(
                                    "redis.passwordFile: under --kubernetes the agent reads files"
                                        + " only where the operator mounts Secrets"
                                        + " (/var/run/secrets/redisha/), not"
                                        + " /var/run/secrets/kubernetes.io/serviceaccount/token")));

    for (String path :
        List.of(
            "/var/run/secrets/redisha/../kubernetes.io/serviceaccount/token", "redis/password")) {
      Files.writeString(pairFile, base + "redis: {passwordFile: '" + path + "'}\n");
      assertThatThrownBy(() -> PairValidation.resolveAgentFile(pairFile, "vm-a", true))
          .as(path)
          .hasMessageContaining("redis.passwordFile: under --kubernetes");
    }

    Files.writeString(pairFile, base + "vipHook: {hookRef: route-vip}\n");
    assertThatThrownBy(() -> PairValidation.resolveAgentFile(pairFile, "vm-a", true))
        .hasMessageContaining(
            "vipHook.hookRef: 'route-vip' is not a hook of the operator's configuration");
    Files.writeString(dir.resolve(PairResources.HOOKS_FILE_KEY), ADMIN_HOOKS);
    assertThat(PairValidation.resolveAgentFile(pairFile, "vm-a", true).vipHook().provider())
        .isEqualTo(HookProvider.EXEC);
    // The same pair file is no standalone pair file: hooks are the operator's.
    assertThatThrownBy(() -> PairValidation.resolveAgentFile(pairFile, "vm-a", false))
        .hasMessageContaining("vipHook.hookRef: names a hook of the operator's configuration");
  }
}

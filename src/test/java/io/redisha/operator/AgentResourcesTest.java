package io.redisha.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.redisha.api.InstanceSpec;
import io.redisha.api.NodeSpec;
import io.redisha.api.RedisHAPair;
import io.redisha.api.RedisHAPairSpec;
import io.redisha.kube.PairResources;
import io.redisha.pair.AdminHooks;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The agents' Role, checked the way the API server's RBAC authorizer reads it, and what the agents'
 * pods may do and read.
 */
class AgentResourcesTest {
  static final String LEASES_GROUP = "coordination.k8s.io";

  static RedisHAPair pair(String name, List<String> groups) {
    RedisHAPair pair = new RedisHAPair();
    pair.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace("redis").build());
    RedisHAPairSpec spec = new RedisHAPairSpec();
    spec.setNodes(
        List.of("vm-a", "vm-b").stream()
            .map(
                n -> {
                  NodeSpec node = new NodeSpec();
                  node.setName(n);
                  return node;
                })
            .toList());
    spec.setInstances(
        groups.stream()
            .map(
                g -> {
                  InstanceSpec instance = new InstanceSpec();
                  instance.setName(g);
                  return instance;
                })
            .toList());
    pair.setSpec(spec);
    return pair;
  }

  /**
   * Whether {@code role} allows {@code verb} on the object {@code name} ("" for a create, whose
   * object has no name when it is authorized): a rule matches when group, resource and verb match
   * and it either names no objects or names this one.
   */
  static boolean allows(Role role, String verb, String apiGroup, String resource, String name) {
    for (PolicyRule rule : role.getRules()) {
      boolean anyName = rule.getResourceNames() == null || rule.getResourceNames().isEmpty();
      if (rule.getApiGroups().contains(apiGroup)
          && rule.getResources().contains(resource)
          && rule.getVerbs().contains(verb)
          && (anyName || rule.getResourceNames().contains(name))) {
        return true;
      }
    }
    return false;
  }

  @Test
  void agentsMayWriteTheirReportAndGroupLeasesEvenForAGroupNamedLikeAReportLease() {
    Role role = AgentResources.role(pair("cache", List.of("a", "report-vm-a")));
    List<String> leases =
        List.of(
            PairResources.reportLeaseName("cache", "vm-a"),
            PairResources.reportLeaseName("cache", "vm-b"),
            PairResources.groupLeaseName("cache", "a"),
            PairResources.groupLeaseName("cache", "report-vm-a"));
    assertThat(leases).doesNotHaveDuplicates();
    for (String lease : leases) {
      // FabricLeasePort: get, create, update; LeaseReportSink: patch, create on 404.
      for (String verb : List.of("get", "update", "patch")) {
        assertThat(allows(role, verb, LEASES_GROUP, "leases", lease))
            .as("%s %s", verb, lease)
            .isTrue();
      }
    }
    assertThat(allows(role, "create", LEASES_GROUP, "leases", "")).isTrue();
    assertThat(allows(role, "create", "", "events", "")).isTrue();
    assertThat(allows(role, "patch", "", "events", "x.17a")).isTrue();
  }

  @Test
  void agentsMayNotTouchLeasesThatAreNotTheirPairs() {
    Role role = AgentResources.role(pair("cache", List.of("a")));
    for (String lease :
        List.of(
            PairResources.groupLeaseName("other", "a"),
            PairResources.reportLeaseName("other", "vm-a"),
            PairResources.groupLeaseName("cache", "b"),
            "redisha-operator")) {
      for (String verb : List.of("get", "update", "patch", "delete")) {
        assertThat(allows(role, verb, LEASES_GROUP, "leases", lease))
            .as("%s %s", verb, lease)
            .isFalse();
      }
    }
    for (String verb : List.of("list", "watch", "deletecollection")) {
      assertThat(allows(role, verb, LEASES_GROUP, "leases", "")).as(verb).isFalse();
    }
  }

  @Test
  void aGroupAddedToThePairIsAddedToTheRole() {
    Role before = AgentResources.role(pair("cache", List.of("a")));
    Role after = AgentResources.role(pair("cache", List.of("a", "b")));
    String lease = PairResources.groupLeaseName("cache", "b");
    assertThat(allows(before, "update", LEASES_GROUP, "leases", lease)).isFalse();
    assertThat(allows(after, "update", LEASES_GROUP, "leases", lease)).isTrue();
  }

  static RedisHAPair pair(String yaml) {
    return Serialization.unmarshal(yaml, RedisHAPair.class);
  }

  static final String WITH_HOOK =
      """
      apiVersion: redisha.io/v1alpha1
      kind: RedisHAPair
      metadata: {name: cache, namespace: redis, uid: 6f1c}
      spec:
        nodes: [{name: vm-a}, {name: vm-b}]
        interface: eth0
        vipHook: {hookRef: route-vip, credentialsSecretRef: {name: cache-cloud, key: aws}}
        instances: [{name: a, port: 6379, vip: 192.0.2.100/24, virtualRouterId: 51}]
      """;

  static final Map<String, String> NODES = Map.of("vm-a", "192.0.2.11", "vm-b", "192.0.2.12");

  static OperatorConfig config(String command, List<Toleration> tolerations) throws Exception {
    return new OperatorConfig(
        AdminHooks.parse(
            "hooks:\n  route-vip: {provider: Exec, command: ["
                + command
                + "]}\n  other: {provider: Exec, command: [/usr/local/bin/other]}\n",
            "admin"),
        tolerations);
  }

  @Test
  void theAgentPodsRunWithTheRuntimesSeccompFilterAndTheAdminsTolerations() throws Exception {
    List<Toleration> tolerations =
        List.of(
            new TolerationBuilder()
                .withKey("dedicated")
                .withOperator("Equal")
                .withValue("redis")
                .withEffect("NoSchedule")
                .build());
    DaemonSet ds =
        AgentResources.daemonSet(
            pair(WITH_HOOK),
            NODES,
            AgentSettings.defaults("redisha/redisha:test"),
            config("/usr/local/bin/route-vip", tolerations));
    PodSpec pod = ds.getSpec().getTemplate().getSpec();
    assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    assertThat(pod.getTolerations()).isEqualTo(tolerations);
    var container = pod.getContainers().getFirst();
    assertThat(container.getSecurityContext().getPrivileged()).isFalse();
    assertThat(container.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();

    DaemonSet none =
        AgentResources.daemonSet(
            pair(WITH_HOOK), NODES, AgentSettings.defaults("x"), OperatorConfig.EMPTY);
    assertThat(none.getSpec().getTemplate().getSpec().getTolerations()).isEmpty();
  }

  @Test
  void theCloudCredentialsSecretIsMountedWhereTheRenderedFileLooks() throws Exception {
    RedisHAPair pair = pair(WITH_HOOK);
    DaemonSet ds =
        AgentResources.daemonSet(
            pair,
            NODES,
            AgentSettings.defaults("x"),
            config("/usr/local/bin/route-vip", List.of()));
    PodSpec pod = ds.getSpec().getTemplate().getSpec();
    // Besides the pair's own agent token Secret, which every pair has:
    assertThat(
            pod.getVolumes().stream()
                .filter(v -> v.getSecret() != null)
                .filter(
                    v ->
                        !v.getSecret()
                            .getSecretName()
                            .equals(PairResources.agentTokenSecretName("cache"))))
        .singleElement()
        .satisfies(
            v -> {
              assertThat(v.getSecret().getSecretName()).isEqualTo("cache-cloud");
              assertThat(v.getSecret().getItems().getFirst().getKey()).isEqualTo("aws");
              assertThat(v.getSecret().getItems().getFirst().getPath())
                  .isEqualTo(PairResources.CLOUD_CREDENTIALS_FILE);
            });
    assertThat(pod.getContainers().getFirst().getVolumeMounts())
        .anySatisfy(m -> assertThat(m.getMountPath()).isEqualTo(PairResources.CLOUD_SECRET_DIR));
    String file =
        AgentResources.configMap(pair, NODES, AdminHooks.NONE)
            .getData()
            .get(PairResources.PAIR_FILE_KEY);
    assertThat(file)
        .contains(
            "credentialsFile: "
                + PairResources.CLOUD_SECRET_DIR
                + "/"
                + PairResources.CLOUD_CREDENTIALS_FILE)
        .doesNotContain("credentialsSecretRef");
  }

  /**
   * The named hook travels in its own key, the others stay with the operator, and a change of the
   * hook restarts the agents (they read it at start).
   */
  @Test
  void onlyTheNamedHookReachesTheAgentsAndAChangeOfItRestartsThem() throws Exception {
    RedisHAPair pair = pair(WITH_HOOK);
    OperatorConfig config = config("/usr/local/bin/route-vip", List.of());
    ConfigMap cm = AgentResources.configMap(pair, NODES, config.hooks());
    assertThat(cm.getData().get(PairResources.HOOKS_FILE_KEY))
        .contains("route-vip", "/usr/local/bin/route-vip")
        .doesNotContain("other");
    assertThat(cm.getData().get(PairResources.PAIR_FILE_KEY))
        .contains("hookRef: route-vip")
        .doesNotContain("command", "/usr/local/bin/");
    assertThat(AgentResources.configMap(pair(PAIR_WITHOUT_HOOK), NODES, config.hooks()).getData())
        .doesNotContainKey(PairResources.HOOKS_FILE_KEY);

    AgentSettings settings = AgentSettings.defaults("x");
    String before = AgentResources.restartDigest(pair, NODES, settings, config.hooks());
    String changed =
        AgentResources.restartDigest(
            pair, NODES, settings, config("/usr/local/bin/route-vip-2", List.of()).hooks());
    assertThat(changed).isNotEqualTo(before);
    assertThat(AgentResources.restartDigest(pair, NODES, settings, config.hooks()))
        .isEqualTo(before);
  }

  static final String PAIR_WITHOUT_HOOK =
      WITH_HOOK.replace(
          "  vipHook: {hookRef: route-vip, credentialsSecretRef: {name: cache-cloud, key: aws}}\n",
          "");
}

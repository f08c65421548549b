package io.redisha.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.redisha.api.InstanceSpec;
import io.redisha.api.NodeSpec;
import io.redisha.api.RedisHAPair;
import io.redisha.api.RedisHAPairSpec;
import io.redisha.kube.PairResources;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The agents' Role, checked the way the API server's RBAC authorizer reads it. */
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
}

package io.redisha.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.utils.Serialization;
import io.redisha.api.RedisHAPair;
import io.redisha.api.RedisHAPairSpec;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The operator's own spec check, including what only it can know (the nodes' real addresses). */
class PairValidatorTest {
  static RedisHAPairSpec spec(String yaml) {
    return Serialization.unmarshal(
            "apiVersion: redisha.io/v1alpha1\nkind: RedisHAPair\nmetadata: {name: c}\nspec:\n"
                + yaml,
            RedisHAPair.class)
        .getSpec();
  }

  static final Map<String, String> NODES = Map.of("vm-a", "192.0.2.11", "vm-b", "192.0.2.12");

  @Test
  void soundSpecHasNoProblems() {
    assertThat(
            PairValidator.validate(
                spec(
                    """
                      nodes: [{name: vm-a}, {name: vm-b}]
                      interface: eth0
                      instances: [{name: a, port: 6379, vip: 192.0.2.100/24, virtualRouterId: 51}]
                    """),
                NODES))
        .isEmpty();
  }

  @Test
  void everyProblemNamesItsField() {
    assertThat(
            PairValidator.validate(
                spec(
                    """
                      nodes: [{name: vm-a}, {name: vm-x}]
                      interface: eth0
                      vrrp: {version: 3, advertIntervalMillis: 105}
                      instances:
                      - {name: a, port: 6379, vip: 192.0.2.11/24, virtualRouterId: 51, preferredMaster: vm-c}
                      - {name: b, port: 6379, vip: 192.0.2.100/24, virtualRouterId: 51}
                    """),
                NODES))
        .containsExactlyInAnyOrder(
            "spec.nodes[1].address: not set, and node vm-x has no InternalIP (is there a node of"
                + " that name?)",
            "spec.vrrp.advertIntervalMillis: VRRPv3 needs 10 to 40950 in steps of 10, not 105",
            "spec.instances[0].vip: 192.0.2.11 is the address of node vm-a",
            "spec.instances[0].preferredMaster: 'vm-c' is not one of the nodes [vm-a, vm-x]",
            "spec.instances[1].port: 6379 is already used by instances[0]",
            "spec.instances[1].virtualRouterId: 51 is already used by instances[0]");
  }
}

package io.redisha.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.utils.Serialization;
import io.redisha.api.PairRules;
import io.redisha.api.RedisHAPair;
import io.redisha.api.RedisHAPairSpec;
import io.redisha.pair.AdminHooks;
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

  static final String SOUND =
      """
        nodes: [{name: vm-a}, {name: vm-b}]
        interface: eth0
        instances: [{name: a, port: 6379, vip: 192.0.2.100/24, virtualRouterId: 51}]
      """;

  static AdminHooks hooks() throws Exception {
    return AdminHooks.parse(
        """
        hooks:
          route-vip: {provider: Exec, command: [/usr/local/bin/route-vip]}
          havip: {provider: Alibaba, region: cn-hangzhou}
        """,
        "admin");
  }

  /** Issue 12, point 1: the spec that would run a shell and send the token is refused. */
  @Test
  void aCommandOrANodeFileInTheResourceIsRefusedNamingTheField() throws Exception {
    assertThat(
            PairValidator.validate(
                spec(
                    SOUND
                        + """
                          redis: {passwordFile: /var/run/secrets/kubernetes.io/serviceaccount/token}
                          vipHook: {provider: Exec, command: [/bin/sh, -c, "id; ip link"]}
                        """),
                NODES,
                hooks()))
        .containsExactlyInAnyOrder(
            "spec." + PairRules.NO_REDIS_PASSWORD_FILE_IN_RESOURCE_MESSAGE,
            "spec." + PairRules.NO_EXEC_IN_RESOURCE_MESSAGE,
            "spec." + PairRules.NO_COMMAND_IN_RESOURCE_MESSAGE);
  }

  @Test
  void aHookRefMustNameAHookOfTheOperator() throws Exception {
    assertThat(
            PairValidator.validate(
                spec(SOUND + "  vipHook: {hookRef: route-vip}\n"), NODES, hooks()))
        .isEmpty();
    assertThat(
            PairValidator.validate(
                spec(SOUND + "  vipHook: {hookRef: rout-vip}\n"), NODES, hooks()))
        .containsExactly(
            "spec.vipHook.hookRef: 'rout-vip' is not a hook of the operator's configuration (it"
                + " defines havip, route-vip)");
    assertThat(
            PairValidator.validate(
                spec(SOUND + "  vipHook: {hookRef: route-vip}\n"), NODES, AdminHooks.NONE))
        .containsExactly(
            "spec.vipHook.hookRef: 'route-vip' is not a hook of the operator's configuration (it"
                + " defines none; the cluster admin adds them with the Helm value hooks)");
  }

  /** Whether a group needs haVipId is known only once the hook's name is resolved. */
  @Test
  void theNamedHooksProviderDecidesWhatTheGroupsNeed() throws Exception {
    assertThat(
            PairValidator.validate(spec(SOUND + "  vipHook: {hookRef: havip}\n"), NODES, hooks()))
        .containsExactly(
            "spec.instances[0].haVipId: required with vipHook.provider Alibaba (the group's HAVIP)");
    assertThat(
            PairValidator.validate(
                spec(
                    SOUND.replace("virtualRouterId: 51}", "virtualRouterId: 51, haVipId: havip-1}")
                        + "  vipHook: {hookRef: havip}\n"),
                NODES,
                hooks()))
        .isEmpty();
  }
}

package io.redisha.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.redisha.api.HookProvider;
import io.redisha.pair.InvalidPairException;
import org.junit.jupiter.api.Test;

/** The cluster admin's configuration of the operator, read as strictly as a pair file. */
class OperatorConfigTest {
  @Test
  void readsHooksAndTolerations() throws Exception {
    OperatorConfig config =
        OperatorConfig.parse(
            """
            hooks:
              route-vip: {provider: Exec, command: [/usr/local/bin/route-vip, --zone, "010"]}
              aws-main: {provider: AWS, region: eu-west-1, endpoint: 'https://ec2.eu-west-1.amazonaws.com'}
            agentTolerations:
            - {key: dedicated, operator: Equal, value: redis, effect: NoSchedule}
            - {key: node.kubernetes.io/unreachable, operator: Exists, effect: NoExecute, tolerationSeconds: 30}
            """,
            "admin.yaml");
    assertThat(config.hooks().names()).containsExactly("aws-main", "route-vip");
    assertThat(config.hooks().find("route-vip").getProvider()).isEqualTo(HookProvider.EXEC);
    assertThat(config.hooks().find("route-vip").getCommand())
        .containsExactly("/usr/local/bin/route-vip", "--zone", "010");
    assertThat(config.agentTolerations()).hasSize(2);
    assertThat(config.agentTolerations().get(1).getTolerationSeconds()).isEqualTo(30L);
    assertThat(OperatorConfig.parse("", "empty").hooks().names()).isEmpty();
  }

  @Test
  void everyProblemNamesItsField() {
    assertThatThrownBy(
            () ->
                OperatorConfig.parse(
                    """
                    hooks:
                      route-vip: {provider: Exec}
                      Bad_Name: {provider: Webhook, url: 'http://192.0.2.30/'}
                      chained: {hookRef: route-vip}
                      slow: {provider: AWS, region: us-east-1, timeoutMillis: 9000}
                      keyed: {provider: AWS, region: us-east-1, credentialsSecretRef: {name: s, key: k}}
                    agentTolerations:
                    - {key: dedicated, operator: Maybe}
                    - {operator: Exists, value: x, effect: Sometimes}
                    - {key: k, tolerationSeconds: 5}
                    """,
                    "admin.yaml"))
        .isInstanceOf(InvalidPairException.class)
        .satisfies(
            e ->
                assertThat(((InvalidPairException) e).problems())
                    .containsExactlyInAnyOrder(
                        "hooks.Bad_Name: 'Bad_Name' is not a hook name (lower-case letters,"
                            + " digits and '-', at most 63 characters)",
                        "hooks.chained.hookRef: a hook of the operator cannot name another hook",
                        "hooks.chained.provider: required: Exec, Webhook, AWS or Alibaba",
                        "hooks.keyed.credentialsSecretRef: Secrets belong to a pair's namespace;"
                            + " give it in the RedisHAPair (vipHook.credentialsSecretRef) or use"
                            + " credentialsFile",
                        "hooks.route-vip.command: required with provider Exec, for example"
                            + " [/usr/local/bin/route-vip]",
                        "hooks.slow: timeoutMillis and retryMaxMillis are set by each pair"
                            + " (vipHook.timeoutMillis, vipHook.retryMaxMillis), not by the hook",
                        "agentTolerations[0].operator: must be Exists or Equal, not 'Maybe'",
                        "agentTolerations[1].value: must be empty with operator Exists",
                        "agentTolerations[1].effect: must be NoSchedule, PreferNoSchedule or"
                            + " NoExecute, not 'Sometimes'",
                        "agentTolerations[2].tolerationSeconds: only used with effect NoExecute"));
  }

  @Test
  void unknownFieldsAndWrongTypesAreRefusedWithTheirPlace() {
    assertThatThrownBy(
            () ->
                OperatorConfig.parse(
                    "hooks:\n  a: {provider: Exec, comand: [x]}\nagentToleration: []\n",
                    "admin.yaml"))
        .hasMessageContaining("hooks.a.comand: unknown field (did you mean command?) (line 2")
        .hasMessageContaining("agentToleration: unknown field (did you mean agentTolerations?)");
    assertThatThrownBy(() -> OperatorConfig.parse("hooks: [a]\n", "admin.yaml"))
        .hasMessageContaining("hooks: wrong type: expected a mapping, not a list");
  }
}

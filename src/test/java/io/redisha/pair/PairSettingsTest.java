package io.redisha.pair;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** A copy of the settings with other groups keeps every other part. */
class PairSettingsTest {
  static final String PAIR =
      """
      nodes:
      - {name: vm-a, address: 192.0.2.11}
      - {name: vm-b, address: 192.0.2.12}
      interface: eth0
      vrrp: {version: 3, advertIntervalMillis: 200, minTtl: 254, preempt: true}
      healthCheck: {intervalMillis: 150, timeoutMillis: 300, fall: 3, rise: 4}
      splitBrainProtection: Etcd
      etcd: {endpoints: ['http://198.51.100.11:2379', 'http://198.51.100.12:2379'], prefix: /ha}
      vipHook: {provider: Webhook, url: 'http://192.0.2.30/route', timeoutMillis: 2000}
      instances:
      - {name: a, port: 6379, vip: 192.0.2.100/24, virtualRouterId: 51, preferredMaster: vm-a}
      - {name: b, port: 6389, vip: 192.0.2.101/24, virtualRouterId: 52}
      """;

  static PairSettings resolve(String yaml) throws InvalidPairException {
    return PairValidation.resolve(PairFile.parse(yaml, "pair.yaml", "pair"), "vm-a", "pair.yaml");
  }

  @Test
  void withGroupsKeepsEveryOtherPartTheVipHookIncluded() throws Exception {
    PairSettings settings = resolve(PAIR);
    assertThat(settings.vipHook()).isNotNull();
    List<PairSettings.Group> fewer = List.of(settings.group("b"));

    PairSettings copy = settings.withGroups(fewer);

    assertThat(copy.groups()).isEqualTo(fewer);
    assertThat(copy.pairName()).isEqualTo(settings.pairName());
    assertThat(copy.link()).isEqualTo(settings.link());
    assertThat(copy.vrrp()).isEqualTo(settings.vrrp());
    assertThat(copy.garp()).isEqualTo(settings.garp());
    assertThat(copy.health()).isEqualTo(settings.health());
    assertThat(copy.redis()).isEqualTo(settings.redis());
    assertThat(copy.splitBrain()).isEqualTo(settings.splitBrain());
    assertThat(copy.vipHook()).isEqualTo(settings.vipHook());
    assertThat(copy.withGroups(settings.groups())).isEqualTo(settings);
  }

  @Test
  void aReloadThatOnlyChangesGroupsIsTheSameExceptGroups() throws Exception {
    PairSettings before = resolve(PAIR);
    PairSettings groupsChanged =
        resolve(
            PAIR.replace("vip: 192.0.2.101/24", "vip: 192.0.2.111/24")
                + "- {name: c, port: 6399, vip: 192.0.2.102/24, virtualRouterId: 53}\n");
    assertThat(groupsChanged.groups()).isNotEqualTo(before.groups());
    assertThat(before.sameExceptGroups(groupsChanged)).isTrue();
    assertThat(groupsChanged.sameExceptGroups(before)).isTrue();

    PairSettings hookChanged = resolve(PAIR.replace("timeoutMillis: 2000", "timeoutMillis: 3000"));
    assertThat(before.sameExceptGroups(hookChanged)).isFalse();
    PairSettings healthChanged = resolve(PAIR.replace("fall: 3", "fall: 2"));
    assertThat(before.sameExceptGroups(healthChanged)).isFalse();
    // A changed etcd block restarts the groups on a new gateway (AgentWiring reopens it).
    PairSettings etcdChanged = resolve(PAIR.replace("prefix: /ha", "prefix: /other"));
    assertThat(etcdChanged.splitBrain().etcd().prefix()).isEqualTo("/other");
    assertThat(before.sameExceptGroups(etcdChanged)).isFalse();
  }
}

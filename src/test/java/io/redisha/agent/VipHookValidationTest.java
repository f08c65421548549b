package io.redisha.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.redisha.api.HookProvider;
import io.redisha.cloud.HookSettings;
import io.redisha.pair.InvalidPairException;
import io.redisha.pair.PairFile;
import io.redisha.pair.PairValidation;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** vipHook in the pair file: every bad setting named, good ones resolved with their defaults. */
class VipHookValidationTest {
  static final String BASE =
      """
      nodes: [{name: vm-a, address: 192.0.2.11}, {name: vm-b, address: 192.0.2.12}]
      interface: eth0
      """;

  static PairFile.Loaded load(String yaml) throws Exception {
    return PairFile.parse(BASE + yaml, "pair.yaml", "pair");
  }

  @Test
  void alibabaNeedsARegionAndAHaVipPerGroup() throws Exception {
    var loaded =
        load(
            """
            vipHook: {provider: Alibaba, timeoutMillis: 50}
            instances:
            - {name: a, port: 6379, vip: 192.0.2.100/24, virtualRouterId: 51, haVipId: havip-bp1a}
            - {name: b, port: 6389, vip: 192.0.2.101/24, virtualRouterId: 52}
            """);
    assertThat(PairValidation.validate(loaded.spec()))
        .containsExactly(
            "instances[1].haVipId: required with vipHook.provider Alibaba (the group's HAVIP)",
            "vipHook.region: required with provider Alibaba, for example cn-hangzhou",
            "vipHook.timeoutMillis: must be 100 to 120000, not 50");
  }

  @Test
  void eachProviderNamesWhatItMisses() throws Exception {
    String groups =
        "instances: [{name: a, port: 6379, vip: 192.0.2.100/24, virtualRouterId: 51}]\n";
    assertThat(PairValidation.validate(load("vipHook: {provider: Exec}\n" + groups).spec()))
        .containsExactly(
            "vipHook.command: required with provider Exec, for example [/usr/local/bin/route-vip]");
    assertThat(
            PairValidation.validate(
                load("vipHook: {provider: Webhook, url: 'ftp://x'}\n" + groups).spec()))
        .containsExactly("vipHook.url: 'ftp://x' is not an http(s) URL");
    // The provider is an enum: an unknown one is refused while the file is read.
    assertThatThrownBy(() -> load("vipHook: {provider: GCP}\n" + groups))
        .isInstanceOf(InvalidPairException.class)
        .hasMessageContaining("vipHook.provider: must be Exec, Webhook, AWS or Alibaba, not 'GCP'");
    assertThat(
            PairValidation.validate(
                load("instances: [{name: a, port: 6379, vip: 192.0.2.100/24, virtualRouterId:"
                        + " 51, haVipId: havip-x}]\n")
                    .spec()))
        .containsExactly("instances[0].haVipId: only used with vipHook.provider Alibaba");
  }

  @Test
  void awsResolvesWithDefaults() throws Exception {
    var loaded =
        load(
            """
            vipHook: {provider: AWS, region: eu-west-1}
            instances: [{name: a, port: 6379, vip: 192.0.2.100/24, virtualRouterId: 51}]
            """);
    HookSettings hook = PairValidation.resolve(loaded, "vm-a", "pair.yaml").vipHook();
    assertThat(hook.provider()).isEqualTo(HookProvider.AWS);
    assertThat(hook.region()).isEqualTo("eu-west-1");
    assertThat(hook.timeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(hook.retryMax()).isEqualTo(Duration.ofSeconds(30));
    assertThat(hook.credentialsFile()).isNull();
  }
}

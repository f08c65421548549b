package io.redisha.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.redisha.lab.PairLab;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SentinelConfigTest {
  private final SentinelConfig config =
      new SentinelConfig(
          "192.0.2.12",
          Map.of("a", "192.0.2.11", "b", "192.0.2.12"),
          PairLab.DEFAULT_GROUPS,
          "/run/s");

  @Test
  void monitorsEachGroupWithQuorumTwoAndOneSecondDownAfter() {
    assertThat(config.config())
        .contains("port 26379")
        .contains("sentinel monitor a 192.0.2.11 6379 2")
        .contains("sentinel monitor b 192.0.2.12 6389 2")
        .contains("sentinel down-after-milliseconds a 1000")
        .contains("sentinel down-after-milliseconds b 1000")
        .contains("sentinel client-reconfig-script a /run/s/vip-a.sh");
  }

  @Test
  void theReconfigScriptAddsTheVipOnlyOnTheNewMastersHostAndAnnouncesIt() {
    String script = config.scripts().get("vip-a.sh");

    assertThat(script)
        .contains("if [ \"$6\" = \"192.0.2.12\" ]")
        .contains("ip addr add 192.0.2.100/24 dev eth0")
        .contains("arping -q -U")
        .contains("ip addr del 192.0.2.100/24 dev eth0")
        .endsWith("exit 0\n");
  }

  @Test
  void aGroupWithoutInitialMasterIsRefusedByName() {
    assertThatThrownBy(
            () ->
                new SentinelConfig(
                    "192.0.2.11", Map.of("a", "192.0.2.11"), PairLab.DEFAULT_GROUPS, "/x"))
        .hasMessageContaining("masterAddressByGroup")
        .hasMessageContaining("'b'");
  }
}

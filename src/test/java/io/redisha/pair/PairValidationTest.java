package io.redisha.pair;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.redisha.arbiter.Protection;
import io.redisha.vrrp.ChecksumMode;
import io.redisha.vrrp.VrrpVersion;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every refused pair file names the field that is wrong. */
class PairValidationTest {
  @TempDir Path dir;

  static final String GOOD =
      """
      nodes:
      - {name: vm-a, address: 192.0.2.11}
      - {name: vm-b, address: 192.0.2.12}
      interface: eth0
      vrrp: {version: 3, advertIntervalMillis: 100}
      instances:
      - {name: a, port: 6379, vip: 192.0.2.100/24, virtualRouterId: 51, preferredMaster: vm-a}
      - {name: b, port: 6389, vip: 192.0.2.101/24, virtualRouterId: 52}
      """;

  PairSettings resolve(String yaml, String node) throws Exception {
    Path file = dir.resolve("pair.yaml");
    Files.writeString(file, yaml);
    return PairValidation.resolve(PairFile.load(file), node, file.toString());
  }

  @Test
  void resolvesAGoodPairForEachNode() throws Exception {
    PairSettings a = resolve(GOOD, "vm-a");
    assertThat(a.pairName()).isEqualTo("pair");
    assertThat(a.link().peerNode()).isEqualTo("vm-b");
    assertThat(a.link().peerAddress().getHostAddress()).isEqualTo("192.0.2.12");
    assertThat(a.vrrp().version()).isEqualTo(VrrpVersion.V3);
    assertThat(a.vrrp().intervalCentis()).isEqualTo(10);
    assertThat(a.vrrp().checksumMode()).isEqualTo(ChecksumMode.PSEUDO_HEADER);
    assertThat(a.vrrp().minTtl()).isEqualTo(255);
    assertThat(a.splitBrain().mode()).isEqualTo(Protection.NONE);
    assertThat(a.garp().count()).isEqualTo(5);
    assertThat(a.health().fall()).isEqualTo(2);
    assertThat(a.group("a").priority()).isEqualTo(PairValidation.PREFERRED_PRIORITY);
    assertThat(a.group("b").priority()).isEqualTo(PairValidation.DEFAULT_PRIORITY);
    assertThat(resolve(GOOD, "vm-b").group("a").priority())
        .isEqualTo(PairValidation.DEFAULT_PRIORITY);
  }

  @Test
  void acceptsTwoAgentsOnOneHostOnLoopbackAddresses() throws Exception {
    String loopback =
        GOOD.replace("address: 192.0.2.11", "address: 127.0.0.1")
            .replace("address: 192.0.2.12", "address: 127.0.0.2");
    assertThat(loopback).contains("127.0.0.1").contains("127.0.0.2");
    assertThat(resolve(loopback, "vm-a").link().peerAddress().getHostAddress())
        .isEqualTo("127.0.0.2");
  }

  @Test
  void acceptsAWholeRedisHAPairResource() throws Exception {
    String resource =
        "apiVersion: redisha.io/v1alpha1\nkind: RedisHAPair\nmetadata: {name: cache}\nspec:\n"
            + GOOD.indent(2);
    PairSettings settings = resolve(resource, "vm-b");
    assertThat(settings.pairName()).isEqualTo("cache");
    assertThat(settings.groups()).hasSize(2);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          one node               | '- {name: vm-b, address: 192.0.2.12}'=>''                            | nodes: exactly two nodes are required, found 1
          same node twice        | 'name: vm-b'=>'name: vm-a'                                           | nodes[1].name: 'vm-a' is already used by nodes[0]
          same address twice     | 'address: 192.0.2.12'=>'address: 192.0.2.11'                         | nodes[1].address: 192.0.2.11 is already used by nodes[0]
          bad address            | 'address: 192.0.2.12'=>'address: 192.0.2.312'                        | nodes[1].address: not an IPv4 address
          no interface           | 'interface: eth0'=>''                                                | interface: required
          port twice             | 'port: 6389'=>'port: 6379'                                           | instances[1].port: 6379 is already used by instances[0]
          port out of range      | 'port: 6389'=>'port: 65536'                                          | instances[1].port: must be 1 to 65535, not 65536
          vip twice              | 'vip: 192.0.2.101/24'=>'vip: 192.0.2.100/24'                          | instances[1].vip: 192.0.2.100 is already used by instances[0]
          vip not a cidr         | 'vip: 192.0.2.101/24'=>'vip: 192.0.2.101'                             | instances[1].vip: not an IPv4 CIDR
          router id twice        | 'virtualRouterId: 52'=>'virtualRouterId: 51'                         | instances[1].virtualRouterId: 51 is already used by instances[0]
          router id too big      | 'virtualRouterId: 52'=>'virtualRouterId: 256'                        | instances[1].virtualRouterId: must be 1 to 255, not 256
          group name twice       | 'name: b,'=>'name: a,'                                               | instances[1].name: a is already used by instances[0]
          vip is a node address  | 'vip: 192.0.2.101/24'=>'vip: 192.0.2.12/24'                           | instances[1].vip: 192.0.2.12 is the address of node vm-b
          unknown master         | 'preferredMaster: vm-a'=>'preferredMaster: vm-c'                     | instances[0].preferredMaster: 'vm-c' is not one of the nodes [vm-a, vm-b]
          v3 interval too short  | 'advertIntervalMillis: 100'=>'advertIntervalMillis: 5'               | vrrp.advertIntervalMillis: VRRPv3 needs 10 to 40950 in steps of 10, not 5
          v3 interval too long   | 'advertIntervalMillis: 100'=>'advertIntervalMillis: 50000'           | vrrp.advertIntervalMillis: VRRPv3 needs 10 to 40950 in steps of 10, not 50000
          v2 interval not whole  | 'version: 3, advertIntervalMillis: 100'=>'version: 2, advertIntervalMillis: 1500' | vrrp.advertIntervalMillis: VRRPv2 needs 1000 to 255000 in steps of 1000, not 1500
          unknown version        | 'version: 3'=>'version: 4'                                           | vrrp.version: must be 2 or 3, not 4
          unknown field          | 'interface: eth0'=>'interfce: eth0'                                  | interfce: unknown field
          wrong type             | 'port: 6389'=>'port: six'                                            | instances[1].port: wrong type
          """)
  void refusesABadPairNamingTheField(String what, String edit, String message) {
    String[] parts = edit.split("=>", 2);
    String yaml = GOOD.replace(unquote(parts[0]), unquote(parts[1]));
    assertThat(yaml).as("the edit applies").isNotEqualTo(GOOD);
    assertThatThrownBy(() -> resolve(yaml, "vm-a"))
        .isInstanceOf(InvalidPairException.class)
        .hasMessageContaining(message);
  }

  @Test
  void refusesANodeThatIsNotInThePair() {
    assertThatThrownBy(() -> resolve(GOOD, "vm-c"))
        .hasMessageContaining("nodes: this node 'vm-c' (--node) is not one of [vm-a, vm-b]");
  }

  @Test
  void readsThePasswordFileAndRefusesTooLongOrMissingOnes() throws Exception {
    Path password = dir.resolve("vrrp-pass");
    Files.writeString(password, "s3cr3t\n");
    String v2 =
        GOOD.replace(
            "vrrp: {version: 3, advertIntervalMillis: 100}",
            "vrrp: {version: 2, advertIntervalMillis: 1000, authPasswordFile: " + password + "}");
    assertThat(resolve(v2, "vm-a").groups())
        .extracting(g -> g.auth().password())
        .containsOnly("s3cr3t");

    Files.writeString(password, "123456789");
    assertThatThrownBy(() -> resolve(v2, "vm-a"))
        .hasMessageContaining("vrrp.authPasswordFile: the PASS password is at most 8 bytes");
    Files.delete(password);
    assertThatThrownBy(() -> resolve(v2, "vm-a"))
        .hasMessageContaining("vrrp.authPasswordFile: cannot read " + password);
    String v3WithPassword =
        GOOD.replace(
            "vrrp: {version: 3, advertIntervalMillis: 100}",
            "vrrp: {version: 3, authPasswordFile: /etc/x}");
    assertThatThrownBy(() -> resolve(v3WithPassword, "vm-a"))
        .hasMessageContaining("VRRPv3 has no authentication");
  }

  @Test
  void listsEveryProblemAtOnce() {
    String bad =
        GOOD.replace("port: 6389", "port: 6379")
            .replace("virtualRouterId: 52", "virtualRouterId: 51");
    assertThatThrownBy(() -> resolve(bad, "vm-a"))
        .isInstanceOfSatisfying(
            InvalidPairException.class, e -> assertThat(e.problems()).hasSize(2));
  }

  @Test
  void aFileThatIsNotYamlSaysSo() throws IOException {
    assertThatThrownBy(() -> resolve("nodes: [", "vm-a")).hasMessageContaining("not valid YAML");
    assertThatThrownBy(() -> resolve("- a\n- b\n", "vm-a"))
        .hasMessageContaining("expected a YAML mapping");
  }

  private static String unquote(String text) {
    String trimmed = text.strip();
    return trimmed.startsWith("'") ? trimmed.substring(1, trimmed.length() - 1) : trimmed;
  }
}

package io.redisha.pair;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.redisha.api.HookProvider;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The pair file is read strictly: the YAML traps that change a value silently are refused by name,
 * and every problem of a file is reported at once with its line and column.
 */
class PairFileTest {
  @TempDir Path dir;

  static final String GOOD =
      """
      nodes:
      - {name: vm-a, address: 192.0.2.11}
      - {name: vm-b, address: 192.0.2.12}
      interface: eth0
      vrrp: {version: 3, advertIntervalMillis: 100, preempt: false}
      instances:
      - {name: a, port: 6379, vip: 192.0.2.100/24, virtualRouterId: 51}
      - {name: b, port: 6389, vip: 192.0.2.101/24, virtualRouterId: 52}
      """;

  static List<String> problems(String yaml) {
    try {
      PairValidation.resolve(PairFile.parse(yaml, "pair.yaml", "pair"), "vm-a", "pair.yaml");
    } catch (InvalidPairException e) {
      return e.problems();
    }
    throw new AssertionError("accepted:\n" + yaml);
  }

  static String edit(String from, String to) {
    assertThat(GOOD).contains(from);
    return GOOD.replace(from, to);
  }

  @Test
  void theGoodFileIsAccepted() throws Exception {
    PairSettings settings =
        PairValidation.resolve(PairFile.parse(GOOD, "pair.yaml", "pair"), "vm-a", "pair.yaml");
    assertThat(settings.group("b").port()).isEqualTo(6389);
  }

  @Test
  void everyProblemOfAFileIsReportedAtOnceWithLineAndColumn() {
    String bad =
        """
        nodes:
        - {name: vm-a, address: 192.0.2.11}
        - {name: vm-b, address: 192.0.2.12}
        interfce: eth0
        vrrp: {version: 3, advertIntervalMillis: 100, preempt: yes}
        instances:
        - {name: a, port: 010, vip: 192.0.2.100/24, virtualRouterId: 51}
        - {name: b, port: 6379.7, vip: 192.0.2.101/24, virtualRouterId: 52, virtualRouterId: 53}
        - {name: c, port: 6399, vip: 192.0.2.102/24, virtualRouterId: 300}
        ---
        extra: 1
        """;
    assertThat(problems(bad))
        .containsExactly(
            "interfce: unknown field (did you mean interface?) (line 4, column 1)",
            "vrrp.preempt: 'yes' is a boolean only in YAML 1.1; write true or false"
                + " (line 5, column 56)",
            "instances[0].port: 010 has a leading zero, and YAML 1.1 reads that as the octal"
                + " number 8; write the number without leading zeros (line 7, column 19)",
            "instances[1].port: wrong type: expected a whole number, not 6379.7 (line 8, column 19)",
            "instances[1].virtualRouterId: given twice, first on line 8; a key may appear only once"
                + " (line 8, column 69)",
            "instances[2].virtualRouterId: must be 1 to 255, not 300 (line 9, column 63)",
            "file: a second YAML document starts here; a pair file holds one document (remove the"
                + " '---' and what follows it) (line 11, column 1)",
            "interface: required, for example eth0");
  }

  @Test
  void ruleProblemsFoundWhenResolvingCarryTheirLineToo() {
    assertThat(problems(edit("port: 6389", "port: 65536")))
        .containsExactly("instances[1].port: must be 1 to 65535, not 65536 (line 8, column 19)");
    String resource =
        "apiVersion: redisha.io/v1alpha1\nkind: RedisHAPair\nmetadata: {name: cache}\nspec:\n"
            + edit("port: 6389", "port: 65536").indent(2);
    assertThat(problems(resource))
        .containsExactly("instances[1].port: must be 1 to 65535, not 65536 (line 12, column 21)");
  }

  @Test
  void duplicateKeysAreRefusedEachOne() {
    String twice = GOOD.replace("interface: eth0\n", "interface: eth0\ninterface: eth1\n");
    assertThat(problems(twice.replace("port: 6389,", "port: 6389, port: 6390,")))
        .containsExactly(
            "interface: given twice, first on line 4; a key may appear only once (line 5, column 1)",
            "instances[1].port: given twice, first on line 9; a key may appear only once"
                + " (line 9, column 25)");
  }

  @ParameterizedTest(name = "port: {0}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      textBlock =
          """
          010          | instances[1].port: 010 has a leading zero, and YAML 1.1 reads that as the octal number 8; write the number without leading zeros (line 8, column 19)
          0x18EB       | instances[1].port: 0x18EB is not written in plain decimal digits (YAML reads it as 6379); write 6379 (line 8, column 19)
          6_389        | instances[1].port: 6_389 is not written in plain decimal digits (YAML reads it as 6389); write 6389 (line 8, column 19)
          +6389        | instances[1].port: +6389 is not written in plain decimal digits (YAML reads it as 6389); write 6389 (line 8, column 19)
          6379.7       | instances[1].port: wrong type: expected a whole number, not 6379.7 (line 8, column 19)
          6.389e3      | instances[1].port: wrong type: expected a whole number, not 6.389e3 (line 8, column 19)
          '6389'       | instances[1].port: wrong type: expected a whole number, not the text '6389' (write it without quotes) (line 8, column 19)
          six          | instances[1].port: wrong type: expected a whole number, not the text 'six' (line 8, column 19)
          99999999999  | instances[1].port: 99999999999 is too large a number for this field (line 8, column 19)
          [6389]       | instances[1].port: wrong type: expected a whole number, not a list (line 8, column 19)
          """)
  void integersAreWholeDecimalNumbers(String value, String expected) {
    assertThat(problems(edit("port: 6389", "port: " + value))).containsExactly(expected);
  }

  @ParameterizedTest(name = "preempt: {0}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      textBlock =
          """
          yes     | vrrp.preempt: 'yes' is a boolean only in YAML 1.1; write true or false (line 5, column 56)
          on      | vrrp.preempt: 'on' is a boolean only in YAML 1.1; write true or false (line 5, column 56)
          'true'  | vrrp.preempt: wrong type: expected true or false, not the text 'true' (write it without quotes) (line 5, column 56)
          1       | vrrp.preempt: wrong type: expected true or false, not the number 1 (line 5, column 56)
          """)
  void booleansAreTrueOrFalse(String value, String expected) {
    assertThat(problems(edit("preempt: false", "preempt: " + value))).containsExactly(expected);
  }

  @Test
  void booleansInYaml12SpellingsAreAccepted() throws Exception {
    for (String value : List.of("true", "True", "TRUE", "False")) {
      PairFile.Loaded loaded =
          PairFile.parse(edit("preempt: false", "preempt: " + value), "pair.yaml", "pair");
      assertThat(loaded.spec().getVrrp().getPreempt()).isEqualTo(value.equalsIgnoreCase("true"));
    }
  }

  @Test
  void textFieldsKeepTheirScalarAsWritten() throws Exception {
    String yaml =
        edit("name: b,", "name: '0123',")
            + "vipHook: {provider: Exec, command: [/usr/local/bin/route-vip, 010, 1e3, yes]}\n";
    PairFile.Loaded loaded = PairFile.parse(yaml.replace("name: a,", "name: 1234,"), "p", "p");
    assertThat(loaded.spec().getInstances().get(0).getName()).isEqualTo("1234");
    assertThat(loaded.spec().getInstances().get(1).getName()).isEqualTo("0123");
    assertThat(loaded.spec().getVipHook().getProvider()).isEqualTo(HookProvider.EXEC);
    assertThat(loaded.spec().getVipHook().getCommand())
        .containsExactly("/usr/local/bin/route-vip", "010", "1e3", "yes");
  }

  @Test
  void aSecondDocumentIsRefused() throws Exception {
    assertThat(problems(GOOD + "---\nnodes: []\n"))
        .containsExactly(
            "file: a second YAML document starts here; a pair file holds one document (remove the"
                + " '---' and what follows it) (line 10, column 1)");
    assertThat(problems(GOOD + "---\n"))
        .singleElement()
        .asString()
        .startsWith("file: a second YAML document starts here");
    assertThat(PairFile.parse("---\n" + GOOD + "...\n", "pair.yaml", "pair").spec().getInstances())
        .as("one document with its markers")
        .hasSize(2);
  }

  @Test
  void aliasesAreRefused() {
    assertThat(problems(edit("interface: eth0", "interface: &i eth0\nx: *i")))
        .contains(
            "x: the alias *i is not supported; write the value out (line 5, column 4)",
            "x: unknown field (line 5, column 1)");
  }

  @Test
  void aFileThatIsNotUtf8IsRefusedNamingTheByte() throws Exception {
    Path latin1 = dir.resolve("latin1.yaml");
    String text = GOOD.replace("interface: eth0", "# carte réseau\ninterface: eth0");
    Files.write(latin1, text.getBytes(StandardCharsets.ISO_8859_1));
    int offset = text.indexOf('é');
    assertThatThrownBy(() -> PairFile.load(latin1))
        .isInstanceOfSatisfying(
            InvalidPairException.class,
            e ->
                assertThat(e.problems())
                    .containsExactly(
                        "file: not UTF-8: byte 0xE9 at byte offset "
                            + offset
                            + " (line 4) is not valid UTF-8; the pair file must be UTF-8 (convert"
                            + " it, for example with iconv -t UTF-8)"));

    Path utf16 = dir.resolve("utf16.yaml");
    Files.write(utf16, ("\uFEFF" + GOOD).getBytes(StandardCharsets.UTF_16LE));
    assertThatThrownBy(() -> PairFile.load(utf16))
        .hasMessageContaining("file: not UTF-8: byte 0xFF at byte offset 0 (line 1)");

    Path utf8 = dir.resolve("utf8.yaml");
    Files.write(utf8, ("\uFEFF" + text).getBytes(StandardCharsets.UTF_8));
    assertThat(PairFile.load(utf8).spec().getInterfaceName()).isEqualTo("eth0");
  }

  @Test
  void aResourceOfAnotherKindOrVersionIsRefused() {
    String resource =
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\nspec:\n" + GOOD.indent(2);
    assertThat(problems(resource))
        .containsExactly(
            "apiVersion: expected redisha.io/v1alpha1, not the text 'v1' (line 1, column 13)",
            "kind: expected RedisHAPair, not the text 'ConfigMap' (line 2, column 7)");
    assertThat(problems("apiVersion: redisha.io/v1alpha1\nkind: RedisHAPair\n"))
        .containsExactly("spec: required in a RedisHAPair resource (line 1, column 1)");
  }

  @Test
  void anEmptyFileSaysSo() {
    assertThat(problems("# nothing yet\n"))
        .containsExactly(
            "file: empty; expected a YAML mapping with nodes, interface and instances");
  }

  @Test
  void anEmptyPasswordFileIsRefusedNamingTheField() throws Exception {
    Path redis = Files.writeString(dir.resolve("redis-password"), "");
    Path vrrp = Files.writeString(dir.resolve("vrrp-password"), " \n\n");
    String yaml =
        edit(
                "vrrp: {version: 3, advertIntervalMillis: 100, preempt: false}",
                "vrrp: {version: 2, advertIntervalMillis: 1000, authPasswordFile: " + vrrp + "}")
            + "redis: {passwordFile: "
            + redis
            + "}\n";
    assertThat(problems(yaml))
        .containsExactly(
            "vrrp.authPasswordFile: "
                + vrrp
                + " is empty; it must hold the PASS password, or leave vrrp.authPasswordFile out"
                + " (line 5, column 66)",
            "redis.passwordFile: "
                + redis
                + " is empty; it must hold the Redis password, or leave redis.passwordFile out"
                + " (line 9, column 23)");
    Files.writeString(redis, "s3cr3t\n");
    Files.writeString(vrrp, "pass\n");
    PairSettings settings =
        PairValidation.resolve(PairFile.parse(yaml, "pair.yaml", "pair"), "vm-a", "pair.yaml");
    assertThat(settings.redis().password()).isEqualTo("s3cr3t");
    assertThat(settings.groups()).extracting(g -> g.auth().password()).containsOnly("pass");
  }
}

package io.redisha.pair;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.redisha.vrrp.HmacAuth;
import io.redisha.vrrp.HmacKey;
import io.redisha.vrrp.VrrpRouterConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Authentication per group in the standalone pair file: the pair-wide default of {@code vrrp}, a
 * group's own {@code auth}, and the password and key files as the agent reads them.
 */
class GroupAuthTest {
  static final String KEY_1_HEX =
      "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

  @TempDir Path dir;

  String pair(String vrrp, String groupA, String groupB) {
    return """
        nodes:
        - {name: vm-a, address: 192.0.2.11}
        - {name: vm-b, address: 192.0.2.12}
        interface: eth0
        vrrp: %s
        instances:
        - {name: a, port: 6379, vip: 192.0.2.100/24, virtualRouterId: 51%s}
        - {name: b, port: 6389, vip: 192.0.2.101/24, virtualRouterId: 52%s}
        """
        .formatted(vrrp, groupA, groupB);
  }

  Path file(String name, String content) throws Exception {
    return Files.writeString(dir.resolve(name), content);
  }

  Path file(String name, byte[] content) throws Exception {
    return Files.write(dir.resolve(name), content);
  }

  PairSettings resolve(String yaml) throws InvalidPairException {
    return PairValidation.resolve(PairFile.parse(yaml, "pair.yaml", "pair"), "vm-a", "pair.yaml");
  }

  List<String> problems(String yaml) {
    try {
      resolve(yaml);
    } catch (InvalidPairException e) {
      return e.problems();
    }
    throw new AssertionError("accepted: " + yaml);
  }

  @Test
  void thePairWideHmacIsTheDefaultAndAGroupsOwnAuthReplacesIt() throws Exception {
    Path key1 = file("key-1", "hex:" + KEY_1_HEX + "\n");
    Path key2 = file("key-2", "a 32-byte text key, blanks kept.\r\n");
    Path password = file("password-a", "s3cr3t\n");
    String yaml =
        pair(
            "{version: 2, advertIntervalMillis: 1000, authHmac: {keys: [{id: 1, secretFile: "
                + key1
                + "}, {id: 2, secretFile: "
                + key2
                + "}], activeKeyId: 2, mode: permissive, timeWindowSeconds: 10}}",
            ", auth: {passwordFile: " + password + "}",
            "");
    PairSettings settings = resolve(yaml);

    PairSettings.Group a = settings.group("a");
    assertThat(a.auth().password()).isEqualTo("s3cr3t");
    assertThat(a.auth().hmac()).isNull();
    HmacAuth b = settings.group("b").auth().hmac();
    assertThat(settings.group("b").auth().password()).isNull();
    assertThat(b.keys())
        .containsExactly(
            new HmacKey(1, HexFormat.of().parseHex(KEY_1_HEX)),
            new HmacKey(2, "a 32-byte text key, blanks kept.".getBytes(StandardCharsets.UTF_8)));
    assertThat(b.activeKeyId()).isEqualTo(2);
    assertThat(b.mode()).isEqualTo(HmacAuth.Mode.PERMISSIVE);
    assertThat(b.antiReplay()).isEqualTo(HmacAuth.AntiReplay.TIME);
    assertThat(b.windowSeconds(100)).isEqualTo(10);

    VrrpRouterConfig routerA = settings.routerConfig(a, 100);
    VrrpRouterConfig routerB = settings.routerConfig(settings.group("b"), 100);
    assertThat(routerA.password()).isEqualTo("s3cr3t");
    assertThat(routerA.hmac()).isNull();
    assertThat(routerB.password()).isNull();
    assertThat(routerB.hmac()).isEqualTo(b);
    assertThat(routerB.routerRule().hmac()).isEqualTo(b);
    assertThat(PairValidation.authFiles(PairFile.parse(yaml, "pair.yaml", "pair").spec()))
        .containsExactly(key1.toString(), key2.toString(), password.toString());
  }

  @Test
  void aGroupsHmacBesideAPairWidePasswordAndAGroupWithoutAuthKeepsTheDefault() throws Exception {
    Path key = file("key", "hex:" + KEY_1_HEX);
    Path password = file("password", "pairpass");
    PairSettings settings =
        resolve(
            pair(
                "{version: 2, advertIntervalMillis: 1000, authPasswordFile: " + password + "}",
                "",
                ", auth: {hmac: {keys: [{id: 7, secretFile: "
                    + key
                    + "}], activeKeyId: 7, antiReplay: monotonic}}"));
    assertThat(settings.group("a").auth()).isEqualTo(PairSettings.Auth.pass("pairpass"));
    assertThat(settings.group("b").auth().hmac().activeKey().id()).isEqualTo(7);
    assertThat(settings.group("b").auth().hmac().antiReplay())
        .isEqualTo(HmacAuth.AntiReplay.MONOTONIC);
    assertThat(settings.group("b").auth().hmac().mode()).isEqualTo(HmacAuth.Mode.ENFORCE);
    assertThat(settings.group("b").auth().describe())
        .isEqualTo("auth_hmac keys [7], active 7, monotonic, enforce");
  }

  @Test
  void hmacWorksOnVrrpV3() throws Exception {
    Path key = file("key", "hex:" + KEY_1_HEX);
    PairSettings settings =
        resolve(
            pair(
                "{version: 3, advertIntervalMillis: 100}",
                ", auth: {hmac: {keys: [{id: 1, secretFile: " + key + "}], activeKeyId: 1}}",
                ""));
    assertThat(settings.group("a").auth().hmac()).isNotNull();
    assertThat(settings.group("b").auth()).isEqualTo(PairSettings.Auth.NONE);
  }

  @Test
  void keysOutside32To64BytesAreRefusedNamingTheirFile() throws Exception {
    Path short31 = file("short", "x".repeat(31) + "\n");
    Path long65 = file("long", new byte[65]);
    Path good = file("good", "hex:" + KEY_1_HEX);
    List<String> problems =
        problems(
            pair(
                "{version: 3}",
                "",
                ", auth: {hmac: {keys: [{id: 1, secretFile: "
                    + short31
                    + "}, {id: 2, secretFile: "
                    + long65
                    + "}, {id: 3, secretFile: "
                    + good
                    + "}], activeKeyId: 3}}"));
    assertThat(problems)
        .anySatisfy(
            p ->
                assertThat(p)
                    .startsWith(
                        "instances[1].auth.hmac.keys[0].secretFile: "
                            + short31
                            + ": the key must be 32 to 64 bytes, not 31")
                    .contains("(line 8, column"))
        .anySatisfy(
            p ->
                assertThat(p)
                    .startsWith(
                        "instances[1].auth.hmac.keys[1].secretFile: "
                            + long65
                            + ": the key must be 32 to 64 bytes, not 65"))
        .hasSize(2);
  }

  @Test
  void unreadableEmptyAndMalformedKeyFilesAreRefusedNamingTheField() throws Exception {
    Path empty = file("empty", "\n");
    Path badHex = file("bad-hex", "hex:zz" + KEY_1_HEX);
    List<String> problems =
        problems(
            pair(
                "{version: 3, authHmac: {keys: [{id: 1, secretFile: "
                    + dir.resolve("missing")
                    + "}, {id: 2, secretFile: "
                    + empty
                    + "}, {id: 3, secretFile: "
                    + badHex
                    + "}], activeKeyId: 1}}",
                "",
                ""));
    assertThat(problems)
        .anySatisfy(p -> assertThat(p).startsWith("vrrp.authHmac.keys[0].secretFile: cannot read "))
        .anySatisfy(
            p ->
                assertThat(p)
                    .startsWith("vrrp.authHmac.keys[1].secretFile: " + empty + " is empty"))
        .anySatisfy(
            p ->
                assertThat(p)
                    .startsWith("vrrp.authHmac.keys[2].secretFile: " + badHex + ": key 3:")
                    .contains("hexadecimal"));
  }

  @Test
  void secretReferencesAreForTheOperatorOnly() throws Exception {
    List<String> problems =
        problems(
            pair(
                "{version: 2, advertIntervalMillis: 1000}",
                ", auth: {passwordSecretRef: {name: s, key: a}}",
                ", auth: {hmac: {keys: [{id: 1, secretRef: {name: s, key: k}}], activeKeyId: 1}}"));
    assertThat(problems)
        .anySatisfy(
            p ->
                assertThat(p)
                    .startsWith(
                        "instances[0].auth.passwordSecretRef: Secrets are read by the operator"))
        .anySatisfy(
            p ->
                assertThat(p)
                    .startsWith(
                        "instances[1].auth.hmac.keys[0].secretRef: Secrets are read by the"
                            + " operator; standalone needs secretFile"));
  }

  @Test
  void aGroupPasswordIsAtMostEightBytesAndOnlyForVrrpV2() throws Exception {
    Path password = file("password", "123456789");
    assertThat(
            problems(
                pair(
                    "{version: 2, advertIntervalMillis: 1000}",
                    ", auth: {passwordFile: " + password + "}",
                    "")))
        .anySatisfy(
            p ->
                assertThat(p)
                    .startsWith(
                        "instances[0].auth.passwordFile: the PASS password is at most 8 bytes"));
    Files.writeString(password, "12345678");
    assertThat(problems(pair("{version: 3}", ", auth: {passwordFile: " + password + "}", "")))
        .anySatisfy(
            p ->
                assertThat(p)
                    .startsWith(
                        "instances[0].auth.passwordFile: a PASS password exists only in VRRP"
                            + " version 2"));
  }

  @Test
  void aKeyFileIsReadOnceForEveryGroupThatNamesIt() throws Exception {
    Path key = file("key", "hex:" + KEY_1_HEX);
    String hmac = ", auth: {hmac: {keys: [{id: 1, secretFile: " + key + "}], activeKeyId: 1}}";
    PairSettings settings = resolve(pair("{version: 3}", hmac, hmac));
    assertThat(settings.group("a").auth()).isEqualTo(settings.group("b").auth());
    assertThatThrownBy(
            () ->
                resolve(
                    pair(
                        "{version: 3}",
                        hmac,
                        hmac.replace("activeKeyId: 1", "activeKeyId: 1, mode: strict"))))
        .isInstanceOf(InvalidPairException.class)
        .hasMessageContaining(
            "instances[1].auth.hmac.mode: must be enforce, permissive or receive-only, not"
                + " 'strict'");
  }
}

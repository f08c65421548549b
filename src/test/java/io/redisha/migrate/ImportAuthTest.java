package io.redisha.migrate;

import static org.assertj.core.api.Assertions.assertThat;

import io.redisha.migrate.KeepalivedImportTest.Run;
import io.redisha.pair.PairFile;
import io.redisha.pair.PairSettings;
import io.redisha.pair.PairValidation;
import io.redisha.vrrp.HmacAuth;
import io.redisha.vrrp.HmacKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code redisha import} of keepalived's per-instance authentication: {@code auth_pass} and {@code
 * auth_hmac} become each group's own auth (or the pair-wide default when every instance has the
 * same), the keys go to files the header names and never into the output, and what keepalived 2.4.3
 * would refuse or turn off is refused at its line.
 */
class ImportAuthTest {
  static final String KEY_1 =
      "hex:000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
  static final String KEY_2 = "thirty-two bytes of a text key!!";

  @TempDir Path dir;

  static String instance(String name, int routerId, String vip, String auth) {
    return """
        vrrp_instance %s {
            state BACKUP
            interface eth0
            virtual_router_id %d
            priority 100
            advert_int 1
            unicast_src_ip 192.0.2.11
            unicast_peer {
                192.0.2.12
            }
        %s    virtual_ipaddress {
                %s
            }
        }
        """
        .formatted(name, routerId, auth, vip);
  }

  static String hmac(String... lines) {
    StringBuilder text = new StringBuilder("    auth_hmac {\n");
    for (String line : lines) {
      text.append("        ").append(line).append('\n');
    }
    return text.append("    }\n").toString();
  }

  static String pass(String password) {
    return "    authentication {\n        auth_type PASS\n        auth_pass "
        + password
        + "\n    }\n";
  }

  Path conf(String text) throws Exception {
    return Files.writeString(dir.resolve("keepalived.conf"), text);
  }

  static int lineOf(Path file, String text) throws Exception {
    List<String> lines = Files.readAllLines(file);
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).contains(text)) {
        return i + 1;
      }
    }
    throw new AssertionError(text + " not in " + file);
  }

  Run run(Path conf, String... more) {
    String[] args = new String[more.length + 7];
    args[0] = conf.toString();
    args[1] = "--port";
    args[2] = "redis_a=6379";
    args[3] = "--port";
    args[4] = "redis_b=6380";
    args[5] = "--auth-password-file";
    args[6] = dir.resolve("vrrp-password").toString();
    System.arraycopy(more, 0, args, 7, more.length);
    return KeepalivedImportTest.run(args);
  }

  @Test
  void authHmacBecomesTheGroupsHmacWithEachKeyInAFileAndAFileKeyStaysWhereItIs() throws Exception {
    Path keyFile = Files.writeString(dir.resolve("keepalived-key-3"), "hex:" + "33".repeat(40));
    Path conf =
        conf(
            instance(
                    "redis_a",
                    51,
                    "192.0.2.100/24",
                    hmac(
                        "key 1 " + KEY_1,
                        "key 2 \"" + KEY_2 + "\"",
                        "key 3 file:" + keyFile,
                        "active_key 2",
                        "anti_replay monotonic",
                        "mode permissive"))
                + instance("redis_b", 52, "192.0.2.101/24", pass("s3cr3t")));
    Run run = run(conf);
    assertThat(run.code()).as(run.err()).isZero();
    Path key1 = dir.resolve("vrrp-hmac-redis-a-key-1");
    Path key2 = dir.resolve("vrrp-hmac-redis-a-key-2");
    assertThat(run.out())
        .contains(
            "# "
                + key1
                + " holds key 1 of auth_hmac of vrrp_instance redis_a of "
                + conf
                + ":"
                + lineOf(conf, "key 1 ")
                + ": what follows the key id there, hex:... or the text (mode 600).")
        .contains("# " + key2 + " holds key 2 of auth_hmac")
        .contains(
            "# "
                + keyFile
                + " is read for key 3 of auth_hmac of vrrp_instance redis_a ("
                + conf
                + ":"
                + lineOf(conf, "key 3 ")
                + "), as keepalived reads it.")
        .contains("# " + dir.resolve("vrrp-password") + "-redis-b holds the auth_pass of")
        .doesNotContain("0001020304")
        .doesNotContain(KEY_2)
        .doesNotContain("s3cr3t");
    PairFile.Loaded loaded = PairFile.parse(run.out(), "out", "pair");
    assertThat(PairValidation.validate(loaded.spec())).isEmpty();

    // What the note says: the text after the key id, as keepalived has it.
    Files.writeString(key1, KEY_1 + "\n");
    Files.writeString(key2, KEY_2 + "\n");
    Files.writeString(Path.of(dir.resolve("vrrp-password") + "-redis-b"), "s3cr3t\n");
    PairSettings settings = PairValidation.resolve(loaded, "node-192-0-2-11", "out");
    HmacAuth a = settings.group("redis-a").auth().hmac();
    assertThat(a.keys())
        .containsExactly(
            HmacKey.parse(1, KEY_1),
            HmacKey.parse(2, KEY_2),
            HmacKey.parse(3, "hex:" + "33".repeat(40)));
    assertThat(a.activeKeyId()).isEqualTo(2);
    assertThat(a.antiReplay()).isEqualTo(HmacAuth.AntiReplay.MONOTONIC);
    assertThat(a.mode()).isEqualTo(HmacAuth.Mode.PERMISSIVE);
    assertThat(settings.group("redis-b").auth().password()).isEqualTo("s3cr3t");
  }

  @Test
  void anInstanceWithAuthPassAndAuthHmacKeepsOnlyAuthHmacWithAWarningAtItsLine() throws Exception {
    Path conf =
        conf(
            instance(
                "redis_a",
                51,
                "192.0.2.100/24",
                pass("s3cr3t") + hmac("key 1 " + KEY_1, "active_key 1", "time_window 9")));
    Run run = run(conf, "--port", "redis_a=6379");
    assertThat(run.code()).as(run.err()).isZero();
    assertThat(run.err())
        .contains(
            "warning: "
                + conf
                + ":"
                + lineOf(conf, "auth_pass")
                + ": vrrp_instance redis_a auth_pass: keepalived 2.4.3 drops the PASS password of an"
                + " instance with auth_hmac");
    var spec = PairFile.parse(run.out(), "out", "pair").spec();
    assertThat(spec.getVrrp().getAuthPasswordFile()).isNull();
    assertThat(spec.getVrrp().getAuthHmac().getTimeWindowSeconds()).isEqualTo(9);
    assertThat(spec.getVrrp().getAuthHmac().getKeys()).hasSize(1);
    assertThat(spec.getInstances().getFirst().getAuth()).as("one instance: pair-wide").isNull();
  }

  @Test
  void instancesWithTheSameAuthHmacShareThePairWideDefault() throws Exception {
    String auth = hmac("key 1 " + KEY_1, "active_key 1");
    Path conf =
        conf(
            instance("redis_a", 51, "192.0.2.100/24", auth)
                + instance("redis_b", 52, "192.0.2.101/24", auth));
    Run run = run(conf);
    assertThat(run.code()).as(run.err()).isZero();
    var spec = PairFile.parse(run.out(), "out", "pair").spec();
    assertThat(spec.getVrrp().getAuthHmac().getKeys())
        .extracting(k -> k.getSecretFile())
        .containsExactly(dir.resolve("vrrp-hmac-key-1").toString());
    assertThat(spec.getInstances()).allSatisfy(i -> assertThat(i.getAuth()).isNull());
  }

  @Test
  void anInstanceWithoutAuthBesideOneWithAPasswordHasNone() throws Exception {
    Path conf =
        conf(
            instance("redis_a", 51, "192.0.2.100/24", pass("s3cr3t"))
                + instance("redis_b", 52, "192.0.2.101/24", ""));
    Run run = run(conf);
    assertThat(run.code()).as(run.err()).isZero();
    var spec = PairFile.parse(run.out(), "out", "pair").spec();
    assertThat(spec.getVrrp().getAuthPasswordFile()).isNull();
    assertThat(spec.getInstances().get(0).getAuth().getPasswordFile())
        .isEqualTo(dir.resolve("vrrp-password") + "-redis-a");
    assertThat(spec.getInstances().get(1).getAuth()).isNull();
  }

  @Test
  void theResourceFormatPutsEverySecretInOneSecretWithTheCommandToCreateIt() throws Exception {
    Path keyFile = Files.writeString(dir.resolve("k2"), "hex:" + "22".repeat(32));
    Path conf =
        conf(
            instance(
                    "redis_a",
                    51,
                    "192.0.2.100/24",
                    hmac("key 1 " + KEY_1, "key 2 file:" + keyFile, "active_key 1"))
                + instance("redis_b", 52, "192.0.2.101/24", pass("s3cr3t")));
    Run run =
        KeepalivedImportTest.run(
            conf.toString(),
            "--port",
            "redis_a=6379",
            "--port",
            "redis_b=6380",
            "--format",
            "resource",
            "--name",
            "cache",
            "--namespace",
            "redis");
    assertThat(run.code()).as(run.err()).isZero();
    assertThat(run.out())
        .contains("# The Secret cache-vrrp holds the VRRP secrets:")
        .contains(
            "#   kubectl -n redis create secret generic cache-vrrp"
                + " --from-literal=redis-a-hmac-key-1='<key 1>'"
                + " --from-file=redis-a-hmac-key-2="
                + keyFile
                + " --from-literal=redis-b-password='<auth_pass>'")
        .doesNotContain("0001020304")
        .doesNotContain("s3cr3t");
    var spec = PairFile.parse(run.out(), "out", "cache").spec();
    assertThat(spec.getInstances().get(0).getAuth().getHmac().getKeys())
        .extracting(k -> k.getSecretRef().getName() + "/" + k.getSecretRef().getKey())
        .containsExactly("cache-vrrp/redis-a-hmac-key-1", "cache-vrrp/redis-a-hmac-key-2");
    assertThat(spec.getInstances().get(1).getAuth().getPasswordSecretRef().getKey())
        .isEqualTo("redis-b-password");
    assertThat(PairValidation.validate(spec)).isEmpty();
  }

  @Test
  void whatKeepalivedTurnsOffOrRefusesIsRefusedAtItsLine() throws Exception {
    // the lines of auth_hmac, the text of the line to blame, what the refusal says
    String[][] cases = {
      {"key 1 " + KEY_1, "auth_hmac {", "has no active_key"},
      {"key 1 short\nactive_key 1", "key 1 short", "auth_hmac key 1 is 5 bytes, not 32 to 64"},
      {"key 1 hex:0g\nactive_key 1", "key 1 hex:0g", "hexadecimal"},
      {"key 1 " + KEY_1 + "\nactive_key 3", "active_key 3", "active_key 3 is none of the keys [1]"},
      {
        "key 1 " + KEY_1 + "\nactive_key 1\nmode loose",
        "mode loose",
        "must be enforce, permissive or receive-only"
      },
      {
        "key 1 " + KEY_1 + "\nactive_key 1\nanti_replay never",
        "anti_replay",
        "must be time or monotonic"
      },
      {"active_key 1", "auth_hmac {", "has no key"},
    };
    for (String[] c : cases) {
      Path conf = conf(instance("redis_a", 51, "192.0.2.100/24", hmac(c[0].split("\n"))));
      Run run = run(conf, "--port", "redis_a=6379");
      assertThat(run.code()).as(c[2] + ": " + run.err()).isEqualTo(2);
      assertThat(run.out()).isEmpty();
      assertThat(run.err())
          .as(c[2])
          .contains(conf + ":" + lineOf(conf, c[1]) + ": ")
          .contains(c[2])
          .doesNotContain("Exception");
    }
  }

  @Test
  void theMirrorCheckComparesAuthHmacWithoutShowingKeys() throws Exception {
    String here = instance("redis_a", 51, "192.0.2.100/24", hmac("key 1 " + KEY_1, "active_key 1"));
    String there =
        here.replace("unicast_src_ip 192.0.2.11", "unicast_src_ip 192.0.2.12")
            .replace("                192.0.2.12", "                192.0.2.11")
            .replace("active_key 1", "active_key 1\n        mode permissive");
    Path conf = conf(here);
    Path peer = Files.writeString(dir.resolve("peer.conf"), there);
    Run run = run(conf, "--port", "redis_a=6379", "--peer-conf", peer.toString());
    assertThat(run.code()).as(run.err()).isEqualTo(3);
    assertThat(run.err())
        .contains("auth_hmac differs in its keys, active_key, anti_replay, time_window or mode")
        .doesNotContain("0001020304");
    Files.writeString(
        peer,
        there.replace(hmac("key 1 " + KEY_1, "active_key 1\n        mode permissive"), pass("x")));
    run = run(conf, "--port", "redis_a=6379", "--peer-conf", peer.toString());
    assertThat(run.err()).contains("auth_hmac here, auth_pass on the peer");
  }
}

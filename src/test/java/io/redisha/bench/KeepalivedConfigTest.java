package io.redisha.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.redisha.lab.PairLab;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeepalivedConfigTest {
  private static KeepalivedConfig config(KeepalivedConfig.Flavor flavor) {
    return new KeepalivedConfig(
        flavor, "vm-a", "192.0.2.11", "192.0.2.12", PairLab.DEFAULT_GROUPS, "/run/k");
  }

  @Test
  void classicIsUnicastVrrpV2WithPasswordOneSecondAdvertsAndFallTwo() {
    String conf = config(KeepalivedConfig.Flavor.CLASSIC).config();

    assertThat(conf)
        .contains("vrrp_version 2")
        .contains("auth_type PASS")
        .contains("auth_pass redisha1")
        .contains("advert_int 1\n")
        .contains("unicast_src_ip 192.0.2.11")
        .contains("unicast_peer {\n    192.0.2.12\n  }")
        .contains("interval 1\n")
        .contains("fall 2\n")
        .contains("track_script {\n    chk_redis_6379")
        .contains("notify_master \"/run/k/notify-master-6379.sh\"")
        .contains("notify_backup \"/run/k/notify-backup-6389.sh\"")
        .contains("notify_fault \"/run/k/notify-fault-6379.sh\"");
  }

  @Test
  void eachGroupHasItsOwnInstanceRouterIdVipAndHigherPriorityOnItsPreferredMaster() {
    String conf = config(KeepalivedConfig.Flavor.CLASSIC).config();

    assertThat(conf).contains("vrrp_instance redis_6379 {").contains("vrrp_instance redis_6389 {");
    assertThat(conf).contains("virtual_router_id 51").contains("virtual_router_id 52");
    assertThat(conf).contains("192.0.2.100/24 dev eth0").contains("192.0.2.101/24 dev eth0");
    String a = conf.substring(conf.indexOf("vrrp_instance redis_6379"));
    String b = conf.substring(conf.indexOf("vrrp_instance redis_6389"));
    assertThat(a).contains("priority 101");
    assertThat(b).contains("priority 100");
  }

  @Test
  void tunedIsVrrpV3AtHundredMillisecondsWithoutPasswordAndTheFastestCheckKeepalivedAccepts() {
    String conf = config(KeepalivedConfig.Flavor.TUNED).config();

    assertThat(conf)
        .contains("vrrp_version 3")
        .contains("advert_int 0.1")
        .doesNotContain("auth_type")
        .contains("interval 1\n")
        .contains("fall 1\n");
  }

  @Test
  void tuned24ChecksEveryHundredMillisecondsWithTheSameScriptsAsTuned() {
    KeepalivedConfig tuned = config(KeepalivedConfig.Flavor.TUNED);
    KeepalivedConfig tuned24 = config(KeepalivedConfig.Flavor.TUNED_24);

    assertThat(tuned24.config())
        .contains("vrrp_version 3")
        .contains("advert_int 0.1")
        .contains("interval 0.1\n")
        .contains("fall 1\n")
        .contains("rise 1\n")
        .doesNotContain("auth_type");
    assertThat(tuned24.scripts()).isEqualTo(tuned.scripts());
    assertThat(tuned24.config().replace("interval 0.1", "interval 1").replace("tuned_24", "tuned"))
        .isEqualTo(tuned.config());
    assertThat(KeepalivedConfig.Flavor.TUNED_24.summary())
        .startsWith("keepalived 2.4.3")
        .contains("every 0.1 s");
    assertThat(KeepalivedConfig.Flavor.TUNED.summary()).startsWith("keepalived 2.2.7");
  }

  @Test
  void keepalived24RunsTheSharedBuildWithItsReadmeFlagsAndNoChecker(@TempDir Path dir)
      throws Exception {
    Path binary = dir.resolve("keepalived");
    Files.writeString(binary, "#!/bin/sh\n");
    Files.setPosixFilePermissions(binary, PosixFilePermissions.fromString("rwxr-xr-x"));
    String before = System.getProperty(KeepalivedBinary.PROPERTY);
    System.setProperty(KeepalivedBinary.PROPERTY, binary.toString());
    try {
      List<String> command =
          KeepalivedSystem.command(KeepalivedConfig.Flavor.TUNED_24, Path.of("/run/k"));

      assertThat(command)
          .containsExactly(
              binary.toString(),
              "-f",
              "/run/k/keepalived.conf",
              "-p",
              "/run/k/keepalived.pid",
              "-r",
              "/run/k/vrrp.pid",
              "-D",
              "-l",
              "-n");
      assertThat(KeepalivedSystem.command(KeepalivedConfig.Flavor.TUNED, Path.of("/run/k")))
          .startsWith("keepalived")
          .contains("--vrrp");

      System.setProperty(KeepalivedBinary.PROPERTY, dir.resolve("missing").toString());
      assertThat(KeepalivedBinary.find24()).isEmpty();
      assertThat(KeepalivedBinary.notFound())
          .contains("missing")
          .contains(KeepalivedBinary.PROPERTY);
    } finally {
      if (before == null) {
        System.clearProperty(KeepalivedBinary.PROPERTY);
      } else {
        System.setProperty(KeepalivedBinary.PROPERTY, before);
      }
    }
  }

  @Test
  void scriptsPingRedisAndSwitchItsRoleToThePeer() {
    Map<String, String> scripts = config(KeepalivedConfig.Flavor.CLASSIC).scripts();

    assertThat(scripts.keySet())
        .containsExactly(
            "check-6379.sh",
            "notify-master-6379.sh",
            "notify-backup-6379.sh",
            "notify-fault-6379.sh",
            "check-6389.sh",
            "notify-master-6389.sh",
            "notify-backup-6389.sh",
            "notify-fault-6389.sh");
    assertThat(scripts.get("check-6379.sh")).contains("redis-cli -p 6379 ping");
    assertThat(scripts.get("notify-master-6389.sh")).contains("redis-cli -p 6389 REPLICAOF NO ONE");
    assertThat(scripts.get("notify-backup-6379.sh"))
        .contains("redis-cli -p 6379 REPLICAOF 192.0.2.12 6379");
    assertThat(scripts.values()).allMatch(s -> s.startsWith("#!/bin/sh\n"));
  }

  @Test
  void refusesAPairWithoutGroups() {
    assertThatThrownBy(
            () ->
                new KeepalivedConfig(
                    KeepalivedConfig.Flavor.CLASSIC,
                    "vm-a",
                    "192.0.2.11",
                    "192.0.2.12",
                    List.of(),
                    "/x"))
        .hasMessageContaining("groups");
  }
}

package io.redisha.packaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.redisha.lab.PairLab;
import io.redisha.testing.RequiresHost;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Debian package as a VM admin uses it: the build's {@code .deb} installed with {@code dpkg
 * -i}, its unit checked by systemd, the installed {@code /usr/bin/redisha agent} run as the unit's
 * user with exactly the unit's capabilities for a real pair in network namespaces (a Redis kill
 * moves the VIP), then removed and purged.
 */
@RequiresHost(
    tools = {"dpkg", "systemd-analyze", "setpriv", "ip", "iptables", "redis-server", "redis-cli"})
class DebPackageIT {
  static final Path UNIT = Path.of("/lib/systemd/system/redisha-agent.service");
  static final Path ETC = Path.of("/etc/redisha");
  static final Path PAIR_FILE = ETC.resolve("pair.yaml");

  @TempDir Path dir;

  @Test
  void installRunAsTheServiceUserFailOverAndPurge() throws Exception {
    Path deb = builtPackage();
    run("dpkg", "-i", deb.toString());
    try {
      assertThat(Path.of("/usr/bin/redisha")).isExecutable();
      assertThat(UNIT).exists();
      String verify = run("systemd-analyze", "verify", UNIT.toString());
      assertThat(verify).as("systemd-analyze verify").isBlank();
      assertThat(Path.of("/etc/systemd/system/multi-user.target.wants/redisha-agent.service"))
          .as("installing does not enable a service the admin has not configured")
          .doesNotExist();
      String unit = Files.readString(UNIT);
      String user = unitValue(unit, "User");
      List<String> capabilities = capabilities(unitValue(unit, "AmbientCapabilities"));
      assertThat(capabilities).containsExactlyInAnyOrder("net_admin", "net_raw");
      assertThat(capabilities(unitValue(unit, "CapabilityBoundingSet")))
          .containsExactlyInAnyOrderElementsOf(capabilities);
      assertThat(run("id", "-u", user).strip()).isNotEqualTo("0");
      assertThat(run("/usr/bin/redisha", "--help")).contains("agent");

      failOverAsTheServiceUser(user, capabilities);

      run("dpkg", "-r", "redisha");
      assertThat(Path.of("/usr/bin/redisha")).doesNotExist();
      assertThat(UNIT).doesNotExist();
      assertThat(PAIR_FILE).as("removing keeps the pair file").exists();
      Path adminFile = ETC.resolve("node");
      Files.writeString(adminFile, "vm-a\n");
      run("dpkg", "-P", "redisha");
      assertThat(PAIR_FILE).as("purging removes the package's conffiles").doesNotExist();
      assertThat(adminFile).as("purging leaves what the admin added").exists();
    } finally {
      new ProcessBuilder("dpkg", "-P", "redisha").inheritIO().start().waitFor();
      Files.deleteIfExists(ETC.resolve("node"));
      Files.deleteIfExists(ETC);
    }
  }

  /** Both agents from the installed command, as {@code user} with only {@code capabilities}. */
  void failOverAsTheServiceUser(String user, List<String> capabilities) throws Exception {
    List<PairLab.Group> groups = List.of(PairLab.DEFAULT_GROUPS.getFirst());
    try (PairLab lab = PairLab.create(dir.resolve("lab"), groups, "")) {
      lab.movePairFile(PAIR_FILE);
      run("chgrp", user, PAIR_FILE.toString());
      String caps = String.join(",", capabilities.stream().map(c -> "+" + c).toList());
      lab.agentLauncher(
          List.of(
              "setpriv",
              "--reuid=" + user,
              "--regid=" + user,
              "--init-groups",
              "--no-new-privs",
              "--inh-caps=-all," + caps,
              "--ambient-caps=" + caps,
              "--bounding-set=-all," + caps,
              "/usr/bin/redisha"));
      lab.startAgents();
      assertThat(lab.awaitSettled(Duration.ofSeconds(30)))
          .as("both installed agents settle: %s", lab.view())
          .isTrue();
      for (String host : List.of(PairLab.VM_A, PairLab.VM_B)) {
        String status = Files.readString(Path.of("/proc/" + lab.agentPid(host) + "/status"));
        assertThat(field(status, "Uid")).startsWith(run("id", "-u", user).strip() + "\t");
        assertThat(Long.parseLong(field(status, "CapEff"), 16))
            .as("the agent of %s holds only %s", host, capabilities)
            .isEqualTo((1L << 12) | (1L << 13));
      }
      PairLab.Group group = groups.getFirst();
      String master = lab.view().get(group.name()).master();
      String other = PairLab.other(master);
      assertThat(lab.vipHolders(group)).containsExactly(master);
      lab.killRedis(master, group.port());
      await()
          .atMost(Duration.ofSeconds(20))
          .untilAsserted(
              () -> {
                assertThat(lab.view().get(group.name()).master())
                    .as("after the Redis kill on %s: %s", master, lab.view())
                    .isEqualTo(other);
                assertThat(lab.vipHolders(group)).containsExactly(other);
              });
      System.out.printf(
          "DebPackageIT: installed agents as %s with %s: Redis killed on %s, VIP now on %s%n",
          user, capabilities, master, other);
    }
  }

  static Path builtPackage() throws IOException {
    try (Stream<Path> files = Files.list(Path.of("target"))) {
      List<Path> debs =
          files.filter(p -> p.getFileName().toString().matches("redisha_.*_amd64\\.deb")).toList();
      assertThat(debs).as("the build made exactly one package under target/").hasSize(1);
      return debs.getFirst();
    }
  }

  static String unitValue(String unit, String key) {
    return unit.lines()
        .filter(line -> line.startsWith(key + "="))
        .map(line -> line.substring(key.length() + 1).strip())
        .findFirst()
        .orElseThrow(() -> new AssertionError("the unit has no " + key));
  }

  static List<String> capabilities(String value) {
    return Arrays.stream(value.split("\\s+"))
        .map(c -> c.toLowerCase(Locale.ROOT).replaceFirst("^cap_", ""))
        .toList();
  }

  static String field(String procStatus, String name) {
    return procStatus
        .lines()
        .filter(line -> line.startsWith(name + ":"))
        .map(line -> line.substring(name.length() + 1).strip())
        .findFirst()
        .orElseThrow();
  }

  static String run(String... command) throws Exception {
    Process process =
        new ProcessBuilder(new ArrayList<>(List.of(command))).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as("%s: %s", String.join(" ", command), output).isZero();
    return output;
  }
}

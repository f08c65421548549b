package io.redisha.vrrp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.redisha.lab.LabNetwork;
import io.redisha.testing.Keepalived;
import io.redisha.testing.RedishaProcess;
import io.redisha.testing.RequiresHost;
import java.io.IOException;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Our VRRP against Debian's keepalived on the wire, unicast, in network namespaces: keepalived on
 * "ka" (192.0.2.11), redisha on "us" (192.0.2.12), a client (192.0.2.20) watching ARP.
 */
@RequiresHost(tools = {"keepalived", "ip", "iptables"})
class KeepalivedInteropIT {
  static final String VIP = "192.0.2.100";
  static final String KA = "192.0.2.11";
  static final String US = "192.0.2.12";

  @TempDir Path dir;
  LabNetwork lab;

  @BeforeEach
  void buildLab() {
    lab = LabNetwork.create();
    lab.addHost("ka", KA + "/24").addHost("us", US + "/24").addHost("client", "192.0.2.20/24");
  }

  @AfterEach
  void tearDown() {
    lab.close();
  }

  static Keepalived.Instance keepalived(int version) {
    return new Keepalived.Instance(
        version,
        51,
        100,
        version == 2 ? "1" : "0.1",
        version == 2 ? "s3cr3t" : null,
        KA,
        US,
        VIP + "/24");
  }

  Path pairFile(int version, String checksum) throws IOException {
    Path password = dir.resolve("vrrp-password");
    Files.writeString(password, "s3cr3t\n");
    String auth = version == 2 ? "\n  authPasswordFile: " + password : "";
    String v3Checksum = checksum == null ? "" : "\n  v3Checksum: " + checksum;
    Path file = dir.resolve("pair.yaml");
    Files.writeString(
        file,
        """
        nodes:
        - {name: us, address: %s}
        - {name: ka, address: %s}
        interface: eth0
        vrrp:
          version: %d
          advertIntervalMillis: %d%s%s
        instances:
        - {name: a, port: 6379, vip: %s/24, virtualRouterId: 51}
        """
            .formatted(US, KA, version, version == 2 ? 1000 : 100, auth, v3Checksum, VIP));
    return file;
  }

  RedishaProcess startOurs(int version, int priority, String checksum) throws IOException {
    return RedishaProcess.start(
        lab,
        "us",
        dir.resolve("us.log"),
        "vrrp",
        "--config",
        pairFile(version, checksum).toString(),
        "--node",
        "us",
        "--priority",
        Integer.toString(priority),
        "--state-file",
        dir.resolve("us.state").toString());
  }

  String ourState() throws IOException {
    Path state = dir.resolve("us.state");
    if (!Files.exists(state)) {
      return null;
    }
    String text = Files.readString(state).strip();
    return text.isEmpty() ? null : text.substring(text.indexOf(' ') + 1);
  }

  boolean vipOn(String host) {
    return lab.run(host, "ip", "-4", "addr", "show", "dev", "eth0").contains(VIP + "/24");
  }

  /** Polls the host's eth0 until the VIP appears; completes with the moment it was seen. */
  CompletableFuture<Instant> watchVip(String host) {
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            return lab.inNamespace(
                host,
                () -> {
                  InetAddress vip = InetAddress.getByName(VIP);
                  long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
                  while (System.nanoTime() < deadline) {
                    NetworkInterface eth0 = NetworkInterface.getByName("eth0");
                    if (Collections.list(eth0.getInetAddresses()).contains(vip)) {
                      return Instant.now();
                    }
                    Thread.sleep(1);
                  }
                  throw new AssertionError("VIP never appeared on " + host);
                });
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
  }

  String neighbourMac(String host) {
    String line = lab.run(host, "ip", "neigh", "show", VIP).strip();
    Matcher m = Pattern.compile("lladdr (\\S+)").matcher(line);
    return m.find() ? m.group(1) : "";
  }

  @ParameterizedTest(name = "VRRPv{0}")
  @ValueSource(ints = {2, 3})
  void takesOverWhenKeepalivedMasterStops(int version) throws Exception {
    Keepalived ka = Keepalived.start(lab, "ka", keepalived(version).withPriority(200), dir);
    RedishaProcess us = startOurs(version, 100, null);
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              assertThat(ka.state()).isEqualTo("MASTER");
              assertThat(ourState()).isEqualTo("BACKUP");
              assertThat(vipOn("ka")).isTrue();
            });
    lab.run("client", "ping", "-c", "1", "-W", "2", VIP);
    assertThat(neighbourMac("client")).isEqualTo(lab.mac("ka"));

    CompletableFuture<Instant> seen = watchVip("us");
    Instant stopped = Instant.now();
    ka.stop();
    Instant takeover = seen.get();
    System.out.printf(
        "FIGURE VRRPv%d keepalived master stopped -> redisha holds VIP: %d ms%n",
        version, Duration.between(stopped, takeover).toMillis());

    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () -> {
              assertThat(ourState()).isEqualTo("MASTER");
              assertThat(vipOn("us")).isTrue();
              assertThat(neighbourMac("client")).isEqualTo(lab.mac("us"));
            });
    assertThat(us.output()).contains("BACKUP -> MASTER: peer 192.0.2.11 released the master role");
  }

  @ParameterizedTest(name = "VRRPv{0}")
  @ValueSource(ints = {2, 3})
  void keepalivedWithLowerPriorityStaysBackup(int version) throws Exception {
    RedishaProcess us = startOurs(version, 150, null);
    await().atMost(Duration.ofSeconds(10)).until(() -> "MASTER".equals(ourState()));
    Keepalived ka = Keepalived.start(lab, "ka", keepalived(version).withPriority(100), dir);
    await().atMost(Duration.ofSeconds(10)).until(() -> "BACKUP".equals(ka.state()));
    await()
        .during(Duration.ofSeconds(version == 2 ? 6 : 2))
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              assertThat(ka.state()).isEqualTo("BACKUP");
              assertThat(ourState()).isEqualTo("MASTER");
            });
    assertThat(vipOn("us")).isTrue();
    assertThat(vipOn("ka")).isFalse();
    assertThat(ka.log()).doesNotContain("Entering MASTER STATE").doesNotContain("bogus");
    assertThat(us.output()).doesNotContain("MASTER -> BACKUP").doesNotContain("MASTER -> FAULT");
  }

  @ParameterizedTest(name = "VRRPv{0}")
  @ValueSource(ints = {2, 3})
  void cleanShutdownHandsOverWithinSkewTime(int version) throws Exception {
    RedishaProcess us = startOurs(version, 150, null);
    await().atMost(Duration.ofSeconds(10)).until(() -> "MASTER".equals(ourState()));
    Keepalived ka = Keepalived.start(lab, "ka", keepalived(version).withPriority(100), dir);
    await().atMost(Duration.ofSeconds(10)).until(() -> "BACKUP".equals(ka.state()));

    CompletableFuture<Instant> seen = watchVip("ka");
    us.stop();
    Instant takeover = seen.get();
    Matcher released = Pattern.compile("(\\S+) released: priority 0 sent").matcher(us.output());
    assertThat(released.find()).as(us.output()).isTrue();
    long millis = Duration.between(Instant.parse(released.group(1)), takeover).toMillis();
    // keepalived (priority 100) waits Skew_Time = (256 - 100) / 256 of a second (v2) or of the
    // 100 ms interval (v3) after a priority 0 advert, instead of the master-down interval.
    long skew = version == 2 ? 609 : 61;
    long masterDown = version == 2 ? 3609 : 361;
    System.out.printf(
        "FIGURE VRRPv%d redisha stopped cleanly -> keepalived holds VIP: %d ms"
            + " (Skew_Time %d ms, master-down interval %d ms)%n",
        version, millis, skew, masterDown);
    assertThat(millis).isLessThan(skew + (version == 2 ? 1000 : 190));
    await().atMost(Duration.ofSeconds(5)).until(() -> "MASTER".equals(ka.state()));
    assertThat(vipOn("us")).isFalse();
  }

  @ParameterizedTest(name = "VRRPv{0}")
  @ValueSource(ints = {2, 3})
  void dropsAndCountsAdvertsThatAreNotFromThePeer(int version) throws Exception {
    lab.addHost("intruder", "192.0.2.13/24");
    RedishaProcess us = startOurs(version, 100, null);
    await().atMost(Duration.ofSeconds(10)).until(() -> "MASTER".equals(ourState()));
    Duration soak = Duration.ofSeconds(version == 2 ? 6 : 2);

    // Phase 1, at once: wrong router id and (v2) wrong password from the peer's address, and a
    // perfect advert from a third address; all with a priority that would win.
    Keepalived wrongVrid =
        Keepalived.start(
            lab, "ka", keepalived(version).withPriority(200).withRouterId(52), dir.resolve("vrid"));
    Keepalived wrongPassword =
        version == 2
            ? Keepalived.start(
                lab,
                "ka",
                keepalived(version).withPriority(200).withRouterId(51).withPassword("wrong"),
                dir.resolve("password"))
            : null;
    Keepalived intruder =
        Keepalived.start(
            lab,
            "intruder",
            keepalived(version).withPriority(200).withSource("192.0.2.13"),
            dir.resolve("intruder"));
    await().atMost(Duration.ofSeconds(10)).until(() -> "MASTER".equals(intruder.state()));
    await().during(soak).atMost(soak.plusSeconds(5)).until(() -> "MASTER".equals(ourState()));
    wrongVrid.stop();
    intruder.stop();
    if (wrongPassword != null) {
      wrongPassword.stop();
    }

    // Phase 2: everything right but the TTL, lowered to 64 as if routed.
    lab.run(
        "ka",
        "iptables",
        "-t",
        "mangle",
        "-A",
        "POSTROUTING",
        "-p",
        "112",
        "-j",
        "TTL",
        "--ttl-set",
        "64");
    Keepalived lowTtl =
        Keepalived.start(lab, "ka", keepalived(version).withPriority(200), dir.resolve("ttl"));
    await().atMost(Duration.ofSeconds(10)).until(() -> "MASTER".equals(lowTtl.state()));
    await().during(soak).atMost(soak.plusSeconds(5)).until(() -> "MASTER".equals(ourState()));
    lowTtl.stop();

    us.stop();
    String output = us.output();
    assertThat(output).doesNotContain("MASTER -> BACKUP").doesNotContain("MASTER -> FAULT");
    assertThat(dropCount(output, "unknown_router_id")).isPositive();
    assertThat(dropCount(output, "wrong_source")).isPositive();
    assertThat(dropCount(output, "low_ttl")).isPositive();
    if (version == 2) {
      assertThat(dropCount(output, "auth_mismatch")).isPositive();
    }
  }

  @Test
  void dropsKeepalivedV3AdvertsWhenConfiguredForTheRfc9568Checksum() throws Exception {
    RedishaProcess us = startOurs(3, 100, "MessageOnly");
    await().atMost(Duration.ofSeconds(10)).until(() -> "MASTER".equals(ourState()));
    Keepalived ka = Keepalived.start(lab, "ka", keepalived(3).withPriority(200), dir);
    await().atMost(Duration.ofSeconds(10)).until(() -> "MASTER".equals(ka.state()));
    await()
        .during(Duration.ofSeconds(2))
        .atMost(Duration.ofSeconds(5))
        .until(() -> "MASTER".equals(ourState()));
    ka.stop();
    us.stop();
    assertThat(us.output()).doesNotContain("MASTER -> BACKUP").doesNotContain("MASTER -> FAULT");
    assertThat(dropCount(us.output(), "bad_checksum")).isPositive();
  }

  static long dropCount(String output, String reason) {
    Matcher m = Pattern.compile("dropped packets: .*\\b" + reason + "=(\\d+)").matcher(output);
    return m.find() ? Long.parseLong(m.group(1)) : 0;
  }
}

package io.redisha.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.redisha.lab.LabNetwork;
import io.redisha.lab.PairLab;
import io.redisha.net.Ipv4Cidr;
import io.redisha.net.RawVrrpSocket;
import io.redisha.testing.Keepalived243;
import io.redisha.testing.RequiresHost;
import io.redisha.vrrp.ChecksumMode;
import io.redisha.vrrp.HmacKey;
import io.redisha.vrrp.HmacTrailer;
import io.redisha.vrrp.VrrpAdvertisement;
import io.redisha.vrrp.VrrpCodec;
import io.redisha.vrrp.VrrpVersion;
import java.io.IOException;
import java.net.Inet4Address;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A PASS group and an auth_hmac group side by side on one pair of real agents (processes started
 * from a pair file, real Redis servers, network namespaces): both fail over; a key rotation through
 * the pair file, and a key changed in its file alone, move nothing; adverts forged from a third
 * namespace (with the peers' own addresses) are dropped and counted per reason on {@code /metrics}
 * while the masters stay put. Then the same two groups against keepalived 2.4.3 on the other host,
 * its auth_hmac reading the very key files the agent reads ({@code key ID file:PATH}).
 */
@RequiresHost(tools = {"ip", "sysctl", "redis-server", "redis-cli"})
class SignedAdvertsIT {
  static final String A = "192.0.2.11";
  static final String B = "192.0.2.12";
  static final String SPOOF = "192.0.2.30";
  static final String VIP_A = "192.0.2.100";
  static final String VIP_B = "192.0.2.101";
  static final String PASSWORD = "s3cr3t";
  static final String KEY_1 = "hex:" + "a1".repeat(32);
  static final String KEY_2 = "hex:" + "b2".repeat(32);
  static final String KEY_2_NEW = "hex:" + "c3".repeat(32);
  static final Duration SOAK = Duration.ofSeconds(6);
  static final Pattern DROPPED =
      Pattern.compile("redisha_vrrp_dropped_packets_total\\{reason=\"([a-z_]+)\"} ([0-9.E]+)");

  @TempDir Path dir;
  PairLab lab;
  final List<AutoCloseable> closeFirst = new ArrayList<>();
  Keepalived243 keepalived;

  @AfterEach
  void tearDown() throws Exception {
    for (AutoCloseable closeable : closeFirst) {
      closeable.close();
    }
    if (keepalived != null) {
      System.out.println("--- keepalived\n" + keepalived.log());
    }
    if (lab != null) {
      for (String host : List.of(PairLab.VM_A, PairLab.VM_B)) {
        Path log = lab.agentLog(host);
        if (Files.exists(log)) {
          System.out.println("--- agent " + host + "\n" + Files.readString(log));
        }
      }
      lab.close();
    }
  }

  // ---- the pair file ----

  Path file(String name) {
    return dir.resolve(name);
  }

  /** Replaces a file at once, as a kubelet swaps a mounted Secret, so no reader sees half of it. */
  void write(String name, String text) throws IOException {
    Path next = file(name + ".next");
    Files.writeString(next, text);
    Files.move(next, file(name), StandardCopyOption.ATOMIC_MOVE);
  }

  String pairYaml(String hmacKeys, int activeKey) {
    return """
        nodes:
        - {name: vm-a, address: %s}
        - {name: vm-b, address: %s}
        interface: eth0
        vrrp: {version: 2, advertIntervalMillis: 1000}
        healthCheck: {intervalMillis: 100, timeoutMillis: 250, fall: 2, rise: 2}
        instances:
        - name: a
          port: 6379
          vip: %s/24
          virtualRouterId: 51
          auth: {passwordFile: %s}
        - name: b
          port: 6389
          vip: %s/24
          virtualRouterId: 52
          auth: {hmac: {keys: [%s], activeKeyId: %d}}
        """
        .formatted(A, B, VIP_A, file("password-a"), VIP_B, hmacKeys, activeKey);
  }

  String key(int id) {
    return "{id: " + id + ", secretFile: " + file("key-" + id) + "}";
  }

  void writePair(String hmacKeys, int activeKey) throws IOException {
    Path next = lab.pairFile().resolveSibling("pair.yaml.next");
    Files.writeString(next, pairYaml(hmacKeys, activeKey));
    Files.move(next, lab.pairFile(), StandardCopyOption.ATOMIC_MOVE);
  }

  void startLab() throws IOException {
    lab =
        PairLab.create(
            dir.resolve("lab"),
            List.of(
                new PairLab.Group("a", 6379, VIP_A, 51, null),
                new PairLab.Group("b", 6389, VIP_B, 52, null)),
            "");
    write("password-a", PASSWORD + "\n");
    write("key-1", KEY_1 + "\n");
    write("key-2", KEY_2 + "\n");
    writePair(key(1), 1);
  }

  // ---- what the agents say ----

  /** Each host's drop counter by reason, from its /metrics. */
  Map<String, Long> drops(String host) {
    String metrics = lab.metrics(host);
    assertThat(metrics).as("/metrics of " + host).isNotNull();
    Map<String, Long> drops = new LinkedHashMap<>();
    Matcher m = DROPPED.matcher(metrics);
    while (m.find()) {
      drops.put(m.group(1), (long) Double.parseDouble(m.group(2)));
    }
    return drops;
  }

  static Map<String, Long> delta(Map<String, Long> before, Map<String, Long> after) {
    Map<String, Long> delta = new LinkedHashMap<>();
    after.forEach(
        (reason, count) -> {
          long d = count - before.getOrDefault(reason, 0L);
          if (d != 0) {
            delta.put(reason, d);
          }
        });
    return delta;
  }

  /** Masters and transitions of both groups, and who holds each VIP. */
  record Snapshot(
      Map<String, String> masters,
      Map<String, Map<String, Long>> transitions,
      Map<String, List<String>> holders) {}

  Snapshot snapshot() {
    Map<String, String> masters = new LinkedHashMap<>();
    Map<String, Map<String, Long>> transitions = new LinkedHashMap<>();
    Map<String, List<String>> holders = new LinkedHashMap<>();
    lab.view()
        .forEach(
            (group, view) -> {
              masters.put(group, view.master());
              transitions.put(group, view.transitions());
              holders.put(group, lab.vipHolders(lab.group(group)));
            });
    return new Snapshot(masters, transitions, holders);
  }

  /** Nothing moves for {@link #SOAK}: the same masters, transitions and VIP holders. */
  void nothingMoves(Snapshot settled, String what) {
    await(what)
        .during(SOAK)
        .atMost(SOAK.plusSeconds(10))
        .untilAsserted(() -> assertThat(snapshot()).as(what).isEqualTo(settled));
  }

  String log(String host) throws IOException {
    return Files.readString(lab.agentLog(host));
  }

  // ---- forged adverts ----

  static Inet4Address ip(String text) {
    return Ipv4Cidr.parseAddress(text);
  }

  /**
   * A raw socket in {@code host} that sends as {@code source}: held on the host's loopback with ARP
   * told to neither answer for it nor use it, so the real owner keeps its neighbours' caches.
   */
  RawVrrpSocket forger(LabNetwork network, String host, String source) throws Exception {
    if (!network.address(host).equals(ip(source))) {
      network.run(
          host,
          "sysctl",
          "-q",
          "-w",
          "net.ipv4.conf.all.arp_ignore=1",
          "net.ipv4.conf.eth0.arp_ignore=1",
          "net.ipv4.conf.all.arp_announce=2",
          "net.ipv4.conf.eth0.arp_announce=2");
      network.run(host, "ip", "addr", "add", source + "/32", "dev", "lo");
    }
    RawVrrpSocket socket =
        network.inNamespace(host, () -> RawVrrpSocket.open("eth0", ip(source), 255));
    closeFirst.add(socket);
    return socket;
  }

  /** Copies of what reaches {@code host}'s own address, like tcpdump there. */
  final class Sniffer implements AutoCloseable {
    private final RawVrrpSocket socket;
    private final List<byte[]> packets = Collections.synchronizedList(new ArrayList<>());
    private final Thread thread;

    Sniffer(LabNetwork network, String host) throws Exception {
      socket =
          network.inNamespace(host, () -> RawVrrpSocket.open("eth0", network.address(host), 255));
      thread = Thread.ofPlatform().daemon().name("sniffer").start(this::run);
      closeFirst.add(this);
    }

    private void run() {
      while (true) {
        try {
          byte[] datagram = socket.receive(Duration.ofSeconds(1));
          if (datagram != null) {
            packets.add(datagram);
          }
        } catch (ClosedChannelException e) {
          return;
        } catch (IOException e) {
          // keep listening
        }
      }
    }

    /** The VRRP message of the last advert captured for {@code routerId}. */
    byte[] last(int routerId) {
      synchronized (packets) {
        for (int i = packets.size() - 1; i >= 0; i--) {
          byte[] datagram = packets.get(i);
          int header = (datagram[0] & 0x0f) * 4;
          if ((datagram[header + 1] & 0xff) == routerId) {
            byte[] message = new byte[datagram.length - header];
            System.arraycopy(datagram, header, message, 0, message.length);
            return message;
          }
        }
      }
      throw new AssertionError("no advert of router " + routerId + " captured");
    }

    @Override
    public void close() throws Exception {
      socket.close();
      thread.join(2000);
    }
  }

  static byte[] unsigned(VrrpAdvertisement advert, String source, String destination) {
    return VrrpCodec.encode(advert, ChecksumMode.PSEUDO_HEADER, ip(source), ip(destination));
  }

  static byte[] signed(
      VrrpAdvertisement advert, String source, String destination, HmacKey key, Instant at, int n) {
    return VrrpCodec.encode(
        advert,
        ChecksumMode.PSEUDO_HEADER,
        ip(source),
        ip(destination),
        key,
        HmacTrailer.sequenceAt(at) + n);
  }

  static String address(String host) {
    return host.equals(PairLab.VM_A) ? A : B;
  }

  // ---- the tests ----

  @Test
  void aPassGroupAndAnHmacGroupOnRealAgents() throws Exception {
    startLab();
    lab.startAgents();
    assertThat(lab.awaitSettled(Duration.ofSeconds(60))).as("%s", lab.view()).isTrue();
    Snapshot settled = snapshot();
    nothingMoves(settled, "both groups settled");

    // 1. Forged adverts from a third namespace, to the backup of b as b's master, and to the same
    // host for a as a's other node. Each would move a group if it were accepted: a release
    // (priority 0) makes a backup take over at once, a priority 254 makes a master step down.
    String masterB = settled.masters().get("b");
    String target = PairLab.other(masterB);
    String posingAs = address(masterB);
    String to = address(target);
    lab.network().addHost("spoof", SPOOF + "/24");
    RawVrrpSocket asPeer = forger(lab.network(), "spoof", posingAs);
    RawVrrpSocket fromItself = forger(lab.network(), "spoof", SPOOF);
    Sniffer sniffer = new Sniffer(lab.network(), target);
    await().atMost(Duration.ofSeconds(5)).until(() -> sniffer.packets.size() > 2);
    int priorityA = target.equals(settled.masters().get("a")) ? 254 : 0;
    VrrpAdvertisement releaseB =
        new VrrpAdvertisement(VrrpVersion.V2, 52, 0, 100, List.of(ip(VIP_B)), null);
    VrrpAdvertisement claimA =
        new VrrpAdvertisement(VrrpVersion.V2, 51, priorityA, 100, List.of(ip(VIP_A)), null);
    HmacKey key1 = HmacKey.parse(1, KEY_1);
    HmacKey wrongKey = HmacKey.parse(1, "hex:" + "5a".repeat(32));
    HmacKey unknownKey = HmacKey.parse(9, "hex:" + "a5".repeat(32));
    byte[] genuine = sniffer.last(52);
    Map<String, Long> before = drops(target);
    int rounds = 5;
    for (int i = 0; i < rounds; i++) {
      Instant now = Instant.now();
      asPeer.send(ip(to), unsigned(releaseB, posingAs, to));
      asPeer.send(ip(to), signed(releaseB, posingAs, to, wrongKey, now, i));
      asPeer.send(ip(to), signed(releaseB, posingAs, to, unknownKey, now, i));
      asPeer.send(ip(to), signed(releaseB, posingAs, to, key1, now.minusSeconds(60), i));
      asPeer.send(ip(to), genuine);
      fromItself.send(ip(to), signed(releaseB, SPOOF, to, key1, now, i));
      asPeer.send(ip(to), unsigned(withPassword(releaseB, PASSWORD), posingAs, to));
      asPeer.send(ip(to), unsigned(withPassword(claimA, "guessed"), posingAs, to));
      asPeer.send(ip(to), signed(withPassword(claimA, PASSWORD), posingAs, to, key1, now, i));
      Thread.sleep(200);
    }
    Map<String, Long> expected = new LinkedHashMap<>();
    expected.put("wrong_source", (long) rounds);
    expected.put("auth_mismatch", 2L * rounds);
    expected.put("hmac_missing", (long) rounds);
    expected.put("hmac_bad_signature", (long) rounds);
    expected.put("hmac_unknown_key", (long) rounds);
    expected.put("hmac_replayed", (long) rounds);
    expected.put("hmac_stale", (long) rounds);
    expected.put("hmac_unexpected", (long) rounds);
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(delta(before, drops(target))).isEqualTo(expected));
    nothingMoves(settled, "forged adverts move nothing");
    System.out.printf(
        "FIGURE forged adverts to %s, %d of each kind: /metrics counted %s; no transition%n",
        target, rounds, delta(before, drops(target)));

    // 2. A key rotation through the pair file, in three steps; and a key changed in its file
    // alone, as a mounted Secret changes. Nothing moves, and the agents say what they applied.
    writePair(key(1) + ", " + key(2), 1);
    nothingMoves(settled, "key 2 added");
    writePair(key(1) + ", " + key(2), 2);
    nothingMoves(settled, "key 2 active");
    writePair(key(2), 2);
    nothingMoves(settled, "key 1 retired");
    for (String host : List.of(PairLab.VM_A, PairLab.VM_B)) {
      assertThat(log(host))
          .contains("group b: authentication now auth_hmac keys [1, 2], active 1")
          .contains("group b: authentication now auth_hmac keys [1, 2], active 2")
          .contains("group b: authentication now auth_hmac keys [2], active 2")
          .doesNotContain("restarting");
    }
    Map<String, Long> beforeRetired = drops(target);
    asPeer.send(ip(to), signed(releaseB, posingAs, to, key1, Instant.now(), 0));
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () ->
                assertThat(delta(beforeRetired, drops(target)))
                    .as("the retired key is refused")
                    .isEqualTo(Map.of("hmac_unknown_key", 1L)));

    write("key-2", KEY_2_NEW + "\n");
    write("password-a", "n3wpass\n");
    nothingMoves(settled, "key 2 and a's password changed in their files");
    for (String host : List.of(PairLab.VM_A, PairLab.VM_B)) {
      assertThat(log(host))
          .contains("group a: authentication now PASS (was PASS)")
          .doesNotContain("restarting");
    }
    Map<String, Long> beforeOld = drops(target);
    asPeer.send(ip(to), signed(releaseB, posingAs, to, HmacKey.parse(2, KEY_2), Instant.now(), 0));
    asPeer.send(ip(to), unsigned(withPassword(claimA, PASSWORD), posingAs, to));
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () ->
                assertThat(delta(beforeOld, drops(target)))
                    .as("the old key and the old password are refused")
                    .isEqualTo(Map.of("hmac_bad_signature", 1L, "auth_mismatch", 1L)));

    // 3. Failover of both groups, with the new key and password: Redis killed on each master.
    for (String group : List.of("b", "a")) {
      String master = settled.masters().get(group);
      long killed = System.nanoTime();
      lab.killRedis(master, lab.group(group).port());
      String other = PairLab.other(master);
      await()
          .atMost(Duration.ofSeconds(15))
          .untilAsserted(
              () -> {
                assertThat(lab.view().get(group).master()).isEqualTo(other);
                assertThat(lab.vipHolders(lab.group(group))).containsExactly(other);
              });
      System.out.printf(
          "FIGURE group %s (%s) failed over from %s to %s in %d ms after its Redis was killed%n",
          group,
          group.equals("a") ? "PASS" : "auth_hmac",
          master,
          other,
          (System.nanoTime() - killed) / 1_000_000);
    }
  }

  static VrrpAdvertisement withPassword(VrrpAdvertisement advert, String password) {
    return new VrrpAdvertisement(
        advert.version(),
        advert.virtualRouterId(),
        advert.priority(),
        advert.intervalCentis(),
        advert.addresses(),
        password);
  }

  /**
   * keepalived 2.4.3 on vm-b instead of an agent: VI_1 with the PASS password, VI_2 with auth_hmac
   * reading {@code key-1} and {@code key-2} by {@code file:}, the files the agent on vm-a reads.
   */
  @Test
  void thePassAndHmacGroupsAgainstKeepalived243() throws Exception {
    Keepalived243.requireBinary();
    startLab();
    Keepalived243.Hmac hmac =
        new Keepalived243.Hmac(
            Map.of(1, "file:" + file("key-1"), 2, "file:" + file("key-2")),
            1,
            "time",
            0,
            "enforce");
    Keepalived243.Config config =
        new Keepalived243.Config(
            2,
            "1",
            B,
            A,
            List.of(
                new Keepalived243.Instance("VI_1", 51, 200, VIP_A + "/24", PASSWORD, null),
                new Keepalived243.Instance("VI_2", 52, 50, VIP_B + "/24", null, hmac)));
    // The agent first, alone: master of both. Then keepalived, which preempts the PASS group with
    // priority 200 and stays backup of the HMAC group (50 < 100).
    lab.startAgent(PairLab.VM_A);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> "MASTER".equals(state("a")) && "MASTER".equals(state("b")));
    Keepalived243 ka = Keepalived243.start(lab.network(), PairLab.VM_B, config, dir.resolve("ka"));
    keepalived = ka;
    closeFirst.add(ka::stop);
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              assertThat(state("a")).isEqualTo("BACKUP");
              assertThat(state("b")).isEqualTo("MASTER");
              assertThat(ka.state("VI_1")).isEqualTo("MASTER");
              assertThat(ka.state("VI_2")).isEqualTo("BACKUP");
            });
    Map<String, Long> before = drops(PairLab.VM_A);
    long kaTransitions = ka.count("Entering ");
    await()
        .during(SOAK)
        .atMost(SOAK.plusSeconds(10))
        .untilAsserted(
            () -> {
              assertThat(state("a")).isEqualTo("BACKUP");
              assertThat(state("b")).isEqualTo("MASTER");
              assertThat(ka.count("Entering ")).isEqualTo(kaTransitions);
            });
    assertThat(delta(before, drops(PairLab.VM_A))).as("the agent refused nothing").isEmpty();
    assertNoAuthRefusal(ka);

    // Our rotation to key 2, which keepalived holds too: nothing moves on either side.
    writePair(key(1) + ", " + key(2), 2);
    await()
        .during(SOAK)
        .atMost(SOAK.plusSeconds(10))
        .untilAsserted(
            () -> {
              assertThat(state("a")).isEqualTo("BACKUP");
              assertThat(state("b")).isEqualTo("MASTER");
              assertThat(ka.count("Entering ")).isEqualTo(kaTransitions);
            });
    assertThat(log(PairLab.VM_A)).contains("group b: authentication now auth_hmac keys [1, 2]");
    assertNoAuthRefusal(ka);

    // Takeover each way. The agent's Redis of b dies: it releases b (signed priority 0), and
    // keepalived takes over at once.
    long killed = System.nanoTime();
    lab.killRedis(PairLab.VM_A, 6389);
    await().atMost(Duration.ofSeconds(10)).until(() -> "MASTER".equals(ka.state("VI_2")));
    long toKeepalived = (System.nanoTime() - killed) / 1_000_000;
    lab.startRedis(PairLab.VM_A, 6389);
    lab.awaitRedis(PairLab.VM_A, 6389, Duration.ofSeconds(10));
    await().atMost(Duration.ofSeconds(20)).until(() -> "BACKUP".equals(state("b")));

    // keepalived stops (priority 0 for both, b signed with key 1): the agent takes both over.
    long stopped = System.nanoTime();
    ka.stop();
    await()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(
            () -> {
              assertThat(state("a")).isEqualTo("MASTER");
              assertThat(state("b")).isEqualTo("MASTER");
              assertThat(lab.vipHolders(lab.group("a"))).containsExactly(PairLab.VM_A);
              assertThat(lab.vipHolders(lab.group("b"))).containsExactly(PairLab.VM_A);
            });
    long toAgent = (System.nanoTime() - stopped) / 1_000_000;
    assertThat(delta(before, drops(PairLab.VM_A))).as("the agent refused nothing").isEmpty();
    System.out.printf(
        "FIGURE VRRPv2 PASS group and auth_hmac group (keys read by file: on both sides) against"
            + " keepalived 2.4.3: rotation to key 2 without a transition; agent's Redis killed ->"
            + " keepalived master of the HMAC group in %d ms; keepalived stopped -> agent master"
            + " of both in %d ms; drops 0%n",
        toKeepalived, toAgent);
  }

  String state(String group) {
    return lab.view().get(group).states().get(PairLab.VM_A);
  }

  static void assertNoAuthRefusal(Keepalived243 ka) {
    for (String refusal :
        List.of(
            "missing authentication trailer",
            "invalid authentication HMAC",
            "unknown authentication key id",
            "replayed authentication trailer",
            "stale authentication trailer",
            "auth from",
            "too long")) {
      assertThat(ka.log()).as("keepalived refused an advert").doesNotContain(refusal);
    }
  }
}

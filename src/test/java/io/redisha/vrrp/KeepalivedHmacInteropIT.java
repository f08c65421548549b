package io.redisha.vrrp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.redisha.lab.LabNetwork;
import io.redisha.net.Ipv4Cidr;
import io.redisha.net.RawVrrpSocket;
import io.redisha.testing.Keepalived243;
import io.redisha.testing.RequiresHost;
import io.redisha.vrrp.HmacAuth.AntiReplay;
import io.redisha.vrrp.HmacAuth.Mode;
import io.redisha.vrrp.OurVrrpNode.Group;
import io.redisha.vrrp.OurVrrpNode.Transition;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Our auth_hmac against keepalived 2.4.3 on the wire, unicast, in network namespaces: keepalived on
 * "ka" (192.0.2.11), our VRRP on "us" (192.0.2.12), and two forgers on the same bridge that send
 * with the peers' own addresses (held on their loopback, never answered for by ARP): "spoofka"
 * (192.0.2.13, forges adverts from 192.0.2.11 to us) and "spoofus" (192.0.2.14, forges adverts from
 * 192.0.2.12 to keepalived).
 */
@RequiresHost(tools = {"ip", "sysctl", "kill"})
class KeepalivedHmacInteropIT {
  static final String KA = "192.0.2.11";
  static final String US = "192.0.2.12";
  static final String SPOOF_KA = "192.0.2.13";
  static final String SPOOF_US = "192.0.2.14";
  static final String VIP = "192.0.2.100";
  static final String VIP_2 = "192.0.2.101";
  static final String KEY_1_TEXT =
      "hex:000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
  static final String KEY_2_TEXT =
      "hex:202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f";
  static final HmacKey KEY_1 = HmacKey.parse(1, KEY_1_TEXT);
  static final HmacKey KEY_2 = HmacKey.parse(2, KEY_2_TEXT);
  static final String PASSWORD = "s3cr3t";

  /** keepalived's log lines for an advert its auth_hmac refused. */
  static final List<String> KEEPALIVED_AUTH_REFUSALS =
      List.of(
          "missing authentication trailer",
          "invalid authentication HMAC",
          "unknown authentication key id",
          "replayed authentication trailer",
          "stale authentication trailer",
          "malformed authentication trailer",
          "auth from",
          "too long");

  @TempDir Path dir;
  LabNetwork lab;
  final List<AutoCloseable> closeLast = new ArrayList<>();

  @BeforeAll
  static void binaryPresent() {
    Keepalived243.requireBinary();
  }

  @BeforeEach
  void buildLab() {
    lab = LabNetwork.create();
    lab.addHost("ka", KA + "/24").addHost("us", US + "/24");
  }

  @AfterEach
  void tearDown() throws Exception {
    for (AutoCloseable closeable : closeLast) {
      closeable.close();
    }
    lab.close();
  }

  // ---- settings ----

  static HmacAuth hmac(int activeKey) {
    return new HmacAuth(
        List.of(KEY_1, KEY_2), activeKey, AntiReplay.TIME, HmacAuth.DEFAULT_WINDOW, Mode.ENFORCE);
  }

  static Keepalived243.Hmac keepalivedHmac(int activeKey) {
    return new Keepalived243.Hmac(
        Map.of(1, KEY_1_TEXT, 2, KEY_2_TEXT), activeKey, "time", 0, "enforce");
  }

  static String advertInt(int version) {
    return version == 2 ? "1" : "0.1";
  }

  static int intervalCentis(int version) {
    return version == 2 ? 100 : 10;
  }

  static Duration soak(int version) {
    return Duration.ofSeconds(version == 2 ? 6 : 2);
  }

  static Keepalived243.Config keepalivedConfig(int version, Keepalived243.Instance... instances) {
    return new Keepalived243.Config(version, advertInt(version), KA, US, List.of(instances));
  }

  static Keepalived243.Instance hmacInstance(int priority, int activeKey) {
    return new Keepalived243.Instance(
        "VI_1", 51, priority, VIP + "/24", null, keepalivedHmac(activeKey));
  }

  static VrrpRouterConfig routerConfig(
      int version, int vrid, int priority, String vip, String password, HmacAuth hmac) {
    return new VrrpRouterConfig(
        VrrpVersion.of(version),
        vrid,
        priority,
        intervalCentis(version),
        password,
        List.of(ip(vip)),
        ip(US),
        true,
        Duration.ZERO,
        true,
        hmac);
  }

  OurVrrpNode startOurs(int version, Group... groups) throws Exception {
    OurVrrpNode node = OurVrrpNode.start(lab, "us", ip(KA), version, List.of(groups));
    closeLast.add(node);
    return node;
  }

  OurVrrpNode startOursHmac(int version, int priority, int activeKey) throws Exception {
    return startOurs(
        version,
        new Group(
            routerConfig(version, 51, priority, VIP, null, hmac(activeKey)),
            Ipv4Cidr.parse(VIP + "/24")));
  }

  Keepalived243 startKeepalived(Keepalived243.Config config, String name) {
    return Keepalived243.start(lab, "ka", config, dir.resolve(name));
  }

  // ---- (a) signed adverts both ways, takeover each way ----

  @ParameterizedTest(name = "VRRPv{0}")
  @ValueSource(ints = {3, 2})
  void signedAdvertsBothWaysAndATakeoverEachWay(int version) throws Exception {
    Duration soak = soak(version);

    // Ours master, keepalived backup: keepalived stays backup only while our signatures verify.
    OurVrrpNode ours = startOursHmac(version, 150, 1);
    await().atMost(Duration.ofSeconds(10)).until(() -> ours.state(51) == VrrpState.MASTER);
    Keepalived243 ka = startKeepalived(keepalivedConfig(version, hmacInstance(100, 1)), "ka1");
    await().atMost(Duration.ofSeconds(10)).until(() -> "BACKUP".equals(ka.state("VI_1")));
    await()
        .during(soak)
        .atMost(soak.plusSeconds(5))
        .untilAsserted(
            () -> {
              assertThat(ka.state("VI_1")).isEqualTo("BACKUP");
              assertThat(ours.state(51)).isEqualTo(VrrpState.MASTER);
            });
    assertThat(ka.log()).doesNotContain("Entering MASTER STATE");
    assertNoAuthRefusal(ka);
    assertThat(vipOn("us", VIP)).isTrue();
    long signedByUs = ours.sent(51);

    // Takeover: ours stops cleanly (a signed priority 0), keepalived takes over.
    CompletableFuture<Instant> kaHasVip = watchVip("ka", VIP);
    Instant stopped = Instant.now();
    ours.stop();
    long toKeepalived = Duration.between(stopped, kaHasVip.get()).toMillis();
    await().atMost(Duration.ofSeconds(5)).until(() -> "MASTER".equals(ka.state("VI_1")));
    assertNoAuthRefusal(ka);

    // Keepalived master, ours backup: ours stays backup only while keepalived's signatures verify.
    OurVrrpNode backup = startOursHmac(version, 50, 1);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> backup.state(51) == VrrpState.BACKUP && backup.accepted() > 0);
    long acceptedBefore = backup.accepted();
    await()
        .during(soak)
        .atMost(soak.plusSeconds(5))
        .untilAsserted(
            () -> {
              assertThat(backup.state(51)).isEqualTo(VrrpState.BACKUP);
              assertThat(ka.state("VI_1")).isEqualTo("MASTER");
            });
    long acceptedDuringSoak = backup.accepted() - acceptedBefore;
    assertThat(acceptedDuringSoak)
        .isGreaterThanOrEqualTo(soak.toMillis() / (intervalCentis(version) * 10) - 2);
    assertThat(backup.drops().total()).as(backup.dropSummary()).isZero();
    assertThat(backup.transitions()).extracting(Transition::to).containsExactly(VrrpState.BACKUP);

    // Takeover: keepalived stops cleanly (a signed priority 0), ours takes over.
    long stopNanos = System.nanoTime();
    ka.stop();
    await().atMost(Duration.ofSeconds(10)).until(() -> backup.state(51) == VrrpState.MASTER);
    long toOurs = (backup.enteredNanos(51, VrrpState.MASTER) - stopNanos) / 1_000_000;
    assertThat(backup.transitions().getLast().reason()).contains("released the master role");
    assertThat(vipOn("us", VIP)).isTrue();
    assertThat(backup.drops().total()).as(backup.dropSummary()).isZero();

    System.out.printf(
        "FIGURE auth_hmac VRRPv%d: ours master %d signed adverts, keepalived stayed backup %d s;"
            + " ours stopped -> keepalived holds VIP: %d ms; keepalived master, ours backup"
            + " accepted %d signed adverts in %d s, 0 drops; keepalived stopped -> ours master:"
            + " %d ms%n",
        version,
        signedByUs,
        soak.toSeconds(),
        toKeepalived,
        acceptedDuringSoak,
        soak.toSeconds(),
        toOurs);
    // keepalived (priority 100) waits Skew_Time after a priority 0 advert, not the master-down
    // interval (3609 / 361 ms): so it verified our signed release.
    assertThat(toKeepalived).isLessThan(version == 2 ? 609 + 1000 : 61 + 190);
  }

  // ---- (b) key rotation without a transition ----

  @ParameterizedTest(name = "{0} master")
  @ValueSource(strings = {"ours", "keepalived"})
  void rotatesTheActiveKeyOnEachSideWithoutATransition(String master) throws Exception {
    boolean oursMaster = master.equals("ours");
    // Whole-second adverts: keepalived sends none while it reloads its configuration (SIGHUP), and
    // on a loaded machine that pause outlasts VRRPv3's 361 ms master-down interval; the rotation
    // itself is the same for both versions.
    int version = 2;
    Duration soak = soak(version);
    Keepalived243.Config kaConfig =
        keepalivedConfig(version, hmacInstance(oursMaster ? 100 : 200, 1));
    OurVrrpNode ours;
    Keepalived243 ka;
    Sniffer adverts;
    if (oursMaster) {
      ours = startOursHmac(version, 150, 1);
      await().atMost(Duration.ofSeconds(10)).until(() -> ours.state(51) == VrrpState.MASTER);
      ka = startKeepalived(kaConfig, "ka");
      await().atMost(Duration.ofSeconds(10)).until(() -> "BACKUP".equals(ka.state("VI_1")));
      adverts = sniffer("ka");
    } else {
      ka = startKeepalived(kaConfig, "ka");
      await().atMost(Duration.ofSeconds(10)).until(() -> "MASTER".equals(ka.state("VI_1")));
      ours = startOursHmac(version, 100, 1);
      await().atMost(Duration.ofSeconds(10)).until(() -> ours.state(51) == VrrpState.BACKUP);
      adverts = sniffer("us");
    }
    List<Transition> settled = ours.transitions();
    long kaTransitions = ka.count("Entering ");
    await().atMost(Duration.ofSeconds(15)).until(() -> adverts.keyIds().size() >= 5);

    // The master's side switches first, then the backup's: each step holds both keys.
    Runnable switchOurs = () -> ours.setHmac(51, hmac(2));
    if (oursMaster) {
      switchOurs.run();
      holdsFor(soak, ours, ka, oursMaster);
      ka.reload(kaConfig.with(hmacInstance(100, 2)));
    } else {
      ka.reload(kaConfig.with(hmacInstance(200, 2)));
      holdsFor(soak, ours, ka, oursMaster);
      switchOurs.run();
    }
    holdsFor(soak, ours, ka, oursMaster);

    List<Integer> keyIds = adverts.keyIds();
    int firstWith2 = keyIds.indexOf(2);
    assertThat(firstWith2).as("the master signs with key 2 after the switch").isPositive();
    assertThat(keyIds.subList(0, firstWith2)).containsOnly(1);
    assertThat(keyIds.subList(firstWith2, keyIds.size())).containsOnly(2);
    assertThat(ours.transitions()).isEqualTo(settled);
    assertThat(ka.count("Entering ")).isEqualTo(kaTransitions);
    assertThat(ours.drops().total()).as(ours.dropSummary()).isZero();
    assertNoAuthRefusal(ka);
    System.out.printf(
        "FIGURE auth_hmac rotation, %s master: %d adverts signed with key 1, then %d with key 2;"
            + " transitions during the rotation: 0 (ours), 0 (keepalived); drops 0%n",
        master, firstWith2, keyIds.size() - firstWith2);
  }

  void holdsFor(Duration soak, OurVrrpNode ours, Keepalived243 ka, boolean oursMaster) {
    await()
        .during(soak)
        .atMost(soak.plusSeconds(5))
        .untilAsserted(
            () -> {
              assertThat(ours.state(51))
                  .isEqualTo(oursMaster ? VrrpState.MASTER : VrrpState.BACKUP);
              assertThat(ka.state("VI_1")).isEqualTo(oursMaster ? "BACKUP" : "MASTER");
            });
  }

  // ---- the modes: a rolling migration from unsigned to enforced ----

  @Test
  void aRollingMigrationThroughTheModesMovesNoGroup() throws Exception {
    int version = 3;
    Duration soak = soak(version);
    // Two groups, so that each side both sends (where it is master) and receives.
    Keepalived243.Instance kaBackupOf51 =
        new Keepalived243.Instance(
            "VI_1", 51, 100, VIP + "/24", null, keepalivedHmac(1).withMode("receive-only"));
    Keepalived243.Instance kaMasterOf52 =
        new Keepalived243.Instance(
            "VI_2", 52, 200, VIP_2 + "/24", null, keepalivedHmac(1).withMode("receive-only"));
    Keepalived243.Config kaConfig = keepalivedConfig(version, kaBackupOf51, kaMasterOf52);
    HmacAuth receiveOnly = hmac(1).withMode(Mode.RECEIVE_ONLY);
    OurVrrpNode ours =
        startOurs(
            version,
            new Group(
                routerConfig(version, 51, 150, VIP, null, receiveOnly),
                Ipv4Cidr.parse(VIP + "/24")),
            new Group(
                routerConfig(version, 52, 100, VIP_2, null, receiveOnly),
                Ipv4Cidr.parse(VIP_2 + "/24")));
    await().atMost(Duration.ofSeconds(10)).until(() -> ours.state(51) == VrrpState.MASTER);
    Keepalived243 ka = startKeepalived(kaConfig, "ka");
    Sniffer toUs = sniffer("us");
    Sniffer toKa = sniffer("ka");
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              assertThat(ours.state(51)).isEqualTo(VrrpState.MASTER);
              assertThat(ours.state(52)).isEqualTo(VrrpState.BACKUP);
              assertThat(ka.state("VI_1")).isEqualTo("BACKUP");
              assertThat(ka.state("VI_2")).isEqualTo("MASTER");
            });
    List<Transition> settled = ours.transitions();
    long kaTransitions = ka.count("Entering ");

    List<String> steps = new ArrayList<>();
    Map<String, long[]> figures = new LinkedHashMap<>();
    Runnable measure =
        () -> {
          long unsignedAccepted = ours.drops().unsignedAccepted();
          int fromUs = toKa.packets().size();
          int fromKa = toUs.packets().size();
          awaitHolding(soak, ours, ka);
          figures.put(
              steps.getLast(),
              new long[] {
                signedShare(toKa, fromUs),
                signedShare(toUs, fromKa),
                ours.drops().unsignedAccepted() - unsignedAccepted
              });
        };
    steps.add("both receive-only");
    measure.run();
    steps.add("ours permissive");
    ours.setHmac(51, hmac(1).withMode(Mode.PERMISSIVE));
    ours.setHmac(52, hmac(1).withMode(Mode.PERMISSIVE));
    measure.run();
    steps.add("keepalived permissive");
    kaConfig =
        kaConfig
            .with(kaBackupOf51.withHmac(keepalivedHmac(1).withMode("permissive")))
            .with(kaMasterOf52.withHmac(keepalivedHmac(1).withMode("permissive")));
    ka.reload(kaConfig);
    measure.run();
    steps.add("ours enforce");
    ours.setHmac(51, hmac(1));
    ours.setHmac(52, hmac(1));
    measure.run();
    steps.add("keepalived enforce");
    ka.reload(
        kaConfig
            .with(kaBackupOf51.withHmac(keepalivedHmac(1)))
            .with(kaMasterOf52.withHmac(keepalivedHmac(1))));
    measure.run();

    // what 2.4.3 sends: unsigned in receive-only, signed in permissive and enforce
    assertThat(figures.get("both receive-only"))
        .containsExactly(0, 0, figures.get("both receive-only")[2]);
    assertThat(figures.get("both receive-only")[2]).isPositive();
    assertThat(figures.get("ours permissive")[0]).isEqualTo(100);
    assertThat(figures.get("ours permissive")[1]).isZero();
    assertThat(figures.get("ours permissive")[2]).isPositive();
    for (String step : List.of("keepalived permissive", "ours enforce", "keepalived enforce")) {
      long[] figure = figures.get(step);
      assertThat(figure[0]).as(step).isEqualTo(100);
      assertThat(figure[1])
          .as(step)
          .isGreaterThanOrEqualTo(step.startsWith("keepalived") ? 90 : 100);
    }
    assertThat(figures.get("ours enforce")[2]).isZero();
    assertThat(figures.get("keepalived enforce")[2]).isZero();
    assertThat(ours.transitions()).isEqualTo(settled);
    assertThat(ka.count("Entering ")).isEqualTo(kaTransitions);
    assertThat(ours.drops().total()).as(ours.dropSummary()).isZero();
    assertNoAuthRefusal(ka);
    StringBuilder text = new StringBuilder();
    figures.forEach(
        (step, f) ->
            text.append(
                "%s: ours signed %d %%, keepalived signed %d %%, unsigned accepted %d; "
                    .formatted(step, f[0], f[1], f[2])));
    System.out.println("FIGURE auth_hmac rolling migration, no transition: " + text);
  }

  void awaitHolding(Duration soak, OurVrrpNode ours, Keepalived243 ka) {
    await()
        .during(soak)
        .atMost(soak.plusSeconds(5))
        .untilAsserted(
            () -> {
              assertThat(ours.state(51)).isEqualTo(VrrpState.MASTER);
              assertThat(ours.state(52)).isEqualTo(VrrpState.BACKUP);
              assertThat(ka.state("VI_1")).isEqualTo("BACKUP");
              assertThat(ka.state("VI_2")).isEqualTo("MASTER");
            });
  }

  /** The share in percent of the adverts captured after the first {@code from} that are signed. */
  static long signedShare(Sniffer sniffer, int from) {
    List<byte[]> packets = sniffer.packets();
    List<byte[]> step = packets.subList(from, packets.size());
    assertThat(step).as("adverts captured in this step").isNotEmpty();
    long signed = step.stream().filter(p -> p.length == 20 + 12 + HmacTrailer.LENGTH).count();
    return 100 * signed / step.size();
  }

  // ---- (c) forged adverts ----

  @Test
  void forgedAdvertsAreDroppedByReasonOnBothSidesAndTheMasterStaysPut() throws Exception {
    int version = 3;
    lab.addHost("spoofka", SPOOF_KA + "/24").addHost("spoofus", SPOOF_US + "/24");
    Forger asKeepalived = forger("spoofka", KA);
    Forger asUs = forger("spoofus", US);
    Forger fromOwnAddress = forger("spoofka", SPOOF_KA);

    // keepalived master at 200 first, so that its genuine priority 200 adverts can be captured;
    // a reload to 100 then lets ours (150) take over. A 30 s window on both sides, so that the
    // replays stay replays (not stale) however slow this machine is, and a minute is stale.
    Keepalived243.Instance kaInstance =
        hmacInstance(200, 1).withHmac(keepalivedHmac(1).withTimeWindow(30));
    Keepalived243.Config kaConfig = keepalivedConfig(version, kaInstance);
    Keepalived243 ka = startKeepalived(kaConfig, "ka");
    await().atMost(Duration.ofSeconds(10)).until(() -> "MASTER".equals(ka.state("VI_1")));
    Sniffer toUs = sniffer("us");
    Sniffer toKa = sniffer("ka");
    HmacAuth window30 = new HmacAuth(List.of(KEY_1, KEY_2), 1, AntiReplay.TIME, 30, Mode.ENFORCE);
    OurVrrpNode ours =
        startOurs(
            version,
            new Group(
                routerConfig(version, 51, 150, VIP, null, window30), Ipv4Cidr.parse(VIP + "/24")));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> ours.state(51) == VrrpState.BACKUP && ours.accepted() > 0);
    ka.reload(kaConfig.with(kaInstance.withPriority(100)));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> ours.state(51) == VrrpState.MASTER && "BACKUP".equals(ka.state("VI_1")));
    await().atMost(Duration.ofSeconds(5)).until(() -> !toKa.packets().isEmpty());
    List<Transition> settled = ours.transitions();
    long kaTransitions = ka.count("Entering ");
    long kaAuthLinesBefore = authRefusals(ka);

    VrrpAdvertisement claimTheRole =
        new VrrpAdvertisement(VrrpVersion.V3, 51, 254, 10, List.of(ip(VIP)), null);
    VrrpAdvertisement releaseTheRole = claimTheRole.withPriority(0);
    HmacKey wrongKey = HmacKey.parse(1, "hex:" + "5a".repeat(32));
    HmacKey unknownKey = HmacKey.parse(9, "hex:" + "a5".repeat(32));
    byte[] lastPriority200 = lastWithPriority(toUs.packets(), 200);
    byte[] ourGenuine = toKa.packets().getLast();
    int rounds = 10;
    Map<DropReason, Integer> expected = new LinkedHashMap<>();

    // Each kind ten times, 100 ms apart, to us as keepalived and to keepalived as us.
    for (int i = 0; i < rounds; i++) {
      Instant now = Instant.now();
      // 1. no trailer
      asKeepalived.send(ip(US), unsigned(claimTheRole, KA, US));
      asUs.send(ip(KA), unsigned(releaseTheRole, US, KA));
      // 2. signed with a wrong key under the right key id
      asKeepalived.send(ip(US), signed(claimTheRole, KA, US, wrongKey, now, i));
      asUs.send(ip(KA), signed(releaseTheRole, US, KA, wrongKey, now, i));
      // 3. signed with a key id neither side holds
      asKeepalived.send(ip(US), signed(claimTheRole, KA, US, unknownKey, now, i));
      asUs.send(ip(KA), signed(releaseTheRole, US, KA, unknownKey, now, i));
      // 4. a genuine advert replayed: keepalived's last priority 200 one, our own last one
      asKeepalived.send(ip(US), payload(lastPriority200));
      asUs.send(ip(KA), payload(ourGenuine));
      // 5. the right key, a timestamp a minute old, and one a minute ahead
      asKeepalived.send(ip(US), signed(claimTheRole, KA, US, KEY_1, now.minusSeconds(60), i));
      asKeepalived.send(ip(US), signed(claimTheRole, KA, US, KEY_1, now.plusSeconds(60), i));
      asUs.send(ip(KA), signed(releaseTheRole, US, KA, KEY_1, now.minusSeconds(60), i));
      asUs.send(ip(KA), signed(releaseTheRole, US, KA, KEY_1, now.plusSeconds(60), i));
      // 6. the right key and a fresh timestamp, but from the forger's own address
      fromOwnAddress.send(ip(US), signed(claimTheRole, SPOOF_KA, US, KEY_1, now, i));
      Thread.sleep(100);
    }
    expected.put(DropReason.HMAC_MISSING, rounds);
    expected.put(DropReason.HMAC_BAD_SIGNATURE, rounds);
    expected.put(DropReason.HMAC_UNKNOWN_KEY, rounds);
    expected.put(DropReason.HMAC_REPLAYED, rounds);
    expected.put(DropReason.HMAC_STALE, 2 * rounds);
    expected.put(DropReason.WRONG_SOURCE, rounds);

    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () -> {
              for (Map.Entry<DropReason, Integer> e : expected.entrySet()) {
                assertThat(ours.drops().get(e.getKey()))
                    .as(e.getKey().label() + " in " + ours.dropSummary())
                    .isEqualTo((long) e.getValue());
              }
            });
    await()
        .during(soak(version))
        .atMost(soak(version).plusSeconds(5))
        .untilAsserted(
            () -> {
              assertThat(ours.state(51)).isEqualTo(VrrpState.MASTER);
              assertThat(ka.state("VI_1")).isEqualTo("BACKUP");
            });
    assertThat(ours.transitions()).isEqualTo(settled);
    assertThat(ka.count("Entering ")).as(ka.log()).isEqualTo(kaTransitions);
    assertThat(ours.drops().total())
        .as(ours.dropSummary())
        .isEqualTo(expected.values().stream().mapToLong(Integer::longValue).sum());
    String kaLog = ka.log();
    for (String refusal :
        List.of(
            "missing authentication trailer",
            "invalid authentication HMAC",
            "unknown authentication key id 9",
            "replayed authentication trailer",
            "stale authentication trailer")) {
      assertThat(kaLog).as("keepalived logs: " + refusal).contains("(VI_1) " + refusal);
    }
    assertThat(vipOn("us", VIP)).isTrue();
    assertThat(vipOn("ka", VIP)).isFalse();
    System.out.printf(
        "FIGURE auth_hmac forged adverts, %d of each kind to each side: ours dropped %s and stayed"
            + " master; keepalived logged %d refusals and stayed backup; transitions 0%n",
        rounds, ours.dropSummary(), authRefusals(ka) - kaAuthLinesBefore);
  }

  // ---- (d) a PASS group and an HMAC group on one pair ----

  @Test
  void aPassGroupAndAnHmacGroupSideBySideOnOnePair() throws Exception {
    int version = 2;
    Duration soak = soak(version);
    // Ours first, so that keepalived's HMAC instance hears our master from its start.
    OurVrrpNode ours =
        startOurs(
            version,
            new Group(
                routerConfig(version, 51, 100, VIP, PASSWORD, null), Ipv4Cidr.parse(VIP + "/24")),
            new Group(
                routerConfig(version, 52, 150, VIP_2, null, hmac(1)),
                Ipv4Cidr.parse(VIP_2 + "/24")));
    await()
        .atMost(Duration.ofSeconds(15))
        .until(() -> ours.state(51) == VrrpState.MASTER && ours.state(52) == VrrpState.MASTER);
    Keepalived243 ka =
        startKeepalived(
            keepalivedConfig(
                version,
                new Keepalived243.Instance("VI_1", 51, 200, VIP + "/24", PASSWORD, null),
                new Keepalived243.Instance(
                    "VI_2", 52, 100, VIP_2 + "/24", null, keepalivedHmac(1))),
            "ka");
    await()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(
            () -> {
              assertThat(ours.state(51)).isEqualTo(VrrpState.BACKUP);
              assertThat(ours.state(52)).isEqualTo(VrrpState.MASTER);
              assertThat(ka.state("VI_1")).isEqualTo("MASTER");
              assertThat(ka.state("VI_2")).isEqualTo("BACKUP");
            });
    await()
        .during(soak)
        .atMost(soak.plusSeconds(5))
        .untilAsserted(
            () -> {
              assertThat(ours.state(51)).isEqualTo(VrrpState.BACKUP);
              assertThat(ours.state(52)).isEqualTo(VrrpState.MASTER);
              assertThat(ka.state("VI_1")).isEqualTo("MASTER");
              assertThat(ka.state("VI_2")).isEqualTo("BACKUP");
            });
    assertThat(ours.drops().total()).as(ours.dropSummary()).isZero();
    assertThat(ours.accepted()).isPositive();
    assertNoAuthRefusal(ka);
    assertThat(ka.count("(VI_2) Entering MASTER")).isZero();

    // The PASS group's password does not open the HMAC group.
    lab.addHost("spoofka", SPOOF_KA + "/24");
    Forger asKeepalived = forger("spoofka", KA);
    VrrpAdvertisement passOnHmacGroup =
        new VrrpAdvertisement(VrrpVersion.V2, 52, 254, 100, List.of(ip(VIP_2)), PASSWORD);
    for (int i = 0; i < 5; i++) {
      asKeepalived.send(ip(US), unsigned(passOnHmacGroup, KA, US));
      Thread.sleep(100);
    }
    await()
        .atMost(Duration.ofSeconds(3))
        .until(() -> ours.drops().get(DropReason.AUTH_MISMATCH) == 5);
    assertThat(ours.state(52)).isEqualTo(VrrpState.MASTER);

    // keepalived stops: ours takes the PASS group over, and keeps the HMAC group.
    long stopNanos = System.nanoTime();
    ka.stop();
    await().atMost(Duration.ofSeconds(10)).until(() -> ours.state(51) == VrrpState.MASTER);
    long takeover = (ours.enteredNanos(51, VrrpState.MASTER) - stopNanos) / 1_000_000;
    assertThat(ours.state(52)).isEqualTo(VrrpState.MASTER);
    assertThat(vipOn("us", VIP)).isTrue();
    assertThat(vipOn("us", VIP_2)).isTrue();
    assertThat(ours.transitions().stream().filter(t -> t.virtualRouterId() == 52))
        .extracting(Transition::to)
        .containsExactly(VrrpState.BACKUP, VrrpState.MASTER);
    assertThat(ours.transitions().stream().filter(t -> t.virtualRouterId() == 51))
        .extracting(Transition::to)
        .containsExactly(VrrpState.BACKUP, VrrpState.MASTER, VrrpState.BACKUP, VrrpState.MASTER);
    System.out.printf(
        "FIGURE VRRPv2 PASS group 51 (keepalived master) beside auth_hmac group 52 (ours master):"
            + " %d adverts accepted, drops 0 over %d s; PASS on the HMAC group dropped as"
            + " auth_mismatch 5 of 5; keepalived stopped -> ours master of 51: %d ms%n",
        ours.accepted(), soak.toSeconds(), takeover);
  }

  // ---- helpers ----

  void assertNoAuthRefusal(Keepalived243 ka) {
    String log = ka.log();
    for (String refusal : KEEPALIVED_AUTH_REFUSALS) {
      assertThat(log).as("keepalived refused one of our adverts").doesNotContain(refusal);
    }
  }

  static long authRefusals(Keepalived243 ka) {
    return KEEPALIVED_AUTH_REFUSALS.stream().mapToLong(ka::count).sum();
  }

  static byte[] unsigned(VrrpAdvertisement advert, String source, String destination) {
    return VrrpCodec.encode(advert, ChecksumMode.PSEUDO_HEADER, ip(source), ip(destination));
  }

  static byte[] signed(
      VrrpAdvertisement advert,
      String source,
      String destination,
      HmacKey key,
      Instant at,
      int counter) {
    return VrrpCodec.encode(
        advert,
        ChecksumMode.PSEUDO_HEADER,
        ip(source),
        ip(destination),
        key,
        HmacTrailer.sequenceAt(at) + counter);
  }

  static byte[] payload(byte[] datagram) {
    int headerLength = (datagram[0] & 0x0f) * 4;
    byte[] payload = new byte[datagram.length - headerLength];
    System.arraycopy(datagram, headerLength, payload, 0, payload.length);
    return payload;
  }

  static byte[] lastWithPriority(List<byte[]> datagrams, int priority) {
    byte[] found = null;
    for (byte[] datagram : datagrams) {
      if ((datagram[22] & 0xff) == priority) {
        found = datagram;
      }
    }
    assertThat(found).as("a captured advert with priority " + priority).isNotNull();
    return found;
  }

  boolean vipOn(String host, String vip) {
    return lab.run(host, "ip", "-4", "addr", "show", "dev", "eth0").contains(vip + "/24");
  }

  /** Polls the host's eth0 until the VIP appears; completes with the moment it was seen. */
  CompletableFuture<Instant> watchVip(String host, String vipText) {
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            return lab.inNamespace(
                host,
                () -> {
                  InetAddress vip = InetAddress.getByName(vipText);
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

  /**
   * A raw socket on {@code host} that sends from {@code source}; when that is not the host's own
   * address it is added to the host's loopback, and ARP is told to neither answer for it nor use
   * it, so the real owner keeps its neighbours' caches.
   */
  Forger forger(String host, String source) throws Exception {
    if (!lab.address(host).equals(ip(source))) {
      lab.run(
          host,
          "sysctl",
          "-q",
          "-w",
          "net.ipv4.conf.all.arp_ignore=1",
          "net.ipv4.conf.eth0.arp_ignore=1",
          "net.ipv4.conf.all.arp_announce=2",
          "net.ipv4.conf.eth0.arp_announce=2");
      lab.run(host, "ip", "addr", "add", source + "/32", "dev", "lo");
    }
    RawVrrpSocket socket = lab.inNamespace(host, () -> RawVrrpSocket.open("eth0", ip(source), 255));
    Forger forger = new Forger(socket);
    closeLast.add(socket);
    return forger;
  }

  record Forger(RawVrrpSocket socket) {
    void send(Inet4Address destination, byte[] payload) throws IOException {
      socket.send(destination, payload);
    }
  }

  /** Receives copies of what is sent to {@code host}'s own address, like tcpdump. */
  Sniffer sniffer(String host) throws Exception {
    RawVrrpSocket socket =
        lab.inNamespace(host, () -> RawVrrpSocket.open("eth0", lab.address(host), 255));
    Sniffer sniffer = new Sniffer(socket);
    closeLast.add(sniffer);
    return sniffer;
  }

  static final class Sniffer implements AutoCloseable {
    private final RawVrrpSocket socket;
    private final List<byte[]> packets = Collections.synchronizedList(new ArrayList<>());
    private final Thread thread;

    Sniffer(RawVrrpSocket socket) {
      this.socket = socket;
      this.thread = Thread.ofPlatform().daemon().name("sniffer").start(this::run);
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

    List<byte[]> packets() {
      synchronized (packets) {
        return List.copyOf(packets);
      }
    }

    /** The key id of each captured signed advert, in order. */
    List<Integer> keyIds() {
      List<Integer> ids = new ArrayList<>();
      for (byte[] datagram : packets()) {
        try {
          VrrpAdvertisement advert = VrrpCodec.decode(datagram, 20, datagram.length - 20);
          HmacTrailer trailer = VrrpCodec.trailer(datagram, 20, datagram.length - 20, advert);
          if (trailer != null) {
            ids.add(trailer.keyId());
          }
        } catch (MalformedPacketException e) {
          // not an advert
        }
      }
      return ids;
    }

    @Override
    public void close() throws Exception {
      socket.close();
      thread.join(2000);
    }
  }

  static Inet4Address ip(String text) {
    return Ipv4Cidr.parseAddress(text);
  }
}

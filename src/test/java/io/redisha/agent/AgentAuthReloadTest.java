package io.redisha.agent;

import static io.redisha.agent.AgentRuntimeTest.CLOSED_PORTS;
import static io.redisha.agent.AgentRuntimeTest.logOf;
import static io.redisha.agent.AgentRuntimeTest.network;
import static io.redisha.agent.AgentRuntimeTest.replace;
import static io.redisha.agent.AgentRuntimeTest.start;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.redisha.net.Ipv4Cidr;
import io.redisha.vrrp.DropCounters;
import io.redisha.vrrp.DropReason;
import io.redisha.vrrp.HmacKey;
import io.redisha.vrrp.HmacTrailer;
import io.redisha.vrrp.VrrpAdvertisement;
import io.redisha.vrrp.VrrpVersion;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reloads of the adverts' authentication on a running agent (its network in memory, its Redis
 * down): a new key, a new active key, a new mode, a key changed in its file alone, a PASS password
 * changed. Each is applied to the filter (and the signer) at once and restarts no group: no
 * transition, no "restarting" in the log. A key file that cannot be used is refused and the
 * previous keys stay in force.
 */
class AgentAuthReloadTest {
  static final String KEY_1 = "hex:" + "11".repeat(32);
  static final String KEY_2 = "hex:" + "22".repeat(32);
  static final String KEY_2_NEW = "hex:" + "2a".repeat(32);
  static final String KEY_3 = "hex:" + "33".repeat(32);

  @TempDir Path dir;
  long counter;

  @BeforeAll
  static void ports() throws Exception {
    AgentRuntimeTest.closedPorts();
  }

  /** One VRRPv3 group g0 (router id 1) with {@code auth}, or a VRRPv2 one for a PASS password. */
  String pairYaml(int version, String auth) {
    return """
        nodes:
        - {name: vm-a, address: 127.0.0.1}
        - {name: vm-b, address: 127.0.0.2}
        interface: lo
        vrrp: {version: %d, advertIntervalMillis: %d}
        healthCheck: {intervalMillis: 100, timeoutMillis: 250, fall: 2, rise: 2}
        instances:
        - {name: g0, port: %d, vip: 203.0.113.1/24, virtualRouterId: 1, auth: %s}
        """
        .formatted(version, version == 2 ? 1000 : 100, CLOSED_PORTS.getFirst(), auth);
  }

  String hmac(String keys, int active, String mode) {
    return "{hmac: {keys: [" + keys + "], activeKeyId: " + active + ", mode: " + mode + "}}";
  }

  String key(int id, String file) {
    return "{id: " + id + ", secretFile: " + dir.resolve(file) + "}";
  }

  void keyFile(String name, String text) throws Exception {
    replace(dir.resolve(name), text + "\n");
  }

  static VrrpAdvertisement advert(VrrpVersion version, String password) {
    return new VrrpAdvertisement(
        version,
        1,
        100,
        version == VrrpVersion.V2 ? 100 : 10,
        List.of(Ipv4Cidr.parseAddress("203.0.113.1")),
        password);
  }

  /** A fresh sequence number for each signed advert of the test. */
  long sequence() {
    return HmacTrailer.sequenceAt(Instant.now()) + ++counter;
  }

  /**
   * Waits until the receive loop has handled everything delivered before, by a marker it must drop:
   * an advert for a router id the pair does not have.
   */
  static void drain(FakeNodeNetwork network, DropCounters drops, VrrpVersion version) {
    long before = drops.get(DropReason.UNKNOWN_ROUTER_ID);
    network.fromPeer(
        new VrrpAdvertisement(
            version,
            200,
            100,
            version == VrrpVersion.V2 ? 100 : 10,
            List.of(Ipv4Cidr.parseAddress("203.0.113.200")),
            null));
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> drops.get(DropReason.UNKNOWN_ROUTER_ID) == before + 1);
  }

  /** The adverts refused so far, the markers of {@link #drain} left out. */
  static long refused(DropCounters drops) {
    return drops.total() - drops.get(DropReason.UNKNOWN_ROUTER_ID);
  }

  @Test
  void aKeyRotationAndAModeChangeRebuildOnlyTheFilterAndRestartNoGroup() throws Exception {
    keyFile("k1", KEY_1);
    keyFile("k2", KEY_2);
    Path file = dir.resolve("pair.yaml");
    replace(file, pairYaml(3, hmac(key(1, "k1"), 1, "enforce")));
    FakeNodeNetwork network = network();
    HmacKey key1 = HmacKey.parse(1, KEY_1);
    HmacKey key2 = HmacKey.parse(2, KEY_2);
    VrrpAdvertisement advert = advert(VrrpVersion.V3, null);
    try (AgentRuntime runtime = start(file, network)) {
      DropCounters drops = runtime.drops();
      List<AgentRuntime.RecentTransition> started = runtime.recentTransitions();
      assertThat(started).isNotEmpty();

      // Key 2 is not known yet; key 1 is.
      network.fromPeerSigned(advert, key2, sequence());
      network.fromPeerSigned(advert, key1, sequence());
      drain(network, drops, VrrpVersion.V3);
      assertThat(drops.get(DropReason.HMAC_UNKNOWN_KEY)).isEqualTo(1);
      assertThat(refused(drops)).isEqualTo(1);

      // Step 1 of a rotation: both keys, key 2 active.
      replace(file, pairYaml(3, hmac(key(1, "k1") + ", " + key(2, "k2"), 2, "enforce")));
      String log = logOf(runtime::reloadNow);
      assertThat(log)
          .contains(
              "group g0: authentication now auth_hmac keys [1, 2], active 2, time, enforce (was"
                  + " auth_hmac keys [1], active 1, time, enforce)")
          .doesNotContain("restarting");
      network.fromPeerSigned(advert, key2, sequence());
      network.fromPeerSigned(advert, key1, sequence());
      drain(network, drops, VrrpVersion.V3);
      assertThat(refused(drops)).as("both keys accepted").isEqualTo(1);

      // Step 2: key 1 retired.
      replace(file, pairYaml(3, hmac(key(2, "k2"), 2, "enforce")));
      runtime.reloadNow();
      network.fromPeerSigned(advert, key1, sequence());
      network.fromPeerSigned(advert, key2, sequence());
      drain(network, drops, VrrpVersion.V3);
      assertThat(drops.get(DropReason.HMAC_UNKNOWN_KEY)).isEqualTo(2);
      assertThat(refused(drops)).isEqualTo(2);

      // A mode change: enforce refuses an unsigned advert, permissive takes it and counts it.
      network.fromPeer(advert);
      drain(network, drops, VrrpVersion.V3);
      assertThat(drops.get(DropReason.HMAC_MISSING)).isEqualTo(1);
      replace(file, pairYaml(3, hmac(key(2, "k2"), 2, "permissive")));
      log = logOf(runtime::reloadNow);
      assertThat(log).contains("permissive").doesNotContain("restarting");
      network.fromPeer(advert);
      drain(network, drops, VrrpVersion.V3);
      assertThat(drops.get(DropReason.HMAC_MISSING)).isEqualTo(1);
      assertThat(drops.unsignedAccepted()).isEqualTo(1);

      // The replay memory outlives the filters: an old sequence stays refused.
      long old = sequence();
      network.fromPeerSigned(advert, key2, old + 1000);
      network.fromPeerSigned(advert, key2, old);
      drain(network, drops, VrrpVersion.V3);
      assertThat(drops.get(DropReason.HMAC_REPLAYED)).isEqualTo(1);

      assertThat(runtime.recentTransitions()).as("no group restarted").isEqualTo(started);
      assertThat(runtime.configError()).isNull();
    }
  }

  @Test
  void aKeyChangedInItsFileAloneIsNoticedAndABadOneKeepsThePreviousKeys() throws Exception {
    keyFile("k2", KEY_2);
    Path file = dir.resolve("pair.yaml");
    replace(file, pairYaml(3, hmac(key(2, "k2"), 2, "enforce")));
    FakeNodeNetwork network = network();
    VrrpAdvertisement advert = advert(VrrpVersion.V3, null);
    HmacKey oldKey = HmacKey.parse(2, KEY_2);
    HmacKey newKey = HmacKey.parse(2, KEY_2_NEW);
    try (AgentRuntime runtime = start(file, network)) {
      DropCounters drops = runtime.drops();
      List<AgentRuntime.RecentTransition> started = runtime.recentTransitions();

      // As a kubelet updates a mounted Secret: the key file changes, pair.yaml does not.
      keyFile("k2", KEY_2_NEW);
      String log = logOf(runtime::reloadNow);
      assertThat(log).contains("group g0: authentication now").doesNotContain("restarting");
      network.fromPeerSigned(advert, oldKey, sequence());
      network.fromPeerSigned(advert, newKey, sequence());
      drain(network, drops, VrrpVersion.V3);
      assertThat(drops.get(DropReason.HMAC_BAD_SIGNATURE)).isEqualTo(1);
      assertThat(refused(drops)).isEqualTo(1);

      // A key of 31 bytes is refused; the key in force stays.
      keyFile("k2", "x".repeat(31));
      runtime.reloadNow();
      assertThat(runtime.configError())
          .contains("instances[0].auth.hmac.keys[0].secretFile: " + dir.resolve("k2"))
          .contains("must be 32 to 64 bytes, not 31");
      network.fromPeerSigned(advert, newKey, sequence());
      drain(network, drops, VrrpVersion.V3);
      assertThat(refused(drops)).as("the previous key is still in force").isEqualTo(1);

      keyFile("k2", KEY_2_NEW);
      runtime.reloadNow();
      assertThat(runtime.configError()).isNull();
      assertThat(runtime.recentTransitions()).isEqualTo(started);
    }
  }

  /**
   * Under Kubernetes the ConfigMap may reach the agent before the Secret's new key does: the pair
   * file names a key file that is not there yet. The reload is refused, and goes through once the
   * file appears, although the pair file does not change again.
   */
  @Test
  void aKeyFileThatAppearsAfterThePairFileIsPickedUp() throws Exception {
    keyFile("k1", KEY_1);
    Path file = dir.resolve("pair.yaml");
    replace(file, pairYaml(3, hmac(key(1, "k1"), 1, "enforce")));
    FakeNodeNetwork network = network();
    VrrpAdvertisement advert = advert(VrrpVersion.V3, null);
    try (AgentRuntime runtime = start(file, network)) {
      DropCounters drops = runtime.drops();
      replace(file, pairYaml(3, hmac(key(1, "k1") + ", " + key(3, "k3"), 3, "enforce")));
      runtime.reloadNow();
      assertThat(runtime.configError())
          .contains("instances[0].auth.hmac.keys[1].secretFile: cannot read " + dir.resolve("k3"));
      runtime.reloadNow();
      assertThat(runtime.configError()).contains("cannot read");

      keyFile("k3", KEY_3);
      String log = logOf(runtime::reloadNow);
      assertThat(runtime.configError()).isNull();
      assertThat(log).contains("authentication now auth_hmac keys [1, 3], active 3");
      network.fromPeerSigned(advert, HmacKey.parse(3, KEY_3), sequence());
      drain(network, drops, VrrpVersion.V3);
      assertThat(refused(drops)).isZero();
    }
  }

  @Test
  void aPassPasswordChangedInItsFileTakesEffectWithoutARestart() throws Exception {
    replace(dir.resolve("password"), "first\n");
    Path file = dir.resolve("pair.yaml");
    replace(file, pairYaml(2, "{passwordFile: " + dir.resolve("password") + "}"));
    FakeNodeNetwork network = network();
    try (AgentRuntime runtime = start(file, network)) {
      DropCounters drops = runtime.drops();
      List<AgentRuntime.RecentTransition> started = runtime.recentTransitions();
      network.fromPeer(advert(VrrpVersion.V2, "second"));
      drain(network, drops, VrrpVersion.V2);
      assertThat(drops.get(DropReason.AUTH_MISMATCH)).isEqualTo(1);

      replace(dir.resolve("password"), "second\n");
      String log = logOf(runtime::reloadNow);
      assertThat(log)
          .contains("group g0: authentication now PASS (was PASS)")
          .doesNotContain("restarting");
      network.fromPeer(advert(VrrpVersion.V2, "second"));
      network.fromPeer(advert(VrrpVersion.V2, "first"));
      drain(network, drops, VrrpVersion.V2);
      assertThat(drops.get(DropReason.AUTH_MISMATCH)).isEqualTo(2);
      assertThat(runtime.recentTransitions()).isEqualTo(started);
    }
  }
}

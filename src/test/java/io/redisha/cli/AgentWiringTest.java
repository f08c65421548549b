package io.redisha.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.redisha.arbiter.SplitBrainGuard;
import io.redisha.clock.ExecutorScheduler;
import io.redisha.pair.PairFile;
import io.redisha.pair.PairSettings;
import io.redisha.pair.PairValidation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent's arbiter wiring: one etcd gateway for every group, opened at start, opened again when
 * a reload changes the etcd block; a block that cannot be used after a reload leaves the groups
 * without a key (as with etcd unreachable) instead of stopping the agent. No etcd runs here: the
 * guards are only built and described.
 */
class AgentWiringTest {
  static final String PAIR =
      """
      nodes:
      - {name: vm-a, address: 203.0.113.1}
      - {name: vm-b, address: 203.0.113.2}
      interface: eth0
      instances:
      - {name: a, port: 6379, vip: 203.0.113.100/24, virtualRouterId: 51}
      """;

  @TempDir Path dir;
  final ExecutorScheduler scheduler = new ExecutorScheduler("wiring-test");
  final List<String> log = new ArrayList<>();

  @AfterEach
  void stop() {
    scheduler.close();
  }

  PairSettings pair(String protection) throws Exception {
    return PairValidation.resolve(
        PairFile.parse(protection + PAIR, "pair.yaml", "pair"), "vm-a", "pair.yaml");
  }

  static String etcd(String prefix) {
    return "splitBrainProtection: Etcd\netcd: {endpoints: ['http://203.0.113.50:2379'], prefix: "
        + prefix
        + "}\n";
  }

  @Test
  void oneGatewayServesTheGroupsAndAReloadWithAnotherEtcdBlockOpensAnother() throws Exception {
    PairSettings first = pair(etcd("/redisha"));
    try (AgentWiring.Guards guards = AgentWiring.guards(null, "default", first, log::add)) {
      assertThat(log)
          .containsExactly(
              "etcd arbiter: keys /redisha/pair/<group> on [http://203.0.113.50:2379], calls of at"
                  + " most 500 ms");
      SplitBrainGuard a = guards.create(first, first.group("a"), scheduler);
      assertThat(a.describe()).startsWith("etcd /redisha/pair/a: not held");

      PairSettings moved = pair(etcd("/other"));
      a.close();
      SplitBrainGuard again = guards.create(moved, moved.group("a"), scheduler);
      assertThat(again.describe()).startsWith("etcd /other/pair/a: not held");
      assertThat(log.getLast()).startsWith("etcd arbiter changed: keys /other/pair/<group> on");
      again.close();
    }
  }

  @Test
  void aReloadWhoseTlsFilesCannotBeUsedLeavesTheGroupWithoutAKeyAndSaysWhy() throws Exception {
    PairSettings first = pair(etcd("/redisha"));
    Path cert = Files.writeString(dir.resolve("client.crt"), "not a certificate\n");
    Path key = Files.writeString(dir.resolve("client.key"), "not a key\n");
    PairSettings broken =
        pair(
            "splitBrainProtection: Etcd\netcd: {endpoints: ['https://203.0.113.50:2379'],"
                + " certFile: "
                + cert
                + ", keyFile: "
                + key
                + "}\n");
    try (AgentWiring.Guards guards = AgentWiring.guards(null, "default", first, log::add)) {
      SplitBrainGuard guard = guards.create(broken, broken.group("a"), scheduler);
      assertThat(log.getLast())
          .startsWith("etcd settings cannot be used: etcd.")
          .endsWith("; the groups hold no etcd key until the pair file is fixed");
      // A backup that would take over is refused with the reason, as with etcd unreachable.
      String refusal = refusal(guard, 10);
      assertThat(refusal).contains("etcd /redisha/pair/a is not ours");
      Thread.sleep(300);
      String later = refusal(guard, 11);
      assertThat(later).contains("etcd settings cannot be used: etcd.");
      guard.close();
    }
  }

  /** The guard's answer, on the scheduler's thread, to a backup whose peer is silent. */
  String refusal(SplitBrainGuard guard, int silentSeconds) {
    AtomicReference<String> answer = new AtomicReference<>();
    scheduler.runAndWait(
        () ->
            answer.set(
                guard.takeoverRefusal(
                    new SplitBrainGuard.PeerView(Duration.ofSeconds(silentSeconds), false, null))));
    return answer.get();
  }

  @Test
  void leaseWithoutTheKubernetesApiIsRefused() throws Exception {
    PairSettings lease = pair("splitBrainProtection: Lease\n");
    try (AgentWiring.Guards guards = AgentWiring.guards(null, "default", lease, log::add)) {
      assertThatThrownBy(() -> guards.create(lease, lease.group("a"), scheduler))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("--kubernetes");
    }
  }
}

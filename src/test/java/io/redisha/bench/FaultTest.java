package io.redisha.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class FaultTest {
  @Test
  void theLinkAndDaemonFaultsAreNamedOnTheCommandLineAndPromiseNoLoss() {
    assertThat(Fault.parseList("link-down, carrier-loss,crash,stall,lossy-link"))
        .containsExactlyElementsOf(Fault.LINK_AND_DAEMON_FAULTS);
    assertThat(Fault.LINK_AND_DAEMON_FAULTS)
        .allMatch(fault -> fault.loss() == Fault.Loss.NONE)
        .noneMatch(Fault::groupScoped)
        .allMatch(Fault::measuresGap);
    assertThatThrownBy(() -> Fault.byId("link-flap"))
        .hasMessageContaining("unknown fault 'link-flap'")
        .hasMessageContaining("lossy-link");
  }

  @Test
  void aQuickRunKeepsToTheFaultsItHadAndAFullRunTakesThemAll() {
    assertThat(Fault.quickDefaults())
        .doesNotContainAnyElementsOf(Fault.LINK_AND_DAEMON_FAULTS)
        .contains(Fault.KILL, Fault.EMPTY_AT_ONCE, Fault.CLEAN_STOP);
    assertThat(Benchmark.Plan.of(true, null, null, null, null, null).faults())
        .isEqualTo(Fault.quickDefaults());
    assertThat(Benchmark.Plan.of(false, null, null, null, null, null).faults())
        .isEqualTo(List.of(Fault.values()));
  }

  @Test
  void sentinelTakesTheLinkFaultsButNotTheDaemonOnes() {
    SentinelSystem sentinel = new SentinelSystem();
    assertThat(sentinel.faults())
        .contains(Fault.LINK_DOWN, Fault.CARRIER_LOSS, Fault.LOSSY_LINK)
        .doesNotContain(Fault.CRASH, Fault.STALL);
    assertThat(sentinel.notApplicable(Fault.CRASH)).startsWith("n/a");
    assertThat(new KeepalivedSystem(KeepalivedConfig.Flavor.TUNED).faults())
        .containsAll(Fault.LINK_AND_DAEMON_FAULTS);
    assertThat(new RedishaSystem("None", AgentJvm.RECOMMENDED).faults())
        .containsAll(Fault.LINK_AND_DAEMON_FAULTS);
  }

  @Test
  void aLeasePairNeedsItsApiServer() {
    assertThatThrownBy(() -> new RedishaSystem("Lease", AgentJvm.RECOMMENDED))
        .hasMessageContaining("Lease needs an API server");
    RedishaSystem lease = RedishaSystem.lease(AgentJvm.RECOMMENDED, List.of("api-server"));
    assertThat(lease.name()).isEqualTo("redisha-lease");
    assertThat(lease.hasThirdVoter()).isTrue();
    assertThat(lease.pairYaml()).isEqualTo("splitBrainProtection: Lease\n");
  }

  /**
   * {@code redisha bench} runs redisha-lease beside the others only with {@code
   * --lease-api-server}: by name it is refused without one, and a full run takes it when given.
   */
  @Test
  void theLeaseRowsRunWithTheApiServerTheCommandNames() {
    List<String> server = List.of("java", "-cp", "x", "MockApiServerMain", "0.0.0.0", "6443");
    assertThat(Benchmark.systemNames()).contains(Benchmark.LEASE_SYSTEM);
    assertThatThrownBy(() -> Benchmark.systems(List.of("redisha-etcd", "redisha-lease")))
        .hasMessageContaining("redisha-lease needs --lease-api-server");
    assertThat(Benchmark.systems(List.of("redisha-lease", "sentinel"), server))
        .extracting(SystemUnderTest::name)
        .containsExactly("redisha-lease", "sentinel");
    assertThat(Benchmark.Plan.of(false, 1, null, null, null, 0).systems())
        .extracting(SystemUnderTest::name)
        .doesNotContain("redisha-lease")
        .contains("redisha-etcd");
    assertThat(Benchmark.Plan.of(false, 1, null, null, null, 0, server).systems())
        .extracting(SystemUnderTest::name)
        .containsSubsequence("redisha-etcd", "redisha-lease", "keepalived-classic");
  }
}

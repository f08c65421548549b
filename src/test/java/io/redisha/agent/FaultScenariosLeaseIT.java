package io.redisha.agent;

import io.redisha.lab.PairLab;
import io.redisha.testing.RequiresHost;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The faults of issue 13 on a pair with {@code splitBrainProtection: Lease}: see {@link
 * FaultScenarios}. The agents run with {@code --kubernetes} against fabric8's mock API server in
 * CRUD mode, a process of its own in a third host ({@code api}, 192.0.2.30), as in {@code
 * LeaseProtectionIT}. A peer takes over only after the fence time (see {@link #takeoverBound}); the
 * downed host must still let go within 3 adverts + skew.
 */
@RequiresHost(tools = {"ip", "iptables", "redis-server", "redis-cli"})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FaultScenariosLeaseIT extends FaultScenarios {
  @TempDir Path dir;

  @Override
  String protection() {
    return "Lease";
  }

  @Override
  void prepare(PairLab lab) throws Exception {
    lab.startKubernetesApi(
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-XX:+UseSerialGC",
            "-Xmx128m",
            "-XX:TieredStopAtLevel=1",
            "-cp",
            System.getProperty("java.class.path"),
            "io.redisha.arbiter.MockApiServerMain",
            "0.0.0.0",
            Integer.toString(PairLab.API_PORT)));
  }

  /** The fence time, the peer's stream as proof for 3 ticks, the takeover. */
  @Override
  Duration takeoverBound() {
    return arbitratedTakeoverBound();
  }

  @Override
  Path dir() {
    return dir;
  }

  @Test
  void linkDownFigures() throws Exception {
    assertMeasured(report("link-down"));
  }

  @Test
  void linkDownOnTheMasterHostLeavesOnlyThePeerHoldingEachVipAndLosesNothing() throws Exception {
    assertLinkDownLeavesOneHolderAndLosesNothing(report("link-down"));
  }

  @Test
  void carrierLossFigures() throws Exception {
    assertMeasured(report("carrier"));
  }

  @Test
  void carrierLossOnTheMasterHostLeavesOnlyThePeerHoldingEachVipAndLosesNothing() throws Exception {
    assertLinkDownLeavesOneHolderAndLosesNothing(report("carrier"));
  }

  @Test
  void agentCrashFigures() throws Exception {
    assertMeasured(report("crash"));
  }

  @Test
  void aKilledAndRestartedMasterAgentEndsWithOneVipHolderPerGroupAndLosesNothing()
      throws Exception {
    assertCrashEndsWithOneHolderAndLosesNothing(report("crash"));
  }

  @Test
  void agentStallFigures() throws Exception {
    assertMeasured(report("stall"));
  }

  @Test
  void aStalledMasterAgentWhoseRedisServesLosesNoAcknowledgedWrite() throws Exception {
    assertStallLosesNothing(report("stall"));
  }

  @Test
  void lossyPairLinkFigures() throws Exception {
    assertMeasured(report("lossy"));
  }

  @Test
  void aLossyPairLinkNeverMakesTwoWritableMastersAndLosesNothing() throws Exception {
    assertLossyLinkKeepsOneWritableMasterAndLosesNothing(report("lossy"));
  }

  @Test
  void emptyRestartAtOnceFigures() throws Exception {
    assertMeasured(report("empty-now"));
  }

  @Test
  void anEmptyRestartAtOnceLosesNothingButTheUnreplicatedWrites() throws Exception {
    assertEmptyRestartLosesOnlyUnreplicatedWrites(report("empty-now"));
  }

  @Test
  void isolatedStallFigures() throws Exception {
    assertMeasured(report("isolated-stall"));
  }

  /**
   * The hole the guarded fence closes: a master cut off from its peer and the API server whose
   * agent stops before it can fence itself. Nobody can reach its Redis; Redis itself must stop
   * taking writes once its replica's acknowledgements stop, before the peer takes over after the
   * fence time.
   */
  @Test
  void anIsolatedMasterWhoseAgentStopsRefusesWritesBeforeThePeerTakesAny() throws Exception {
    assertIsolatedStallRefusesBeforeThePeerWrites(report("isolated-stall"));
  }

  @Test
  void keyHeldCrashFigures() throws Exception {
    assertMeasured(report("key-held-crash"));
  }

  /**
   * The hole the dead-man replica closes: a master cut off from its peer that holds the key, whose
   * agent dies. Its Redis must stop at once, not take writes after the peer took over.
   */
  @Test
  void aMasterWhoseAgentDiesHoldingTheKeyRefusesWritesAtOnce() throws Exception {
    assertKeyHeldCrashRefusesAtOnce(report("key-held-crash"));
  }

  @Test
  void replicaRestartFigures() throws Exception {
    assertMeasured(report("replica-restart"));
  }

  @Test
  void aRestartedReplicaLeavesTheMasterInPlaceAndLosesNothing() throws Exception {
    assertReplicaRestartKeepsTheMasterAndLosesNothing(report("replica-restart"));
  }
}

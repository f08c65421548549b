package io.redisha.agent;

import io.redisha.lab.PairLab;
import io.redisha.testing.RequiresHost;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The faults of issue 13 on a pair without an arbiter (protection None): see {@link
 * FaultScenarios}. A takeover may take 3 adverts + skew.
 */
@RequiresHost(tools = {"ip", "iptables", "redis-server", "redis-cli"})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FaultScenariosNoneIT extends FaultScenarios {
  @TempDir Path dir;

  @Override
  String protection() {
    return "None";
  }

  @Override
  void prepare(PairLab lab) {}

  @Override
  Duration takeoverBound() {
    return PairLab.masterDownInterval();
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
}

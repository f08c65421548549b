package io.redisha.agent;

import io.redisha.lab.PairLab;
import io.redisha.testing.RequiresHost;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Disabled;
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
  @Disabled(
      "issue 13 open: 2 of 3 runs passed on this branch (settling fixed); in the third, at load 16 on 2 cores, the peer's master-down timer ran at 394 and 427 ms of silence instead of 361 and it held the VIPs at +430 ms (> the 361 ms bound); 0 lost in every run")
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

package io.redisha.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.redisha.net.LinkState.OperState;
import io.redisha.net.LinkState.Presence;
import org.junit.jupiter.api.Test;

class LinkConditionTest {

  @Test
  void onlyAPresentAdminUpRunningLinkWithCarrierIsUsable() {
    assertThat(state(true, true, true, OperState.UP).condition()).isEqualTo(LinkCondition.UP);
    assertThat(state(true, true, true, OperState.UP).usable()).isTrue();
    // drivers without operstate report "unknown" and still set IFF_RUNNING
    assertThat(state(true, true, true, OperState.UNKNOWN).usable()).isTrue();
    assertThat(state(false, true, true, OperState.UP).condition()).isEqualTo(LinkCondition.DOWN);
    assertThat(state(true, false, false, OperState.DOWN).condition())
        .isEqualTo(LinkCondition.NO_CARRIER);
    assertThat(state(true, true, false, OperState.DORMANT).condition())
        .isEqualTo(LinkCondition.NOT_RUNNING);
    assertThat(LinkState.gone("eth0", 2).condition()).isEqualTo(LinkCondition.GONE);
    assertThat(LinkState.unknown("eth0").condition()).isEqualTo(LinkCondition.UNKNOWN);
    for (LinkCondition condition : LinkCondition.values()) {
      assertThat(condition.usable()).isEqualTo(condition == LinkCondition.UP);
    }
  }

  @Test
  void aLinkSetDownSaysLinkDownThoughItLostItsCarrierToo() {
    LinkState setDown = state(false, false, false, OperState.DOWN);
    assertThat(setDown.reason()).isEqualTo("link down");
    assertThat(setDown.usable()).isFalse();
  }

  @Test
  void aGoneLinkSaysSoWhateverItsLastFlags() {
    LinkState gone = new LinkState("eth0", 2, Presence.GONE, true, true, true, OperState.UP);
    assertThat(gone.reason()).isEqualTo("interface gone");
    assertThat(gone.usable()).isFalse();
    assertThat(gone.deleted()).isTrue();
  }

  @Test
  void reasonsAreTheWordsStatusAndLogsShow() {
    assertThat(state(true, true, true, OperState.UP).reason()).isEqualTo("link up");
    assertThat(state(true, false, false, OperState.LOWER_LAYER_DOWN).reason())
        .isEqualTo("carrier lost");
    assertThat(state(true, true, false, OperState.DORMANT).reason())
        .isEqualTo("link not running (operstate dormant)");
    assertThat(LinkState.unknown("eth0").reason()).isEqualTo("link state unknown");
    assertThat(state(true, false, false, OperState.LOWER_LAYER_DOWN).toString())
        .isEqualTo("eth0 (index 2): carrier lost, admin up, carrier off, operstate lowerlayerdown");
    assertThat(LinkState.gone("eth0", 2).toString()).isEqualTo("eth0 (index 2): interface gone");
  }

  @Test
  void operStatesFollowTheKernelNumbering() {
    assertThat(OperState.fromKernel(6)).isEqualTo(OperState.UP);
    assertThat(OperState.fromKernel(2)).isEqualTo(OperState.DOWN);
    assertThat(OperState.fromKernel(3)).isEqualTo(OperState.LOWER_LAYER_DOWN);
    assertThat(OperState.fromKernel(0)).isEqualTo(OperState.UNKNOWN);
    assertThat(OperState.fromKernel(99)).isEqualTo(OperState.UNKNOWN);
  }

  private static LinkState state(
      boolean adminUp, boolean lowerUp, boolean running, OperState operState) {
    return new LinkState("eth0", 2, Presence.PRESENT, adminUp, lowerUp, running, operState);
  }
}

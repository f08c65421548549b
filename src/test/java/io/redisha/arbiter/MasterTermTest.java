package io.redisha.arbiter;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class MasterTermTest {
  private final FenceTiming timing = FenceTiming.of(Duration.ofMillis(100), Duration.ofMillis(100));

  @Test
  void aFreshReleaseOrAFencedPeerSkipsTheArbiter() {
    SplitBrainGuard.PeerView fresh = new SplitBrainGuard.PeerView(Duration.ZERO, true, null);
    SplitBrainGuard.PeerView stale =
        new SplitBrainGuard.PeerView(Duration.ofMillis(500), true, null);
    SplitBrainGuard.PeerView silent =
        new SplitBrainGuard.PeerView(Duration.ofSeconds(3), false, Duration.ZERO);
    SplitBrainGuard.PeerView fenced =
        new SplitBrainGuard.PeerView(Duration.ofSeconds(3), false, Duration.ZERO, true);

    assertThat(MasterTerm.freshRelease(timing, fresh)).isTrue();
    assertThat(MasterTerm.freshRelease(timing, stale)).isFalse();
    assertThat(MasterTerm.freshRelease(timing, silent)).isFalse();
    assertThat(silent.peerFenced()).isFalse();
    assertThat(MasterTerm.freshRelease(timing, fenced))
        .as("served our Redis just now, yet fenced by us")
        .isTrue();
  }
}

package io.redisha.arbiter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.redisha.redis.WriteFence;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class FenceTimingTest {

  @Test
  void everyComputedTimingLetsAGuardedRedisStopBeforeThePeerMayTakeOver() {
    for (int advertMillis : new int[] {10, 100, 1000, 2550}) {
      for (int tickMillis : new int[] {10, 100, 1000, 5000}) {
        FenceTiming timing =
            FenceTiming.of(Duration.ofMillis(advertMillis), Duration.ofMillis(tickMillis));
        Duration spare =
            timing.fenceTime().minus(timing.advertInterval()).minus(WriteFence.GUARDED_CLOSE);
        assertThat(spare)
            .as("advert %d ms, tick %d ms", advertMillis, tickMillis)
            .isEqualTo(Duration.ofMillis(2L * advertMillis + 2L * tickMillis).plusMillis(200));
      }
    }
  }

  @Test
  void aFenceTimeTooShortForAGuardedRedisIsRefused() {
    Duration advert = Duration.ofMillis(100);
    assertThatThrownBy(
            () ->
                new FenceTiming(
                    Duration.ofSeconds(1),
                    Duration.ofMillis(500),
                    Duration.ofMillis(500),
                    Duration.ofMillis(3050),
                    Duration.ofMillis(3050),
                    Duration.ofMillis(700),
                    Duration.ofMillis(200),
                    Duration.ofMillis(100),
                    advert))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("fenceTime 3050 ms less the advert interval must exceed the 3000 ms");
  }

  /**
   * Renewals come at most the dead-man replica's window apart (lease less 3 s less a tick), so a
   * key holder's own replica acknowledges without a gap: 600 ms at 100 ms, a quarter of the lease
   * where that is shorter.
   */
  @Test
  void renewalsComeAtMostTheKeepersWindowApart() {
    assertThat(FenceTiming.of(Duration.ofMillis(100), Duration.ofMillis(100)).renewInterval())
        .isEqualTo(Duration.ofMillis(600));
    FenceTiming slow = FenceTiming.of(Duration.ofSeconds(1), Duration.ofSeconds(1));
    assertThat(slow.renewInterval()).isEqualTo(slow.leaseDuration().dividedBy(4));
    for (int advert : new int[] {10, 50, 100, 300, 1000}) {
      FenceTiming timing = FenceTiming.of(Duration.ofMillis(advert), Duration.ofMillis(advert));
      assertThat(timing.renewInterval())
          .as("advert %d ms", advert)
          .isLessThanOrEqualTo(
              timing.leaseDuration().minus(WriteFence.GUARDED_CLOSE).minus(timing.tick()));
    }
    Duration advert = Duration.ofMillis(100);
    assertThatThrownBy(
            () ->
                new FenceTiming(
                    Duration.ofSeconds(2),
                    Duration.ofSeconds(1),
                    Duration.ofMillis(600),
                    Duration.ofMillis(3700),
                    Duration.ofMillis(3700),
                    Duration.ofMillis(925),
                    Duration.ofMillis(200),
                    Duration.ofMillis(100),
                    advert))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(
            "renewInterval 925 ms must be at most the lease duration less 3000 ms");
  }
}

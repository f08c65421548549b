package io.redisha.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BootRaceTest {
  private static final Duration LIMIT = Duration.ofSeconds(2);

  @Test
  void aNodeThePeerOutranksListensForTheLimitBeforeItsFirstTakeover() {
    assertThat(BootRace.refusal(false, true, Duration.ofMillis(361), LIMIT))
        .hasValueSatisfying(
            text -> assertThat(text).contains("has not been heard").contains("2000 ms"));
    assertThat(BootRace.refusal(false, true, Duration.ofMillis(1999), LIMIT)).isPresent();
    assertThat(BootRace.refusal(false, true, LIMIT, LIMIT)).isEmpty();
  }

  @Test
  void thePreferredNodeTakesOverAtOnce() {
    assertThat(BootRace.refusal(false, false, Duration.ofMillis(341), LIMIT)).isEmpty();
  }

  @Test
  void onceThePeerWasHeardASilenceIsAFailureAndIsNotDelayed() {
    assertThat(BootRace.refusal(true, true, Duration.ofMillis(361), LIMIT)).isEmpty();
    assertThat(BootRace.refusal(true, true, Duration.ZERO, LIMIT)).isEmpty();
  }
}

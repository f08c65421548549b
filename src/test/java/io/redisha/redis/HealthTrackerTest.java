package io.redisha.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.redisha.redis.HealthTracker.Health;
import org.junit.jupiter.api.Test;

class HealthTrackerTest {

  @Test
  void startsDownAndNeedsRiseSuccessesInARow() {
    HealthTracker tracker = new HealthTracker(2, 3);
    assertThat(tracker.health()).isEqualTo(Health.DOWN);

    assertThat(tracker.record(true)).isEqualTo(Health.DOWN);
    assertThat(tracker.record(true)).isEqualTo(Health.DOWN);
    assertThat(tracker.record(true)).isEqualTo(Health.UP);
  }

  @Test
  void aFailureRestartsTheRiseCount() {
    HealthTracker tracker = new HealthTracker(2, 2);

    tracker.record(true);
    tracker.record(false);
    assertThat(tracker.record(true)).isEqualTo(Health.DOWN);
    assertThat(tracker.record(true)).isEqualTo(Health.UP);
  }

  @Test
  void goesDownAfterFallFailuresInARow() {
    HealthTracker tracker = up(new HealthTracker(3, 1));

    assertThat(tracker.record(false)).isEqualTo(Health.UP);
    assertThat(tracker.record(false)).isEqualTo(Health.UP);
    assertThat(tracker.record(false)).isEqualTo(Health.DOWN);
  }

  @Test
  void aSuccessRestartsTheFallCount() {
    HealthTracker tracker = up(new HealthTracker(2, 1));

    tracker.record(false);
    tracker.record(true);
    assertThat(tracker.record(false)).isEqualTo(Health.UP);
    assertThat(tracker.record(false)).isEqualTo(Health.DOWN);
  }

  @Test
  void failuresWhileDownAndSuccessesWhileUpChangeNothing() {
    HealthTracker tracker = new HealthTracker(1, 1);
    assertThat(tracker.record(false)).isEqualTo(Health.DOWN);
    assertThat(tracker.record(true)).isEqualTo(Health.UP);
    assertThat(tracker.record(true)).isEqualTo(Health.UP);
    assertThat(tracker.record(false)).isEqualTo(Health.DOWN);
  }

  @Test
  void connectionLossGoesDownAtOnceAndNeedsRiseAgain() {
    HealthTracker tracker = up(new HealthTracker(5, 2));

    assertThat(tracker.connectionLost()).isEqualTo(Health.DOWN);
    assertThat(tracker.record(true)).isEqualTo(Health.DOWN);
    assertThat(tracker.record(true)).isEqualTo(Health.UP);
  }

  @Test
  void connectionLossWhileRisingRestartsTheCount() {
    HealthTracker tracker = new HealthTracker(2, 2);
    tracker.record(true);

    tracker.connectionLost();

    assertThat(tracker.record(true)).isEqualTo(Health.DOWN);
    assertThat(tracker.record(true)).isEqualTo(Health.UP);
  }

  @Test
  void fallAndRiseMustBePositive() {
    assertThatThrownBy(() -> new HealthTracker(0, 2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("fall");
    assertThatThrownBy(() -> new HealthTracker(2, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("rise");
  }

  private static HealthTracker up(HealthTracker tracker) {
    while (tracker.health() == Health.DOWN) {
      tracker.record(true);
    }
    return tracker;
  }
}

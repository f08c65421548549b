package io.redisha.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class PeerAdvertsTest {
  private static final Duration LIMIT = PeerAdverts.silenceLimit(100);

  @Test
  void theLimitIsThreeAdvertIntervals() {
    assertThat(PeerAdverts.silenceLimit(100)).isEqualTo(Duration.ofSeconds(3));
    assertThat(PeerAdverts.silenceLimit(5)).isEqualTo(Duration.ofMillis(150));
  }

  @Test
  void silentFromTheLimitOn() {
    assertThat(new PeerAdverts(true, LIMIT.minusNanos(1), LIMIT).silent()).isFalse();
    assertThat(new PeerAdverts(true, LIMIT, LIMIT).silent()).isTrue();
    assertThat(new PeerAdverts(false, LIMIT.plusSeconds(1), LIMIT).silent()).isTrue();
  }

  @Test
  void heardAsMasterWhileItClaimsTheRoleAndIsNotSilent() {
    assertThat(new PeerAdverts(true, Duration.ofMillis(900), LIMIT).heardAsMaster()).isTrue();
    assertThat(new PeerAdverts(true, LIMIT, LIMIT).heardAsMaster()).isFalse();
    assertThat(new PeerAdverts(false, Duration.ZERO, LIMIT).heardAsMaster()).isFalse();
  }
}

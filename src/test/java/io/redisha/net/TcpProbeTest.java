package io.redisha.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** {@link TcpProbe} on loopback: a listening port, a closed one. */
class TcpProbeTest {

  @Test
  void aListeningPortIsAcceptedWellBeforeTheBudgetEnds() throws IOException {
    try (ServerSocket listening = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      InetSocketAddress target =
          new InetSocketAddress(InetAddress.getLoopbackAddress(), listening.getLocalPort());
      long start = System.nanoTime();

      boolean accepted = TcpProbe.anyAccepted(target, TcpProbe.ATTEMPTS, Duration.ofSeconds(5));

      assertThat(accepted).isTrue();
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }
  }

  @Test
  void aRefusedPortIsNoAnswerAndEveryAttemptIsMadeWithinTheBudget() throws IOException {
    int closedPort;
    try (ServerSocket gone = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      closedPort = gone.getLocalPort();
    }
    InetSocketAddress target = new InetSocketAddress(InetAddress.getLoopbackAddress(), closedPort);
    long start = System.nanoTime();

    boolean accepted = TcpProbe.anyAccepted(target, TcpProbe.ATTEMPTS, Duration.ofMillis(300));

    long took = System.nanoTime() - start;
    assertThat(accepted).as("a reset is not an answer").isFalse();
    assertThat(Duration.ofNanos(took)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
  }

  @Test
  void atLeastOneAttempt() {
    InetSocketAddress target = new InetSocketAddress(InetAddress.getLoopbackAddress(), 1);
    assertThatThrownBy(() -> TcpProbe.anyAccepted(target, 0, Duration.ofMillis(10)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("attempts must be at least 1, was 0");
  }
}

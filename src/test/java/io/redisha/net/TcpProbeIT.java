package io.redisha.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.redisha.lab.LabNetwork;
import io.redisha.testing.RequiresHost;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link TcpProbe} between two hosts in network namespaces: a link that drops 30 % of the packets
 * each way (where one look at a Redis fails about half the time) and a cut link.
 */
@RequiresHost(tools = {"ip", "iptables"})
class TcpProbeIT {
  private static final Duration BUDGET = Duration.ofMillis(240);
  private static LabNetwork lab;
  private static ServerSocket listening;
  private static InetSocketAddress target;

  @BeforeAll
  static void buildLab() throws Exception {
    lab = LabNetwork.create().addHost("vm-a", "192.0.2.11/24").addHost("vm-b", "192.0.2.12/24");
    listening =
        lab.inNamespace(
            "vm-b", () -> new ServerSocket(6379, 200, InetAddress.getByName("192.0.2.12")));
    Thread.ofVirtual()
        .start(
            () -> {
              while (!listening.isClosed()) {
                try (Socket accepted = listening.accept()) {
                  // accepted and closed: the probe sends nothing
                } catch (java.io.IOException e) {
                  return;
                }
              }
            });
    target = new InetSocketAddress("192.0.2.12", 6379);
  }

  @AfterAll
  static void removeLab() throws Exception {
    if (listening != null) {
      listening.close();
    }
    if (lab != null) {
      lab.close();
    }
  }

  private static boolean probe() throws Exception {
    return lab.inNamespace("vm-a", () -> TcpProbe.anyAccepted(target, TcpProbe.ATTEMPTS, BUDGET));
  }

  @Test
  void aHealthyLinkAnswersEveryProbe() throws Exception {
    for (int i = 0; i < 5; i++) {
      assertThat(probe()).as("probe %d", i).isTrue();
    }
  }

  @Test
  void aLinkThatDropsThirtyPercentEachWayStillAnswersAlmostEveryProbe() throws Exception {
    lab.lossyLink("vm-a", "vm-b", 0.3);
    try {
      int answered = 0;
      for (int i = 0; i < 40; i++) {
        if (probe()) {
          answered++;
        }
      }
      System.out.println("TcpProbeIT: 30 % loss each way: " + answered + " of 40 probes answered");
      // One probe fails about once in a thousand (0.51^10): fewer than 38 of 40 about once in
      // 10^5 runs (with six connects one probe in thirty failed, and 39 of 40 were seen).
      assertThat(answered).as("probes answered of 40").isGreaterThanOrEqualTo(38);
    } finally {
      lab.clearLossyLink("vm-a", "vm-b");
    }
  }

  @Test
  void aCutLinkAnswersNoProbeAndEachEndsWithItsBudget() throws Exception {
    lab.partition("vm-a", "vm-b");
    try {
      for (int i = 0; i < 3; i++) {
        long start = System.nanoTime();
        assertThat(probe()).as("probe %d", i).isFalse();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(BUDGET.plusMillis(200));
      }
    } finally {
      lab.heal("vm-a", "vm-b");
    }
  }
}

package io.redisha.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.redisha.agent.NetVip;
import io.redisha.clock.ExecutorScheduler;
import io.redisha.lab.LabNetwork;
import io.redisha.pair.PairSettings;
import io.redisha.testing.RequiresHost;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A client whose ARP entry for the VIP still names the old master (vm-a), which has released the
 * VIP: without a refuser its SYN is dropped by vm-a's kernel and the connect hangs; with one it is
 * refused at once.
 */
@RequiresHost(tools = {"ip"})
class SynRefuserIT {
  private static final String VIP = "192.0.2.100";
  private static final int PORT = 6379;
  private static final int HANG_MILLIS = 400;
  private static LabNetwork lab;
  private static Inet4Address vip;

  @BeforeAll
  static void buildLab() throws Exception {
    lab =
        LabNetwork.create()
            .addHost("vm-a", "192.0.2.11/24")
            .addHost("vm-b", "192.0.2.12/24")
            .addHost("client", "192.0.2.30/24");
    vip = Ipv4Cidr.parseAddress(VIP);
  }

  @AfterAll
  static void removeLab() {
    if (lab != null) {
      lab.close();
    }
  }

  @BeforeEach
  void clientStillSendsToVmA() {
    lab.run(
        "client",
        "ip",
        "neigh",
        "replace",
        VIP,
        "lladdr",
        lab.mac("vm-a"),
        "dev",
        "eth0",
        "nud",
        "reachable");
  }

  /** How a connect from the client to the VIP ends: "refused", "hung" or "connected". */
  private record Attempt(String outcome, long millis) {}

  private static Attempt connect(int port) throws Exception {
    return lab.inNamespace(
        "client",
        () -> {
          long start = System.nanoTime();
          try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(vip, port), HANG_MILLIS);
            return new Attempt("connected", elapsed(start));
          } catch (ConnectException e) {
            return new Attempt("refused", elapsed(start));
          } catch (SocketTimeoutException e) {
            return new Attempt("hung", elapsed(start));
          }
        });
  }

  private static long elapsed(long start) {
    return (System.nanoTime() - start) / 1_000_000;
  }

  @Test
  void withoutARefuserTheConnectToAReleasedVipHangs() throws Exception {
    assertThat(connect(PORT).outcome()).isEqualTo("hung");
  }

  @Test
  void aRefuserRefusesConnectsToTheVipsPortAtOnceAndNothingElse() throws Exception {
    try (SynRefuser refuser =
        lab.inNamespace("vm-a", () -> SynRefuser.open("eth0", vip, PORT, Duration.ofSeconds(20)))) {
      Attempt refused = connect(PORT);
      assertThat(refused.outcome()).isEqualTo("refused");
      assertThat(refused.millis()).isLessThan(200);
      await().atMost(Duration.ofSeconds(2)).until(() -> refuser.refused() == 1);

      assertThat(connect(PORT + 1).outcome()).as("another port").isEqualTo("hung");
      assertThat(refuser.refused()).isEqualTo(1);

      refuser.close();
      assertThat(refuser.running()).isFalse();
      assertThat(connect(PORT).outcome()).as("after close").isEqualTo("hung");
      assertThat(refuser.refused()).isEqualTo(1);
    }
  }

  @Test
  void aRefuserStopsByItselfWhenItsWindowEnds() throws Exception {
    try (SynRefuser refuser =
        lab.inNamespace("vm-a", () -> SynRefuser.open("eth0", vip, PORT, Duration.ofMillis(300)))) {
      await().atMost(Duration.ofSeconds(5)).until(() -> !refuser.running());
      assertThat(connect(PORT).outcome()).isEqualTo("hung");
      assertThat(refuser.refused()).isZero();
    }
  }

  @Test
  void aReleasedNetVipRefusesUntilItIsAddedAgain() throws Exception {
    AtomicReference<SynRefuser> opened = new AtomicReference<>();
    NetVip.ConnectRefusals recording =
        (interfaceName, address, port) -> {
          SynRefuser refuser = SynRefuser.prepare(interfaceName, address, port);
          opened.set(refuser);
          return refuser;
        };
    try (ExecutorScheduler scheduler = new ExecutorScheduler("syn-refuser-it");
        NetlinkAddressManager addresses = lab.inNamespace("vm-a", NetlinkAddressManager::open);
        PacketArpAnnouncer arp = lab.inNamespace("vm-a", () -> PacketArpAnnouncer.open("eth0"))) {
      NetVip netVip =
          new NetVip(
              "eth0",
              Ipv4Cidr.parse(VIP + "/24"),
              addresses,
              arp,
              new PairSettings.Garp(1, Duration.ZERO, Duration.ZERO, Duration.ZERO),
              scheduler,
              recording,
              PORT,
              Duration.ofSeconds(20),
              new ConcurrentHashMap<>());
      lab.inNamespace(
          "vm-a",
          () -> {
            netVip.add();
            return null;
          });
      SynRefuser prepared = opened.get();
      assertThat(prepared).as("prepared while the VIP is held").isNotNull();
      clientStillSendsToVmA();
      assertThat(connect(PORT).outcome()).as("held, nothing listening").isEqualTo("refused");
      assertThat(prepared.refused()).as("the kernel refused that one").isZero();
      assertThat(prepared.running()).isFalse();

      lab.inNamespace(
          "vm-a",
          () -> {
            netVip.remove();
            return null;
          });
      SynRefuser refuser = opened.get();
      assertThat(refuser).isSameAs(prepared);
      assertThat(refuser.running()).isTrue();
      Attempt released = connect(PORT);
      assertThat(released.outcome()).isEqualTo("refused");
      assertThat(released.millis()).isLessThan(200);
      // Counted once sendto() returned, which can be after the client already saw the RST.
      await().atMost(Duration.ofSeconds(2)).until(() -> refuser.refused() == 1);

      // Held again: the refuser is gone before the address is back, so a listener serves.
      lab.inNamespace(
          "vm-a",
          () -> {
            netVip.add();
            return null;
          });
      assertThat(refuser.running()).isFalse();
      assertThat(opened.get()).as("a fresh one prepared for the next release").isNotSameAs(refuser);
      try (ServerSocket server = lab.inNamespace("vm-a", () -> new ServerSocket(PORT, 5, vip))) {
        assertThat(connect(PORT).outcome()).isEqualTo("connected");
      }
      assertThat(refuser.refused()).isEqualTo(1);
      lab.inNamespace(
          "vm-a",
          () -> {
            netVip.remove();
            return null;
          });
      opened.get().close();
    }
  }
}

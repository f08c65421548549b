package io.redisha.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.redisha.lab.LabNetwork;
import io.redisha.testing.RequiresHost;
import java.io.IOException;
import java.net.Inet4Address;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@RequiresHost(tools = {"ip", "tcpdump"})
class ArpAnnouncerIT {
  private static final String STALE_MAC = "02:00:00:00:00:99";
  private static LabNetwork lab;

  @BeforeAll
  static void buildLab() {
    lab =
        LabNetwork.create()
            .addHost("vm-a", "192.0.2.11/24")
            .addHost("vm-b", "192.0.2.12/24")
            .addHost("client", "192.0.2.30/24");
  }

  @AfterAll
  static void removeLab() {
    if (lab != null) {
      lab.close();
    }
  }

  @Test
  void gratuitousArpIsSeenByANeighbourAndMovesItsEntryForTheVip(@TempDir Path logs)
      throws Exception {
    Inet4Address vip = Ipv4Cidr.parseAddress("192.0.2.100");
    lab.run(
        "client",
        "ip",
        "neigh",
        "replace",
        "192.0.2.100",
        "lladdr",
        STALE_MAC,
        "dev",
        "eth0",
        "nud",
        "stale");
    assertThat(neighbourOfVip()).contains(STALE_MAC);
    Path capture = logs.resolve("tcpdump.log");
    Process tcpdump =
        lab.start("client", List.of("tcpdump", "-l", "-n", "-e", "-i", "eth0", "arp"), capture);
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(Files.readString(capture)).contains("listening on eth0"));

    try (PacketArpAnnouncer announcer =
        lab.inNamespace("vm-a", () -> PacketArpAnnouncer.open("eth0"))) {
      assertThat(announcer.link().macText()).isEqualTo(lab.mac("vm-a"));
      announcer.announce(vip);
    }

    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(Files.readString(capture))
                    .contains(lab.mac("vm-a") + " > ff:ff:ff:ff:ff:ff")
                    .contains("Request who-has 192.0.2.100 (ff:ff:ff:ff:ff:ff) tell 192.0.2.100"));
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(neighbourOfVip()).contains(lab.mac("vm-a")));
    tcpdump.destroy();
  }

  @Test
  void interfaceLookupSeesTheNamespacesOwnInterfaces() throws Exception {
    InterfaceInfo eth0 = lab.inNamespace("vm-b", () -> InterfaceInfo.lookup("eth0"));
    assertThat(eth0.macText()).isEqualTo(lab.mac("vm-b"));
    assertThat(eth0.index()).isPositive();
    assertThat(lab.inNamespace("vm-b", () -> InterfaceInfo.lookup("lo")).mac()).isEmpty();
    assertThatThrownBy(() -> lab.inNamespace("vm-b", () -> PacketArpAnnouncer.open("eth9")))
        .isInstanceOf(IOException.class)
        .hasMessage("no network interface 'eth9' in this network namespace");
  }

  private static String neighbourOfVip() {
    return lab.run("client", "ip", "neigh", "show", "192.0.2.100", "dev", "eth0");
  }
}

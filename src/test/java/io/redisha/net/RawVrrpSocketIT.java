package io.redisha.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.redisha.lab.LabNetwork;
import io.redisha.testing.RequiresHost;
import java.net.Inet4Address;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

@RequiresHost(tools = {"ip"})
class RawVrrpSocketIT {
  private static final byte[] ADVERT = {
    0x31, 0x33, 0x64, 0x01, 0x00, 0x0a, 0x12, 0x34, (byte) 192, 0, 2, 100
  };
  private static LabNetwork lab;
  private static Inet4Address addressA;
  private static Inet4Address addressB;

  @BeforeAll
  static void buildLab() {
    lab = LabNetwork.create().addHost("vm-a", "192.0.2.11/24").addHost("vm-b", "192.0.2.12/24");
    addressA = lab.address("vm-a");
    addressB = lab.address("vm-b");
  }

  @AfterAll
  static void removeLab() {
    if (lab != null) {
      lab.close();
    }
  }

  @Test
  void hostsExchangeVrrpDatagramsWithTheIpHeaderIncluded() throws Exception {
    try (RawVrrpSocket a = open("vm-a", "eth0", addressA);
        RawVrrpSocket b = open("vm-b", "eth0", addressB)) {
      a.send(addressB, ADVERT);
      byte[] atB = b.receive(Duration.ofSeconds(5));
      assertDatagram(atB, addressA, addressB);

      b.send(addressA, ADVERT);
      byte[] atA = a.receive(Duration.ofSeconds(5));
      assertDatagram(atA, addressB, addressA);
    }
  }

  @Test
  void socketBoundToAnInterfaceIgnoresTrafficArrivingOnAnother() throws Exception {
    // a second interface in vm-a: one end of a veth pair kept inside the namespace
    lab.run("vm-a", "ip", "link", "add", "side0", "type", "veth", "peer", "name", "side1");
    lab.run("vm-a", "ip", "link", "set", "side0", "up");
    lab.run("vm-a", "ip", "link", "set", "side1", "up");
    try (RawVrrpSocket onEth0 = open("vm-a", "eth0", addressA);
        RawVrrpSocket onSide0 = open("vm-a", "side0", addressA);
        RawVrrpSocket fromB = open("vm-b", "eth0", addressB)) {
      fromB.send(addressA, ADVERT);
      assertDatagram(onEth0.receive(Duration.ofSeconds(5)), addressB, addressA);
      assertThat(onSide0.receive(Duration.ofMillis(300))).isNull();
    } finally {
      lab.run("vm-a", "ip", "link", "del", "side0");
    }
  }

  @Test
  void receiveReturnsNullWhenNothingArrives() throws Exception {
    try (RawVrrpSocket a = open("vm-a", "eth0", addressA)) {
      assertThat(a.receive(Duration.ofMillis(50))).isNull();
      assertThat(a.receive(Duration.ZERO)).isNull();
    }
  }

  @Test
  void closeFromAnotherThreadEndsABlockedReceive() throws Exception {
    RawVrrpSocket a = open("vm-a", "eth0", addressA);
    CompletableFuture<byte[]> receive =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return a.receive(Duration.ofSeconds(60));
              } catch (Exception e) {
                throw new java.util.concurrent.CompletionException(e);
              }
            });
    Thread.sleep(200); // let the receive block in poll
    a.close();
    assertThatThrownBy(() -> receive.get(5, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(ClosedChannelException.class);
    assertThatThrownBy(() -> a.send(addressB, ADVERT)).isInstanceOf(ClosedChannelException.class);
    a.close();
  }

  @Test
  void openOnAMissingInterfaceNamesTheCallAndErrno() {
    assertThatThrownBy(() -> open("vm-a", "eth9", addressA))
        .isInstanceOf(NativeCallException.class)
        .hasMessageContaining("SO_BINDTODEVICE eth9")
        .hasMessageContaining("ENODEV");
  }

  @Test
  void openRejectsBadArguments() {
    assertThatThrownBy(() -> RawVrrpSocket.open("an-interface-name-too-long", addressA, 255))
        .hasMessageContaining("interfaceName 'an-interface-name-too-long'");
    assertThatThrownBy(() -> RawVrrpSocket.open("eth0", addressA, 0))
        .hasMessageContaining("ttl 0 is out of range 1-255");
  }

  private static RawVrrpSocket open(String host, String interfaceName, Inet4Address source)
      throws Exception {
    return lab.inNamespace(host, () -> RawVrrpSocket.open(interfaceName, source, 255));
  }

  private static void assertDatagram(byte[] datagram, Inet4Address from, Inet4Address to) {
    assertThat(datagram).isNotNull();
    int headerLength = (datagram[0] & 0x0f) * 4;
    assertThat(datagram[0] >> 4).as("IP version").isEqualTo(4);
    assertThat(datagram[8] & 0xff).as("TTL").isEqualTo(255);
    assertThat(datagram[9] & 0xff).as("protocol").isEqualTo(112);
    assertThat(Arrays.copyOfRange(datagram, 12, 16)).as("source").isEqualTo(from.getAddress());
    assertThat(Arrays.copyOfRange(datagram, 16, 20)).as("destination").isEqualTo(to.getAddress());
    assertThat(Arrays.copyOfRange(datagram, headerLength, datagram.length)).isEqualTo(ADVERT);
  }
}

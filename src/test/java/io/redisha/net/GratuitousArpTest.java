package io.redisha.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class GratuitousArpTest {
  private static final byte[] MAC = HexFormat.of().parseHex("020000aabbcc");

  @Test
  void buildsTheFrameKeepalivedSendsByteByByte() {
    byte[] frame = GratuitousArp.frame(MAC, Ipv4Cidr.parseAddress("192.0.2.100"));

    String expected =
        "ffffffffffff" // Ethernet destination: broadcast
            + "020000aabbcc" // Ethernet source: our MAC
            + "0806" // EtherType ARP
            + "0001" // hardware type Ethernet
            + "0800" // protocol type IPv4
            + "06" // hardware address length
            + "04" // protocol address length
            + "0001" // operation: request
            + "020000aabbcc" // sender hardware address: our MAC
            + "c0000264" // sender protocol address: the VIP
            + "ffffffffffff" // target hardware address: broadcast, as keepalived
            + "c0000264"; // target protocol address: the VIP again (gratuitous)
    assertThat(frame).hasSize(GratuitousArp.FRAME_LENGTH);
    assertThat(HexFormat.of().formatHex(frame)).isEqualTo(expected);
  }

  @Test
  void doesNotKeepTheCallersArray() {
    byte[] mac = MAC.clone();
    byte[] frame = GratuitousArp.frame(mac, Ipv4Cidr.parseAddress("198.51.100.1"));
    mac[5] = 0;
    assertThat(frame[11]).isEqualTo((byte) 0xcc);
  }

  @Test
  void rejectsAddressesThatCannotOwnAVip() {
    var vip = Ipv4Cidr.parseAddress("192.0.2.100");
    assertThatThrownBy(() -> GratuitousArp.frame(new byte[4], vip))
        .hasMessage("senderMac has 4 bytes: expected a 6-byte Ethernet address");
    assertThatThrownBy(() -> GratuitousArp.frame(new byte[6], vip))
        .hasMessageContaining("senderMac must be a unicast Ethernet address");
    assertThatThrownBy(() -> GratuitousArp.frame(HexFormat.of().parseHex("01005e000012"), vip))
        .hasMessageContaining("senderMac must be a unicast Ethernet address");
    assertThatThrownBy(() -> GratuitousArp.frame(null, vip)).hasMessageContaining("senderMac");
    assertThatThrownBy(() -> GratuitousArp.frame(MAC, null)).hasMessageContaining("vip");
  }
}

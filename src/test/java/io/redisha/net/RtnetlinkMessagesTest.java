package io.redisha.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.ByteOrder;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Byte-exact expectations, written for little-endian hosts (x86-64, arm64), as netlink is. */
class RtnetlinkMessagesTest {
  private static final Ipv4Cidr VIP = Ipv4Cidr.parse("192.0.2.100/24");

  @BeforeEach
  void littleEndianHost() {
    assumeTrue(ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN, "netlink uses host order");
  }

  @Test
  void encodesNewAddressWithLocalAndAddressAttributes() {
    String expected =
        "28000000" // nlmsg_len 40
            + "1400" // RTM_NEWADDR
            + "0506" // REQUEST | ACK | EXCL | CREATE
            + "07000000" // sequence 7
            + "00000000" // port id: the kernel fills it
            + "02" // AF_INET
            + "18" // prefix length 24
            + "00" // flags
            + "00" // scope universe
            + "03000000" // interface index 3
            + "0800"
            + "0200"
            + "c0000264" // IFA_LOCAL 192.0.2.100
            + "0800"
            + "0100"
            + "c0000264"; // IFA_ADDRESS 192.0.2.100
    assertThat(hex(RtnetlinkMessages.newAddress(7, 3, VIP))).isEqualTo(expected);
  }

  @Test
  void encodesDeleteAddress() {
    String expected =
        "28000000"
            + "1500" // RTM_DELADDR
            + "0500" // REQUEST | ACK
            + "08000000"
            + "00000000"
            + "02"
            + "18"
            + "00"
            + "00"
            + "03000000"
            + "08000200c0000264"
            + "08000100c0000264";
    assertThat(hex(RtnetlinkMessages.deleteAddress(8, 3, VIP))).isEqualTo(expected);
  }

  @Test
  void encodesAddressDump() {
    String expected =
        "18000000" + "1600" + "0103" + "09000000" + "00000000" + "02000000" + "00000000";
    assertThat(hex(RtnetlinkMessages.dumpAddresses(9))).isEqualTo(expected);
  }

  @Test
  void decodesAcknowledgementsAndErrors() {
    byte[] twoMessages =
        HexFormat.of()
            .parseHex(
                // NLMSG_ERROR, error 0 (an acknowledgement) for sequence 7
                "24000000"
                    + "0200"
                    + "0001"
                    + "07000000"
                    + "00000000"
                    + "00000000"
                    + "28000000140005060700000000000000"
                    // NLMSG_ERROR, -EEXIST for sequence 8
                    + "24000000"
                    + "0200"
                    + "0000"
                    + "08000000"
                    + "00000000"
                    + "efffffff"
                    + "28000000140005060800000000000000");
    List<RtnetlinkMessages.Message> messages =
        RtnetlinkMessages.parse(twoMessages, twoMessages.length);
    assertThat(messages).hasSize(2);
    assertThat(messages.get(0).sequence()).isEqualTo(7);
    assertThat(RtnetlinkMessages.errorCode(messages.get(0))).isZero();
    assertThat(messages.get(1).sequence()).isEqualTo(8);
    assertThat(RtnetlinkMessages.errorCode(messages.get(1))).isEqualTo(-17);
  }

  @Test
  void decodesAddressEntries() {
    byte[] answer =
        HexFormat.of()
            .parseHex(
                "3c000000"
                    + "1400"
                    + "0200"
                    + "09000000"
                    + "00000000"
                    + "02"
                    + "18"
                    + "80"
                    + "00"
                    + "02000000"
                    + "0800"
                    + "0100"
                    + "c0000264" // IFA_ADDRESS
                    + "0800"
                    + "0200"
                    + "c0000264" // IFA_LOCAL
                    + "0800"
                    + "0400"
                    + "c00002ff" // IFA_BROADCAST
                    + "0900"
                    + "0300"
                    + "65746830"
                    + "00000000" // IFA_LABEL "eth0", padded
                    + "14000000"
                    + "0300"
                    + "0200"
                    + "09000000"
                    + "00000000"
                    + "00000000");
    List<RtnetlinkMessages.Message> messages = RtnetlinkMessages.parse(answer, answer.length);
    assertThat(messages).extracting(RtnetlinkMessages.Message::type).containsExactly(20, 3);
    RtnetlinkMessages.AddressEntry entry = RtnetlinkMessages.address(messages.get(0)).orElseThrow();
    assertThat(entry.interfaceIndex()).isEqualTo(2);
    assertThat(entry.prefixLength()).isEqualTo(24);
    assertThat(RtnetlinkMessages.matches(entry, 2, VIP)).isTrue();
    assertThat(RtnetlinkMessages.matches(entry, 3, VIP)).isFalse();
    assertThat(RtnetlinkMessages.matches(entry, 2, Ipv4Cidr.parse("192.0.2.100/32"))).isFalse();
    assertThat(RtnetlinkMessages.address(messages.get(1))).isEmpty();
  }

  @Test
  void rejectsTruncatedMessages() {
    byte[] truncated = HexFormat.of().parseHex("40000000" + "1400" + "0200" + "0900000000000000");
    assertThatThrownBy(() -> RtnetlinkMessages.parse(truncated, truncated.length))
        .hasMessageContaining("malformed netlink message: length 64 at offset 0");
  }

  private static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(bytes);
  }
}

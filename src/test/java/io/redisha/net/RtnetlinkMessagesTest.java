package io.redisha.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

  @Test
  void encodesLinkRequestByName() {
    String expected =
        "2c000000" // nlmsg_len 44
            + "1200" // RTM_GETLINK
            + "0100" // REQUEST
            + "05000000" // sequence 5
            + "00000000"
            + "00" // AF_UNSPEC
            + "00"
            + "0000" // device type
            + "00000000" // index 0: look up by name
            + "00000000" // flags
            + "00000000" // change mask
            + "0900"
            + "0300"
            + "6574683000000000"; // IFLA_IFNAME "eth0\0", padded
    assertThat(hex(RtnetlinkMessages.getLink(5, "eth0"))).isEqualTo(expected);
    assertThatThrownBy(() -> RtnetlinkMessages.getLink(5, "a-name-too-long-0"))
        .hasMessageContaining("interfaceName 'a-name-too-long-0' is not a Linux interface name");
  }

  @Test
  void decodesLinkFlagsNameOperStateAndCarrier() {
    byte[] notification =
        HexFormat.of()
            .parseHex(
                "48000000" // nlmsg_len 72
                    + "1000" // RTM_NEWLINK
                    + "0000"
                    + "00000000" // sequence 0: a notification
                    + "00000000"
                    + "00"
                    + "00"
                    + "0100" // ARPHRD_ETHER
                    + "07000000" // index 7
                    + "03100000" // UP | BROADCAST | MULTICAST: no RUNNING, no LOWER_UP
                    + "00000000"
                    + "0c00"
                    + "1280" // IFLA_LINKINFO with NLA_F_NESTED: skipped
                    + "0800010076657468" // nested IFLA_INFO_KIND "veth"
                    + "0a00"
                    + "0300"
                    + "7665746830000000" // IFLA_IFNAME "veth0\0", padded
                    + "0500"
                    + "1000"
                    + "02000000" // IFLA_OPERSTATE DOWN
                    + "0500"
                    + "2100"
                    + "00000000"); // IFLA_CARRIER 0
    RtnetlinkMessages.Message message =
        RtnetlinkMessages.parse(notification, notification.length).get(0);
    LinkState state = RtnetlinkMessages.link(message).orElseThrow();
    assertThat(state)
        .isEqualTo(
            new LinkState(
                "veth0",
                7,
                LinkState.Presence.PRESENT,
                true,
                false,
                false,
                LinkState.OperState.DOWN));
    assertThat(state.reason()).isEqualTo("carrier lost");
  }

  @Test
  void carrierAttributeZeroWinsOverTheLowerUpFlag() {
    LinkState state =
        RtnetlinkMessages.link(
                LinkMessageBytes.link(
                    RtnetlinkMessages.RTM_NEWLINK, 3, LinkMessageBytes.USABLE_FLAGS, "eth0", 6, 0))
            .orElseThrow();
    assertThat(state.lowerUp()).isFalse();
    assertThat(state.condition()).isEqualTo(LinkCondition.NO_CARRIER);
  }

  @Test
  void deletedLinkIsGoneAndOtherMessagesAreNoLinks() {
    assertThat(RtnetlinkMessages.link(LinkMessageBytes.delLink(4, "eth0")))
        .contains(LinkState.gone("eth0", 4));
    assertThat(RtnetlinkMessages.link(LinkMessageBytes.newLink(4, 0x11043, null, 6))).isEmpty();
    assertThat(
            RtnetlinkMessages.link(
                new RtnetlinkMessages.Message(RtnetlinkMessages.RTM_NEWADDR, 0, 0, new byte[24])))
        .isEmpty();
    assertThat(
            RtnetlinkMessages.link(
                new RtnetlinkMessages.Message(RtnetlinkMessages.RTM_NEWLINK, 0, 0, new byte[8])))
        .isEmpty();
  }

  @Test
  void decodesDatagramsCapturedFromTheKernel() throws IOException {
    Map<String, List<RtnetlinkMessages.Message>> captured = capturedVethEvents();

    RtnetlinkMessages.Message answer = captured.get("get-eth0").get(0);
    assertThat(answer.type()).isEqualTo(RtnetlinkMessages.RTM_NEWLINK);
    assertThat(answer.sequence()).isEqualTo(1);
    assertThat(RtnetlinkMessages.link(answer))
        .contains(
            new LinkState(
                "eth0", 2, LinkState.Presence.PRESENT, true, true, true, LinkState.OperState.UP));

    RtnetlinkMessages.Message missing = captured.get("get-eth9").get(0);
    assertThat(missing.sequence()).isEqualTo(2);
    assertThat(RtnetlinkMessages.errorCode(missing)).isEqualTo(-Libc.ENODEV);

    assertThat(reasons(captured.get("admin-down"))).containsExactly("link down");
    assertThat(reasons(captured.get("admin-up")))
        .containsExactly("link not running (operstate down)", "link up");
    assertThat(reasons(captured.get("peer-down"))).containsExactly("carrier lost");
    LinkState noCarrier = RtnetlinkMessages.link(captured.get("peer-down").get(0)).orElseThrow();
    assertThat(noCarrier.adminUp()).isTrue();
    assertThat(noCarrier.lowerUp()).isFalse();
    assertThat(reasons(captured.get("peer-up"))).containsExactly("link up");
    assertThat(captured.get("deleted"))
        .extracting(RtnetlinkMessages.Message::type)
        .containsExactly(RtnetlinkMessages.RTM_NEWLINK, RtnetlinkMessages.RTM_DELLINK);
    assertThat(reasons(captured.get("deleted"))).containsExactly("link down", "interface gone");
  }

  private static List<String> reasons(List<RtnetlinkMessages.Message> messages) {
    return messages.stream()
        .map(message -> RtnetlinkMessages.link(message).orElseThrow().reason())
        .toList();
  }

  /** Step name to the messages of its datagrams, in the order they arrived. */
  private static Map<String, List<RtnetlinkMessages.Message>> capturedVethEvents()
      throws IOException {
    Map<String, List<RtnetlinkMessages.Message>> steps = new LinkedHashMap<>();
    try (InputStream in = RtnetlinkMessagesTest.class.getResourceAsStream("veth-link-events.txt")) {
      assertThat(in).as("veth-link-events.txt on the test class path").isNotNull();
      for (String line : new String(in.readAllBytes(), StandardCharsets.US_ASCII).split("\n")) {
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        String[] fields = line.strip().split(" ");
        byte[] datagram = HexFormat.of().parseHex(fields[1]);
        steps
            .computeIfAbsent(fields[0], step -> new ArrayList<>())
            .addAll(RtnetlinkMessages.parse(datagram, datagram.length));
      }
    }
    assertThat(steps)
        .containsOnlyKeys(
            "get-eth0", "get-eth9", "admin-down", "admin-up", "peer-down", "peer-up", "deleted");
    return steps;
  }

  private static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(bytes);
  }
}

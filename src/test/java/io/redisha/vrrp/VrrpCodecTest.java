package io.redisha.vrrp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class VrrpCodecTest {
  static final Inet4Address SOURCE = ip("192.0.2.1");
  static final Inet4Address PEER = ip("192.0.2.2");
  static final Inet4Address VIP = ip("192.0.2.100");

  @Test
  void decodesKeepalivedV2PassAdvertAndEncodesTheSameBytes() throws Exception {
    byte[] datagram = KeepalivedCaptures.golden().get("v2-pass");
    Ipv4Header ip = Ipv4Header.parse(datagram, datagram.length);
    assertThat(ip.ttl()).isEqualTo(255);
    assertThat(ip.protocol()).isEqualTo(112);
    assertThat(ip.source()).isEqualTo(SOURCE);
    assertThat(ip.destination()).isEqualTo(PEER);

    VrrpAdvertisement advert =
        VrrpCodec.decode(datagram, ip.headerLength(), datagram.length - ip.headerLength());
    assertThat(advert)
        .isEqualTo(new VrrpAdvertisement(VrrpVersion.V2, 51, 150, 100, List.of(VIP), "s3cr3t"));

    byte[] ours = VrrpCodec.encode(advert, ChecksumMode.PSEUDO_HEADER, SOURCE, PEER);
    assertThat(ours).isEqualTo(Arrays.copyOfRange(datagram, ip.headerLength(), datagram.length));
    assertThat(
            VrrpCodec.checksumValid(
                datagram,
                ip.headerLength(),
                datagram.length - ip.headerLength(),
                ChecksumMode.PSEUDO_HEADER,
                SOURCE,
                PEER))
        .isTrue();
  }

  @Test
  void decodesKeepalivedV3AdvertAndEncodesTheSameBytesWithPseudoHeaderChecksum() throws Exception {
    byte[] datagram = KeepalivedCaptures.golden().get("v3-pseudo-header");
    Ipv4Header ip = Ipv4Header.parse(datagram, datagram.length);
    int length = datagram.length - ip.headerLength();

    VrrpAdvertisement advert = VrrpCodec.decode(datagram, ip.headerLength(), length);
    assertThat(advert)
        .isEqualTo(new VrrpAdvertisement(VrrpVersion.V3, 51, 150, 10, List.of(VIP), null));
    assertThat(VrrpCodec.encode(advert, ChecksumMode.PSEUDO_HEADER, SOURCE, PEER))
        .isEqualTo(Arrays.copyOfRange(datagram, ip.headerLength(), datagram.length));

    assertThat(
            VrrpCodec.checksumValid(
                datagram, ip.headerLength(), length, ChecksumMode.PSEUDO_HEADER, SOURCE, PEER))
        .isTrue();
    assertThat(
            VrrpCodec.checksumValid(
                datagram, ip.headerLength(), length, ChecksumMode.MESSAGE_ONLY, SOURCE, PEER))
        .isFalse();
  }

  @Test
  void messageOnlyChecksumVerifiesOnlyInItsOwnMode() {
    VrrpAdvertisement advert =
        new VrrpAdvertisement(VrrpVersion.V3, 7, 100, 100, List.of(VIP), null);
    byte[] messageOnly = VrrpCodec.encode(advert, ChecksumMode.MESSAGE_ONLY, SOURCE, PEER);
    byte[] pseudo = VrrpCodec.encode(advert, ChecksumMode.PSEUDO_HEADER, SOURCE, PEER);
    assertThat(messageOnly).isNotEqualTo(pseudo);
    assertThat(
            VrrpCodec.checksumValid(
                messageOnly, 0, messageOnly.length, ChecksumMode.MESSAGE_ONLY, SOURCE, PEER))
        .isTrue();
    assertThat(
            VrrpCodec.checksumValid(
                messageOnly, 0, messageOnly.length, ChecksumMode.PSEUDO_HEADER, SOURCE, PEER))
        .isFalse();
    // The pseudo-header binds the checksum to the addresses.
    assertThat(
            VrrpCodec.checksumValid(
                pseudo, 0, pseudo.length, ChecksumMode.PSEUDO_HEADER, SOURCE, ip("192.0.2.3")))
        .isFalse();
  }

  @Test
  void roundTripsEveryFieldRange() throws Exception {
    for (int interval : new int[] {1, 10, 255, 256, 4095}) {
      VrrpAdvertisement v3 =
          new VrrpAdvertisement(
              VrrpVersion.V3, 255, 0, interval, List.of(VIP, ip("203.0.113.9")), null);
      byte[] bytes = VrrpCodec.encode(v3, ChecksumMode.PSEUDO_HEADER, SOURCE, PEER);
      assertThat(VrrpCodec.decode(bytes, 0, bytes.length)).isEqualTo(v3);
    }
    VrrpAdvertisement v2 =
        new VrrpAdvertisement(VrrpVersion.V2, 1, 255, 25500, List.of(), "12345678");
    byte[] bytes = VrrpCodec.encode(v2, ChecksumMode.MESSAGE_ONLY, SOURCE, PEER);
    assertThat(bytes).hasSize(16);
    assertThat(VrrpCodec.decode(bytes, 0, bytes.length)).isEqualTo(v2);
    VrrpAdvertisement noAuth =
        new VrrpAdvertisement(VrrpVersion.V2, 9, 90, 300, List.of(VIP), null);
    byte[] plain = VrrpCodec.encode(noAuth, ChecksumMode.MESSAGE_ONLY, SOURCE, PEER);
    assertThat(plain[4]).isZero();
    assertThat(VrrpCodec.decode(plain, 0, plain.length)).isEqualTo(noAuth);
  }

  @Test
  void refusesFieldsTheWireCannotCarry() {
    assertThatThrownBy(() -> new VrrpAdvertisement(VrrpVersion.V2, 1, 100, 150, List.of(), null))
        .hasMessageContaining("whole seconds");
    assertThatThrownBy(() -> new VrrpAdvertisement(VrrpVersion.V3, 1, 100, 4096, List.of(), null))
        .hasMessageContaining("10-40950 ms");
    assertThatThrownBy(() -> new VrrpAdvertisement(VrrpVersion.V3, 0, 100, 10, List.of(), null))
        .hasMessageContaining("virtualRouterId");
    assertThatThrownBy(
            () -> new VrrpAdvertisement(VrrpVersion.V2, 1, 100, 100, List.of(), "123456789"))
        .hasMessageContaining("8 bytes");
    assertThatThrownBy(() -> new VrrpAdvertisement(VrrpVersion.V3, 1, 100, 10, List.of(), "x"))
        .hasMessageContaining("no authentication");
  }

  @Test
  void truncatedAndRandomBytesNeverThrowAnythingButMalformedPacket() throws Exception {
    byte[] good = KeepalivedCaptures.golden().get("v2-pass");
    for (int cut = 0; cut < good.length; cut++) {
      byte[] truncated = Arrays.copyOf(good, cut);
      assertThatThrownBy(() -> VrrpCodec.decode(truncated, 20, truncated.length - 20))
          .isInstanceOf(MalformedPacketException.class);
    }
    Random random = new Random(20261125);
    for (int i = 0; i < 200_000; i++) {
      byte[] junk = new byte[random.nextInt(64)];
      random.nextBytes(junk);
      if (random.nextBoolean() && junk.length > 0) {
        junk[0] = (byte) (random.nextBoolean() ? 0x21 : 0x31);
      }
      try {
        VrrpCodec.decode(junk, 0, junk.length);
      } catch (MalformedPacketException expected) {
        assertThat(expected.reason()).isNotNull();
      }
    }
  }

  static Inet4Address ip(String text) {
    try {
      return (Inet4Address) InetAddress.getByName(text);
    } catch (Exception e) {
      throw new IllegalArgumentException(text, e);
    }
  }
}

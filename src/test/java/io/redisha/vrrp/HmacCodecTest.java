package io.redisha.vrrp;

import static io.redisha.vrrp.VrrpCodecTest.PEER;
import static io.redisha.vrrp.VrrpCodecTest.SOURCE;
import static io.redisha.vrrp.VrrpCodecTest.VIP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The auth_hmac trailer against keepalived 2.4.3's own packets. */
class HmacCodecTest {
  static final HmacKey KEY =
      HmacKey.parse(1, "hex:000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");

  /** Every signed advert captured from keepalived 2.4.3. */
  static final List<String> SIGNED =
      List.of("readme-1", "readme-2", "v3-enforce", "v3-permissive", "v2-enforce");

  static byte[] capture(String name) {
    byte[] datagram = KeepalivedCaptures.hmac().get(name);
    assertThat(datagram).as(name).isNotNull();
    return datagram;
  }

  static VrrpAdvertisement advert(byte[] datagram) throws MalformedPacketException {
    return VrrpCodec.decode(datagram, 20, datagram.length - 20);
  }

  static HmacTrailer trailer(byte[] datagram) throws MalformedPacketException {
    return VrrpCodec.trailer(datagram, 20, datagram.length - 20, advert(datagram));
  }

  /** The instant whose seconds and 1/65536 fraction are the trailer's. */
  static Instant instantOf(HmacTrailer trailer) {
    long nanos = (trailer.fraction() * 1_000_000_000L + 65535) / 65536;
    return Instant.ofEpochSecond(trailer.seconds(), nanos);
  }

  @ParameterizedTest
  @ValueSource(strings = {"readme-1", "readme-2", "v3-enforce", "v3-permissive", "v2-enforce"})
  void keepalivedsHmacRecomputesExactly(String name) throws Exception {
    byte[] datagram = capture(name);
    VrrpAdvertisement advert = advert(datagram);
    HmacTrailer trailer = trailer(datagram);
    int length = VrrpCodec.messageLength(advert);
    assertThat(datagram.length).isEqualTo(20 + length + HmacTrailer.LENGTH);
    assertThat(((datagram[2] & 0xff) << 8) | (datagram[3] & 0xff))
        .as("IP total length counts the trailer")
        .isEqualTo(datagram.length);
    assertThat(trailer.type()).isEqualTo(HmacTrailer.TYPE_HMAC_SHA256_128);
    assertThat(trailer.keyId()).isEqualTo(1);
    assertThat(
            VrrpCodec.checksumValid(datagram, 20, length, ChecksumMode.PSEUDO_HEADER, SOURCE, PEER))
        .as("the checksum covers the message, not the trailer")
        .isTrue();
    byte[] mac =
        VrrpCodec.hmac(
            KEY,
            datagram,
            20,
            length,
            SOURCE,
            Arrays.copyOfRange(datagram, 20 + length, 20 + length + 12));
    assertThat(HexFormat.of().formatHex(mac)).isEqualTo(HexFormat.of().formatHex(trailer.mac()));
    assertThat(VrrpCodec.hmacValid(datagram, 20, length, SOURCE, trailer, KEY)).isTrue();
  }

  @Test
  void readmeAdvertsCarryTheDocumentedFields() throws Exception {
    byte[] first = capture("readme-1");
    VrrpAdvertisement advert = advert(first);
    assertThat(advert)
        .isEqualTo(new VrrpAdvertisement(VrrpVersion.V3, 51, 100, 10, List.of(VIP), null));
    HmacTrailer trailer = trailer(first);
    assertThat(trailer.seconds()).isEqualTo(0x6b0e7ceeL);
    assertThat(trailer.fraction()).isEqualTo(0xc15c);
    assertThat(trailer.counter()).isZero();
    assertThat(trailer.sequence()).isEqualTo(0x6b0e7ceec15c0000L);
    assertThat(HmacTrailer.after(trailer(capture("readme-2")).sequence(), trailer.sequence()))
        .isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"readme-1", "readme-2", "v3-enforce", "v3-permissive", "v2-enforce"})
  void ourEncodingOfTheSameFieldsAtTheSameTimeIsTheSameBytes(String name) throws Exception {
    byte[] datagram = capture(name);
    VrrpAdvertisement advert = advert(datagram);
    HmacTrailer trailer = trailer(datagram);
    byte[] payload = Arrays.copyOfRange(datagram, 20, datagram.length);

    assertThat(
            VrrpCodec.encode(
                advert, ChecksumMode.PSEUDO_HEADER, SOURCE, PEER, KEY, trailer.sequence()))
        .isEqualTo(payload);

    Clock atCapture = Clock.fixed(instantOf(trailer), ZoneOffset.UTC);
    HmacSequence sequence = new HmacSequence(atCapture);
    AdvertisementSigner signer =
        new AdvertisementSigner(Map.of(51, HmacAuth.enforce(KEY)), sequence);
    assertThat(signer.encode(advert, ChecksumMode.PSEUDO_HEADER, SOURCE, PEER))
        .as("the signer reads the sequence from the clock")
        .isEqualTo(payload);
  }

  @ParameterizedTest
  @ValueSource(strings = {"v3-receive-only", "v2-receive-only"})
  void receiveOnlySendsNoTrailer(String name) throws Exception {
    byte[] datagram = capture(name);
    VrrpAdvertisement advert = advert(datagram);
    assertThat(trailer(datagram)).isNull();
    HmacAuth receiveOnly = HmacAuth.enforce(KEY).withMode(HmacAuth.Mode.RECEIVE_ONLY);
    AdvertisementSigner signer =
        new AdvertisementSigner(
            Map.of(51, receiveOnly), new HmacSequence(Clock.fixed(Instant.EPOCH, ZoneOffset.UTC)));
    assertThat(signer.encode(advert, ChecksumMode.PSEUDO_HEADER, SOURCE, PEER))
        .isEqualTo(Arrays.copyOfRange(datagram, 20, datagram.length));
  }

  @Test
  void aVersion2PassMessageIsSignedOverItsPasswordBytes() throws Exception {
    VrrpAdvertisement pass =
        new VrrpAdvertisement(VrrpVersion.V2, 51, 150, 100, List.of(VIP), "s3cr3t");
    byte[] signed =
        VrrpCodec.encode(pass, ChecksumMode.PSEUDO_HEADER, SOURCE, PEER, KEY, 0x6b0e875bad890000L);
    assertThat(signed).hasSize(20 + 28);
    HmacTrailer trailer = VrrpCodec.trailer(signed, 0, signed.length, pass);
    assertThat(VrrpCodec.hmacValid(signed, 0, 20, SOURCE, trailer, KEY)).isTrue();
    byte[] otherPassword = signed.clone();
    otherPassword[12] ^= 1;
    assertThat(VrrpCodec.hmacValid(otherPassword, 0, 20, SOURCE, trailer, KEY)).isFalse();
    byte[] unsigned = capture("v2-enforce");
    VrrpAdvertisement none = advert(unsigned);
    assertThat(none.password()).isNull();
    assertThat(
            VrrpCodec.hmacValid(
                unsigned, 20, VrrpCodec.messageLength(none), SOURCE, trailer(unsigned), KEY))
        .as("without PASS the 8 zero bytes of authentication data are signed")
        .isTrue();
  }

  @Test
  void theSourceAddressIsPartOfTheSignature() throws Exception {
    byte[] datagram = capture("readme-1");
    assertThat(
            VrrpCodec.hmacValid(
                datagram, 20, 12, VrrpCodecTest.ip("192.0.2.3"), trailer(datagram), KEY))
        .isFalse();
  }

  @Test
  void somethingElseAfterTheMessageIsMalformed() throws Exception {
    byte[] datagram = capture("readme-1");
    VrrpAdvertisement advert = advert(datagram);
    assertThatThrownBy(() -> VrrpCodec.trailer(datagram, 20, datagram.length - 21, advert))
        .isInstanceOf(MalformedPacketException.class)
        .hasMessageContaining("27 bytes after the 12-byte VRRP message");
    byte[] otherType = datagram.clone();
    otherType[32] = 2;
    assertThatThrownBy(() -> VrrpCodec.trailer(otherType, 20, otherType.length - 20, advert))
        .isInstanceOfSatisfying(
            MalformedPacketException.class,
            e -> assertThat(e.reason()).isEqualTo(DropReason.HMAC_MALFORMED));
    byte[] reserved = datagram.clone();
    reserved[35] = 1;
    assertThatThrownBy(() -> VrrpCodec.trailer(reserved, 20, reserved.length - 20, advert))
        .isInstanceOfSatisfying(
            MalformedPacketException.class,
            e -> assertThat(e.reason()).isEqualTo(DropReason.HMAC_MALFORMED));
  }

  @Test
  void theSequenceGrowsStrictlyWhateverTheClockDoes() {
    Instant start = Instant.parse("2026-12-01T07:53:18.755310059Z");
    MutableClock clock = new MutableClock(start);
    HmacSequence sequence = new HmacSequence(clock);
    long first = sequence.next();
    assertThat(first).isEqualTo(0x6b0e7ceec15c0000L);
    long same = sequence.next();
    assertThat(same).as("same timestamp: the counter counts").isEqualTo(first + 1);
    clock.now = start.minusSeconds(10);
    long back = sequence.next();
    assertThat(HmacTrailer.after(back, same)).as("the clock stepped back").isTrue();
    clock.now = start.plusMillis(100);
    long later = sequence.next();
    assertThat(later >>> 32).isEqualTo(0x6b0e7ceeL);
    assertThat((later >>> 16) & 0xffff).as("0.855310059 s in 1/65536").isEqualTo(0xdaf5);
    assertThat(later & 0xffff).isZero();
  }

  @Test
  void serialArithmeticWrapsAround() {
    assertThat(HmacTrailer.after(0x0000_0001_0000_0000L, 0xffff_ffff_0000_0000L)).isTrue();
    assertThat(HmacTrailer.after(0xffff_ffff_0000_0000L, 0x0000_0001_0000_0000L)).isFalse();
    assertThat(HmacTrailer.after(5, 5)).isFalse();
  }

  @Test
  void randomBytesAfterAMessageNeverThrowAnythingButMalformedPacket() throws Exception {
    byte[] good = capture("readme-1");
    VrrpAdvertisement advert = advert(good);
    Random random = new Random(20261201);
    for (int i = 0; i < 50_000; i++) {
      byte[] junk = Arrays.copyOf(good, 20 + random.nextInt(60));
      for (int at = 32; at < junk.length; at++) {
        junk[at] = (byte) random.nextInt(256);
      }
      try {
        HmacTrailer trailer = VrrpCodec.trailer(junk, 20, junk.length - 20, advert);
        if (trailer != null) {
          assertThat(VrrpCodec.hmacValid(junk, 20, 12, SOURCE, trailer, KEY)).isFalse();
        }
      } catch (MalformedPacketException expected) {
        assertThat(expected.reason()).isNotNull();
      }
    }
  }

  @Test
  void keysParseAsKeepalivedWritesThemAndNeverPrint() {
    assertThat(KEY.length()).isEqualTo(32);
    assertThat(KEY.secret()[31]).isEqualTo((byte) 0x1f);
    HmacKey text = HmacKey.parse(2, "correct horse battery staple 1234");
    assertThat(text.length()).isEqualTo(33);
    assertThat(text.toString()).isEqualTo("HmacKey[id=2, 33 bytes]");
    assertThat(HmacAuth.enforce(KEY).toString()).doesNotContain("0001020304");
    assertThatThrownBy(() -> HmacKey.parse(3, "hex:00zz"))
        .hasMessageContaining("key 3: after hex:");
  }

  static final class MutableClock extends Clock {
    Instant now;

    MutableClock(Instant now) {
      this.now = now;
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }
}

package io.redisha.vrrp;

import static io.redisha.vrrp.HmacCodecTest.KEY;
import static io.redisha.vrrp.HmacCodecTest.capture;
import static io.redisha.vrrp.HmacCodecTest.instantOf;
import static io.redisha.vrrp.HmacCodecTest.trailer;
import static io.redisha.vrrp.VrrpCodecTest.PEER;
import static io.redisha.vrrp.VrrpCodecTest.SOURCE;
import static io.redisha.vrrp.VrrpCodecTest.VIP;
import static io.redisha.vrrp.VrrpCodecTest.ip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.redisha.vrrp.AdvertisementFilter.Accepted;
import io.redisha.vrrp.AdvertisementFilter.Dropped;
import io.redisha.vrrp.AdvertisementFilter.RouterRule;
import io.redisha.vrrp.AdvertisementFilter.Verdict;
import io.redisha.vrrp.HmacAuth.AntiReplay;
import io.redisha.vrrp.HmacAuth.Mode;
import io.redisha.vrrp.HmacCodecTest.MutableClock;
import java.net.Inet4Address;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Safety rule S8 with auth_hmac, seen from 192.0.2.2 whose peer 192.0.2.1 is keepalived 2.4.3:
 * every refused advert is counted by its own reason.
 */
class HmacFilterTest {
  static final HmacKey OTHER_KEY =
      HmacKey.parse(1, "hex:" + "11".repeat(32)); // same id as KEY, other bytes
  static final HmacKey KEY_2 = HmacKey.parse(2, "hex:" + "20".repeat(40));

  final DropCounters counters = new DropCounters();
  HmacReplayGuard replay = new HmacReplayGuard();
  final MutableClock clock = new MutableClock(Instant.EPOCH);

  AdvertisementFilter filter(VrrpVersion version, int intervalCentis, HmacAuth hmac) {
    return new AdvertisementFilter(
        SOURCE,
        255,
        version,
        ChecksumMode.PSEUDO_HEADER,
        Map.of(51, new RouterRule(intervalCentis, null, List.of(VIP), hmac)),
        counters,
        clock,
        replay);
  }

  AdvertisementFilter v3(HmacAuth hmac) {
    return filter(VrrpVersion.V3, 10, hmac);
  }

  static HmacAuth auth(Mode mode, AntiReplay antiReplay, HmacKey... keys) {
    return new HmacAuth(List.of(keys), keys[0].id(), antiReplay, HmacAuth.DEFAULT_WINDOW, mode);
  }

  void clockAtCaptureOf(String name) throws MalformedPacketException {
    clock.now = instantOf(trailer(capture(name))).plusMillis(3);
  }

  @Test
  void acceptsKeepalivedsSignedAdvertsInEveryMode() throws Exception {
    for (Mode mode : Mode.values()) {
      for (String name : List.of("readme-1", "v3-enforce", "v3-permissive")) {
        clockAtCaptureOf(name);
        byte[] datagram = capture(name);
        assertThat(v3(auth(mode, AntiReplay.TIME, KEY)).check(datagram, datagram.length))
            .as(name + " in " + mode.label())
            .isInstanceOf(Accepted.class);
      }
      replay = new HmacReplayGuard(); // the next mode's receiver has heard nothing yet
    }
    clockAtCaptureOf("v2-enforce");
    byte[] v2 = capture("v2-enforce");
    assertThat(filter(VrrpVersion.V2, 100, auth(Mode.ENFORCE, AntiReplay.TIME, KEY)).check(v2, 68))
        .isEqualTo(
            new Accepted(
                new VrrpAdvertisement(VrrpVersion.V2, 51, 150, 100, List.of(VIP), null), SOURCE));
    assertThat(counters.total()).isZero();
    assertThat(counters.unsignedAccepted()).isZero();
  }

  @Test
  void tamperingWithAnySignedByteIsRefusedEvenWithTheChecksumFixed() throws Exception {
    clockAtCaptureOf("readme-1");
    byte[] good = capture("readme-1");
    Map<DropReason, Integer> reasons = new HashMap<>();
    for (int at = 20; at < good.length; at++) {
      if (at == 26 || at == 27) {
        continue; // the checksum field, which is not signed but checked
      }
      for (int bit = 0; bit < 8; bit++) {
        byte[] tampered = good.clone();
        tampered[at] ^= (byte) (1 << bit);
        fixChecksum(tampered);
        HmacReplayGuard fresh = new HmacReplayGuard();
        Verdict verdict =
            new AdvertisementFilter(
                    SOURCE,
                    255,
                    VrrpVersion.V3,
                    ChecksumMode.PSEUDO_HEADER,
                    Map.of(
                        51,
                        new RouterRule(
                            10, null, List.of(VIP), auth(Mode.ENFORCE, AntiReplay.TIME, KEY))),
                    counters,
                    clock,
                    fresh)
                .check(tampered, tampered.length);
        assertThat(verdict).as("byte %d bit %d", at, bit).isInstanceOf(Dropped.class);
        reasons.merge(((Dropped) verdict).reason(), 1, Integer::sum);
      }
    }
    // priority, interval, address, sequence and HMAC bytes: only the signature tells
    assertThat(reasons.get(DropReason.HMAC_BAD_SIGNATURE)).isEqualTo(8 * (1 + 2 + 4 + 8 + 16));
    assertThat(reasons).containsKeys(DropReason.HMAC_UNKNOWN_KEY, DropReason.HMAC_MALFORMED);
  }

  @Test
  void aWrongKeyAnUnknownKeyIdAndAnotherKeyWithTheSameIdAreRefused() throws Exception {
    clockAtCaptureOf("readme-1");
    byte[] datagram = capture("readme-1");
    assertDropped(
        v3(auth(Mode.ENFORCE, AntiReplay.TIME, OTHER_KEY)),
        datagram,
        DropReason.HMAC_BAD_SIGNATURE);
    assertDropped(
        v3(auth(Mode.ENFORCE, AntiReplay.TIME, KEY_2)), datagram, DropReason.HMAC_UNKNOWN_KEY);
    byte[] claimsKey2 = datagram.clone();
    claimsKey2[33] = 2;
    assertDropped(
        v3(auth(Mode.ENFORCE, AntiReplay.TIME, KEY, KEY_2)),
        claimsKey2,
        DropReason.HMAC_BAD_SIGNATURE);
    assertThat(counters.get(DropReason.HMAC_BAD_SIGNATURE)).isEqualTo(2);
    assertThat(counters.get(DropReason.HMAC_UNKNOWN_KEY)).isEqualTo(1);
  }

  @Test
  void anyKeyTheGroupHoldsVerifiesSoARotationNeedsNoFlag() throws Exception {
    clockAtCaptureOf("readme-1");
    byte[] signedWith1 = capture("readme-1");
    HmacAuth bothActive2 =
        new HmacAuth(
            List.of(KEY, KEY_2), 2, AntiReplay.TIME, HmacAuth.DEFAULT_WINDOW, Mode.ENFORCE);
    assertThat(v3(bothActive2).check(signedWith1, signedWith1.length)).isInstanceOf(Accepted.class);
    long sequence = trailer(signedWith1).sequence() + 1;
    byte[] signedWith2 =
        datagram(
            SOURCE,
            VrrpCodec.encode(
                HmacCodecTest.advert(signedWith1),
                ChecksumMode.PSEUDO_HEADER,
                SOURCE,
                PEER,
                KEY_2,
                sequence));
    assertThat(v3(bothActive2).check(signedWith2, signedWith2.length)).isInstanceOf(Accepted.class);
    assertThat(counters.total()).isZero();
  }

  @Test
  void aReplayedAdvertIsRefusedAndAReloadedFilterRemembers() throws Exception {
    byte[] first = capture("readme-1");
    byte[] second = capture("readme-2");
    clockAtCaptureOf("readme-2");
    HmacAuth hmac = auth(Mode.ENFORCE, AntiReplay.TIME, KEY);
    AdvertisementFilter filter = v3(hmac);
    assertThat(filter.check(first, first.length)).isInstanceOf(Accepted.class);
    assertThat(filter.check(second, second.length)).isInstanceOf(Accepted.class);
    assertDropped(filter, first, DropReason.HMAC_REPLAYED);
    AdvertisementFilter reloaded = v3(hmac.withActiveKey(1));
    assertDropped(reloaded, second, DropReason.HMAC_REPLAYED);
    assertThat(counters.get(DropReason.HMAC_REPLAYED)).isEqualTo(2);
    assertThat(replay.last(51, SOURCE)).isEqualTo(trailer(second).sequence());
  }

  @Test
  void anAdvertRefusedForAnotherReasonDoesNotMoveTheSequence() throws Exception {
    byte[] first = capture("readme-1");
    clockAtCaptureOf("readme-1");
    AdvertisementFilter otherVip =
        new AdvertisementFilter(
            SOURCE,
            255,
            VrrpVersion.V3,
            ChecksumMode.PSEUDO_HEADER,
            Map.of(
                51,
                new RouterRule(
                    10,
                    null,
                    List.of(ip("192.0.2.101")),
                    auth(Mode.ENFORCE, AntiReplay.TIME, KEY))),
            counters,
            clock,
            replay);
    assertDropped(otherVip, first, DropReason.ADDRESS_MISMATCH);
    assertThat(replay.last(51, SOURCE)).isNull();
  }

  @Test
  void timeAntiReplayRefusesATimestampOutsideTheWindowEitherWay() throws Exception {
    byte[] datagram = capture("readme-1");
    Instant sent = instantOf(trailer(datagram));
    HmacAuth time = auth(Mode.ENFORCE, AntiReplay.TIME, KEY);
    assertThat(time.windowSeconds(10)).isEqualTo(5);

    clock.now = sent.plusSeconds(6);
    assertDropped(v3(time), datagram, DropReason.HMAC_STALE);
    clock.now = sent.minusSeconds(6);
    assertDropped(v3(time), datagram, DropReason.HMAC_STALE);
    clock.now = sent.plusSeconds(5);
    assertThat(v3(time).check(datagram, datagram.length)).isInstanceOf(Accepted.class);
    assertThat(counters.get(DropReason.HMAC_STALE)).isEqualTo(2);
  }

  @Test
  void aConfiguredWindowAndTheDefaultsKeepalivedUses() throws Exception {
    byte[] datagram = capture("readme-1");
    Instant sent = instantOf(trailer(datagram));
    HmacAuth twoSeconds = new HmacAuth(List.of(KEY), 1, AntiReplay.TIME, 2, Mode.ENFORCE);
    clock.now = sent.plusSeconds(3);
    assertDropped(v3(twoSeconds), datagram, DropReason.HMAC_STALE);
    HmacAuth defaults = auth(Mode.ENFORCE, AntiReplay.TIME, KEY);
    assertThat(defaults.windowSeconds(100)).isEqualTo(5);
    assertThat(defaults.windowSeconds(300)).isEqualTo(9);
    assertThat(defaults.windowSeconds(250)).isEqualTo(8);
    assertThat(defaults.windowSeconds(12000)).isEqualTo(300);
  }

  @Test
  void monotonicAntiReplayIgnoresTheClockButNotTheSequence() throws Exception {
    byte[] first = capture("readme-1");
    byte[] second = capture("readme-2");
    clock.now = instantOf(trailer(first)).plus(Duration.ofDays(400));
    AdvertisementFilter filter = v3(auth(Mode.ENFORCE, AntiReplay.MONOTONIC, KEY));
    assertThat(filter.check(second, second.length)).isInstanceOf(Accepted.class);
    assertDropped(filter, first, DropReason.HMAC_REPLAYED);
    assertDropped(filter, second, DropReason.HMAC_REPLAYED);
  }

  @Test
  void enforceRefusesUnsignedAdvertsTheLenientModesCountThem() throws Exception {
    byte[] unsigned = capture("v3-receive-only");
    clockAtCaptureOf("v3-enforce");
    assertDropped(v3(auth(Mode.ENFORCE, AntiReplay.TIME, KEY)), unsigned, DropReason.HMAC_MISSING);
    for (Mode lenient : List.of(Mode.PERMISSIVE, Mode.RECEIVE_ONLY)) {
      assertThat(v3(auth(lenient, AntiReplay.TIME, KEY)).check(unsigned, unsigned.length))
          .as(lenient.label())
          .isInstanceOf(Accepted.class);
    }
    assertThat(counters.unsignedAccepted()).isEqualTo(2);
    byte[] v2Unsigned = capture("v2-receive-only");
    assertDropped(
        filter(VrrpVersion.V2, 100, auth(Mode.ENFORCE, AntiReplay.TIME, KEY)),
        v2Unsigned,
        DropReason.HMAC_MISSING);
  }

  @Test
  void theLenientModesStillRefuseABadSignatureAsKeepalivedDoes() throws Exception {
    clockAtCaptureOf("readme-1");
    byte[] datagram = capture("readme-1");
    for (Mode lenient : List.of(Mode.PERMISSIVE, Mode.RECEIVE_ONLY)) {
      assertDropped(
          v3(auth(lenient, AntiReplay.TIME, OTHER_KEY)), datagram, DropReason.HMAC_BAD_SIGNATURE);
      assertDropped(
          v3(auth(lenient, AntiReplay.TIME, KEY_2)), datagram, DropReason.HMAC_UNKNOWN_KEY);
    }
    clock.now = clock.now.plusSeconds(60);
    assertDropped(v3(auth(Mode.PERMISSIVE, AntiReplay.TIME, KEY)), datagram, DropReason.HMAC_STALE);
  }

  @Test
  void aSignedAdvertForAGroupWithoutHmacIsRefused() throws Exception {
    byte[] datagram = capture("readme-1");
    AdvertisementFilter none = v3(null);
    assertDropped(none, datagram, DropReason.HMAC_UNEXPECTED);
  }

  @Test
  void aPassGroupAndAnHmacGroupSitSideBySide() throws Exception {
    clockAtCaptureOf("v2-enforce");
    Map<Integer, RouterRule> rules = new HashMap<>();
    rules.put(
        51, new RouterRule(100, null, List.of(VIP), auth(Mode.ENFORCE, AntiReplay.TIME, KEY)));
    rules.put(52, new RouterRule(100, "s3cr3t", List.of(ip("192.0.2.101"))));
    AdvertisementFilter filter =
        new AdvertisementFilter(
            SOURCE,
            255,
            VrrpVersion.V2,
            ChecksumMode.PSEUDO_HEADER,
            rules,
            counters,
            clock,
            replay);
    byte[] hmacGroup = capture("v2-enforce");
    assertThat(filter.check(hmacGroup, hmacGroup.length)).isInstanceOf(Accepted.class);
    VrrpAdvertisement pass =
        new VrrpAdvertisement(VrrpVersion.V2, 52, 150, 100, List.of(ip("192.0.2.101")), "s3cr3t");
    byte[] passGroup =
        datagram(SOURCE, VrrpCodec.encode(pass, ChecksumMode.PSEUDO_HEADER, SOURCE, PEER));
    assertThat(filter.check(passGroup, passGroup.length)).isInstanceOf(Accepted.class);

    // PASS on the HMAC group (keepalived: "received a 1 auth, expecting 0"), unsigned on it, and
    // a trailer on the PASS group
    VrrpAdvertisement passOn51 =
        new VrrpAdvertisement(VrrpVersion.V2, 51, 150, 100, List.of(VIP), "s3cr3t");
    assertDropped(
        filter,
        datagram(
            SOURCE,
            VrrpCodec.encode(
                passOn51, ChecksumMode.PSEUDO_HEADER, SOURCE, PEER, KEY, Long.MAX_VALUE / 2)),
        DropReason.AUTH_MISMATCH);
    VrrpAdvertisement noneOn51 =
        new VrrpAdvertisement(VrrpVersion.V2, 51, 150, 100, List.of(VIP), null);
    assertDropped(
        filter,
        datagram(SOURCE, VrrpCodec.encode(noneOn51, ChecksumMode.PSEUDO_HEADER, SOURCE, PEER)),
        DropReason.HMAC_MISSING);
    assertDropped(
        filter,
        datagram(
            SOURCE,
            VrrpCodec.encode(
                pass,
                ChecksumMode.PSEUDO_HEADER,
                SOURCE,
                PEER,
                KEY,
                trailer(hmacGroup).sequence())),
        DropReason.HMAC_UNEXPECTED);
  }

  @Test
  void aSpoofedPeerSourceWithoutTheKeyIsRefusedAndAnotherSourceFirst() throws Exception {
    clockAtCaptureOf("readme-1");
    HmacAuth hmac = auth(Mode.ENFORCE, AntiReplay.TIME, KEY);
    VrrpAdvertisement takeover =
        new VrrpAdvertisement(VrrpVersion.V3, 51, 255, 10, List.of(VIP), null);
    long now = HmacTrailer.sequenceAt(clock.now);
    byte[] forged =
        datagram(
            SOURCE,
            VrrpCodec.encode(takeover, ChecksumMode.PSEUDO_HEADER, SOURCE, PEER, OTHER_KEY, now));
    assertDropped(v3(hmac), forged, DropReason.HMAC_BAD_SIGNATURE);
    Inet4Address intruder = ip("192.0.2.3");
    byte[] ownAddress =
        datagram(
            intruder,
            VrrpCodec.encode(takeover, ChecksumMode.PSEUDO_HEADER, intruder, PEER, KEY, now));
    assertDropped(v3(hmac), ownAddress, DropReason.WRONG_SOURCE);
  }

  @Test
  void aFilterWithHmacRoutersNeedsAClockAndARouterOneAuthentication() {
    assertThatThrownBy(
            () ->
                new AdvertisementFilter(
                    SOURCE,
                    255,
                    VrrpVersion.V3,
                    ChecksumMode.PSEUDO_HEADER,
                    Map.of(
                        51,
                        new RouterRule(
                            10, null, List.of(VIP), auth(Mode.ENFORCE, AntiReplay.TIME, KEY))),
                    counters))
        .hasMessageContaining("needs a clock");
    assertThatThrownBy(
            () ->
                new RouterRule(
                    100, "s3cr3t", List.of(VIP), auth(Mode.ENFORCE, AntiReplay.TIME, KEY)))
        .hasMessageContaining("not both");
  }

  void assertDropped(AdvertisementFilter filter, byte[] datagram, DropReason reason) {
    Verdict verdict = filter.check(datagram, datagram.length);
    assertThat(verdict).isInstanceOf(Dropped.class);
    assertThat(((Dropped) verdict).reason()).as(((Dropped) verdict).detail()).isEqualTo(reason);
  }

  /** An IPv4 datagram from {@code source} to us around {@code payload}. */
  static byte[] datagram(Inet4Address source, byte[] payload) {
    byte[] datagram = new byte[20 + payload.length];
    datagram[0] = 0x45;
    datagram[2] = (byte) (datagram.length >> 8);
    datagram[3] = (byte) datagram.length;
    datagram[8] = (byte) 255;
    datagram[9] = 112;
    System.arraycopy(source.getAddress(), 0, datagram, 12, 4);
    System.arraycopy(PEER.getAddress(), 0, datagram, 16, 4);
    System.arraycopy(payload, 0, datagram, 20, payload.length);
    return datagram;
  }

  /** Recomputes the VRRPv3 pseudo-header checksum of a one-address message at offset 20. */
  static void fixChecksum(byte[] datagram) {
    byte[] message = Arrays.copyOfRange(datagram, 20, 32);
    message[6] = 0;
    message[7] = 0;
    int version = (message[0] >> 4) & 0x0f;
    int sum =
        VrrpCodec.checksum(
            message,
            message.length,
            version == 2 ? VrrpVersion.V2 : VrrpVersion.V3,
            ChecksumMode.PSEUDO_HEADER,
            SOURCE,
            PEER);
    datagram[26] = (byte) (sum >> 8);
    datagram[27] = (byte) sum;
  }

  static List<String> labels() {
    List<String> labels = new ArrayList<>();
    for (DropReason reason : DropReason.values()) {
      labels.add(reason.label());
    }
    return labels;
  }

  @Test
  void everyHmacReasonHasItsOwnMetricLabel() {
    assertThat(labels())
        .contains(
            "hmac_missing",
            "hmac_bad_signature",
            "hmac_unknown_key",
            "hmac_replayed",
            "hmac_stale",
            "hmac_malformed",
            "hmac_unexpected");
  }
}

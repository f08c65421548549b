package io.redisha.vrrp;

import static io.redisha.vrrp.VrrpCodecTest.PEER;
import static io.redisha.vrrp.VrrpCodecTest.SOURCE;
import static io.redisha.vrrp.VrrpCodecTest.VIP;
import static io.redisha.vrrp.VrrpCodecTest.ip;
import static org.assertj.core.api.Assertions.assertThat;

import io.redisha.vrrp.AdvertisementFilter.Accepted;
import io.redisha.vrrp.AdvertisementFilter.Dropped;
import io.redisha.vrrp.AdvertisementFilter.RouterRule;
import io.redisha.vrrp.AdvertisementFilter.Verdict;
import java.net.Inet4Address;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Safety rule S8, seen from the host 192.0.2.2 whose peer is 192.0.2.1 (keepalived). */
class AdvertisementFilterTest {
  final DropCounters counters = new DropCounters();

  AdvertisementFilter v2Filter() {
    return new AdvertisementFilter(
        SOURCE,
        255,
        VrrpVersion.V2,
        ChecksumMode.PSEUDO_HEADER,
        Map.of(51, new RouterRule(100, "s3cr3t", List.of(VIP))),
        counters);
  }

  AdvertisementFilter v3Filter(ChecksumMode mode, int minTtl) {
    return new AdvertisementFilter(
        SOURCE,
        minTtl,
        VrrpVersion.V3,
        mode,
        Map.of(51, new RouterRule(10, null, List.of(VIP))),
        counters);
  }

  @Test
  void acceptsKeepalivedAdvertsFromThePeer() {
    byte[] v2 = KeepalivedCaptures.golden().get("v2-pass");
    assertThat(v2Filter().check(v2, v2.length))
        .isEqualTo(
            new Accepted(
                new VrrpAdvertisement(VrrpVersion.V2, 51, 150, 100, List.of(VIP), "s3cr3t"),
                SOURCE));
    byte[] v3 = KeepalivedCaptures.golden().get("v3-pseudo-header");
    assertThat(v3Filter(ChecksumMode.PSEUDO_HEADER, 255).check(v3, v3.length))
        .isInstanceOf(Accepted.class);
    assertThat(counters.total()).isZero();
  }

  @Test
  void dropsAndCountsEveryKindOfBadPacket() {
    AdvertisementFilter v2 = v2Filter();
    assertDropped(
        v2,
        datagram(SOURCE, 255, v2Advert(51, "wrong"), ChecksumMode.PSEUDO_HEADER),
        DropReason.AUTH_MISMATCH);
    assertDropped(
        v2,
        datagram(SOURCE, 255, v2Advert(51, null), ChecksumMode.PSEUDO_HEADER),
        DropReason.AUTH_MISMATCH);
    assertDropped(
        v2,
        datagram(SOURCE, 255, v2Advert(52, "s3cr3t"), ChecksumMode.PSEUDO_HEADER),
        DropReason.UNKNOWN_ROUTER_ID);
    assertDropped(
        v2,
        datagram(ip("192.0.2.3"), 255, v2Advert(51, "s3cr3t"), ChecksumMode.PSEUDO_HEADER),
        DropReason.WRONG_SOURCE);
    assertDropped(
        v2,
        datagram(SOURCE, 64, v2Advert(51, "s3cr3t"), ChecksumMode.PSEUDO_HEADER),
        DropReason.LOW_TTL);
    VrrpAdvertisement slow =
        new VrrpAdvertisement(VrrpVersion.V2, 51, 150, 300, List.of(VIP), "s3cr3t");
    assertDropped(
        v2, datagram(SOURCE, 255, slow, ChecksumMode.PSEUDO_HEADER), DropReason.INTERVAL_MISMATCH);
    VrrpAdvertisement otherVip =
        new VrrpAdvertisement(VrrpVersion.V2, 51, 150, 100, List.of(ip("192.0.2.101")), "s3cr3t");
    assertDropped(
        v2,
        datagram(SOURCE, 255, otherVip, ChecksumMode.PSEUDO_HEADER),
        DropReason.ADDRESS_MISMATCH);
    VrrpAdvertisement v3 = new VrrpAdvertisement(VrrpVersion.V3, 51, 150, 10, List.of(VIP), null);
    assertDropped(
        v2, datagram(SOURCE, 255, v3, ChecksumMode.PSEUDO_HEADER), DropReason.WRONG_VERSION);
    byte[] corrupt = datagram(SOURCE, 255, v2Advert(51, "s3cr3t"), ChecksumMode.PSEUDO_HEADER);
    corrupt[corrupt.length - 1] ^= 1;
    assertDropped(v2, corrupt, DropReason.BAD_CHECKSUM);
    byte[] udp = datagram(SOURCE, 255, v2Advert(51, "s3cr3t"), ChecksumMode.PSEUDO_HEADER);
    udp[9] = 17;
    assertDropped(v2, udp, DropReason.NOT_VRRP);

    AdvertisementFilter rfc9568 = v3Filter(ChecksumMode.MESSAGE_ONLY, 255);
    byte[] keepalivedV3 = KeepalivedCaptures.golden().get("v3-pseudo-header");
    assertDropped(rfc9568, keepalivedV3, DropReason.BAD_CHECKSUM);

    assertThat(counters.get(DropReason.AUTH_MISMATCH)).isEqualTo(2);
    assertThat(counters.get(DropReason.BAD_CHECKSUM)).isEqualTo(2);
    assertThat(counters.total()).isEqualTo(11);
  }

  @Test
  void aConfigurableMinimumTtlAdmitsAPeerBehindARouter() {
    VrrpAdvertisement v3 = new VrrpAdvertisement(VrrpVersion.V3, 51, 150, 10, List.of(VIP), null);
    byte[] routed = datagram(SOURCE, 254, v3, ChecksumMode.PSEUDO_HEADER);
    assertDropped(v3Filter(ChecksumMode.PSEUDO_HEADER, 255), routed, DropReason.LOW_TTL);
    assertThat(v3Filter(ChecksumMode.PSEUDO_HEADER, 250).check(routed, routed.length))
        .isInstanceOf(Accepted.class);
  }

  @Test
  void randomAndTruncatedDatagramsAreDroppedNeverThrown() {
    AdvertisementFilter filter = v2Filter();
    byte[] good = KeepalivedCaptures.golden().get("v2-pass");
    for (int cut = 0; cut < good.length; cut++) {
      assertThat(filter.check(Arrays.copyOf(good, cut), cut)).isInstanceOf(Dropped.class);
    }
    Random random = new Random(7);
    for (int i = 0; i < 100_000; i++) {
      byte[] junk = Arrays.copyOf(good, random.nextInt(good.length + 8));
      for (int flips = random.nextInt(4); flips >= 0; flips--) {
        if (junk.length > 0) {
          junk[random.nextInt(junk.length)] = (byte) random.nextInt(256);
        }
      }
      Verdict verdict = filter.check(junk, junk.length);
      assertThat(verdict).isNotNull();
    }
    assertThat(counters.get(DropReason.MALFORMED)).isPositive();
  }

  private void assertDropped(AdvertisementFilter filter, byte[] datagram, DropReason reason) {
    Verdict verdict = filter.check(datagram, datagram.length);
    assertThat(verdict).isInstanceOf(Dropped.class);
    assertThat(((Dropped) verdict).reason()).as(((Dropped) verdict).detail()).isEqualTo(reason);
  }

  static VrrpAdvertisement v2Advert(int vrid, String password) {
    return new VrrpAdvertisement(VrrpVersion.V2, vrid, 150, 100, List.of(VIP), password);
  }

  /** An IPv4 datagram as the raw socket delivers it, from {@code source} to us. */
  static byte[] datagram(
      Inet4Address source, int ttl, VrrpAdvertisement advert, ChecksumMode mode) {
    byte[] message = VrrpCodec.encode(advert, mode, source, PEER);
    byte[] datagram = new byte[20 + message.length];
    datagram[0] = 0x45;
    datagram[2] = (byte) (datagram.length >> 8);
    datagram[3] = (byte) datagram.length;
    datagram[8] = (byte) ttl;
    datagram[9] = 112;
    System.arraycopy(source.getAddress(), 0, datagram, 12, 4);
    System.arraycopy(PEER.getAddress(), 0, datagram, 16, 4);
    System.arraycopy(message, 0, datagram, 20, message.length);
    return datagram;
  }
}

package io.redisha.vrrp;

import java.net.Inet4Address;
import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Safety rule S8: decides whether a received IPv4 datagram is an advertisement from our peer for
 * one of our virtual routers. Every refusal is counted per reason. Immutable apart from the shared
 * counters and auth_hmac replay memory, so a reload builds a new filter around the same ones.
 */
public final class AdvertisementFilter {

  /**
   * What the filter expects of one virtual router's advertisements. Each router has its own
   * authentication, so PASS, auth_hmac and unauthenticated groups can share one pair.
   *
   * @param intervalCentis the advert interval (checked for VRRPv2; sizes the auth_hmac window)
   * @param password VRRPv2 PASS password, or null
   * @param addresses the virtual addresses the adverts must carry
   * @param hmac auth_hmac settings, or null for none; never together with a password (keepalived
   *     2.4.3 drops the PASS password of an instance that has auth_hmac)
   */
  public record RouterRule(
      int intervalCentis, String password, List<Inet4Address> addresses, HmacAuth hmac) {
    public RouterRule {
      addresses = List.copyOf(addresses);
      if (password != null && hmac != null) {
        throw new IllegalArgumentException(
            "a router has either a PASS password or auth_hmac, not both");
      }
    }

    /** A router without auth_hmac. */
    public RouterRule(int intervalCentis, String password, List<Inet4Address> addresses) {
      this(intervalCentis, password, addresses, null);
    }
  }

  /** The outcome for one datagram. */
  public sealed interface Verdict {}

  /** An advertisement to hand to the virtual router it names. */
  public record Accepted(VrrpAdvertisement advertisement, Inet4Address source) implements Verdict {}

  /** A refused datagram. */
  public record Dropped(DropReason reason, String detail) implements Verdict {}

  private final Inet4Address peer;
  private final int minTtl;
  private final VrrpVersion version;
  private final ChecksumMode checksumMode;
  private final Map<Integer, RouterRule> routers;
  private final DropCounters counters;
  private final Clock clock;
  private final HmacReplayGuard replayGuard;

  /** A filter whose routers have no auth_hmac. */
  public AdvertisementFilter(
      Inet4Address peer,
      int minTtl,
      VrrpVersion version,
      ChecksumMode checksumMode,
      Map<Integer, RouterRule> routers,
      DropCounters counters) {
    this(peer, minTtl, version, checksumMode, routers, counters, null, new HmacReplayGuard());
  }

  /**
   * A filter whose routers may have auth_hmac.
   *
   * @param clock wall time for the auth_hmac time window; may be null only when no router uses
   *     auth_hmac
   * @param replayGuard the last sequence numbers accepted; pass the same one to the filter that
   *     replaces this one
   */
  public AdvertisementFilter(
      Inet4Address peer,
      int minTtl,
      VrrpVersion version,
      ChecksumMode checksumMode,
      Map<Integer, RouterRule> routers,
      DropCounters counters,
      Clock clock,
      HmacReplayGuard replayGuard) {
    this.peer = Objects.requireNonNull(peer, "peer");
    if (minTtl < 1 || minTtl > 255) {
      throw new IllegalArgumentException("minTtl must be 1-255, not " + minTtl);
    }
    this.minTtl = minTtl;
    this.version = Objects.requireNonNull(version, "version");
    this.checksumMode = Objects.requireNonNull(checksumMode, "checksumMode");
    this.routers = Map.copyOf(routers);
    this.counters = Objects.requireNonNull(counters, "counters");
    this.replayGuard = Objects.requireNonNull(replayGuard, "replayGuard");
    if (clock == null && this.routers.values().stream().anyMatch(rule -> rule.hmac() != null)) {
      throw new IllegalArgumentException("a filter with auth_hmac routers needs a clock");
    }
    this.clock = clock;
  }

  public DropCounters counters() {
    return counters;
  }

  /** Checks one datagram as received on the raw socket, IPv4 header included. */
  public Verdict check(byte[] datagram, int length) {
    Verdict verdict = evaluate(datagram, length);
    if (verdict instanceof Dropped dropped) {
      counters.increment(dropped.reason());
    }
    return verdict;
  }

  private Verdict evaluate(byte[] datagram, int length) {
    Ipv4Header ip;
    try {
      ip = Ipv4Header.parse(datagram, length);
    } catch (MalformedPacketException e) {
      return new Dropped(e.reason(), e.getMessage());
    }
    if (ip.protocol() != Ipv4Header.VRRP_PROTOCOL) {
      return new Dropped(DropReason.NOT_VRRP, "IP protocol " + ip.protocol());
    }
    if (!ip.source().equals(peer)) {
      return new Dropped(
          DropReason.WRONG_SOURCE,
          "from " + ip.source().getHostAddress() + ", peer is " + peer.getHostAddress());
    }
    if (ip.ttl() < minTtl) {
      return new Dropped(DropReason.LOW_TTL, "TTL " + ip.ttl() + " below " + minTtl);
    }
    int offset = ip.headerLength();
    int messageLength = length - offset;
    VrrpAdvertisement advert;
    try {
      advert = VrrpCodec.decode(datagram, offset, messageLength);
    } catch (MalformedPacketException e) {
      return new Dropped(e.reason(), e.getMessage());
    }
    if (advert.version() != version) {
      return new Dropped(
          DropReason.WRONG_VERSION,
          "VRRPv" + advert.version().number() + ", expected VRRPv" + version.number());
    }
    int vrrpLength = VrrpCodec.messageLength(advert);
    HmacTrailer trailer;
    try {
      trailer = VrrpCodec.trailer(datagram, offset, messageLength, advert);
    } catch (MalformedPacketException e) {
      return new Dropped(e.reason(), e.getMessage());
    }
    if (!VrrpCodec.checksumValid(
        datagram, offset, vrrpLength, checksumMode, ip.source(), ip.destination())) {
      return new Dropped(DropReason.BAD_CHECKSUM, "checksum does not verify as " + checksumMode);
    }
    RouterRule rule = routers.get(advert.virtualRouterId());
    if (rule == null) {
      return new Dropped(
          DropReason.UNKNOWN_ROUTER_ID, "virtual router id " + advert.virtualRouterId());
    }
    if (rule.hmac() == null) {
      if (trailer != null) {
        return new Dropped(
            DropReason.HMAC_UNEXPECTED,
            "signed with key id " + trailer.keyId() + ", but this group has no auth_hmac");
      }
      if (version == VrrpVersion.V2 && !Objects.equals(rule.password(), advert.password())) {
        return new Dropped(
            DropReason.AUTH_MISMATCH,
            advert.password() == null ? "no authentication" : "wrong password");
      }
    } else {
      if (advert.password() != null) {
        return new Dropped(
            DropReason.AUTH_MISMATCH, "PASS authentication, but this group uses auth_hmac");
      }
      if (trailer == null) {
        if (rule.hmac().requiresSignature()) {
          return new Dropped(DropReason.HMAC_MISSING, "no auth_hmac trailer");
        }
      } else {
        Dropped refused = checkTrailer(rule, advert, trailer, datagram, offset, vrrpLength, ip);
        if (refused != null) {
          return refused;
        }
      }
    }
    if (version == VrrpVersion.V2 && advert.intervalCentis() != rule.intervalCentis()) {
      return new Dropped(
          DropReason.INTERVAL_MISMATCH,
          "interval " + advert.intervalCentis() / 100 + " s, ours " + rule.intervalCentis() / 100);
    }
    if (!new HashSet<>(advert.addresses()).equals(new HashSet<>(rule.addresses()))) {
      return new Dropped(DropReason.ADDRESS_MISMATCH, "addresses " + advert.addresses());
    }
    if (trailer != null) {
      replayGuard.accept(advert.virtualRouterId(), ip.source(), trailer.sequence());
    } else if (rule.hmac() != null) {
      counters.incrementUnsignedAccepted();
    }
    return new Accepted(advert, ip.source());
  }

  /** Null when the trailer verifies and is fresh, else why not. */
  private Dropped checkTrailer(
      RouterRule rule,
      VrrpAdvertisement advert,
      HmacTrailer trailer,
      byte[] datagram,
      int offset,
      int vrrpLength,
      Ipv4Header ip) {
    HmacKey key = rule.hmac().key(trailer.keyId());
    if (key == null) {
      return new Dropped(
          DropReason.HMAC_UNKNOWN_KEY,
          "key id "
              + trailer.keyId()
              + ", ours "
              + rule.hmac().keys().stream().map(HmacKey::id).toList());
    }
    if (!VrrpCodec.hmacValid(datagram, offset, vrrpLength, ip.source(), trailer, key)) {
      return new Dropped(
          DropReason.HMAC_BAD_SIGNATURE, "HMAC does not verify with key id " + key.id());
    }
    if (rule.hmac().antiReplay() == HmacAuth.AntiReplay.TIME) {
      long nowSeconds = clock.instant().getEpochSecond() & 0xffff_ffffL;
      long skew = (int) (nowSeconds - trailer.seconds());
      int window = rule.hmac().windowSeconds(rule.intervalCentis());
      if (Math.abs(skew) > window) {
        return new Dropped(
            DropReason.HMAC_STALE,
            "timestamp "
                + (skew > 0 ? skew + " s behind" : -skew + " s ahead of")
                + " our clock, window "
                + window
                + " s");
      }
    }
    if (!replayGuard.fresh(advert.virtualRouterId(), ip.source(), trailer.sequence())) {
      return new Dropped(
          DropReason.HMAC_REPLAYED,
          "sequence "
              + Long.toHexString(trailer.sequence())
              + " not after the last accepted "
              + Long.toHexString(replayGuard.last(advert.virtualRouterId(), ip.source())));
    }
    return null;
  }
}

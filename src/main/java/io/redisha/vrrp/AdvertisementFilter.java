package io.redisha.vrrp;

import java.net.Inet4Address;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Safety rule S8: decides whether a received IPv4 datagram is an advertisement from our peer for
 * one of our virtual routers. Every refusal is counted per reason. Immutable apart from the shared
 * counters, so a reload builds a new filter around the same counters.
 */
public final class AdvertisementFilter {

  /** What the filter expects of one virtual router's advertisements. */
  public record RouterRule(int intervalCentis, String password, List<Inet4Address> addresses) {
    public RouterRule {
      addresses = List.copyOf(addresses);
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

  public AdvertisementFilter(
      Inet4Address peer,
      int minTtl,
      VrrpVersion version,
      ChecksumMode checksumMode,
      Map<Integer, RouterRule> routers,
      DropCounters counters) {
    this.peer = Objects.requireNonNull(peer, "peer");
    if (minTtl < 1 || minTtl > 255) {
      throw new IllegalArgumentException("minTtl must be 1-255, not " + minTtl);
    }
    this.minTtl = minTtl;
    this.version = Objects.requireNonNull(version, "version");
    this.checksumMode = Objects.requireNonNull(checksumMode, "checksumMode");
    this.routers = Map.copyOf(routers);
    this.counters = Objects.requireNonNull(counters, "counters");
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
    if (!VrrpCodec.checksumValid(
        datagram, offset, messageLength, checksumMode, ip.source(), ip.destination())) {
      return new Dropped(DropReason.BAD_CHECKSUM, "checksum does not verify as " + checksumMode);
    }
    RouterRule rule = routers.get(advert.virtualRouterId());
    if (rule == null) {
      return new Dropped(
          DropReason.UNKNOWN_ROUTER_ID, "virtual router id " + advert.virtualRouterId());
    }
    if (version == VrrpVersion.V2) {
      if (!Objects.equals(rule.password(), advert.password())) {
        return new Dropped(
            DropReason.AUTH_MISMATCH,
            advert.password() == null ? "no authentication" : "wrong password");
      }
      if (advert.intervalCentis() != rule.intervalCentis()) {
        return new Dropped(
            DropReason.INTERVAL_MISMATCH,
            "interval "
                + advert.intervalCentis() / 100
                + " s, ours "
                + rule.intervalCentis() / 100);
      }
    }
    if (!new HashSet<>(advert.addresses()).equals(new HashSet<>(rule.addresses()))) {
      return new Dropped(DropReason.ADDRESS_MISMATCH, "addresses " + advert.addresses());
    }
    return new Accepted(advert, ip.source());
  }
}

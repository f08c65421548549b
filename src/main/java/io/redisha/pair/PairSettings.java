package io.redisha.pair;

import io.redisha.arbiter.GuardSettings;
import io.redisha.arbiter.Protection;
import io.redisha.cloud.HookSettings;
import io.redisha.etcd.EtcdSettings;
import io.redisha.net.Ipv4Cidr;
import io.redisha.vrrp.ChecksumMode;
import io.redisha.vrrp.VrrpRouterConfig;
import io.redisha.vrrp.VrrpVersion;
import java.net.Inet4Address;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * A pair as one node runs it: the validated, typed form of the pair file (or of the resource's
 * spec), seen from {@code link.localNode}. Built only by {@link PairValidation#resolve}; every part
 * is a small record so that a copy with one part changed cannot lose another.
 *
 * @param pairName name of the pair (resource name or file name)
 * @param link the two nodes and the interface
 * @param vrrp VRRP settings shared by the groups
 * @param garp gratuitous ARP settings
 * @param health Redis health-check settings
 * @param redis how the agent reaches Redis
 * @param splitBrain split-brain protection
 * @param vipHook the cloud routing hook, or null
 * @param groups the Redis groups
 */
public record PairSettings(
    String pairName,
    Link link,
    Vrrp vrrp,
    Garp garp,
    Health health,
    Redis redis,
    SplitBrain splitBrain,
    HookSettings vipHook,
    List<Group> groups) {

  public PairSettings {
    Objects.requireNonNull(link, "link");
    Objects.requireNonNull(vrrp, "vrrp");
    Objects.requireNonNull(garp, "garp");
    Objects.requireNonNull(health, "health");
    Objects.requireNonNull(redis, "redis");
    Objects.requireNonNull(splitBrain, "splitBrain");
    groups = List.copyOf(groups);
  }

  /**
   * This node, its peer and the interface.
   *
   * @param localNode this node's name
   * @param localAddress this node's VRRP source address
   * @param peerNode the other node's name
   * @param peerAddress the other node's address: VRRP peer and Redis replication source
   * @param interfaceName interface of the VIPs and adverts
   */
  public record Link(
      String localNode,
      Inet4Address localAddress,
      String peerNode,
      Inet4Address peerAddress,
      String interfaceName) {}

  /**
   * VRRP settings.
   *
   * @param version VRRP version
   * @param intervalCentis advert interval in centiseconds
   * @param password VRRPv2 PASS password or null
   * @param checksumMode VRRPv3 checksum variant
   * @param minTtl lowest TTL accepted from the peer
   * @param preempt whether a higher priority preempts
   * @param preemptDelay delay after start before preempting
   */
  public record Vrrp(
      VrrpVersion version,
      int intervalCentis,
      String password,
      ChecksumMode checksumMode,
      int minTtl,
      boolean preempt,
      Duration preemptDelay) {
    /** The advert interval. */
    public Duration interval() {
      return Duration.ofMillis(intervalCentis * 10L);
    }
  }

  /** Gratuitous ARP settings. */
  public record Garp(int count, Duration interval, Duration secondBurstDelay, Duration refresh) {}

  /** Health check settings. */
  public record Health(Duration interval, Duration timeout, int fall, int rise) {}

  /**
   * How the agent reaches the Redis servers of the pair.
   *
   * @param password the Redis password, or null
   */
  public record Redis(String password) {}

  /**
   * Split-brain protection.
   *
   * @param mode the protection mode
   * @param etcd the etcd cluster for {@link Protection#ETCD} (password read from its file), or null
   */
  public record SplitBrain(Protection mode, EtcdSettings etcd) {}

  /**
   * One Redis group.
   *
   * @param name group name
   * @param port Redis port on both nodes
   * @param vip the VIP with its prefix
   * @param virtualRouterId VRRP router id
   * @param preferredMaster node preferred as master, or null
   * @param priority this node's VRRP priority for the group
   */
  public record Group(
      String name,
      int port,
      Ipv4Cidr vip,
      int virtualRouterId,
      String preferredMaster,
      int priority) {}

  /**
   * The virtual router of {@code group} on this node with {@code priority}. In a pair the backup is
   * the only candidate, so it takes over at once on a priority 0 advert.
   */
  public VrrpRouterConfig routerConfig(Group group, int priority) {
    return new VrrpRouterConfig(
        vrrp.version(),
        group.virtualRouterId(),
        priority,
        vrrp.intervalCentis(),
        vrrp.password(),
        List.of(group.vip().address()),
        link.localAddress(),
        vrrp.preempt(),
        vrrp.preemptDelay(),
        true);
  }

  /** What this node's split-brain guards need. */
  public GuardSettings guardSettings() {
    return new GuardSettings(
        splitBrain.mode(), link.localNode(), vrrp.interval(), health.interval());
  }

  /** The group named {@code name}, or null. */
  public Group group(String name) {
    return groups.stream().filter(g -> g.name().equals(name)).findFirst().orElse(null);
  }

  /** The same pair with other groups. */
  public PairSettings withGroups(List<Group> newGroups) {
    return new PairSettings(
        pairName, link, vrrp, garp, health, redis, splitBrain, vipHook, newGroups);
  }

  /** Whether two settings differ in anything but the list of groups. */
  public boolean sameExceptGroups(PairSettings other) {
    return withGroups(other.groups).equals(other);
  }
}

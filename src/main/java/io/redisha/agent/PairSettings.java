package io.redisha.agent;

import io.redisha.net.Ipv4Cidr;
import io.redisha.vrrp.ChecksumMode;
import io.redisha.vrrp.VrrpRouterConfig;
import io.redisha.vrrp.VrrpVersion;
import java.net.Inet4Address;
import java.time.Duration;
import java.util.List;

/**
 * A pair as one node runs it: the validated, typed form of the pair file, seen from {@code
 * localNode}. Built by {@link PairValidation#resolve}.
 *
 * @param pairName name of the pair (resource name or file name)
 * @param localNode this node's name
 * @param localAddress this node's VRRP source address
 * @param peerNode the other node's name
 * @param peerAddress the other node's address: VRRP peer and Redis replication source
 * @param interfaceName interface of the VIPs and adverts
 * @param version VRRP version
 * @param intervalCentis advert interval in centiseconds
 * @param password VRRPv2 PASS password or null
 * @param checksumMode VRRPv3 checksum variant
 * @param minTtl lowest TTL accepted from the peer
 * @param preempt whether a higher priority preempts
 * @param preemptDelay delay after start before preempting
 * @param garp gratuitous ARP settings
 * @param health health check settings
 * @param redisPassword Redis password or null
 * @param protection split-brain protection
 * @param witness witness for {@link Protection#WITNESS}, or null
 * @param groups the Redis groups
 * @param vipHook the cloud routing hook, or null
 */
public record PairSettings(
    String pairName,
    String localNode,
    Inet4Address localAddress,
    String peerNode,
    Inet4Address peerAddress,
    String interfaceName,
    VrrpVersion version,
    int intervalCentis,
    String password,
    ChecksumMode checksumMode,
    int minTtl,
    boolean preempt,
    Duration preemptDelay,
    Garp garp,
    Health health,
    String redisPassword,
    Protection protection,
    Witness witness,
    List<Group> groups,
    io.redisha.cloud.HookSettings vipHook) {

  public PairSettings {
    groups = List.copyOf(groups);
  }

  /** Settings without a cloud routing hook. */
  public PairSettings(
      String pairName,
      String localNode,
      Inet4Address localAddress,
      String peerNode,
      Inet4Address peerAddress,
      String interfaceName,
      VrrpVersion version,
      int intervalCentis,
      String password,
      ChecksumMode checksumMode,
      int minTtl,
      boolean preempt,
      Duration preemptDelay,
      Garp garp,
      Health health,
      String redisPassword,
      Protection protection,
      Witness witness,
      List<Group> groups) {
    this(
        pairName,
        localNode,
        localAddress,
        peerNode,
        peerAddress,
        interfaceName,
        version,
        intervalCentis,
        password,
        checksumMode,
        minTtl,
        preempt,
        preemptDelay,
        garp,
        health,
        redisPassword,
        protection,
        witness,
        groups,
        null);
  }

  /** Split-brain protection modes. */
  public enum Protection {
    LEASE("Lease"),
    WITNESS("Witness"),
    NONE("None");

    private final String text;

    Protection(String text) {
      this.text = text;
    }

    public String text() {
      return text;
    }
  }

  /** Gratuitous ARP settings. */
  public record Garp(int count, Duration interval, Duration secondBurstDelay, Duration refresh) {}

  /** Health check settings. */
  public record Health(Duration interval, Duration timeout, int fall, int rise) {}

  /** Witness settings. */
  public record Witness(Inet4Address address, int port, Duration timeout) {}

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
        version,
        group.virtualRouterId(),
        priority,
        intervalCentis,
        password,
        List.of(group.vip().address()),
        localAddress,
        preempt,
        preemptDelay,
        true);
  }

  /** The group named {@code name}, or null. */
  public Group group(String name) {
    return groups.stream().filter(g -> g.name().equals(name)).findFirst().orElse(null);
  }

  /** The same pair with other groups. */
  public PairSettings withGroups(List<Group> newGroups) {
    return new PairSettings(
        pairName,
        localNode,
        localAddress,
        peerNode,
        peerAddress,
        interfaceName,
        version,
        intervalCentis,
        password,
        checksumMode,
        minTtl,
        preempt,
        preemptDelay,
        garp,
        health,
        redisPassword,
        protection,
        witness,
        newGroups);
  }

  /** Whether two settings differ in anything but the list of groups. */
  public boolean sameExceptGroups(PairSettings other) {
    return withGroups(other.groups).equals(other);
  }
}

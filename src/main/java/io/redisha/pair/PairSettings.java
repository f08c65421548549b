package io.redisha.pair;

import io.redisha.arbiter.GuardSettings;
import io.redisha.arbiter.Protection;
import io.redisha.cloud.HookSettings;
import io.redisha.etcd.EtcdSettings;
import io.redisha.net.Ipv4Cidr;
import io.redisha.redis.RedisAccess;
import io.redisha.redis.RedisTls;
import io.redisha.vrrp.ChecksumMode;
import io.redisha.vrrp.HmacAuth;
import io.redisha.vrrp.HmacKey;
import io.redisha.vrrp.VrrpRouterConfig;
import io.redisha.vrrp.VrrpVersion;
import java.net.Inet4Address;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

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
   * @param checksumMode VRRPv3 checksum variant
   * @param minTtl lowest TTL accepted from the peer
   * @param preempt whether a higher priority preempts
   * @param preemptDelay delay after start before preempting
   */
  public record Vrrp(
      VrrpVersion version,
      int intervalCentis,
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
   * How the agent logs in to the Redis servers of the pair.
   *
   * @param username the ACL user, or null for Redis's default user
   * @param password the Redis password, or null
   * @param tls TLS towards the servers, or null for plain TCP
   * @param secretFiles the files the password and the TLS material were read from; the agent reads
   *     them again when they change and logs in with what they hold, without restarting a group
   */
  public record Redis(String username, String password, RedisTls tls, List<Path> secretFiles) {
    public Redis {
      secretFiles = List.copyOf(secretFiles);
    }

    /** The default user with {@code password} (or none), plain TCP. */
    public Redis(String password) {
      this(null, password, null, List.of());
    }

    /** The credentials as the Redis nodes take them. */
    public RedisAccess access() {
      return new RedisAccess(
          Optional.ofNullable(username), Optional.ofNullable(password), Optional.ofNullable(tls));
    }

    /** Never shows the password. */
    @Override
    public String toString() {
      return "Redis[" + access() + ", files " + secretFiles + "]";
    }
  }

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
   * @param auth how the group's adverts are authenticated: its own or the pair's default
   */
  public record Group(
      String name,
      int port,
      Ipv4Cidr vip,
      int virtualRouterId,
      String preferredMaster,
      int priority,
      Auth auth) {
    public Group {
      auth = auth == null ? Auth.NONE : auth;
    }

    /** The same group with other authentication. */
    public Group withAuth(Auth newAuth) {
      return new Group(name, port, vip, virtualRouterId, preferredMaster, priority, newAuth);
    }
  }

  /**
   * How one group's adverts are authenticated, as keepalived sets it per instance: a VRRPv2 PASS
   * password, auth_hmac, or neither; never both (keepalived 2.4.3 drops the password then).
   *
   * @param password the PASS password, or null
   * @param hmac the auth_hmac settings, or null
   */
  public record Auth(String password, HmacAuth hmac) {
    /** No authentication. */
    public static final Auth NONE = new Auth(null, null);

    public Auth {
      if (password != null && hmac != null) {
        throw new IllegalArgumentException("a group has a PASS password or auth_hmac, not both");
      }
    }

    /** A PASS password. */
    public static Auth pass(String password) {
      return new Auth(password, null);
    }

    /** auth_hmac. */
    public static Auth hmac(HmacAuth hmac) {
      return new Auth(null, hmac);
    }

    /** For the log: the kind and, for auth_hmac, key ids, active key and mode; never a secret. */
    public String describe() {
      if (hmac != null) {
        return "auth_hmac keys "
            + hmac.keys().stream().map(HmacKey::id).toList()
            + ", active "
            + hmac.activeKeyId()
            + ", "
            + hmac.antiReplay().label()
            + ", "
            + hmac.mode().label();
      }
      return password != null ? "PASS" : "none";
    }
  }

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
        group.auth().password(),
        List.of(group.vip().address()),
        link.localAddress(),
        vrrp.preempt(),
        vrrp.preemptDelay(),
        true,
        group.auth().hmac());
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

  /** The same pair with other Redis credentials. */
  public PairSettings withRedis(Redis newRedis) {
    return new PairSettings(
        pairName, link, vrrp, garp, health, newRedis, splitBrain, vipHook, groups);
  }

  /** Whether two settings differ in anything but the list of groups. */
  public boolean sameExceptGroups(PairSettings other) {
    return withGroups(other.groups).equals(other);
  }
}

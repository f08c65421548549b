package io.redisha.pair;

import io.redisha.api.GarpSpec;
import io.redisha.api.HealthCheckSpec;
import io.redisha.api.InstanceSpec;
import io.redisha.api.NodeSpec;
import io.redisha.api.RedisHAPairSpec;
import io.redisha.api.RedisSpec;
import io.redisha.api.VipHookSpec;
import io.redisha.api.VrrpSpec;
import io.redisha.api.WitnessSpec;
import io.redisha.arbiter.Protection;
import io.redisha.net.Ipv4Cidr;
import io.redisha.vrrp.ChecksumMode;
import io.redisha.vrrp.VrrpCodec;
import io.redisha.vrrp.VrrpVersion;
import java.io.IOException;
import java.net.Inet4Address;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Checks a pair spec and resolves it for one node. The checks are the same rules the CRD enforces,
 * so a pair file refused here would be refused by the API server too; every problem names its
 * field, e.g. {@code instances[1].port: 6379 is already used by instances[0]}.
 */
public final class PairValidation {
  /** Priority of the preferred master; the other node gets {@link #DEFAULT_PRIORITY}. */
  public static final int PREFERRED_PRIORITY = 150;

  public static final int DEFAULT_PRIORITY = 100;

  private static final Pattern NAME = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
  private static final Pattern INTERFACE = Pattern.compile("[^\\s/:]{1,15}");

  private PairValidation() {}

  /** Every problem of {@code spec}, empty when it is valid. Pure: reads no files. */
  public static List<String> validate(RedisHAPairSpec spec) {
    List<String> problems = new ArrayList<>();
    validateNodes(spec.getNodes(), problems);
    if (spec.getInterfaceName() == null || spec.getInterfaceName().isBlank()) {
      problems.add("interface: required, for example eth0");
    } else if (!INTERFACE.matcher(spec.getInterfaceName()).matches()) {
      problems.add(
          "interface: '" + spec.getInterfaceName() + "' is not an interface name (1-15 chars)");
    }
    validateVrrp(spec.getVrrp() == null ? new VrrpSpec() : spec.getVrrp(), problems);
    validateHealth(spec.getHealthCheck(), problems);
    validateProtection(spec, problems);
    validateInstances(spec, problems);
    validateVipHook(spec, problems);
    return problems;
  }

  private static final Pattern REGION = Pattern.compile("[a-z0-9-]{1,64}");
  private static final Pattern HAVIP = Pattern.compile("havip-[a-z0-9]+");

  private static void validateVipHook(RedisHAPairSpec spec, List<String> problems) {
    VipHookSpec hook = spec.getVipHook();
    List<InstanceSpec> instances = spec.getInstances() == null ? List.of() : spec.getInstances();
    String provider = hook == null ? null : hook.getProvider();
    for (int i = 0; i < instances.size(); i++) {
      InstanceSpec instance = instances.get(i);
      if (instance == null) {
        continue;
      }
      String field = "instances[" + i + "].haVipId";
      if (instance.getHaVipId() != null) {
        if (!HAVIP.matcher(instance.getHaVipId()).matches()) {
          problems.add(field + ": '" + instance.getHaVipId() + "' is not a HAVIP id (havip-...)");
        }
        if (!"Alibaba".equals(provider)) {
          problems.add(field + ": only used with vipHook.provider Alibaba");
        }
      } else if ("Alibaba".equals(provider)) {
        problems.add(field + ": required with vipHook.provider Alibaba (the group's HAVIP)");
      }
    }
    if (hook == null) {
      return;
    }
    if (provider == null) {
      problems.add("vipHook.provider: required: Exec, Webhook, AWS or Alibaba");
      return;
    }
    switch (provider) {
      case "Exec" -> {
        if (hook.getCommand() == null
            || hook.getCommand().isEmpty()
            || hook.getCommand().getFirst() == null
            || hook.getCommand().getFirst().isBlank()) {
          problems.add(
              "vipHook.command: required with provider Exec, for example [/usr/local/bin/route-vip]");
        }
      }
      case "Webhook" -> {
        if (hook.getUrl() == null) {
          problems.add("vipHook.url: required with provider Webhook");
        } else {
          url("vipHook.url", hook.getUrl(), problems);
        }
      }
      case "AWS", "Alibaba" -> {
        if (hook.getRegion() == null) {
          problems.add(
              "vipHook.region: required with provider "
                  + provider
                  + (provider.equals("AWS")
                      ? ", for example us-east-1"
                      : ", for example cn-hangzhou"));
        } else if (!REGION.matcher(hook.getRegion()).matches()) {
          problems.add("vipHook.region: '" + hook.getRegion() + "' is not a region name");
        }
      }
      default ->
          problems.add(
              "vipHook.provider: must be Exec, Webhook, AWS or Alibaba, not '" + provider + "'");
    }
    if (!provider.equals("Exec") && hook.getCommand() != null) {
      problems.add("vipHook.command: only used with provider Exec");
    }
    if (!provider.equals("Webhook") && hook.getUrl() != null) {
      problems.add("vipHook.url: only used with provider Webhook");
    }
    if (hook.getEndpoint() != null) {
      url("vipHook.endpoint", hook.getEndpoint(), problems);
    }
    if (hook.getMetadataEndpoint() != null) {
      url("vipHook.metadataEndpoint", hook.getMetadataEndpoint(), problems);
    }
    if (hook.getTimeoutMillis() != null
        && (hook.getTimeoutMillis() < 100 || hook.getTimeoutMillis() > 120000)) {
      problems.add("vipHook.timeoutMillis: must be 100 to 120000, not " + hook.getTimeoutMillis());
    }
    if (hook.getRetryMaxMillis() != null
        && (hook.getRetryMaxMillis() < 100 || hook.getRetryMaxMillis() > 600000)) {
      problems.add(
          "vipHook.retryMaxMillis: must be 100 to 600000, not " + hook.getRetryMaxMillis());
    }
  }

  private static void url(String field, String text, List<String> problems) {
    try {
      java.net.URI uri = new java.net.URI(text);
      if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
          || uri.getHost() == null) {
        problems.add(field + ": '" + text + "' is not an http(s) URL");
      }
    } catch (java.net.URISyntaxException e) {
      problems.add(field + ": '" + text + "' is not a URL: " + e.getReason());
    }
  }

  private static io.redisha.cloud.HookSettings hookSettings(RedisHAPairSpec spec) {
    VipHookSpec hook = spec.getVipHook();
    if (hook == null) {
      return null;
    }
    Map<String, String> haVipIds = new HashMap<>();
    for (InstanceSpec instance : spec.getInstances()) {
      if (instance.getHaVipId() != null) {
        haVipIds.put(instance.getName(), instance.getHaVipId());
      }
    }
    return new io.redisha.cloud.HookSettings(
        hook.getProvider(),
        hook.getCommand(),
        hook.getUrl(),
        hook.getRegion(),
        hook.getEndpoint(),
        hook.getMetadataEndpoint(),
        hook.getCredentialsFile(),
        Duration.ofMillis(orDefault(hook.getTimeoutMillis(), 5000)),
        Duration.ofMillis(orDefault(hook.getRetryMaxMillis(), 30000)),
        haVipIds);
  }

  private static void validateNodes(List<NodeSpec> nodes, List<String> problems) {
    if (nodes == null || nodes.size() != 2) {
      problems.add(
          "nodes: exactly two nodes are required, found " + (nodes == null ? 0 : nodes.size()));
      if (nodes == null) {
        return;
      }
    }
    Map<String, Integer> names = new HashMap<>();
    Map<String, Integer> addresses = new HashMap<>();
    for (int i = 0; i < nodes.size(); i++) {
      NodeSpec node = nodes.get(i);
      String field = "nodes[" + i + "]";
      if (node == null) {
        problems.add(field + ": must not be empty");
        continue;
      }
      if (node.getName() == null || node.getName().isBlank()) {
        problems.add(field + ".name: required");
      } else {
        Integer first = names.putIfAbsent(node.getName(), i);
        if (first != null) {
          problems.add(
              field + ".name: '" + node.getName() + "' is already used by nodes[" + first + "]");
        }
      }
      if (node.getAddress() != null) {
        try {
          Inet4Address address = Ipv4Cidr.parseAddress(node.getAddress());
          Integer first = addresses.putIfAbsent(address.getHostAddress(), i);
          if (first != null) {
            problems.add(
                field
                    + ".address: "
                    + node.getAddress()
                    + " is already used by nodes["
                    + first
                    + "]");
          }
        } catch (IllegalArgumentException e) {
          problems.add(field + ".address: " + e.getMessage());
        }
      }
    }
  }

  private static void validateVrrp(VrrpSpec vrrp, List<String> problems) {
    int version = vrrp.getVersion() == null ? 3 : vrrp.getVersion();
    if (version != 2 && version != 3) {
      problems.add("vrrp.version: must be 2 or 3, not " + version);
      return;
    }
    if (vrrp.getAdvertIntervalMillis() != null) {
      int millis = vrrp.getAdvertIntervalMillis();
      if (version == 3 && (millis < 10 || millis > 40950 || millis % 10 != 0)) {
        problems.add(
            "vrrp.advertIntervalMillis: VRRPv3 needs 10 to 40950 in steps of 10, not " + millis);
      }
      if (version == 2 && (millis < 1000 || millis > 255000 || millis % 1000 != 0)) {
        problems.add(
            "vrrp.advertIntervalMillis: VRRPv2 needs 1000 to 255000 in steps of 1000, not "
                + millis);
      }
    }
    boolean hasAuth = vrrp.getAuthSecretRef() != null || vrrp.getAuthPasswordFile() != null;
    if (version == 3 && hasAuth) {
      problems.add("vrrp.authSecretRef: VRRPv3 has no authentication; remove it or use version 2");
    }
    if (vrrp.getAuthSecretRef() != null && vrrp.getAuthPasswordFile() != null) {
      problems.add("vrrp.authPasswordFile: give either authSecretRef or authPasswordFile");
    }
    if (vrrp.getV3Checksum() != null && checksum(vrrp.getV3Checksum()) == null) {
      problems.add(
          "vrrp.v3Checksum: must be PseudoHeader or MessageOnly, not '"
              + vrrp.getV3Checksum()
              + "'");
    }
    if (vrrp.getMinTtl() != null && (vrrp.getMinTtl() < 1 || vrrp.getMinTtl() > 255)) {
      problems.add("vrrp.minTtl: must be 1 to 255, not " + vrrp.getMinTtl());
    }
    if (vrrp.getPreemptDelayMillis() != null && vrrp.getPreemptDelayMillis() < 0) {
      problems.add("vrrp.preemptDelayMillis: must not be negative");
    }
    GarpSpec garp = vrrp.getGarp();
    if (garp != null) {
      nonNegative("vrrp.garp.count", garp.getCount(), problems);
      nonNegative("vrrp.garp.intervalMillis", garp.getIntervalMillis(), problems);
      nonNegative("vrrp.garp.secondBurstDelayMillis", garp.getSecondBurstDelayMillis(), problems);
      nonNegative("vrrp.garp.refreshMillis", garp.getRefreshMillis(), problems);
    }
  }

  private static void validateHealth(HealthCheckSpec health, List<String> problems) {
    if (health == null) {
      return;
    }
    atLeast("healthCheck.intervalMillis", health.getIntervalMillis(), 10, problems);
    atLeast("healthCheck.timeoutMillis", health.getTimeoutMillis(), 10, problems);
    atLeast("healthCheck.fall", health.getFall(), 1, problems);
    atLeast("healthCheck.rise", health.getRise(), 1, problems);
  }

  private static void validateProtection(RedisHAPairSpec spec, List<String> problems) {
    String mode = spec.getSplitBrainProtection();
    if (mode != null && Protection.of(mode) == null) {
      problems.add("splitBrainProtection: must be Lease, Witness or None, not '" + mode + "'");
    }
    if ("Witness".equals(mode)) {
      WitnessSpec witness = spec.getWitness();
      if (witness == null || witness.getAddress() == null) {
        problems.add("witness.address: required when splitBrainProtection is Witness");
      } else {
        try {
          Ipv4Cidr.parseAddress(witness.getAddress());
        } catch (IllegalArgumentException e) {
          problems.add("witness.address: " + e.getMessage());
        }
      }
      if (witness == null || witness.getPort() == null) {
        problems.add("witness.port: required when splitBrainProtection is Witness");
      } else {
        port("witness.port", witness.getPort(), problems);
      }
    }
  }

  private static void validateInstances(RedisHAPairSpec spec, List<String> problems) {
    List<InstanceSpec> instances = spec.getInstances();
    if (instances == null || instances.isEmpty()) {
      problems.add("instances: at least one group is required");
      return;
    }
    List<String> nodeNames =
        spec.getNodes() == null
            ? List.of()
            : spec.getNodes().stream().filter(Objects::nonNull).map(NodeSpec::getName).toList();
    Map<String, Integer> names = new HashMap<>();
    Map<Integer, Integer> ports = new HashMap<>();
    Map<String, Integer> vips = new HashMap<>();
    Map<Integer, Integer> routerIds = new HashMap<>();
    for (int i = 0; i < instances.size(); i++) {
      InstanceSpec instance = instances.get(i);
      String field = "instances[" + i + "]";
      if (instance == null) {
        problems.add(field + ": must not be empty");
        continue;
      }
      if (instance.getName() == null || !NAME.matcher(instance.getName()).matches()) {
        problems.add(
            field
                + ".name: required, lower-case letters, digits and '-' (got "
                + quoted(instance.getName())
                + ")");
      } else {
        unique(field + ".name", instance.getName(), i, names, problems);
      }
      if (instance.getPort() == null) {
        problems.add(field + ".port: required");
      } else if (port(field + ".port", instance.getPort(), problems)) {
        unique(field + ".port", instance.getPort(), i, ports, problems);
      }
      if (instance.getVip() == null) {
        problems.add(field + ".vip: required, for example 10.0.0.100/24");
      } else {
        try {
          Ipv4Cidr vip = Ipv4Cidr.parse(instance.getVip());
          unique(field + ".vip", vip.address().getHostAddress(), i, vips, problems);
          for (NodeSpec node : spec.getNodes() == null ? List.<NodeSpec>of() : spec.getNodes()) {
            if (node != null && vip.address().getHostAddress().equals(node.getAddress())) {
              problems.add(
                  field
                      + ".vip: "
                      + node.getAddress()
                      + " is the address of node "
                      + node.getName());
            }
          }
        } catch (IllegalArgumentException e) {
          problems.add(field + ".vip: " + e.getMessage());
        }
      }
      Integer vrid = instance.getVirtualRouterId();
      if (vrid == null) {
        problems.add(field + ".virtualRouterId: required, 1 to 255");
      } else if (vrid < 1 || vrid > 255) {
        problems.add(field + ".virtualRouterId: must be 1 to 255, not " + vrid);
      } else {
        unique(field + ".virtualRouterId", vrid, i, routerIds, problems);
      }
      if (instance.getPreferredMaster() != null
          && !nodeNames.contains(instance.getPreferredMaster())) {
        problems.add(
            field
                + ".preferredMaster: '"
                + instance.getPreferredMaster()
                + "' is not one of the nodes "
                + nodeNames);
      }
    }
  }

  /**
   * Validates {@code loaded} and resolves it for the node {@code nodeName}, reading the password
   * files it names.
   */
  public static PairSettings resolve(PairFile.Loaded loaded, String nodeName, String source)
      throws InvalidPairException {
    RedisHAPairSpec spec = loaded.spec();
    List<String> problems = new ArrayList<>(validate(spec));
    if (!problems.isEmpty()) {
      throw new InvalidPairException(source, problems);
    }
    NodeSpec local = null;
    NodeSpec peer = null;
    for (NodeSpec node : spec.getNodes()) {
      if (node.getName().equals(nodeName)) {
        local = node;
      } else {
        peer = node;
      }
    }
    if (local == null) {
      throw new InvalidPairException(
          source,
          List.of(
              "nodes: this node '"
                  + nodeName
                  + "' (--node) is not one of "
                  + spec.getNodes().stream().map(NodeSpec::getName).toList()));
    }
    for (int i = 0; i < 2; i++) {
      if (spec.getNodes().get(i).getAddress() == null) {
        problems.add("nodes[" + i + "].address: required outside Kubernetes");
      }
    }
    VrrpSpec vrrp = spec.getVrrp() == null ? new VrrpSpec() : spec.getVrrp();
    VrrpVersion version = VrrpVersion.of(vrrp.getVersion() == null ? 3 : vrrp.getVersion());
    String password = null;
    if (vrrp.getAuthSecretRef() != null) {
      problems.add(
          "vrrp.authSecretRef: Secrets are read by the operator; standalone needs authPasswordFile");
    } else if (vrrp.getAuthPasswordFile() != null) {
      password = readSecret("vrrp.authPasswordFile", vrrp.getAuthPasswordFile(), problems);
      if (password != null && VrrpCodec.passwordBytes(password).length > 8) {
        problems.add("vrrp.authPasswordFile: the PASS password is at most 8 bytes");
      }
    }
    RedisSpec redis = spec.getRedis() == null ? new RedisSpec() : spec.getRedis();
    String redisPassword = null;
    if (redis.getPasswordSecretRef() != null) {
      problems.add(
          "redis.passwordSecretRef: Secrets are read by the operator; standalone needs passwordFile");
    } else if (redis.getPasswordFile() != null) {
      redisPassword = readSecret("redis.passwordFile", redis.getPasswordFile(), problems);
    }
    Protection protection =
        spec.getSplitBrainProtection() == null
            ? Protection.NONE
            : Protection.of(spec.getSplitBrainProtection());
    if (!problems.isEmpty()) {
      throw new InvalidPairException(source, problems);
    }
    int intervalMillis =
        vrrp.getAdvertIntervalMillis() != null
            ? vrrp.getAdvertIntervalMillis()
            : version == VrrpVersion.V3 ? 100 : 1000;
    GarpSpec garp = vrrp.getGarp() == null ? new GarpSpec() : vrrp.getGarp();
    HealthCheckSpec health =
        spec.getHealthCheck() == null ? new HealthCheckSpec() : spec.getHealthCheck();
    WitnessSpec witness = spec.getWitness();
    List<PairSettings.Group> groups = new ArrayList<>();
    for (InstanceSpec instance : spec.getInstances()) {
      int priority =
          nodeName.equals(instance.getPreferredMaster()) ? PREFERRED_PRIORITY : DEFAULT_PRIORITY;
      groups.add(
          new PairSettings.Group(
              instance.getName(),
              instance.getPort(),
              Ipv4Cidr.parse(instance.getVip()),
              instance.getVirtualRouterId(),
              instance.getPreferredMaster(),
              priority));
    }
    return new PairSettings(
        loaded.name(),
        new PairSettings.Link(
            nodeName,
            Ipv4Cidr.parseAddress(local.getAddress()),
            peer.getName(),
            Ipv4Cidr.parseAddress(peer.getAddress()),
            spec.getInterfaceName()),
        new PairSettings.Vrrp(
            version,
            intervalMillis / 10,
            password,
            vrrp.getV3Checksum() == null
                ? ChecksumMode.PSEUDO_HEADER
                : checksum(vrrp.getV3Checksum()),
            vrrp.getMinTtl() == null ? 255 : vrrp.getMinTtl(),
            Boolean.TRUE.equals(vrrp.getPreempt()),
            Duration.ofMillis(orDefault(vrrp.getPreemptDelayMillis(), 0))),
        new PairSettings.Garp(
            orDefault(garp.getCount(), 5),
            Duration.ofMillis(orDefault(garp.getIntervalMillis(), 0)),
            Duration.ofMillis(orDefault(garp.getSecondBurstDelayMillis(), 5000)),
            Duration.ofMillis(orDefault(garp.getRefreshMillis(), 0))),
        new PairSettings.Health(
            Duration.ofMillis(orDefault(health.getIntervalMillis(), 100)),
            Duration.ofMillis(orDefault(health.getTimeoutMillis(), 250)),
            orDefault(health.getFall(), 2),
            orDefault(health.getRise(), 2)),
        new PairSettings.Redis(redisPassword),
        new PairSettings.SplitBrain(
            protection,
            witness == null || witness.getAddress() == null
                ? null
                : new PairSettings.Witness(
                    Ipv4Cidr.parseAddress(witness.getAddress()),
                    witness.getPort(),
                    Duration.ofMillis(orDefault(witness.getTimeoutMillis(), 200)))),
        hookSettings(spec),
        groups);
  }

  static ChecksumMode checksum(String text) {
    return switch (text) {
      case "PseudoHeader" -> ChecksumMode.PSEUDO_HEADER;
      case "MessageOnly" -> ChecksumMode.MESSAGE_ONLY;
      default -> null;
    };
  }

  private static String readSecret(String field, String file, List<String> problems) {
    try {
      String text = Files.readString(Path.of(file), StandardCharsets.UTF_8);
      return text.strip();
    } catch (IOException e) {
      problems.add(field + ": cannot read " + file + ": " + e.getMessage());
      return null;
    }
  }

  private static <K> void unique(
      String field, K value, int index, Map<K, Integer> seen, List<String> problems) {
    Integer first = seen.putIfAbsent(value, index);
    if (first != null) {
      String list = field.substring(0, field.indexOf('['));
      problems.add(field + ": " + value + " is already used by " + list + "[" + first + "]");
    }
  }

  private static boolean port(String field, int port, List<String> problems) {
    if (port < 1 || port > 65535) {
      problems.add(field + ": must be 1 to 65535, not " + port);
      return false;
    }
    return true;
  }

  private static void nonNegative(String field, Integer value, List<String> problems) {
    atLeast(field, value, 0, problems);
  }

  private static void atLeast(String field, Integer value, int min, List<String> problems) {
    if (value != null && value < min) {
      problems.add(field + ": must be at least " + min + ", not " + value);
    }
  }

  private static int orDefault(Integer value, int fallback) {
    return value == null ? fallback : value;
  }

  private static String quoted(String text) {
    return text == null ? "nothing" : "'" + text + "'";
  }
}

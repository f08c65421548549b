package io.redisha.pair;

import io.redisha.api.EtcdSpec;
import io.redisha.api.GarpSpec;
import io.redisha.api.HealthCheckSpec;
import io.redisha.api.HookProvider;
import io.redisha.api.InstanceSpec;
import io.redisha.api.NodeSpec;
import io.redisha.api.PairDefaults;
import io.redisha.api.PairLimits;
import io.redisha.api.PairRules;
import io.redisha.api.Patterns;
import io.redisha.api.RedisHAPairSpec;
import io.redisha.api.RedisSpec;
import io.redisha.api.SecretKeyRef;
import io.redisha.api.VipHookSpec;
import io.redisha.api.VrrpSpec;
import io.redisha.arbiter.FenceTiming;
import io.redisha.arbiter.Protection;
import io.redisha.cloud.HookSettings;
import io.redisha.etcd.EtcdSettings;
import io.redisha.net.Ipv4Cidr;
import io.redisha.vrrp.ChecksumMode;
import io.redisha.vrrp.VrrpCodec;
import io.redisha.vrrp.VrrpVersion;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.URI;
import java.net.URISyntaxException;
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
 * Checks a pair spec and resolves it for one node. The checks are the CRD's rules, with the bounds
 * of {@link PairLimits} and the defaults of {@link PairDefaults}, so a pair file refused by the API
 * server is refused here too (and the operator runs them again on the resource, for clusters whose
 * CRD is older than the operator). Every problem names its field, e.g. {@code instances[1].port:
 * 6379 is already used by instances[0]}.
 */
public final class PairValidation {
  /** Priority of the preferred master; the other node gets {@link #DEFAULT_PRIORITY}. */
  public static final int PREFERRED_PRIORITY = 150;

  public static final int DEFAULT_PRIORITY = 100;

  private static final Pattern NODE_NAME = Pattern.compile(Patterns.DNS_SUBDOMAIN);
  private static final Pattern GROUP_NAME = Pattern.compile(Patterns.DNS_LABEL);
  private static final Pattern INTERFACE = Pattern.compile(Patterns.INTERFACE_NAME);
  private static final Pattern PROTECTION = Pattern.compile(Patterns.SPLIT_BRAIN_PROTECTION);
  private static final Pattern V3_CHECKSUM = Pattern.compile(Patterns.V3_CHECKSUM);
  private static final Pattern REGION = Pattern.compile(Patterns.REGION);
  private static final Pattern HAVIP = Pattern.compile(Patterns.HAVIP_ID);
  private static final Pattern ETCD_ENDPOINT = Pattern.compile(Patterns.ETCD_ENDPOINT);
  private static final Pattern ETCD_PREFIX = Pattern.compile(Patterns.ETCD_PREFIX);
  private static final Pattern ETCD_USERNAME = Pattern.compile(Patterns.ETCD_USERNAME);

  /** The protection that was removed; pair files that still name it get a pointer to Etcd. */
  private static final String REMOVED_WITNESS = "Witness";

  private PairValidation() {}

  /** Every problem of {@code spec}, empty when it is valid. Pure: reads no files. */
  public static List<String> validate(RedisHAPairSpec spec) {
    List<String> problems = new ArrayList<>();
    validateNodes(spec.getNodes(), problems);
    if (spec.getInterfaceName() == null || spec.getInterfaceName().isBlank()) {
      problems.add("interface: required, for example eth0");
    } else if (!INTERFACE.matcher(spec.getInterfaceName()).matches()) {
      problems.add(
          "interface: '"
              + spec.getInterfaceName()
              + "' is not an interface name (1 to "
              + PairLimits.INTERFACE_NAME_MAX_LENGTH
              + " letters, digits, '_', '.', '@' or '-')");
    }
    validateVrrp(spec.getVrrp() == null ? new VrrpSpec() : spec.getVrrp(), problems);
    validateHealth(spec.getHealthCheck(), problems);
    validateProtection(spec, problems);
    validateRedis(spec.getRedis(), problems);
    validateInstances(spec, problems);
    validateVipHook(spec, problems);
    return problems;
  }

  private static void validateNodes(List<NodeSpec> nodes, List<String> problems) {
    if (nodes == null || nodes.size() != PairLimits.NODES) {
      problems.add(
          "nodes: exactly two nodes are required, found " + (nodes == null ? 0 : nodes.size()));
      if (nodes == null) {
        return;
      }
    }
    Map<String, Integer> names = new HashMap<>();
    Map<Inet4Address, Integer> addresses = new HashMap<>();
    for (int i = 0; i < nodes.size(); i++) {
      NodeSpec node = nodes.get(i);
      String field = "nodes[" + i + "]";
      if (node == null) {
        problems.add(field + ": must not be empty");
        continue;
      }
      String name = node.getName();
      if (name == null || name.isBlank()) {
        problems.add(field + ".name: required");
      } else if (name.length() > PairLimits.NODE_NAME_MAX_LENGTH
          || !NODE_NAME.matcher(name).matches()) {
        problems.add(
            field
                + ".name: '"
                + name
                + "' is not a Kubernetes node name (a DNS subdomain: lower-case letters, digits,"
                + " '-' and '.', at most "
                + PairLimits.NODE_NAME_MAX_LENGTH
                + " characters)");
      } else {
        Integer first = names.putIfAbsent(name, i);
        if (first != null) {
          problems.add(field + ".name: '" + name + "' is already used by nodes[" + first + "]");
        }
      }
      if (node.getAddress() != null) {
        Inet4Address address =
            AddressRules.unicastAddress(field + ".address", node.getAddress(), true, problems);
        if (address != null) {
          Integer first = addresses.putIfAbsent(address, i);
          if (first != null) {
            problems.add(
                field
                    + ".address: "
                    + node.getAddress()
                    + " is already used by nodes["
                    + first
                    + "]");
          }
        }
      }
    }
  }

  private static void validateVrrp(VrrpSpec vrrp, List<String> problems) {
    int version = orDefault(vrrp.getVersion(), PairDefaults.VRRP_VERSION);
    if (version != 2 && version != 3) {
      problems.add("vrrp.version: must be 2 or 3, not " + version);
      return;
    }
    if (vrrp.getAdvertIntervalMillis() != null) {
      int millis = vrrp.getAdvertIntervalMillis();
      if (version == 3
          && (millis < PairLimits.ADVERT_V3_MIN_MILLIS
              || millis > PairLimits.ADVERT_V3_MAX_MILLIS
              || millis % PairLimits.ADVERT_V3_STEP_MILLIS != 0)) {
        problems.add(
            "vrrp.advertIntervalMillis: VRRPv3 needs "
                + PairLimits.ADVERT_V3_MIN_MILLIS
                + " to "
                + PairLimits.ADVERT_V3_MAX_MILLIS
                + " in steps of "
                + PairLimits.ADVERT_V3_STEP_MILLIS
                + ", not "
                + millis);
      }
      if (version == 2
          && (millis < PairLimits.ADVERT_V2_MIN_MILLIS
              || millis > PairLimits.ADVERT_V2_MAX_MILLIS
              || millis % PairLimits.ADVERT_V2_STEP_MILLIS != 0)) {
        problems.add(
            "vrrp.advertIntervalMillis: VRRPv2 needs "
                + PairLimits.ADVERT_V2_MIN_MILLIS
                + " to "
                + PairLimits.ADVERT_V2_MAX_MILLIS
                + " in steps of "
                + PairLimits.ADVERT_V2_STEP_MILLIS
                + ", not "
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
    secretRef("vrrp.authSecretRef", vrrp.getAuthSecretRef(), problems);
    path("vrrp.authPasswordFile", vrrp.getAuthPasswordFile(), problems);
    if (vrrp.getV3Checksum() != null && !V3_CHECKSUM.matcher(vrrp.getV3Checksum()).matches()) {
      problems.add(
          "vrrp.v3Checksum: must be PseudoHeader or MessageOnly, not '"
              + vrrp.getV3Checksum()
              + "'");
    }
    range(
        "vrrp.minTtl", vrrp.getMinTtl(), PairLimits.MIN_TTL_MIN, PairLimits.MIN_TTL_MAX, problems);
    range(
        "vrrp.preemptDelayMillis",
        vrrp.getPreemptDelayMillis(),
        0,
        PairLimits.PREEMPT_DELAY_MAX_MILLIS,
        problems);
    GarpSpec garp = vrrp.getGarp();
    if (garp != null) {
      range("vrrp.garp.count", garp.getCount(), 0, PairLimits.GARP_COUNT_MAX, problems);
      range(
          "vrrp.garp.intervalMillis",
          garp.getIntervalMillis(),
          0,
          PairLimits.GARP_INTERVAL_MAX_MILLIS,
          problems);
      range(
          "vrrp.garp.secondBurstDelayMillis",
          garp.getSecondBurstDelayMillis(),
          0,
          PairLimits.GARP_SECOND_BURST_DELAY_MAX_MILLIS,
          problems);
      range(
          "vrrp.garp.refreshMillis",
          garp.getRefreshMillis(),
          0,
          PairLimits.GARP_REFRESH_MAX_MILLIS,
          problems);
    }
  }

  private static void validateHealth(HealthCheckSpec health, List<String> problems) {
    if (health == null) {
      return;
    }
    range(
        "healthCheck.intervalMillis",
        health.getIntervalMillis(),
        PairLimits.HEALTH_MIN_MILLIS,
        PairLimits.HEALTH_MAX_MILLIS,
        problems);
    range(
        "healthCheck.timeoutMillis",
        health.getTimeoutMillis(),
        PairLimits.HEALTH_MIN_MILLIS,
        PairLimits.HEALTH_MAX_MILLIS,
        problems);
    range(
        "healthCheck.fall",
        health.getFall(),
        PairLimits.FALL_RISE_MIN,
        PairLimits.FALL_RISE_MAX,
        problems);
    range(
        "healthCheck.rise",
        health.getRise(),
        PairLimits.FALL_RISE_MIN,
        PairLimits.FALL_RISE_MAX,
        problems);
  }

  private static void validateProtection(RedisHAPairSpec spec, List<String> problems) {
    String mode = spec.getSplitBrainProtection();
    if (REMOVED_WITNESS.equals(mode)) {
      problems.add(
          "splitBrainProtection: Witness was removed: a witness that both nodes still reach keeps"
              + " two masters when only the pair link breaks (the benchmark lost more acknowledged"
              + " writes with it than with None); use Etcd, with an etcd block that names an etcd"
              + " cluster, or None");
    } else if (mode != null && !PROTECTION.matcher(mode).matches()) {
      problems.add("splitBrainProtection: must be Lease, Etcd or None, not '" + mode + "'");
    }
    EtcdSpec etcd = spec.getEtcd();
    boolean etcdMode = Protection.ETCD.text().equals(mode);
    if (etcdMode && etcd == null) {
      problems.add(PairRules.ETCD_WHEN_NEEDED_MESSAGE);
    }
    if (etcd != null && !etcdMode) {
      problems.add(PairRules.ETCD_ONLY_WITH_ETCD_MESSAGE);
    }
    if (etcd != null) {
      validateEtcd(spec, etcd, problems);
    }
  }

  /**
   * The etcd block: the CRD's bounds and rules, then what {@link EtcdSettings#validate} and {@link
   * EtcdSettings#timingProblems} find that they do not already name.
   */
  private static void validateEtcd(RedisHAPairSpec spec, EtcdSpec etcd, List<String> problems) {
    List<String> own = new ArrayList<>();
    List<String> endpoints = etcd.getEndpoints() == null ? List.of() : etcd.getEndpoints();
    if (endpoints.size() > PairLimits.ETCD_ENDPOINTS_MAX) {
      own.add(
          "etcd.endpoints: at most "
              + PairLimits.ETCD_ENDPOINTS_MAX
              + " members, found "
              + endpoints.size());
    }
    List<URI> uris = new ArrayList<>();
    for (int i = 0; i < endpoints.size(); i++) {
      String field = "etcd.endpoints[" + i + "]";
      String text = endpoints.get(i);
      URI uri = null;
      if (text == null) {
        own.add(field + ": missing");
      } else if (text.length() > PairLimits.ETCD_ENDPOINT_MAX_LENGTH) {
        own.add(
            field
                + ": at most "
                + PairLimits.ETCD_ENDPOINT_MAX_LENGTH
                + " characters, not "
                + text.length());
      } else if (!ETCD_ENDPOINT.matcher(text).matches()) {
        own.add(
            field
                + ": '"
                + text
                + "' is not an etcd client URL: http:// or https://, a host and a port, nothing"
                + " after them (for example http://etcd-1:2379)");
      } else {
        uri = URI.create(text);
        if (uri.getPort() > PairLimits.PORT_MAX) {
          own.add(field + ": port " + uri.getPort() + " is above " + PairLimits.PORT_MAX);
          uri = null;
        }
      }
      uris.add(uri);
    }
    if (etcd.getPrefix() != null) {
      if (etcd.getPrefix().length() > PairLimits.ETCD_PREFIX_MAX_LENGTH) {
        own.add(
            "etcd.prefix: at most "
                + PairLimits.ETCD_PREFIX_MAX_LENGTH
                + " characters, not "
                + etcd.getPrefix().length());
      } else if (!ETCD_PREFIX.matcher(etcd.getPrefix()).matches()) {
        own.add(
            "etcd.prefix: '"
                + etcd.getPrefix()
                + "' must start with /, hold printable ASCII without blanks and not end with /"
                + " (for example /redisha)");
      }
    }
    range(
        "etcd.callTimeoutMillis",
        etcd.getCallTimeoutMillis(),
        PairLimits.ETCD_CALL_TIMEOUT_MIN_MILLIS,
        PairLimits.ETCD_CALL_TIMEOUT_MAX_MILLIS,
        own);
    String username = etcd.getUsername();
    if (username != null
        && (username.length() > PairLimits.ETCD_USERNAME_MAX_LENGTH
            || !ETCD_USERNAME.matcher(username).matches())) {
      own.add(
          "etcd.username: '"
              + username
              + "' must be 1 to "
              + PairLimits.ETCD_USERNAME_MAX_LENGTH
              + " printable ASCII characters without blanks");
    }
    if (etcd.getPasswordSecretRef() != null && etcd.getPasswordFile() != null) {
      own.add(PairRules.ETCD_ONE_PASSWORD_MESSAGE);
    }
    if (etcd.hasPassword() && username == null) {
      own.add(PairRules.ETCD_PASSWORD_NEEDS_USERNAME_MESSAGE);
    }
    if (username != null && !etcd.hasPassword()) {
      own.add(PairRules.ETCD_USERNAME_NEEDS_PASSWORD_MESSAGE);
    }
    secretRef("etcd.passwordSecretRef", etcd.getPasswordSecretRef(), own);
    if (etcd.getTlsSecretRef() != null) {
      String name = etcd.getTlsSecretRef().getName();
      if (name == null || name.isEmpty()) {
        own.add("etcd.tlsSecretRef.name: required");
      } else if (name.length() > PairLimits.SECRET_NAME_MAX_LENGTH) {
        own.add(
            "etcd.tlsSecretRef.name: at most "
                + PairLimits.SECRET_NAME_MAX_LENGTH
                + " characters, not "
                + name.length());
      }
    }
    path("etcd.passwordFile", etcd.getPasswordFile(), own);
    path("etcd.caFile", etcd.getCaFile(), own);
    path("etcd.certFile", etcd.getCertFile(), own);
    path("etcd.keyFile", etcd.getKeyFile(), own);
    if ((etcd.getCertFile() == null) != (etcd.getKeyFile() == null)) {
      own.add(PairRules.ETCD_CERT_WITH_KEY_MESSAGE);
    }
    boolean tls =
        etcd.getTlsSecretRef() != null || etcd.getCaFile() != null || etcd.getCertFile() != null;
    boolean https = endpoints.stream().anyMatch(e -> e != null && e.startsWith("https://"));
    if (tls && !https) {
      own.add(PairRules.ETCD_TLS_NEEDS_HTTPS_MESSAGE);
    }
    problems.addAll(own);
    // What the client itself would refuse, for the fields not already named above (its checks
    // normalise URLs: http://etcd-1 and http://etcd-1:2379 are the same member).
    EtcdSettings settings = etcdSettings(etcd, uris, etcd.hasPassword() ? "checked" : null);
    List<String> named = own.stream().map(PairValidation::fieldOf).toList();
    List<String> client = new ArrayList<>(settings.validate());
    FenceTiming timing = timing(spec);
    if (timing != null) {
      client.addAll(settings.timingProblems(timing));
    }
    for (String problem : client) {
      String field = fieldOf(problem);
      if (named.stream().noneMatch(f -> f.equals(field) || field.startsWith(f + "["))
          && !field.equals("etcd.password")
          && !(tls && !https && (field.equals("etcd.caFile") || field.equals("etcd.certFile")))) {
        problems.add(problem);
      }
    }
  }

  /**
   * What only a RedisHAPair resource may not hold (S10: it may not name a file on the nodes); the
   * operator checks these besides {@link #validate}, a standalone pair file may have them.
   */
  public static List<String> resourceProblems(RedisHAPairSpec spec) {
    List<String> problems = new ArrayList<>();
    EtcdSpec etcd = spec == null ? null : spec.getEtcd();
    if (etcd != null) {
      if (etcd.getPasswordFile() != null) {
        problems.add(PairRules.ETCD_NO_PASSWORD_FILE_IN_RESOURCE_MESSAGE);
      }
      if (etcd.getCaFile() != null || etcd.getCertFile() != null || etcd.getKeyFile() != null) {
        problems.add(PairRules.ETCD_NO_TLS_FILES_IN_RESOURCE_MESSAGE);
      }
    }
    return problems;
  }

  /** The fence timing of the spec's intervals, or null when they are out of range. */
  private static FenceTiming timing(RedisHAPairSpec spec) {
    VrrpSpec vrrp = spec.getVrrp() == null ? new VrrpSpec() : spec.getVrrp();
    int version = orDefault(vrrp.getVersion(), PairDefaults.VRRP_VERSION);
    int advert =
        orDefault(
            vrrp.getAdvertIntervalMillis(),
            version == 2
                ? PairDefaults.ADVERT_INTERVAL_V2_MILLIS
                : PairDefaults.ADVERT_INTERVAL_V3_MILLIS);
    HealthCheckSpec health =
        spec.getHealthCheck() == null ? new HealthCheckSpec() : spec.getHealthCheck();
    int tick = orDefault(health.getIntervalMillis(), PairDefaults.HEALTH_INTERVAL_MILLIS);
    if (advert < PairLimits.ADVERT_V3_MIN_MILLIS
        || advert > PairLimits.ADVERT_V2_MAX_MILLIS
        || tick < PairLimits.HEALTH_MIN_MILLIS
        || tick > PairLimits.HEALTH_MAX_MILLIS) {
      return null;
    }
    return FenceTiming.of(Duration.ofMillis(advert), Duration.ofMillis(tick));
  }

  /** The client settings of an etcd block; {@code uris} holds the endpoints that parsed. */
  private static EtcdSettings etcdSettings(EtcdSpec etcd, List<URI> uris, String password) {
    return new EtcdSettings(
        uris,
        etcd.getPrefix(),
        etcd.getCallTimeoutMillis() == null ? null : Duration.ofMillis(etcd.getCallTimeoutMillis()),
        etcd.getUsername(),
        password,
        etcd.getCaFile() == null ? null : Path.of(etcd.getCaFile()),
        etcd.getCertFile() == null ? null : Path.of(etcd.getCertFile()),
        etcd.getKeyFile() == null ? null : Path.of(etcd.getKeyFile()));
  }

  private static void validateRedis(RedisSpec redis, List<String> problems) {
    if (redis == null) {
      return;
    }
    if (redis.getPasswordSecretRef() != null && redis.getPasswordFile() != null) {
      problems.add("redis.passwordFile: give either passwordSecretRef or passwordFile");
    }
    secretRef("redis.passwordSecretRef", redis.getPasswordSecretRef(), problems);
    path("redis.passwordFile", redis.getPasswordFile(), problems);
  }

  private static void validateInstances(RedisHAPairSpec spec, List<String> problems) {
    List<InstanceSpec> instances = spec.getInstances();
    if (instances == null || instances.isEmpty()) {
      problems.add("instances: at least one group is required");
      return;
    }
    if (instances.size() > PairLimits.INSTANCES_MAX) {
      problems.add(
          "instances: at most "
              + PairLimits.INSTANCES_MAX
              + " groups in a pair, found "
              + instances.size());
    }
    List<NodeSpec> nodes =
        spec.getNodes() == null
            ? List.of()
            : spec.getNodes().stream().filter(Objects::nonNull).toList();
    List<String> nodeNames = nodes.stream().map(NodeSpec::getName).toList();
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
      String name = instance.getName();
      if (name == null || !GROUP_NAME.matcher(name).matches()) {
        problems.add(
            field
                + ".name: required, lower-case letters, digits and '-' (got "
                + quoted(name)
                + ")");
      } else if (name.length() > PairLimits.GROUP_NAME_MAX_LENGTH) {
        problems.add(
            field
                + ".name: at most "
                + PairLimits.GROUP_NAME_MAX_LENGTH
                + " characters (a DNS label), not "
                + name.length());
      } else {
        unique(field + ".name", name, i, names, problems);
      }
      if (instance.getPort() == null) {
        problems.add(field + ".port: required");
      } else if (port(field + ".port", instance.getPort(), problems)) {
        unique(field + ".port", instance.getPort(), i, ports, problems);
      }
      if (instance.getVip() == null) {
        problems.add(field + ".vip: required, for example 10.0.0.100/24");
      } else {
        Ipv4Cidr vip = AddressRules.vip(field + ".vip", instance.getVip(), problems);
        if (vip != null) {
          String address = vip.address().getHostAddress();
          unique(field + ".vip", address, i, vips, problems);
          for (NodeSpec node : nodes) {
            if (node.getAddress() != null && sameAddress(vip.address(), node.getAddress())) {
              problems.add(
                  field + ".vip: " + address + " is the address of node " + node.getName());
            }
          }
        }
      }
      Integer vrid = instance.getVirtualRouterId();
      if (vrid == null) {
        problems.add(
            field
                + ".virtualRouterId: required, "
                + PairLimits.ROUTER_ID_MIN
                + " to "
                + PairLimits.ROUTER_ID_MAX);
      } else if (range(
          field + ".virtualRouterId",
          vrid,
          PairLimits.ROUTER_ID_MIN,
          PairLimits.ROUTER_ID_MAX,
          problems)) {
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

  private static void validateVipHook(RedisHAPairSpec spec, List<String> problems) {
    VipHookSpec hook = spec.getVipHook();
    List<InstanceSpec> instances = spec.getInstances() == null ? List.of() : spec.getInstances();
    HookProvider provider = hook == null ? null : hook.getProvider();
    for (int i = 0; i < instances.size(); i++) {
      InstanceSpec instance = instances.get(i);
      if (instance == null) {
        continue;
      }
      String field = "instances[" + i + "].haVipId";
      if (instance.getHaVipId() != null) {
        if (instance.getHaVipId().length() > PairLimits.HAVIP_ID_MAX_LENGTH
            || !HAVIP.matcher(instance.getHaVipId()).matches()) {
          problems.add(field + ": '" + instance.getHaVipId() + "' is not a HAVIP id (havip-...)");
        }
        if (provider != HookProvider.ALIBABA) {
          problems.add(field + ": only used with vipHook.provider Alibaba");
        }
      } else if (provider == HookProvider.ALIBABA) {
        problems.add(field + ": required with vipHook.provider Alibaba (the group's HAVIP)");
      }
    }
    if (hook == null) {
      return;
    }
    if (provider == null) {
      problems.add("vipHook.provider: required: " + HookProvider.choices());
      return;
    }
    switch (provider) {
      case EXEC -> {
        if (hook.getCommand() == null
            || hook.getCommand().isEmpty()
            || hook.getCommand().getFirst() == null
            || hook.getCommand().getFirst().isBlank()) {
          problems.add(
              "vipHook.command: required with provider Exec, for example [/usr/local/bin/route-vip]");
        } else if (hook.getCommand().size() > PairLimits.HOOK_COMMAND_MAX_ITEMS) {
          problems.add(
              "vipHook.command: at most "
                  + PairLimits.HOOK_COMMAND_MAX_ITEMS
                  + " words, found "
                  + hook.getCommand().size());
        }
      }
      case WEBHOOK -> {
        if (hook.getUrl() == null) {
          problems.add("vipHook.url: required with provider Webhook");
        } else {
          url("vipHook.url", hook.getUrl(), problems);
        }
      }
      case AWS, ALIBABA -> {
        if (hook.getRegion() == null) {
          problems.add(
              "vipHook.region: required with provider "
                  + provider
                  + (provider == HookProvider.AWS
                      ? ", for example us-east-1"
                      : ", for example cn-hangzhou"));
        } else if (hook.getRegion().length() > PairLimits.REGION_MAX_LENGTH
            || !REGION.matcher(hook.getRegion()).matches()) {
          problems.add("vipHook.region: '" + hook.getRegion() + "' is not a region name");
        }
      }
    }
    if (provider != HookProvider.EXEC && hook.getCommand() != null) {
      problems.add("vipHook.command: only used with provider Exec");
    }
    if (provider != HookProvider.WEBHOOK && hook.getUrl() != null) {
      problems.add("vipHook.url: only used with provider Webhook");
    }
    if (hook.getEndpoint() != null) {
      url("vipHook.endpoint", hook.getEndpoint(), problems);
    }
    if (hook.getMetadataEndpoint() != null) {
      url("vipHook.metadataEndpoint", hook.getMetadataEndpoint(), problems);
    }
    path("vipHook.credentialsFile", hook.getCredentialsFile(), problems);
    range(
        "vipHook.timeoutMillis",
        hook.getTimeoutMillis(),
        PairLimits.HOOK_TIMEOUT_MIN_MILLIS,
        PairLimits.HOOK_TIMEOUT_MAX_MILLIS,
        problems);
    range(
        "vipHook.retryMaxMillis",
        hook.getRetryMaxMillis(),
        PairLimits.HOOK_RETRY_MAX_MIN_MILLIS,
        PairLimits.HOOK_RETRY_MAX_MAX_MILLIS,
        problems);
  }

  /**
   * Validates {@code loaded} and resolves it for the node {@code nodeName}, reading the password
   * files it names. Every problem is reported at once, each with its place in the file where the
   * file has one.
   */
  public static PairSettings resolve(PairFile.Loaded loaded, String nodeName, String source)
      throws InvalidPairException {
    RedisHAPairSpec spec = loaded.spec();
    List<String> problems = new ArrayList<>(validate(spec));
    NodeSpec local = null;
    NodeSpec peer = null;
    List<NodeSpec> nodes = spec.getNodes() == null ? List.of() : spec.getNodes();
    for (NodeSpec node : nodes) {
      if (node != null && nodeName.equals(node.getName())) {
        local = node;
      } else if (node != null) {
        peer = node;
      }
    }
    if (local == null) {
      problems.add(
          "nodes: this node '"
              + nodeName
              + "' (--node) is not one of "
              + nodes.stream().filter(Objects::nonNull).map(NodeSpec::getName).toList());
    }
    for (int i = 0; i < nodes.size(); i++) {
      if (nodes.get(i) != null && nodes.get(i).getAddress() == null) {
        problems.add("nodes[" + i + "].address: required outside Kubernetes");
      }
    }
    VrrpSpec vrrp = spec.getVrrp() == null ? new VrrpSpec() : spec.getVrrp();
    String password = null;
    if (vrrp.getAuthSecretRef() != null) {
      problems.add(
          "vrrp.authSecretRef: Secrets are read by the operator; standalone needs authPasswordFile");
    } else if (vrrp.getAuthPasswordFile() != null) {
      password =
          readSecret(
              "vrrp.authPasswordFile", vrrp.getAuthPasswordFile(), "the PASS password", problems);
      if (password != null
          && VrrpCodec.passwordBytes(password).length > PairLimits.VRRP_PASSWORD_MAX_BYTES) {
        problems.add(
            "vrrp.authPasswordFile: the PASS password is at most "
                + PairLimits.VRRP_PASSWORD_MAX_BYTES
                + " bytes");
      }
    }
    RedisSpec redis = spec.getRedis() == null ? new RedisSpec() : spec.getRedis();
    String redisPassword = null;
    if (redis.getPasswordSecretRef() != null) {
      problems.add(
          "redis.passwordSecretRef: Secrets are read by the operator; standalone needs passwordFile");
    } else if (redis.getPasswordFile() != null) {
      redisPassword =
          readSecret("redis.passwordFile", redis.getPasswordFile(), "the Redis password", problems);
    }
    EtcdSpec etcd = spec.getEtcd();
    String etcdPassword = null;
    if (etcd != null) {
      if (etcd.getPasswordSecretRef() != null) {
        problems.add(
            "etcd.passwordSecretRef: Secrets are read by the operator; standalone needs"
                + " passwordFile");
      } else if (etcd.getPasswordFile() != null) {
        etcdPassword =
            readSecret(
                "etcd.passwordFile", etcd.getPasswordFile(), "the etcd user's password", problems);
      }
      if (etcd.getTlsSecretRef() != null) {
        problems.add(
            "etcd.tlsSecretRef: Secrets are read by the operator; standalone needs caFile, and"
                + " certFile and keyFile for a client certificate");
      }
      readable("etcd.caFile", etcd.getCaFile(), problems);
      readable("etcd.certFile", etcd.getCertFile(), problems);
      readable("etcd.keyFile", etcd.getKeyFile(), problems);
    }
    if (!problems.isEmpty()) {
      throw new InvalidPairException(source, loaded.locateAll(problems));
    }
    return settings(loaded.name(), spec, local, peer, password, redisPassword, etcdPassword);
  }

  /** The settings of a spec that passed {@link #validate}, seen from {@code local}. */
  private static PairSettings settings(
      String pairName,
      RedisHAPairSpec spec,
      NodeSpec local,
      NodeSpec peer,
      String password,
      String redisPassword,
      String etcdPassword) {
    String nodeName = local.getName();
    VrrpSpec vrrp = spec.getVrrp() == null ? new VrrpSpec() : spec.getVrrp();
    VrrpVersion version = VrrpVersion.of(orDefault(vrrp.getVersion(), PairDefaults.VRRP_VERSION));
    int intervalMillis =
        orDefault(
            vrrp.getAdvertIntervalMillis(),
            version == VrrpVersion.V3
                ? PairDefaults.ADVERT_INTERVAL_V3_MILLIS
                : PairDefaults.ADVERT_INTERVAL_V2_MILLIS);
    GarpSpec garp = vrrp.getGarp() == null ? new GarpSpec() : vrrp.getGarp();
    HealthCheckSpec health =
        spec.getHealthCheck() == null ? new HealthCheckSpec() : spec.getHealthCheck();
    EtcdSpec etcd = spec.getEtcd();
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
        pairName,
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
            checksum(Objects.requireNonNullElse(vrrp.getV3Checksum(), PairDefaults.V3_CHECKSUM)),
            orDefault(vrrp.getMinTtl(), PairDefaults.MIN_TTL),
            Objects.requireNonNullElse(vrrp.getPreempt(), PairDefaults.PREEMPT),
            millis(vrrp.getPreemptDelayMillis(), PairDefaults.PREEMPT_DELAY_MILLIS)),
        new PairSettings.Garp(
            orDefault(garp.getCount(), PairDefaults.GARP_COUNT),
            millis(garp.getIntervalMillis(), PairDefaults.GARP_INTERVAL_MILLIS),
            millis(garp.getSecondBurstDelayMillis(), PairDefaults.GARP_SECOND_BURST_DELAY_MILLIS),
            millis(garp.getRefreshMillis(), PairDefaults.GARP_REFRESH_MILLIS)),
        new PairSettings.Health(
            millis(health.getIntervalMillis(), PairDefaults.HEALTH_INTERVAL_MILLIS),
            millis(health.getTimeoutMillis(), PairDefaults.HEALTH_TIMEOUT_MILLIS),
            orDefault(health.getFall(), PairDefaults.FALL),
            orDefault(health.getRise(), PairDefaults.RISE)),
        new PairSettings.Redis(redisPassword),
        new PairSettings.SplitBrain(
            Protection.of(
                Objects.requireNonNullElse(
                    spec.getSplitBrainProtection(), PairDefaults.SPLIT_BRAIN_PROTECTION)),
            etcd == null
                ? null
                : etcdSettings(
                    etcd, etcd.getEndpoints().stream().map(URI::create).toList(), etcdPassword)),
        hookSettings(spec),
        groups);
  }

  private static HookSettings hookSettings(RedisHAPairSpec spec) {
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
    return new HookSettings(
        hook.getProvider(),
        hook.getCommand(),
        hook.getUrl(),
        hook.getRegion(),
        hook.getEndpoint(),
        hook.getMetadataEndpoint(),
        hook.getCredentialsFile(),
        millis(hook.getTimeoutMillis(), PairDefaults.HOOK_TIMEOUT_MILLIS),
        millis(hook.getRetryMaxMillis(), PairDefaults.HOOK_RETRY_MAX_MILLIS),
        haVipIds);
  }

  private static ChecksumMode checksum(String text) {
    return switch (text) {
      case "PseudoHeader" -> ChecksumMode.PSEUDO_HEADER;
      case "MessageOnly" -> ChecksumMode.MESSAGE_ONLY;
      default -> throw new IllegalStateException("validate lets only two checksums through");
    };
  }

  /**
   * The content of a password file without surrounding blanks; an empty one is refused here, before
   * the agent opens anything, rather than failing later at its first AUTH.
   */
  private static String readSecret(String field, String file, String what, List<String> problems) {
    String text;
    try {
      text = Files.readString(Path.of(file), StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      problems.add(field + ": cannot read " + file + ": " + e.getMessage());
      return null;
    }
    if (text.isEmpty()) {
      problems.add(
          field + ": " + file + " is empty; it must hold " + what + ", or leave " + field + " out");
      return null;
    }
    return text;
  }

  /** A file the agent reads later (a TLS file): it must be there now, so a reload cannot break. */
  private static void readable(String field, String file, List<String> problems) {
    if (file == null) {
      return;
    }
    Path path = Path.of(file);
    if (!Files.isRegularFile(path)) {
      problems.add(field + ": " + file + " is not a file");
    } else if (!Files.isReadable(path)) {
      problems.add(field + ": cannot read " + file + ": permission denied");
    }
  }

  private static void secretRef(String field, SecretKeyRef ref, List<String> problems) {
    if (ref == null) {
      return;
    }
    for (String[] part : new String[][] {{"name", ref.getName()}, {"key", ref.getKey()}}) {
      if (part[1] == null || part[1].isEmpty()) {
        problems.add(field + "." + part[0] + ": required");
      } else if (part[1].length() > PairLimits.SECRET_NAME_MAX_LENGTH) {
        problems.add(
            field
                + "."
                + part[0]
                + ": at most "
                + PairLimits.SECRET_NAME_MAX_LENGTH
                + " characters, not "
                + part[1].length());
      }
    }
  }

  private static void path(String field, String path, List<String> problems) {
    if (path != null && path.length() > PairLimits.PATH_MAX_LENGTH) {
      problems.add(
          field + ": at most " + PairLimits.PATH_MAX_LENGTH + " characters, not " + path.length());
    }
  }

  private static void url(String field, String text, List<String> problems) {
    if (text.length() > PairLimits.URL_MAX_LENGTH) {
      problems.add(
          field + ": at most " + PairLimits.URL_MAX_LENGTH + " characters, not " + text.length());
      return;
    }
    try {
      URI uri = new URI(text);
      if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
          || uri.getHost() == null) {
        problems.add(field + ": '" + text + "' is not an http(s) URL");
      }
    } catch (URISyntaxException e) {
      problems.add(field + ": '" + text + "' is not a URL: " + e.getReason());
    }
  }

  private static boolean sameAddress(Inet4Address address, String text) {
    try {
      return address.equals(Ipv4Cidr.parseAddress(text));
    } catch (IllegalArgumentException e) {
      return false; // reported under nodes[]
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
    return range(field, port, PairLimits.PORT_MIN, PairLimits.PORT_MAX, problems);
  }

  /** Whether {@code value} is absent or within {@code min..max}; adds the problem if not. */
  private static boolean range(
      String field, Integer value, int min, int max, List<String> problems) {
    if (value != null && (value < min || value > max)) {
      problems.add(field + ": must be " + min + " to " + max + ", not " + value);
      return false;
    }
    return true;
  }

  private static int orDefault(Integer value, int fallback) {
    return value == null ? fallback : value;
  }

  private static Duration millis(Integer value, int fallback) {
    return Duration.ofMillis(orDefault(value, fallback));
  }

  private static String fieldOf(String problem) {
    int colon = problem.indexOf(": ");
    return colon < 0 ? problem : problem.substring(0, colon);
  }

  private static String quoted(String text) {
    return text == null ? "nothing" : "'" + text + "'";
  }
}

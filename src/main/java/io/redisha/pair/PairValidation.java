package io.redisha.pair;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import io.redisha.api.TlsSpec;
import io.redisha.api.VipHookSpec;
import io.redisha.api.VrrpSpec;
import io.redisha.arbiter.FenceTiming;
import io.redisha.arbiter.Protection;
import io.redisha.cloud.HookSettings;
import io.redisha.etcd.EtcdSettings;
import io.redisha.net.Ipv4Cidr;
import io.redisha.redis.Pem;
import io.redisha.redis.RedisTls;
import io.redisha.vrrp.ChecksumMode;
import io.redisha.vrrp.VrrpVersion;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
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
  private static final Pattern REDIS_USERNAME = Pattern.compile(Patterns.REDIS_USERNAME);
  private static final Pattern ETCD_ENDPOINT = Pattern.compile(Patterns.ETCD_ENDPOINT);
  private static final Pattern ETCD_PREFIX = Pattern.compile(Patterns.ETCD_PREFIX);
  private static final Pattern ETCD_USERNAME = Pattern.compile(Patterns.ETCD_USERNAME);

  /** The protection that was removed; pair files that still name it get a pointer to Etcd. */
  private static final String REMOVED_WITNESS = "Witness";

  private PairValidation() {}

  /**
   * Where the agents find the Secrets the operator mounts for them; under {@code --kubernetes} the
   * agent reads no file outside it but its own configuration (S10).
   */
  public static final String KUBERNETES_SECRET_ROOT = "/var/run/secrets/redisha";

  /**
   * Where a spec comes from, which decides what it may carry (S10: the resource is not a shell).
   *
   * <p>Who can write what: a standalone pair file is written by whoever administers the VM, who is
   * root there anyway, so it may name commands and files. A RedisHAPair is written by whoever may
   * create one in its namespace; the agents it configures run as root in the nodes' network, so the
   * resource may carry no command and no file path (the CRD refuses them too), only the name of a
   * hook of the operator's configuration, which the cluster admin writes, and Secret references.
   * The pair file the operator renders from the resource is read by the agent under {@code
   * --kubernetes} with the resource's rules, except that the Secrets appear as files under {@link
   * #KUBERNETES_SECRET_ROOT}; the command of a named hook reaches the agent in a separate file
   * ({@link AdminHooks#FILE_NAME}) that the operator writes from its configuration alone.
   */
  public enum Source {
    /** A standalone pair file: commands and file paths are the VM administrator's to give. */
    PAIR_FILE,
    /** A RedisHAPair resource: no command, no Exec, no file path; hooks by name, Secrets by ref. */
    RESOURCE,
    /**
     * The pair file the operator rendered for the agents: as RESOURCE, Secrets as mounted files.
     */
    RENDERED
  }

  /** Every problem of a standalone pair file's {@code spec}, empty when it is valid. Pure. */
  public static List<String> validate(RedisHAPairSpec spec) {
    return validate(spec, Source.PAIR_FILE, null);
  }

  /**
   * Every problem of {@code spec} coming from {@code source}; a {@code vipHook.hookRef} is checked
   * for its form only (the hooks are not known here). Pure: reads no files.
   */
  public static List<String> validate(RedisHAPairSpec spec, Source source) {
    return validate(spec, source, null);
  }

  /**
   * Every problem of {@code spec} coming from {@code source}, with {@code vipHook.hookRef} resolved
   * against {@code hooks} (null: not resolved). Pure: reads no files.
   */
  public static List<String> validate(RedisHAPairSpec spec, Source source, AdminHooks hooks) {
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
    AuthRules.validate(
        spec,
        spec.getVrrp() == null || spec.getVrrp().getVersion() == null
            ? PairDefaults.VRRP_VERSION
            : spec.getVrrp().getVersion(),
        problems);
    validateVipHook(spec, source, hooks, problems);
    validateNodeFiles(spec, source, problems);
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
    String username = redis.getUsername();
    if (username != null) {
      if (username.length() > PairLimits.REDIS_USERNAME_MAX_LENGTH) {
        problems.add(
            "redis.username: at most "
                + PairLimits.REDIS_USERNAME_MAX_LENGTH
                + " characters, not "
                + username.length());
      } else if (!REDIS_USERNAME.matcher(username).matches()) {
        problems.add(
            "redis.username: '"
                + username
                + "' is not an ACL user name (printable ASCII without blanks)");
      }
      if (redis.getPasswordSecretRef() == null && redis.getPasswordFile() == null) {
        problems.add(PairRules.USERNAME_NEEDS_PASSWORD_MESSAGE);
      }
    }
    TlsSpec tls = redis.getTls();
    if (tls == null) {
      return;
    }
    boolean hasCert = tls.getCertSecretRef() != null || tls.getCertFile() != null;
    boolean hasKey = tls.getKeySecretRef() != null || tls.getKeyFile() != null;
    if (tls.getCaSecretRef() == null && tls.getCaFile() == null) {
      problems.add(PairRules.TLS_NEEDS_CA_MESSAGE);
    }
    eitherRefOrFile("redis.tls.ca", tls.getCaSecretRef(), tls.getCaFile(), problems);
    eitherRefOrFile("redis.tls.cert", tls.getCertSecretRef(), tls.getCertFile(), problems);
    eitherRefOrFile("redis.tls.key", tls.getKeySecretRef(), tls.getKeyFile(), problems);
    if (hasCert != hasKey) {
      problems.add(PairRules.TLS_CERT_WITH_KEY_MESSAGE);
    }
    secretRef("redis.tls.caSecretRef", tls.getCaSecretRef(), problems);
    secretRef("redis.tls.certSecretRef", tls.getCertSecretRef(), problems);
    secretRef("redis.tls.keySecretRef", tls.getKeySecretRef(), problems);
    path("redis.tls.caFile", tls.getCaFile(), problems);
    path("redis.tls.certFile", tls.getCertFile(), problems);
    path("redis.tls.keyFile", tls.getKeyFile(), problems);
  }

  /** {@code prefix} is {@code redis.tls.ca}: caSecretRef and caFile are one setting. */
  private static void eitherRefOrFile(
      String prefix, SecretKeyRef ref, String file, List<String> problems) {
    if (ref != null && file != null) {
      String leaf = prefix.substring(prefix.lastIndexOf('.') + 1);
      problems.add(
          prefix + "File: give either " + leaf + "SecretRef or " + leaf + "File, not both");
    }
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

  private static void validateVipHook(
      RedisHAPairSpec spec, Source source, AdminHooks hooks, List<String> problems) {
    VipHookSpec hook = spec.getVipHook();
    List<InstanceSpec> instances = spec.getInstances() == null ? List.of() : spec.getInstances();
    String hookRef = hook == null ? null : hook.getHookRef();
    // The provider the groups' haVipId depend on; unknown while a hookRef is not resolved.
    HookProvider provider = hook == null ? null : hook.getProvider();
    boolean providerKnown = hookRef == null;
    if (hookRef != null && source != Source.PAIR_FILE && hooks != null) {
      VipHookSpec named = hooks.find(hookRef);
      if (named == null) {
        problems.add(
            "vipHook.hookRef: '"
                + hookRef
                + "' is not a hook of the operator's configuration ("
                + (hooks.names().isEmpty()
                    ? "it defines none; the cluster admin adds them with the Helm value hooks"
                    : "it defines " + String.join(", ", hooks.names()))
                + ")");
      } else {
        provider = named.getProvider();
        providerKnown = true;
      }
    }
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
        if (providerKnown && provider != HookProvider.ALIBABA) {
          problems.add(field + ": only used with vipHook.provider Alibaba");
        }
      } else if (providerKnown && provider == HookProvider.ALIBABA) {
        problems.add(field + ": required with vipHook.provider Alibaba (the group's HAVIP)");
      }
    }
    if (hook == null) {
      return;
    }
    secretRef("vipHook.credentialsSecretRef", hook.getCredentialsSecretRef(), problems);
    if (hookRef != null) {
      validateHookRef(hook, source, problems);
      timeouts("vipHook", hook, problems);
      return;
    }
    if (hook.getProvider() == null) {
      problems.add(
          source == Source.PAIR_FILE
              ? "vipHook.provider: required: " + HookProvider.choices()
              : PairRules.PROVIDER_OR_HOOK_REF_MESSAGE);
      return;
    }
    if (source != Source.PAIR_FILE) {
      // S10: no command in a resource, nor in the pair file rendered from one. The command of an
      // admin hook reaches the agent in its own file (AdminHooks), never through this one.
      if (hook.getProvider() == HookProvider.EXEC) {
        problems.add(PairRules.NO_EXEC_IN_RESOURCE_MESSAGE);
      }
      if (hook.getCommand() != null) {
        problems.add(PairRules.NO_COMMAND_IN_RESOURCE_MESSAGE);
      }
      // Nor an address the agents would call from the node's network (loopback, the metadata
      // service, the node's own ports) or send the node's signed cloud credentials to.
      if (hook.getUrl() != null) {
        problems.add(PairRules.NO_URL_IN_RESOURCE_MESSAGE);
      }
      if (hook.getEndpoint() != null) {
        problems.add(PairRules.NO_ENDPOINT_IN_RESOURCE_MESSAGE);
      }
      if (hook.getMetadataEndpoint() != null) {
        problems.add(PairRules.NO_METADATA_ENDPOINT_IN_RESOURCE_MESSAGE);
      }
    }
    validateProviderSettings("vipHook", hook, source, problems);
    if (hook.getCredentialsSecretRef() != null
        && hook.getProvider() != HookProvider.AWS
        && hook.getProvider() != HookProvider.ALIBABA) {
      problems.add(PairRules.CREDENTIALS_ONLY_FOR_CLOUD_MESSAGE);
    }
    if (hook.getCredentialsSecretRef() != null && hook.getCredentialsFile() != null) {
      problems.add("vipHook.credentialsFile: give either credentialsSecretRef or credentialsFile");
    }
    timeouts("vipHook", hook, problems);
  }

  private static void validateHookRef(VipHookSpec hook, Source source, List<String> problems) {
    String name = hook.getHookRef();
    if (source == Source.PAIR_FILE) {
      problems.add(
          "vipHook.hookRef: names a hook of the operator's configuration, which exists only under"
              + " Kubernetes; a standalone pair file gives provider and its settings");
    } else if (name.length() > PairLimits.HOOK_NAME_MAX_LENGTH
        || !GROUP_NAME.matcher(name).matches()) {
      problems.add(
          "vipHook.hookRef: '"
              + name
              + "' is not a hook name (lower-case letters, digits and '-', at most "
              + PairLimits.HOOK_NAME_MAX_LENGTH
              + " characters)");
    }
    if (hook.getProvider() != null) {
      problems.add(PairRules.PROVIDER_OR_HOOK_REF_MESSAGE);
    }
    // credentialsFile is left to validateNodeFiles: refused in a resource, the mounted Secret in
    // the rendered file.
    if (hook.getCommand() != null
        || hook.getUrl() != null
        || hook.getRegion() != null
        || hook.getEndpoint() != null
        || hook.getMetadataEndpoint() != null) {
      problems.add(PairRules.HOOK_REF_ALONE_MESSAGE);
    }
  }

  /**
   * The checks of a hook's provider and the settings it needs, for the pair's {@code vipHook} and
   * for the hooks of the operator's configuration; {@code at} is where the hook sits.
   */
  private static void validateProviderSettings(
      String at, VipHookSpec hook, Source source, List<String> problems) {
    HookProvider provider = hook.getProvider();
    switch (provider) {
      case EXEC -> {
        if (source != Source.PAIR_FILE) {
          break; // refused as a whole
        }
        if (hook.getCommand() == null
            || hook.getCommand().isEmpty()
            || hook.getCommand().getFirst() == null
            || hook.getCommand().getFirst().isBlank()) {
          problems.add(
              at + ".command: required with provider Exec, for example [/usr/local/bin/route-vip]");
        } else if (hook.getCommand().size() > PairLimits.HOOK_COMMAND_MAX_ITEMS) {
          problems.add(
              at
                  + ".command: at most "
                  + PairLimits.HOOK_COMMAND_MAX_ITEMS
                  + " words, found "
                  + hook.getCommand().size());
        }
      }
      case WEBHOOK -> {
        if (hook.getUrl() == null) {
          problems.add(at + ".url: required with provider Webhook");
        } else {
          url(at + ".url", hook.getUrl(), problems);
        }
      }
      case AWS, ALIBABA -> {
        if (hook.getRegion() == null) {
          problems.add(
              at
                  + ".region: required with provider "
                  + provider
                  + (provider == HookProvider.AWS
                      ? ", for example us-east-1"
                      : ", for example cn-hangzhou"));
        } else if (hook.getRegion().length() > PairLimits.REGION_MAX_LENGTH
            || !REGION.matcher(hook.getRegion()).matches()) {
          problems.add(at + ".region: '" + hook.getRegion() + "' is not a region name");
        }
      }
    }
    if (provider != HookProvider.EXEC && hook.getCommand() != null) {
      problems.add(at + ".command: only used with provider Exec");
    }
    if (provider != HookProvider.WEBHOOK && hook.getUrl() != null) {
      problems.add(at + ".url: only used with provider Webhook");
    }
    if (hook.getEndpoint() != null) {
      url(at + ".endpoint", hook.getEndpoint(), problems);
    }
    if (hook.getMetadataEndpoint() != null) {
      url(at + ".metadataEndpoint", hook.getMetadataEndpoint(), problems);
    }
    path(at + ".credentialsFile", hook.getCredentialsFile(), problems);
  }

  private static void timeouts(String at, VipHookSpec hook, List<String> problems) {
    range(
        at + ".timeoutMillis",
        hook.getTimeoutMillis(),
        PairLimits.HOOK_TIMEOUT_MIN_MILLIS,
        PairLimits.HOOK_TIMEOUT_MAX_MILLIS,
        problems);
    range(
        at + ".retryMaxMillis",
        hook.getRetryMaxMillis(),
        PairLimits.HOOK_RETRY_MAX_MIN_MILLIS,
        PairLimits.HOOK_RETRY_MAX_MAX_MILLIS,
        problems);
  }

  /**
   * A hook of the operator's configuration: a standalone {@code vipHook} (written by the cluster
   * admin, so it may name a command and files inside the agent's container) without what belongs to
   * each pair.
   */
  static void validateAdminHook(
      String prefix, String name, VipHookSpec hook, List<String> problems) {
    String at = prefix + "." + name;
    if (name.length() > PairLimits.HOOK_NAME_MAX_LENGTH || !GROUP_NAME.matcher(name).matches()) {
      problems.add(
          at
              + ": '"
              + name
              + "' is not a hook name (lower-case letters, digits and '-', at most "
              + PairLimits.HOOK_NAME_MAX_LENGTH
              + " characters)");
    }
    if (hook == null) {
      problems.add(at + ": must not be empty; give provider and its settings");
      return;
    }
    if (hook.getHookRef() != null) {
      problems.add(at + ".hookRef: a hook of the operator cannot name another hook");
    }
    if (hook.getCredentialsSecretRef() != null) {
      problems.add(
          at
              + ".credentialsSecretRef: Secrets belong to a pair's namespace; give it in the"
              + " RedisHAPair (vipHook.credentialsSecretRef) or use credentialsFile");
    }
    if (hook.getTimeoutMillis() != null || hook.getRetryMaxMillis() != null) {
      problems.add(
          at
              + ": timeoutMillis and retryMaxMillis are set by each pair (vipHook.timeoutMillis,"
              + " vipHook.retryMaxMillis), not by the hook");
    }
    if (hook.getProvider() == null) {
      problems.add(at + ".provider: required: " + HookProvider.choices());
      return;
    }
    validateProviderSettings(at, hook, Source.PAIR_FILE, problems);
  }

  /**
   * S10 for files: a resource names none (passwords and keys come from Secrets), and the agent
   * under {@code --kubernetes} reads none but the Secrets the operator mounted. Every field named
   * {@code ...File} is checked, so a file field added later is covered without being listed here.
   */
  private static void validateNodeFiles(
      RedisHAPairSpec spec, Source source, List<String> problems) {
    if (source == Source.PAIR_FILE) {
      return;
    }
    Map<String, String> files = new LinkedHashMap<>();
    fileFields(FILES.valueToTree(spec), "", files);
    files.forEach(
        (field, value) -> {
          if (source == Source.RESOURCE) {
            problems.add(
                RESOURCE_FILE_MESSAGES.getOrDefault(
                    field,
                    field
                        + ": a RedisHAPair may not name a file on the nodes;"
                        + " give the Secret reference of this setting instead"));
          } else if (!underSecretRoot(value)) {
            problems.add(
                field
                    + ": under --kubernetes the agent reads files only where the operator mounts"
                    + " Secrets ("
                    + KUBERNETES_SECRET_ROOT
                    + "/), not "
                    + value);
          }
        });
  }

  private static final ObjectMapper FILES = new ObjectMapper();

  private static final Map<String, String> RESOURCE_FILE_MESSAGES =
      Map.of(
          "vrrp.authPasswordFile", PairRules.NO_VRRP_PASSWORD_FILE_IN_RESOURCE_MESSAGE,
          "redis.passwordFile", PairRules.NO_REDIS_PASSWORD_FILE_IN_RESOURCE_MESSAGE,
          "vipHook.credentialsFile", PairRules.NO_CREDENTIALS_FILE_IN_RESOURCE_MESSAGE,
          "redis.tls.caFile", PairRules.NO_TLS_CA_FILE_IN_RESOURCE_MESSAGE,
          "redis.tls.certFile", PairRules.NO_TLS_CERT_FILE_IN_RESOURCE_MESSAGE,
          "redis.tls.keyFile", PairRules.NO_TLS_KEY_FILE_IN_RESOURCE_MESSAGE,
          "etcd.passwordFile", PairRules.ETCD_NO_PASSWORD_FILE_IN_RESOURCE_MESSAGE,
          "etcd.caFile", PairRules.ETCD_NO_CA_FILE_IN_RESOURCE_MESSAGE,
          "etcd.certFile", PairRules.ETCD_NO_CERT_FILE_IN_RESOURCE_MESSAGE,
          "etcd.keyFile", PairRules.ETCD_NO_KEY_FILE_IN_RESOURCE_MESSAGE);

  private static void fileFields(JsonNode node, String path, Map<String, String> out) {
    if (node.isObject()) {
      node.properties()
          .forEach(
              e -> {
                String field = path.isEmpty() ? e.getKey() : path + "." + e.getKey();
                if (e.getKey().endsWith("File") && !e.getValue().isNull()) {
                  out.put(field, e.getValue().asText());
                } else {
                  fileFields(e.getValue(), field, out);
                }
              });
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        fileFields(node.get(i), path + "[" + i + "]", out);
      }
    }
  }

  /** Whether {@code file} is a path under {@link #KUBERNETES_SECRET_ROOT}, with no way out. */
  private static boolean underSecretRoot(String file) {
    try {
      Path path = Path.of(file);
      return path.isAbsolute()
          && path.normalize().equals(path)
          && path.startsWith(KUBERNETES_SECRET_ROOT)
          && !path.equals(Path.of(KUBERNETES_SECRET_ROOT));
    } catch (InvalidPathException e) {
      return false;
    }
  }

  /**
   * Validates the standalone pair file {@code loaded} and resolves it for the node {@code
   * nodeName}, reading the password files it names. Every problem is reported at once, each with
   * its place in the file where the file has one.
   */
  public static PairSettings resolve(PairFile.Loaded loaded, String nodeName, String source)
      throws InvalidPairException {
    return resolve(loaded, nodeName, source, Source.PAIR_FILE, AdminHooks.NONE);
  }

  /**
   * Loads and resolves the agent's pair file {@code file}: a standalone pair file, or under {@code
   * --kubernetes} the file the operator rendered, with the hooks it wrote beside it ({@link
   * AdminHooks#FILE_NAME}), the only place a command may come from there.
   */
  public static PairSettings resolveAgentFile(Path file, String nodeName, boolean kubernetes)
      throws InvalidPairException {
    PairFile.Loaded loaded = PairFile.load(file);
    if (!kubernetes) {
      return resolve(loaded, nodeName, file.toString());
    }
    AdminHooks hooks = AdminHooks.load(file.resolveSibling(AdminHooks.FILE_NAME));
    return resolve(loaded, nodeName, file.toString(), Source.RENDERED, hooks);
  }

  /**
   * {@link #resolve(PairFile.Loaded, String, String)} for a pair file from {@code kind} (a
   * standalone file, or the file the operator rendered), with a {@code vipHook.hookRef} taken from
   * {@code hooks}.
   */
  public static PairSettings resolve(
      PairFile.Loaded loaded, String nodeName, String source, Source kind, AdminHooks hooks)
      throws InvalidPairException {
    if (kind == Source.RESOURCE) {
      throw new IllegalArgumentException("a resource is rendered to a pair file first");
    }
    RedisHAPairSpec spec = loaded.spec();
    List<String> problems = new ArrayList<>(validate(spec, kind, hooks));
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
    List<PairSettings.Auth> auths = AuthRules.resolve(spec, problems);
    PairSettings.Redis redis = redisAccess(spec.getRedis(), problems);
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
    if (spec.getVipHook() != null && spec.getVipHook().getCredentialsSecretRef() != null) {
      problems.add(
          "vipHook.credentialsSecretRef: Secrets are read by the operator; standalone needs"
              + " credentialsFile");
    }
    if (!problems.isEmpty()) {
      throw new InvalidPairException(source, loaded.locateAll(problems));
    }
    return settings(loaded.name(), spec, local, peer, auths, redis, etcdPassword, hooks);
  }

  /**
   * The password and key files of the adverts' authentication that {@code spec} names: the agent
   * watches them with the pair file, so a key rotated in its file (a Secret mounted by the operator
   * changes in place) takes effect although the pair file did not change.
   */
  public static List<String> authFiles(RedisHAPairSpec spec) {
    return AuthRules.files(spec);
  }

  /**
   * The Redis credentials of a standalone pair file: the password and the TLS material read from
   * their files, each checked (readable, PEM, the key that fits the certificate) and refused naming
   * its field.
   */
  private static PairSettings.Redis redisAccess(RedisSpec spec, List<String> problems) {
    RedisSpec redis = spec == null ? new RedisSpec() : spec;
    List<Path> files = new ArrayList<>();
    String password = null;
    if (redis.getPasswordSecretRef() != null) {
      problems.add(
          "redis.passwordSecretRef: Secrets are read by the operator; standalone needs passwordFile");
    } else if (redis.getPasswordFile() != null) {
      password =
          readSecret("redis.passwordFile", redis.getPasswordFile(), "the Redis password", problems);
      files.add(Path.of(redis.getPasswordFile()));
    }
    TlsSpec tls = redis.getTls();
    RedisTls redisTls = null;
    if (tls != null) {
      String ca = pemFile("caSecretRef", tls.getCaSecretRef(), "caFile", tls.getCaFile(), problems);
      String cert =
          pemFile("certSecretRef", tls.getCertSecretRef(), "certFile", tls.getCertFile(), problems);
      String key =
          pemFile("keySecretRef", tls.getKeySecretRef(), "keyFile", tls.getKeyFile(), problems);
      List<X509Certificate> chain = null;
      PrivateKey privateKey = null;
      if (ca != null) {
        pem("redis.tls.caFile", tls.getCaFile(), () -> Pem.certificates(ca), problems);
        files.add(Path.of(tls.getCaFile()));
      }
      if (cert != null) {
        chain =
            pem("redis.tls.certFile", tls.getCertFile(), () -> Pem.certificates(cert), problems);
        files.add(Path.of(tls.getCertFile()));
      }
      if (key != null) {
        privateKey =
            pem("redis.tls.keyFile", tls.getKeyFile(), () -> Pem.privateKey(key), problems);
        files.add(Path.of(tls.getKeyFile()));
      }
      if (chain != null && privateKey != null && !Pem.keyFits(privateKey, chain.getFirst())) {
        problems.add(
            "redis.tls.keyFile: "
                + tls.getKeyFile()
                + " is not the key of the certificate in "
                + tls.getCertFile());
      }
      if (problems.isEmpty() && ca != null) {
        redisTls = RedisTls.of(ca, cert, key);
      }
    }
    return new PairSettings.Redis(redis.getUsername(), password, redisTls, files);
  }

  /** The text of a TLS file of a standalone pair file; null when there is none or it is unread. */
  private static String pemFile(
      String refField, SecretKeyRef ref, String fileField, String file, List<String> problems) {
    if (ref != null) {
      problems.add(
          "redis.tls."
              + refField
              + ": Secrets are read by the operator; standalone needs "
              + fileField);
      return null;
    }
    if (file == null) {
      return null;
    }
    try {
      return Files.readString(Path.of(file), StandardCharsets.US_ASCII);
    } catch (IOException e) {
      problems.add("redis.tls." + fileField + ": cannot read " + file + ": " + describe(e));
      return null;
    }
  }

  private interface PemReader<T> {
    T read();
  }

  private static <T> T pem(String field, String file, PemReader<T> reader, List<String> problems) {
    try {
      return reader.read();
    } catch (IllegalArgumentException e) {
      problems.add(field + ": " + file + ": " + e.getMessage());
      return null;
    }
  }

  private static String describe(IOException e) {
    return switch (e) {
      case java.nio.file.NoSuchFileException missing -> "no such file";
      case java.nio.file.AccessDeniedException denied -> "permission denied";
      case java.nio.charset.CharacterCodingException binary -> "not a PEM text file";
      default -> e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    };
  }

  /** The settings of a spec that passed {@link #validate}, seen from {@code local}. */
  private static PairSettings settings(
      String pairName,
      RedisHAPairSpec spec,
      NodeSpec local,
      NodeSpec peer,
      List<PairSettings.Auth> auths,
      PairSettings.Redis redis,
      String etcdPassword,
      AdminHooks hooks) {
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
    for (int i = 0; i < spec.getInstances().size(); i++) {
      InstanceSpec instance = spec.getInstances().get(i);
      int priority =
          nodeName.equals(instance.getPreferredMaster()) ? PREFERRED_PRIORITY : DEFAULT_PRIORITY;
      groups.add(
          new PairSettings.Group(
              instance.getName(),
              instance.getPort(),
              Ipv4Cidr.parse(instance.getVip()),
              instance.getVirtualRouterId(),
              instance.getPreferredMaster(),
              priority,
              auths.get(i)));
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
        redis,
        new PairSettings.SplitBrain(
            Protection.of(
                Objects.requireNonNullElse(
                    spec.getSplitBrainProtection(), PairDefaults.SPLIT_BRAIN_PROTECTION)),
            etcd == null
                ? null
                : etcdSettings(
                    etcd, etcd.getEndpoints().stream().map(URI::create).toList(), etcdPassword)),
        hookSettings(spec, hooks),
        groups);
  }

  private static HookSettings hookSettings(RedisHAPairSpec spec, AdminHooks hooks) {
    VipHookSpec hook = effectiveHook(spec.getVipHook(), hooks);
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

  /**
   * The hook a pair's {@code vipHook} stands for: itself, or with a {@code hookRef} the named hook
   * of the operator's configuration with the pair's own parts (timeouts, and the credentials file
   * of its Secret). Null without a hook; the hookRef must name a hook of {@code hooks}.
   */
  public static VipHookSpec effectiveHook(VipHookSpec hook, AdminHooks hooks) {
    if (hook == null || hook.getHookRef() == null) {
      return hook;
    }
    VipHookSpec named = hooks.find(hook.getHookRef());
    VipHookSpec effective = new VipHookSpec();
    effective.setProvider(named.getProvider());
    effective.setCommand(named.getCommand());
    effective.setUrl(named.getUrl());
    effective.setRegion(named.getRegion());
    effective.setEndpoint(named.getEndpoint());
    effective.setMetadataEndpoint(named.getMetadataEndpoint());
    effective.setCredentialsFile(
        hook.getCredentialsFile() != null ? hook.getCredentialsFile() : named.getCredentialsFile());
    effective.setTimeoutMillis(hook.getTimeoutMillis());
    effective.setRetryMaxMillis(hook.getRetryMaxMillis());
    return effective;
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
  static String readSecret(String field, String file, String what, List<String> problems) {
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

  static void secretRef(String field, SecretKeyRef ref, List<String> problems) {
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

  static void path(String field, String path, List<String> problems) {
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

package io.redisha.operator;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.redisha.api.EtcdSpec;
import io.redisha.api.EtcdTlsSecretRef;
import io.redisha.api.InstanceSpec;
import io.redisha.api.NodeSpec;
import io.redisha.api.RedisHAPair;
import io.redisha.api.RedisHAPairSpec;
import io.redisha.api.SecretKeyRef;
import io.redisha.api.TlsSpec;
import io.redisha.api.VipHookSpec;
import io.redisha.kube.PairResources;
import io.redisha.pair.AdminHooks;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The objects the operator owns for one pair, as pure functions of the resource, the nodes'
 * InternalIPs and the operator's settings: the agents' ServiceAccount, Role and RoleBinding, the
 * ConfigMap with the pair file, and the agent DaemonSet.
 */
public final class AgentResources {
  private AgentResources() {}

  /** Everything the operator wants to exist for a pair. */
  public record Desired(
      ServiceAccount serviceAccount,
      Role role,
      RoleBinding roleBinding,
      ConfigMap configMap,
      DaemonSet daemonSet) {}

  /** Builds every owned object of {@code pair}; {@code nodeAddresses} maps name to InternalIP. */
  public static Desired desired(
      RedisHAPair pair,
      Map<String, String> nodeAddresses,
      AgentSettings settings,
      OperatorConfig config) {
    return new Desired(
        serviceAccount(pair),
        role(pair),
        roleBinding(pair),
        configMap(pair, nodeAddresses, config.hooks()),
        daemonSet(pair, nodeAddresses, settings, config));
  }

  private static ObjectMeta meta(RedisHAPair pair, String name) {
    return new ObjectMetaBuilder()
        .withName(name)
        .withNamespace(pair.getMetadata().getNamespace())
        .withLabels(PairResources.agentLabels(pair.getMetadata().getName()))
        .build();
  }

  public static ServiceAccount serviceAccount(RedisHAPair pair) {
    return new ServiceAccountBuilder()
        .withMetadata(meta(pair, PairResources.agentName(pair.getMetadata().getName())))
        .withAutomountServiceAccountToken(true)
        .build();
  }

  /** Every Lease the agents of {@code pair} write (its report and split-brain Leases). */
  public static List<String> leaseNames(RedisHAPair pair) {
    RedisHAPairSpec spec = pair.getSpec();
    List<String> nodes =
        spec == null || spec.getNodes() == null
            ? List.of()
            : spec.getNodes().stream().map(NodeSpec::getName).toList();
    List<String> groups =
        spec == null || spec.getInstances() == null
            ? List.of()
            : spec.getInstances().stream().map(InstanceSpec::getName).toList();
    return PairResources.agentLeaseNames(pair.getMetadata().getName(), nodes, groups);
  }

  /**
   * What an agent may do: read and write the report Lease of each node and the split-brain Lease of
   * each group of its pair, by name, create Leases, and record Events. Nothing else: it reads its
   * configuration and secrets from mounted files. Creating cannot be limited by name (the API
   * server authorizes a create before the object has one), so a Lease of another name can be
   * created but never read or changed afterwards.
   */
  public static Role role(RedisHAPair pair) {
    String pairName = pair.getMetadata().getName();
    List<String> leases = leaseNames(pair);
    List<PolicyRule> rules = new ArrayList<>();
    if (!leases.isEmpty()) {
      // Never with an empty list: a rule without resourceNames allows every name.
      rules.add(
          new PolicyRuleBuilder()
              .withApiGroups(LEASE_API_GROUP)
              .withResources(LEASES)
              .withResourceNames(leases)
              .withVerbs("get", "update", "patch")
              .build());
    }
    rules.add(
        new PolicyRuleBuilder()
            .withApiGroups(LEASE_API_GROUP)
            .withResources(LEASES)
            .withVerbs("create")
            .build());
    rules.add(
        new PolicyRuleBuilder()
            .withApiGroups("")
            .withResources("events")
            .withVerbs("create", "patch")
            .build());
    return new RoleBuilder()
        .withMetadata(meta(pair, PairResources.agentName(pairName)))
        .withRules(rules)
        .build();
  }

  private static final String LEASE_API_GROUP = "coordination.k8s.io";
  private static final String LEASES = "leases";

  public static RoleBinding roleBinding(RedisHAPair pair) {
    String name = PairResources.agentName(pair.getMetadata().getName());
    return new RoleBindingBuilder()
        .withMetadata(meta(pair, name))
        .withNewRoleRef()
        .withApiGroup("rbac.authorization.k8s.io")
        .withKind("Role")
        .withName(name)
        .endRoleRef()
        .addNewSubject()
        .withKind("ServiceAccount")
        .withName(name)
        .withNamespace(pair.getMetadata().getNamespace())
        .endSubject()
        .build();
  }

  /**
   * The ConfigMap with the rendered pair file, the generation it was rendered from and, when the
   * pair names one, the hook of the operator's configuration in a file of its own: the agent under
   * {@code --kubernetes} takes a command from that file only (S10), so nothing the resource says
   * can become one.
   */
  public static ConfigMap configMap(
      RedisHAPair pair, Map<String, String> nodeAddresses, AdminHooks hooks) {
    RedisHAPairSpec file = PairFileRenderer.render(pair.getSpec(), nodeAddresses);
    long generation = generation(pair);
    Map<String, String> data = new LinkedHashMap<>();
    data.put(
        PairResources.PAIR_FILE_KEY,
        PairFileRenderer.toYaml(
            file, pair.getMetadata().getNamespace(), pair.getMetadata().getName(), generation));
    data.put(PairResources.GENERATION_KEY, Long.toString(generation));
    AdminHooks named = namedHooks(pair, hooks);
    if (!named.hooks().isEmpty()) {
      data.put(PairResources.HOOKS_FILE_KEY, named.toYaml());
    }
    return new ConfigMapBuilder()
        .withMetadata(meta(pair, PairResources.configMapName(pair.getMetadata().getName())))
        .withData(data)
        .build();
  }

  /**
   * A digest of what the agent reads only when it starts: everything but the groups (which the
   * agent reloads from the mounted file), plus the image. It goes into the pod template, so a
   * change restarts the agents one node at a time and a new group restarts nothing.
   */
  public static String restartDigest(
      RedisHAPair pair,
      Map<String, String> nodeAddresses,
      AgentSettings settings,
      AdminHooks hooks) {
    RedisHAPairSpec file = PairFileRenderer.render(pair.getSpec(), nodeAddresses);
    file.setInstances(null);
    VrrpSecrets.leaveOutOfDigest(file);
    String material =
        PairFileRenderer.write(file)
            + "\n"
            + namedHooks(pair, hooks).toYaml()
            + "\nimage: "
            + settings.image();
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(material.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The hooks of {@code hooks} that {@code pair} names (at most one, its vipHook's). */
  static AdminHooks namedHooks(RedisHAPair pair, AdminHooks hooks) {
    VipHookSpec hook = pair.getSpec() == null ? null : pair.getSpec().getVipHook();
    return hook == null || hook.getHookRef() == null
        ? AdminHooks.NONE
        : hooks.only(Set.of(hook.getHookRef()));
  }

  public static DaemonSet daemonSet(
      RedisHAPair pair,
      Map<String, String> nodeAddresses,
      AgentSettings settings,
      OperatorConfig config) {
    String pairName = pair.getMetadata().getName();
    String name = PairResources.agentName(pairName);
    RedisHAPairSpec spec = pair.getSpec();
    List<String> nodeNames = spec.getNodes().stream().map(NodeSpec::getName).toList();
    Map<String, String> selector = new LinkedHashMap<>(PairResources.agentLabels(pairName));
    selector.remove(PairResources.LABEL_MANAGED_BY);
    selector.remove(PairResources.LABEL_ROLE);

    List<Volume> volumes = new ArrayList<>();
    List<VolumeMount> mounts = new ArrayList<>();
    volumes.add(
        new VolumeBuilder()
            .withName("config")
            .withNewConfigMap()
            .withName(PairResources.configMapName(pairName))
            .endConfigMap()
            .build());
    mounts.add(
        new VolumeMountBuilder()
            .withName("config")
            .withMountPath(PairResources.CONFIG_DIR)
            .withReadOnly(true)
            .build());
    SecretKeyRef vrrpAuth = spec.getVrrp() == null ? null : spec.getVrrp().getAuthSecretRef();
    if (vrrpAuth != null) {
      addSecret(
          volumes,
          mounts,
          "vrrp-auth",
          vrrpAuth,
          PairResources.VRRP_SECRET_DIR,
          PairResources.SECRET_FILE);
    }
    SecretKeyRef redisAuth =
        spec.getRedis() == null ? null : spec.getRedis().getPasswordSecretRef();
    if (redisAuth != null) {
      addSecret(
          volumes,
          mounts,
          "redis-auth",
          redisAuth,
          PairResources.REDIS_SECRET_DIR,
          PairResources.SECRET_FILE);
    }
    SecretKeyRef cloudCredentials =
        spec.getVipHook() == null ? null : spec.getVipHook().getCredentialsSecretRef();
    if (cloudCredentials != null) {
      addSecret(
          volumes,
          mounts,
          "cloud-credentials",
          cloudCredentials,
          PairResources.CLOUD_SECRET_DIR,
          PairResources.CLOUD_CREDENTIALS_FILE);
    }
    VrrpSecrets.mount(spec, volumes, mounts);
    TlsSpec tls = spec.getRedis() == null ? null : spec.getRedis().getTls();
    if (tls != null) {
      addTlsSecret(
          volumes, mounts, "redis-tls-ca", tls.getCaSecretRef(), PairResources.REDIS_TLS_CA_FILE);
      addTlsSecret(
          volumes,
          mounts,
          "redis-tls-cert",
          tls.getCertSecretRef(),
          PairResources.REDIS_TLS_CERT_FILE);
      addTlsSecret(
          volumes,
          mounts,
          "redis-tls-key",
          tls.getKeySecretRef(),
          PairResources.REDIS_TLS_KEY_FILE);
    }
    EtcdSpec etcd = spec.getEtcd();
    if (etcd != null && etcd.getPasswordSecretRef() != null) {
      addSecret(
          volumes,
          mounts,
          "etcd-auth",
          etcd.getPasswordSecretRef(),
          PairResources.ETCD_SECRET_DIR,
          PairResources.SECRET_FILE);
    }
    if (etcd != null && etcd.getTlsSecretRef() != null) {
      addEtcdTls(volumes, mounts, etcd.getTlsSecretRef());
    }
    // The token POST /switchover needs: the pair's own Secret, in the agents only (S10 spirit:
    // nothing of it in the ConfigMap, which every reader of the namespace's ConfigMaps sees).
    addSecret(
        volumes,
        mounts,
        "api-token",
        PairResources.agentTokenSecretName(pairName),
        PairResources.API_TOKEN_KEY,
        PairResources.API_TOKEN_DIR,
        PairResources.API_TOKEN_KEY);
    volumes.add(new VolumeBuilder().withName("tmp").withNewEmptyDir().endEmptyDir().build());
    mounts.add(new VolumeMountBuilder().withName("tmp").withMountPath("/tmp").build());

    List<EnvVar> env =
        List.of(
            new EnvVarBuilder()
                .withName(PairResources.ENV_NODE_NAME)
                .withNewValueFrom()
                .withNewFieldRef()
                .withFieldPath("spec.nodeName")
                .endFieldRef()
                .endValueFrom()
                .build(),
            new EnvVarBuilder()
                .withName(PairResources.ENV_NAMESPACE)
                .withNewValueFrom()
                .withNewFieldRef()
                .withFieldPath("metadata.namespace")
                .endFieldRef()
                .endValueFrom()
                .build(),
            new EnvVarBuilder().withName(PairResources.ENV_PAIR).withValue(pairName).build(),
            new EnvVarBuilder()
                .withName(PairResources.ENV_PAIR_UID)
                .withValue(pair.getMetadata().getUid())
                .build());

    return new DaemonSetBuilder()
        .withMetadata(meta(pair, name))
        .withNewSpec()
        .withNewSelector()
        .withMatchLabels(selector)
        .endSelector()
        .withNewUpdateStrategy()
        .withType("RollingUpdate")
        .withNewRollingUpdate()
        .withNewMaxUnavailable(1)
        .withNewMaxSurge(0)
        .endRollingUpdate()
        .endUpdateStrategy()
        // A restarted agent must be ready, and stay so for a while, before the other one goes.
        .withMinReadySeconds(10)
        .withNewTemplate()
        .withNewMetadata()
        .withLabels(PairResources.agentLabels(pairName))
        .withAnnotations(
            Map.of(
                PairResources.ANNOTATION_RESTART_DIGEST,
                restartDigest(pair, nodeAddresses, settings, config.hooks())))
        .endMetadata()
        .withNewSpec()
        .withServiceAccountName(name)
        .withHostNetwork(true)
        // The agents need NET_ADMIN and NET_RAW, nothing the runtime's default seccomp filter
        // blocks; the namespace must still admit the Pod Security level privileged (hostNetwork).
        .withNewSecurityContext()
        .withNewSeccompProfile()
        .withType("RuntimeDefault")
        .endSeccompProfile()
        .endSecurityContext()
        .withTolerations(config.agentTolerations())
        .withDnsPolicy("ClusterFirstWithHostNet")
        .withTerminationGracePeriodSeconds(30L)
        .withNewAffinity()
        .withNewNodeAffinity()
        .withNewRequiredDuringSchedulingIgnoredDuringExecution()
        .addNewNodeSelectorTerm()
        .addNewMatchExpression()
        .withKey("kubernetes.io/hostname")
        .withOperator("In")
        .withValues(nodeNames)
        .endMatchExpression()
        .endNodeSelectorTerm()
        .endRequiredDuringSchedulingIgnoredDuringExecution()
        .endNodeAffinity()
        .endAffinity()
        .addNewContainer()
        .withName("agent")
        .withImage(settings.image())
        .withImagePullPolicy(settings.imagePullPolicy())
        .withArgs(
            "agent",
            "--config",
            PairResources.PAIR_FILE,
            "--node",
            "$(" + PairResources.ENV_NODE_NAME + ")",
            "--kubernetes",
            "--http-port",
            Integer.toString(PairResources.AGENT_HTTP_PORT),
            "--api-token-file",
            PairResources.API_TOKEN_FILE,
            "--probe-port",
            Integer.toString(PairResources.AGENT_PROBE_PORT))
        .withEnv(env)
        .addNewPort()
        .withName("http")
        .withContainerPort(PairResources.AGENT_HTTP_PORT)
        .withProtocol("TCP")
        .endPort()
        // The probes ask the loopback listener, which no client from elsewhere can crowd out.
        .withNewReadinessProbe()
        .withNewHttpGet()
        .withHost("127.0.0.1")
        .withPath("/readyz")
        .withNewPort(PairResources.AGENT_PROBE_PORT)
        .endHttpGet()
        .withPeriodSeconds(2)
        .withFailureThreshold(3)
        .endReadinessProbe()
        .withNewLivenessProbe()
        .withNewHttpGet()
        .withHost("127.0.0.1")
        .withPath("/healthz")
        .withNewPort(PairResources.AGENT_PROBE_PORT)
        .endHttpGet()
        .withInitialDelaySeconds(30)
        .withPeriodSeconds(10)
        .withFailureThreshold(6)
        .endLivenessProbe()
        .withNewResources()
        .addToRequests("cpu", new Quantity(settings.cpuRequest()))
        .addToRequests("memory", new Quantity(settings.memoryRequest()))
        .addToLimits("cpu", new Quantity(settings.cpuLimit()))
        .addToLimits("memory", new Quantity(settings.memoryLimit()))
        .endResources()
        .withNewSecurityContext()
        .withPrivileged(false)
        .withAllowPrivilegeEscalation(false)
        .withReadOnlyRootFilesystem(true)
        .withNewCapabilities()
        .withAdd("NET_ADMIN", "NET_RAW")
        .withDrop("ALL")
        .endCapabilities()
        .endSecurityContext()
        .withVolumeMounts(mounts)
        .endContainer()
        .withVolumes(volumes)
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }

  /** A TLS Secret key at {@code file}; updated in place by the kubelet when the Secret changes. */
  private static void addTlsSecret(
      List<Volume> volumes, List<VolumeMount> mounts, String name, SecretKeyRef ref, String file) {
    if (ref != null) {
      int slash = file.lastIndexOf('/');
      addSecret(volumes, mounts, name, ref, file.substring(0, slash), file.substring(slash + 1));
    }
  }

  private static void addSecret(
      List<Volume> volumes,
      List<VolumeMount> mounts,
      String name,
      SecretKeyRef ref,
      String dir,
      String file) {
    addSecret(volumes, mounts, name, ref.getName(), ref.getKey(), dir, file);
  }

  private static void addSecret(
      List<Volume> volumes,
      List<VolumeMount> mounts,
      String name,
      String secret,
      String key,
      String dir,
      String file) {
    volumes.add(
        new VolumeBuilder()
            .withName(name)
            .withNewSecret()
            .withSecretName(secret)
            .addNewItem()
            .withKey(key)
            .withPath(file)
            .endItem()
            .withDefaultMode(0400)
            .endSecret()
            .build());
    mounts.add(
        new VolumeMountBuilder().withName(name).withMountPath(dir).withReadOnly(true).build());
  }

  /** The etcd TLS Secret: ca.crt always, tls.crt and tls.key with the client certificate. */
  private static void addEtcdTls(
      List<Volume> volumes, List<VolumeMount> mounts, EtcdTlsSecretRef ref) {
    List<String> keys = new ArrayList<>(List.of(EtcdTlsSecretRef.CA_KEY));
    if (ref.clientCertificate()) {
      keys.addAll(List.of(EtcdTlsSecretRef.CERT_KEY, EtcdTlsSecretRef.KEY_KEY));
    }
    volumes.add(
        new VolumeBuilder()
            .withName("etcd-tls")
            .withNewSecret()
            .withSecretName(ref.getName())
            .withItems(keys.stream().map(key -> new KeyToPath(key, null, key)).toList())
            .withDefaultMode(0400)
            .endSecret()
            .build());
    mounts.add(
        new VolumeMountBuilder()
            .withName("etcd-tls")
            .withMountPath(PairResources.ETCD_TLS_DIR)
            .withReadOnly(true)
            .build());
  }

  static long generation(RedisHAPair pair) {
    Long generation = pair.getMetadata().getGeneration();
    return generation == null ? 0 : generation;
  }
}

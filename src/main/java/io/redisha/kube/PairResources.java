package io.redisha.kube;

import io.redisha.agent.AgentDefaults;
import io.redisha.pair.AdminHooks;
import io.redisha.pair.PairValidation;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Every name, label and path derived from a pair, shared by the operator, the agent's Kubernetes
 * side and the tests, so that they cannot disagree.
 */
public final class PairResources {
  private PairResources() {}

  public static final String GROUP = "redisha.io";

  /** Start of the name of every object made for a pair. */
  private static final String PREFIX = "redisha-";

  /** The recommended labels of Kubernetes, and the values redisha gives them. */
  public static final String LABEL_NAME = "app.kubernetes.io/name";

  public static final String LABEL_INSTANCE = "app.kubernetes.io/instance";
  public static final String LABEL_COMPONENT = "app.kubernetes.io/component";
  public static final String LABEL_MANAGED_BY = "app.kubernetes.io/managed-by";
  public static final String APP_NAME = "redisha";
  public static final String MANAGED_BY = "redisha-operator";

  /** Label naming the pair an object belongs to. */
  public static final String LABEL_PAIR = GROUP + "/pair";

  /** Label telling what an object is for (agent, report). */
  public static final String LABEL_ROLE = GROUP + "/role";

  public static final String ROLE_AGENT = "agent";
  public static final String ROLE_REPORT = "report";

  /** Selector of the objects the operator owns for its pairs (its dependents' informers). */
  public static final String OWNED_SELECTOR =
      LABEL_MANAGED_BY + "=" + MANAGED_BY + "," + LABEL_ROLE + "=" + ROLE_AGENT;

  /** Annotation on a report Lease holding the agent's report as JSON. */
  public static final String ANNOTATION_REPORT = GROUP + "/report";

  /**
   * Pod-template annotation: a digest of everything the agent reads only at start. When it changes,
   * the DaemonSet restarts the agents one node at a time.
   */
  public static final String ANNOTATION_RESTART_DIGEST = GROUP + "/restart-digest";

  /** Environment of the agent container. */
  public static final String ENV_NODE_NAME = "NODE_NAME";

  public static final String ENV_NAMESPACE = "REDISHA_NAMESPACE";
  public static final String ENV_PAIR = "REDISHA_PAIR";
  public static final String ENV_PAIR_UID = "REDISHA_PAIR_UID";

  /** Where the agent finds its files. */
  public static final String CONFIG_DIR = "/etc/redisha";

  public static final String PAIR_FILE_KEY = "pair.yaml";

  /** The ConfigMap key of the generation, which the agent reads as a file beside the pair file. */
  public static final String GENERATION_KEY = AgentDefaults.GENERATION_FILE;

  /**
   * The ConfigMap key of the hooks of the operator's configuration that the pair names, which the
   * agent reads as a file beside the pair file (the only source of a command under Kubernetes).
   */
  public static final String HOOKS_FILE_KEY = AdminHooks.FILE_NAME;

  public static final String PAIR_FILE = CONFIG_DIR + "/" + PAIR_FILE_KEY;

  /** Where the Secrets are mounted; the agent under --kubernetes reads no other file (S10). */
  public static final String VRRP_SECRET_DIR = PairValidation.KUBERNETES_SECRET_ROOT + "/vrrp";

  public static final String REDIS_SECRET_DIR = PairValidation.KUBERNETES_SECRET_ROOT + "/redis";
  public static final String CLOUD_SECRET_DIR = PairValidation.KUBERNETES_SECRET_ROOT + "/cloud";
  public static final String SECRET_FILE = "password";
  public static final String CLOUD_CREDENTIALS_FILE = "credentials";

  /**
   * Where the Secrets behind a group's PASS password and the auth_hmac keys are mounted, each whole
   * in a directory of its own: a key added to such a Secret appears there without a change of the
   * pod template, so a rotation restarts no agent.
   */
  public static final String VRRP_SECRETS_DIR =
      PairValidation.KUBERNETES_SECRET_ROOT + "/vrrp-secrets";

  /** The file of {@code key} of the Secret {@code secret}, as mounted into the agents. */
  public static String vrrpSecretFile(String secret, String key) {
    return VRRP_SECRETS_DIR + "/" + secret + "/" + key;
  }

  /**
   * The name of the volume of the Secret {@code secret}: a Secret name may be longer than a volume
   * name, so a digest of it.
   */
  public static String vrrpSecretVolume(String secret) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
      return "vrrp-secret-" + HexFormat.of().formatHex(digest, 0, 6);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  /** Where the Secrets of {@code redis.tls} are mounted, one directory per reference. */
  public static final String REDIS_TLS_CA_FILE = "/var/run/secrets/redisha/redis-tls-ca/ca.crt";

  public static final String REDIS_TLS_CERT_FILE =
      "/var/run/secrets/redisha/redis-tls-cert/tls.crt";
  public static final String REDIS_TLS_KEY_FILE = "/var/run/secrets/redisha/redis-tls-key/tls.key";

  /** Where the DaemonSet mounts the etcd password Secret and the etcd TLS Secret. */
  public static final String ETCD_SECRET_DIR = "/var/run/secrets/redisha/etcd";

  public static final String ETCD_TLS_DIR = "/var/run/secrets/redisha/etcd-tls";

  /** The agent's HTTP port (/healthz, /status, /metrics) on the host network. */
  public static final int AGENT_HTTP_PORT = AgentDefaults.HTTP_PORT;

  /** The agent's loopback port for the kubelet's probes only. */
  public static final int AGENT_PROBE_PORT = AgentDefaults.PROBE_PORT;

  /**
   * Where the DaemonSet mounts the pair's agent token Secret, which {@code POST /switchover} needs;
   * the key of the token in that Secret and the file it becomes.
   */
  public static final String API_TOKEN_DIR = PairValidation.KUBERNETES_SECRET_ROOT + "/api-token";

  public static final String API_TOKEN_KEY = "token";
  public static final String API_TOKEN_FILE = API_TOKEN_DIR + "/" + API_TOKEN_KEY;

  /** Name of the Secret with the token the pair's agents want on a mutating request. */
  public static String agentTokenSecretName(String pair) {
    return agentName(pair) + "-token";
  }

  /** How long a report stays valid without a heartbeat. */
  public static final int REPORT_LEASE_SECONDS = 30;

  /** Name of the agents' DaemonSet, ServiceAccount, Role and RoleBinding. */
  public static String agentName(String pair) {
    return PREFIX + pair + "-agent";
  }

  /** Name of the ConfigMap that holds the rendered pair file. */
  public static String configMapName(String pair) {
    return PREFIX + pair + "-config";
  }

  /** Name of the Lease that carries the report of the agent on one node. */
  public static String reportLeaseName(String pair, String node) {
    return PREFIX + pair + "-report-" + node;
  }

  /**
   * Name of the split-brain Lease of one group, lower case. The {@code -group-} infix keeps it
   * apart from every report Lease of the same pair, whatever the group and node are called.
   */
  public static String groupLeaseName(String pair, String group) {
    return (PREFIX + pair + "-group-" + group).toLowerCase(Locale.ROOT);
  }

  /**
   * Every Lease the agents of a pair write: the report Lease of each node and the split-brain Lease
   * of each group. The agents' Role names exactly these.
   */
  public static List<String> agentLeaseNames(String pair, List<String> nodes, List<String> groups) {
    List<String> names = new ArrayList<>();
    for (String node : nodes) {
      names.add(reportLeaseName(pair, node));
    }
    for (String group : groups) {
      names.add(groupLeaseName(pair, group));
    }
    return names;
  }

  /** Labels on everything the operator makes for a pair, and the agents' pod selector. */
  public static Map<String, String> agentLabels(String pair) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(LABEL_NAME, APP_NAME);
    labels.put(LABEL_INSTANCE, pair);
    labels.put(LABEL_COMPONENT, ROLE_AGENT);
    labels.put(LABEL_MANAGED_BY, MANAGED_BY);
    labels.put(LABEL_PAIR, pair);
    labels.put(LABEL_ROLE, ROLE_AGENT);
    return labels;
  }

  /** Labels of the report Leases; the operator watches {@code redisha.io/role=report}. */
  public static Map<String, String> reportLabels(String pair) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(LABEL_NAME, APP_NAME);
    labels.put(LABEL_INSTANCE, pair);
    labels.put(LABEL_COMPONENT, ROLE_REPORT);
    labels.put(LABEL_PAIR, pair);
    labels.put(LABEL_ROLE, ROLE_REPORT);
    return labels;
  }

  /** Selector of the report Leases of every pair. */
  public static String reportSelector() {
    return LABEL_ROLE + "=" + ROLE_REPORT;
  }
}

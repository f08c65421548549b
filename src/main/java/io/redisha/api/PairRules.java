package io.redisha.api;

/**
 * The CEL rules ({@code x-kubernetes-validations}) of the RedisHAPair resource and their messages.
 * They live here as constants so the annotations, the operator's own checks and the tests that
 * evaluate the generated CRD all name the same text. Bounds come from {@link PairLimits}.
 *
 * <p>Kubernetes CEL has {@code ip()} and {@code cidr()} only from 1.31 on, and the CEL library the
 * tests evaluate with has neither, so address rules work on the text: the OpenAPI patterns of
 * {@link Patterns} admit only canonical dotted quads (no leading zeros), which makes comparing the
 * text the same as comparing the addresses, and the host-part rule computes the address as a
 * number. {@code io.redisha.pair.PairValidation} checks the same rules on parsed addresses.
 *
 * <p>A rule reads a field only after {@code has()}: a required field that is missing is the
 * schema's error to report, not an evaluation error of every rule that reads it.
 */
public final class PairRules {
  private PairRules() {}

  public static final String NODE_NAMES_DIFFER =
      "!has(self.nodes) || self.nodes.size() != 2"
          + " || !has(self.nodes[0].name) || !has(self.nodes[1].name)"
          + " || self.nodes[0].name != self.nodes[1].name";
  public static final String NODE_NAMES_DIFFER_MESSAGE =
      "nodes: the two nodes must have different names";

  public static final String NODE_ADDRESSES_DIFFER =
      "!has(self.nodes) || self.nodes.size() != 2"
          + " || !has(self.nodes[0].address) || !has(self.nodes[1].address)"
          + " || self.nodes[0].address != self.nodes[1].address";
  public static final String NODE_ADDRESSES_DIFFER_MESSAGE =
      "nodes: the two nodes must have different addresses";

  /** Where an address of a node or a VIP cannot be: said once for the rules. */
  private static final String NOT_UNICAST =
      "not in 0.0.0.0/8, 127.0.0.0/8 (loopback), 224.0.0.0/4 (multicast)"
          + " or 240.0.0.0/4 (reserved, with the broadcast address 255.255.255.255)";

  /** On each node; loopback is allowed there (two agents on one host). */
  public static final String NODE_ADDRESS_UNICAST =
      "!has(self.address) || !self.address.matches('" + Patterns.NOT_NODE_ADDRESS_START + "')";

  public static final String NODE_ADDRESS_UNICAST_MESSAGE =
      "nodes[].address: must be a unicast address, not in 0.0.0.0/8, 224.0.0.0/4 (multicast)"
          + " or 240.0.0.0/4 (reserved, with the broadcast address 255.255.255.255)";

  /** On each group. */
  public static final String VIP_UNICAST =
      "!has(self.vip) || !self.vip.matches('" + Patterns.NOT_UNICAST_START + "')";

  public static final String VIP_UNICAST_MESSAGE =
      "instances[].vip: must be a unicast address, " + NOT_UNICAST;

  /**
   * On each group. {@code [x].all(name, ...)} names a value once (Kubernetes CEL before 1.31 has no
   * {@code cel.bind}); {@code block} is 2^(32 - prefix), the size of the VIP's own network, taken
   * from a list as CEL has no shift or power. Guarded by the pattern so that a malformed VIP gets
   * the pattern's error, not an evaluation error.
   */
  public static final String VIP_IS_A_HOST_ADDRESS =
      "!has(self.vip) || !self.vip.matches('"
          + Patterns.IPV4_CIDR
          + "') || [self.vip.split('/')].all(v, int(v[1]) >= 31"
          + " || [[4294967296, 2147483648, 1073741824, 536870912, 268435456, 134217728, 67108864,"
          + " 33554432, 16777216, 8388608, 4194304, 2097152, 1048576, 524288, 262144, 131072,"
          + " 65536, 32768, 16384, 8192, 4096, 2048, 1024, 512, 256, 128, 64, 32, 16, 8, 4, 2,"
          + " 1][int(v[1])]].all(block, [v[0].split('.')].all(o,"
          + " [(int(o[0]) * 16777216 + int(o[1]) * 65536 + int(o[2]) * 256 + int(o[3])) % block]"
          + ".all(host, host != 0 && host != block - 1))))";

  public static final String VIP_IS_A_HOST_ADDRESS_MESSAGE =
      "instances[].vip: must not be the network or the broadcast address of its own prefix"
          + " (for example .0 or .255 of a /24); only /31 and /32 may use them";

  public static final String UNIQUE_GROUP_NAMES =
      "!has(self.instances) || self.instances.all(i, !has(i.name)"
          + " || self.instances.exists_one(j, has(j.name) && j.name == i.name))";
  public static final String UNIQUE_GROUP_NAMES_MESSAGE = "instances: names must be unique";

  public static final String UNIQUE_PORTS =
      "!has(self.instances) || self.instances.all(i, !has(i.port)"
          + " || self.instances.exists_one(j, has(j.port) && j.port == i.port))";
  public static final String UNIQUE_PORTS_MESSAGE = "instances: ports must be unique";

  public static final String UNIQUE_VIPS =
      "!has(self.instances) || self.instances.all(i, !has(i.vip)"
          + " || self.instances.exists_one(j,"
          + " has(j.vip) && j.vip.split('/')[0] == i.vip.split('/')[0]))";
  public static final String UNIQUE_VIPS_MESSAGE = "instances: VIP addresses must be unique";

  public static final String UNIQUE_ROUTER_IDS =
      "!has(self.instances) || self.instances.all(i, !has(i.virtualRouterId)"
          + " || self.instances.exists_one(j,"
          + " has(j.virtualRouterId) && j.virtualRouterId == i.virtualRouterId))";
  public static final String UNIQUE_ROUTER_IDS_MESSAGE =
      "instances: virtualRouterIds must be unique";

  public static final String VIP_IS_NOT_A_NODE_ADDRESS =
      "!has(self.instances) || !has(self.nodes) || self.instances.all(i, !has(i.vip)"
          + " || !self.nodes.exists(n, has(n.address)"
          + " && n.address == i.vip.split('/')[0]))";
  public static final String VIP_IS_NOT_A_NODE_ADDRESS_MESSAGE =
      "instances: a VIP must not be the address of a node";

  public static final String PREFERRED_MASTER_IS_A_NODE =
      "!has(self.instances) || self.instances.all(i, !has(i.preferredMaster)"
          + " || (has(self.nodes)"
          + " && self.nodes.exists(n, has(n.name) && n.name == i.preferredMaster)))";
  public static final String PREFERRED_MASTER_IS_A_NODE_MESSAGE =
      "instances: preferredMaster must name one of the two nodes";

  public static final String HAVIP_ONLY_WITH_ALIBABA =
      "!has(self.instances) || self.instances.all(i, !has(i.haVipId) || (has(self.vipHook)"
          + " && (has(self.vipHook.hookRef) || (has(self.vipHook.provider)"
          + " && self.vipHook.provider == 'Alibaba'))))";
  public static final String HAVIP_ONLY_WITH_ALIBABA_MESSAGE =
      "instances: haVipId is only used with vipHook.provider Alibaba";

  public static final String HAVIP_WITH_ALIBABA =
      "!has(self.vipHook) || !has(self.vipHook.provider) || self.vipHook.provider != 'Alibaba'"
          + " || !has(self.instances) || self.instances.all(i, has(i.haVipId))";
  public static final String HAVIP_WITH_ALIBABA_MESSAGE =
      "instances: haVipId is required in every group with vipHook.provider Alibaba";

  public static final String ETCD_WHEN_NEEDED =
      "!has(self.splitBrainProtection) || self.splitBrainProtection != 'Etcd' || has(self.etcd)";
  public static final String ETCD_WHEN_NEEDED_MESSAGE =
      "etcd: required when splitBrainProtection is Etcd (the client URLs of the etcd members)";

  public static final String ETCD_ONLY_WITH_ETCD =
      "!has(self.etcd) || (has(self.splitBrainProtection) && self.splitBrainProtection == 'Etcd')";
  public static final String ETCD_ONLY_WITH_ETCD_MESSAGE =
      "etcd: only used with splitBrainProtection Etcd";

  // ---- the etcd block ----

  public static final String ETCD_UNIQUE_ENDPOINTS =
      "!has(self.endpoints) || self.endpoints.all(e, self.endpoints.exists_one(f, f == e))";
  public static final String ETCD_UNIQUE_ENDPOINTS_MESSAGE =
      "etcd.endpoints: each member's client URL once";

  private static final String ETCD_PASSWORD =
      "(has(self.passwordSecretRef) || has(self.passwordFile))";

  public static final String ETCD_PASSWORD_NEEDS_USERNAME =
      "!" + ETCD_PASSWORD + " || has(self.username)";
  public static final String ETCD_PASSWORD_NEEDS_USERNAME_MESSAGE =
      "etcd.username: required with an etcd password (the user the agents authenticate as)";

  public static final String ETCD_USERNAME_NEEDS_PASSWORD =
      "!has(self.username) || " + ETCD_PASSWORD;
  public static final String ETCD_USERNAME_NEEDS_PASSWORD_MESSAGE =
      "etcd.passwordSecretRef: required with etcd.username (standalone: etcd.passwordFile)";

  public static final String ETCD_ONE_PASSWORD =
      "!has(self.passwordSecretRef) || !has(self.passwordFile)";
  public static final String ETCD_ONE_PASSWORD_MESSAGE =
      "etcd.passwordFile: give either passwordSecretRef or passwordFile";

  public static final String ETCD_CERT_WITH_KEY = "has(self.certFile) == has(self.keyFile)";
  public static final String ETCD_CERT_WITH_KEY_MESSAGE =
      "etcd.keyFile: etcd.certFile and etcd.keyFile go together (a client certificate and its key)";

  public static final String ETCD_TLS_NEEDS_HTTPS =
      "!(has(self.tlsSecretRef) || has(self.caFile) || has(self.certFile))"
          + " || (has(self.endpoints) && self.endpoints.exists(e, e.startsWith('https://')))";
  public static final String ETCD_TLS_NEEDS_HTTPS_MESSAGE =
      "etcd.endpoints: TLS settings are given, but no endpoint uses https://";

  public static final String NODES_IMMUTABLE =
      "!has(self.nodes) || !has(oldSelf.nodes) || self.nodes == oldSelf.nodes";
  public static final String NODES_IMMUTABLE_MESSAGE =
      "nodes: immutable, a running pair cannot move to other nodes or addresses;"
          + " create a new RedisHAPair instead";

  public static final String GROUP_IDENTITY_IMMUTABLE =
      "!has(self.instances) || !has(oldSelf.instances) || self.instances.all(i, !has(i.name)"
          + " || oldSelf.instances.all(o, !has(o.name)"
          + " || o.name != i.name || (has(o.port) && has(i.port) && o.port == i.port"
          + " && has(o.virtualRouterId) && has(i.virtualRouterId)"
          + " && o.virtualRouterId == i.virtualRouterId)))";
  public static final String GROUP_IDENTITY_IMMUTABLE_MESSAGE =
      "instances: port and virtualRouterId of an existing group are immutable;"
          + " add a group under a new name instead";

  private static final String VERSION_OR_DEFAULT = " : " + PairDefaults.VRRP_VERSION + ")";

  public static final String VRRP_VERSION_IMMUTABLE =
      "(has(self.vrrp) && has(self.vrrp.version) ? self.vrrp.version"
          + VERSION_OR_DEFAULT
          + " == (has(oldSelf.vrrp) && has(oldSelf.vrrp.version) ? oldSelf.vrrp.version"
          + VERSION_OR_DEFAULT;
  public static final String VRRP_VERSION_IMMUTABLE_MESSAGE =
      "vrrp.version: immutable, the two nodes would speak different protocols during the rollout";

  private static final String ADVERT = "self.advertIntervalMillis";

  public static final String ADVERT_INTERVAL_IN_RANGE =
      "!has(self.advertIntervalMillis) || ((has(self.version) && self.version == 2)"
          + " ? ("
          + ADVERT
          + " >= "
          + PairLimits.ADVERT_V2_MIN_MILLIS
          + " && "
          + ADVERT
          + " <= "
          + PairLimits.ADVERT_V2_MAX_MILLIS
          + " && "
          + ADVERT
          + " % "
          + PairLimits.ADVERT_V2_STEP_MILLIS
          + " == 0)"
          + " : ("
          + ADVERT
          + " >= "
          + PairLimits.ADVERT_V3_MIN_MILLIS
          + " && "
          + ADVERT
          + " <= "
          + PairLimits.ADVERT_V3_MAX_MILLIS
          + " && "
          + ADVERT
          + " % "
          + PairLimits.ADVERT_V3_STEP_MILLIS
          + " == 0))";
  public static final String ADVERT_INTERVAL_IN_RANGE_MESSAGE =
      "vrrp.advertIntervalMillis: must be "
          + PairLimits.ADVERT_V3_MIN_MILLIS
          + " to "
          + PairLimits.ADVERT_V3_MAX_MILLIS
          + " in steps of "
          + PairLimits.ADVERT_V3_STEP_MILLIS
          + " for version 3, "
          + PairLimits.ADVERT_V2_MIN_MILLIS
          + " to "
          + PairLimits.ADVERT_V2_MAX_MILLIS
          + " in steps of "
          + PairLimits.ADVERT_V2_STEP_MILLIS
          + " for version 2";

  public static final String AUTH_NEEDS_V2 =
      "(!has(self.authSecretRef) && !has(self.authPasswordFile))"
          + " || (has(self.version) && self.version == 2)";
  public static final String AUTH_NEEDS_V2_MESSAGE =
      "vrrp.authSecretRef: PASS authentication exists only in VRRP version 2; set version: 2";

  /*
   * S10: a RedisHAPair is written by whoever may create one in its namespace, and the agents run
   * as root on the nodes' network. The resource therefore carries no command and no file path:
   * commands are hooks of the operator's own configuration (written by the cluster admin), and
   * passwords and keys come from Secrets. io.redisha.pair.PairValidation checks the same in the
   * operator (Source.RESOURCE) with these messages; a standalone pair file keeps its file fields.
   */

  private static final String NO_NODE_FILES = ": a RedisHAPair may not name a file on the nodes; ";

  public static final String NO_VRRP_PASSWORD_FILE_IN_RESOURCE = "!has(self.authPasswordFile)";
  public static final String NO_VRRP_PASSWORD_FILE_IN_RESOURCE_MESSAGE =
      "vrrp.authPasswordFile"
          + NO_NODE_FILES
          + "put the password in a Secret and give vrrp.authSecretRef";

  public static final String NO_REDIS_PASSWORD_FILE_IN_RESOURCE = "!has(self.passwordFile)";
  public static final String NO_REDIS_PASSWORD_FILE_IN_RESOURCE_MESSAGE =
      "redis.passwordFile"
          + NO_NODE_FILES
          + "put the password in a Secret and give redis.passwordSecretRef";

  public static final String NO_TLS_CA_FILE_IN_RESOURCE = "!has(self.caFile)";
  public static final String NO_TLS_CA_FILE_IN_RESOURCE_MESSAGE =
      "redis.tls.caFile"
          + NO_NODE_FILES
          + "put the CA certificate in a Secret and give redis.tls.caSecretRef";

  public static final String NO_TLS_CERT_FILE_IN_RESOURCE = "!has(self.certFile)";
  public static final String NO_TLS_CERT_FILE_IN_RESOURCE_MESSAGE =
      "redis.tls.certFile"
          + NO_NODE_FILES
          + "put the client certificate in a Secret and give redis.tls.certSecretRef";

  public static final String NO_TLS_KEY_FILE_IN_RESOURCE = "!has(self.keyFile)";
  public static final String NO_TLS_KEY_FILE_IN_RESOURCE_MESSAGE =
      "redis.tls.keyFile"
          + NO_NODE_FILES
          + "put the client key in a Secret and give redis.tls.keySecretRef";
  // The etcd block's files: under the operator the password and certificates come from Secrets.

  public static final String ETCD_NO_PASSWORD_FILE_IN_RESOURCE = "!has(self.passwordFile)";
  public static final String ETCD_NO_PASSWORD_FILE_IN_RESOURCE_MESSAGE =
      "etcd.passwordFile"
          + NO_NODE_FILES
          + "put the password in a Secret and give etcd.passwordSecretRef";

  private static final String ETCD_TLS_SECRET =
      "put ca.crt, tls.crt and tls.key in a Secret and give etcd.tlsSecretRef";

  public static final String ETCD_NO_CA_FILE_IN_RESOURCE = "!has(self.caFile)";
  public static final String ETCD_NO_CA_FILE_IN_RESOURCE_MESSAGE =
      "etcd.caFile" + NO_NODE_FILES + ETCD_TLS_SECRET;

  public static final String ETCD_NO_CERT_FILE_IN_RESOURCE = "!has(self.certFile)";
  public static final String ETCD_NO_CERT_FILE_IN_RESOURCE_MESSAGE =
      "etcd.certFile" + NO_NODE_FILES + ETCD_TLS_SECRET;

  public static final String ETCD_NO_KEY_FILE_IN_RESOURCE = "!has(self.keyFile)";
  public static final String ETCD_NO_KEY_FILE_IN_RESOURCE_MESSAGE =
      "etcd.keyFile" + NO_NODE_FILES + ETCD_TLS_SECRET;

  public static final String NO_CREDENTIALS_FILE_IN_RESOURCE = "!has(self.credentialsFile)";
  public static final String NO_CREDENTIALS_FILE_IN_RESOURCE_MESSAGE =
      "vipHook.credentialsFile"
          + NO_NODE_FILES
          + "put the key file in a Secret and give vipHook.credentialsSecretRef";

  public static final String NO_COMMAND_IN_RESOURCE = "!has(self.command)";
  public static final String NO_COMMAND_IN_RESOURCE_MESSAGE =
      "vipHook.command: a RedisHAPair may not carry a command (the agents would run it as root"
          + " on the nodes); the cluster admin defines commands as hooks of the operator"
          + " (Helm value hooks), and the pair names one with vipHook.hookRef";

  private static final String NO_URLS =
      ": a RedisHAPair may not carry an address for the agents to call (they call it from the"
          + " node's network, where it reaches the node's own services and the cloud's metadata"
          + " service, and sign cloud calls with the node's credentials); the cluster admin defines"
          + " it in a hook of the operator (Helm value hooks), and the pair names one with"
          + " vipHook.hookRef";

  public static final String NO_URL_IN_RESOURCE = "!has(self.url)";
  public static final String NO_URL_IN_RESOURCE_MESSAGE = "vipHook.url" + NO_URLS;

  public static final String NO_ENDPOINT_IN_RESOURCE = "!has(self.endpoint)";
  public static final String NO_ENDPOINT_IN_RESOURCE_MESSAGE = "vipHook.endpoint" + NO_URLS;

  public static final String NO_METADATA_ENDPOINT_IN_RESOURCE = "!has(self.metadataEndpoint)";
  public static final String NO_METADATA_ENDPOINT_IN_RESOURCE_MESSAGE =
      "vipHook.metadataEndpoint" + NO_URLS;

  public static final String NO_EXEC_IN_RESOURCE = "!has(self.provider) || self.provider != 'Exec'";
  public static final String NO_EXEC_IN_RESOURCE_MESSAGE =
      "vipHook.provider: Exec runs a command, which a RedisHAPair may not carry;"
          + " name a hook of the operator's configuration with vipHook.hookRef instead";

  public static final String PROVIDER_OR_HOOK_REF = "has(self.provider) != has(self.hookRef)";
  public static final String PROVIDER_OR_HOOK_REF_MESSAGE =
      "vipHook.provider: give either provider or hookRef (a hook of the operator's configuration)";

  public static final String HOOK_REF_ALONE =
      "!has(self.hookRef) || !(has(self.command) || has(self.url) || has(self.region)"
          + " || has(self.endpoint) || has(self.metadataEndpoint) || has(self.credentialsFile))";
  public static final String HOOK_REF_ALONE_MESSAGE =
      "vipHook.hookRef: the named hook brings its command, url, region and endpoints;"
          + " beside hookRef give only credentialsSecretRef, timeoutMillis and retryMaxMillis";

  public static final String CREDENTIALS_ONLY_FOR_CLOUD =
      "!has(self.credentialsSecretRef) || has(self.hookRef)"
          + " || (has(self.provider) && self.provider in ['AWS', 'Alibaba'])";
  public static final String CREDENTIALS_ONLY_FOR_CLOUD_MESSAGE =
      "vipHook.credentialsSecretRef: only used with provider AWS or Alibaba, or with hookRef";

  public static final String USERNAME_NEEDS_PASSWORD =
      "!has(self.username) || has(self.passwordSecretRef) || has(self.passwordFile)";
  public static final String USERNAME_NEEDS_PASSWORD_MESSAGE =
      "redis.username: an ACL user logs in with its password; give passwordSecretRef"
          + " (passwordFile in a standalone pair file) too";

  public static final String TLS_NEEDS_CA = "has(self.caSecretRef) || has(self.caFile)";
  public static final String TLS_NEEDS_CA_MESSAGE =
      "redis.tls: needs the CA that signed the Redis servers' certificates: caSecretRef"
          + " (caFile in a standalone pair file)";

  public static final String TLS_CERT_WITH_KEY =
      "(has(self.certSecretRef) || has(self.certFile))"
          + " == (has(self.keySecretRef) || has(self.keyFile))";
  public static final String TLS_CERT_WITH_KEY_MESSAGE =
      "redis.tls: a client certificate and its key go together: certSecretRef with keySecretRef"
          + " (certFile with keyFile in a standalone pair file)";

  private static final String PROVIDER_IS = "has(self.provider) && self.provider == ";

  public static final String WEBHOOK_NEEDS_URL = "!(" + PROVIDER_IS + "'Webhook') || has(self.url)";
  public static final String WEBHOOK_NEEDS_URL_MESSAGE =
      "vipHook.url: required with provider Webhook";

  public static final String URL_ONLY_WITH_WEBHOOK =
      "!has(self.url) || (" + PROVIDER_IS + "'Webhook')";
  public static final String URL_ONLY_WITH_WEBHOOK_MESSAGE =
      "vipHook.url: only used with provider Webhook";

  public static final String CLOUD_NEEDS_REGION =
      "!(has(self.provider) && self.provider in ['AWS', 'Alibaba']) || has(self.region)";
  public static final String CLOUD_NEEDS_REGION_MESSAGE =
      "vipHook.region: required with provider AWS (for example us-east-1)"
          + " or Alibaba (for example cn-hangzhou)";

  /*
   * Authentication per group. A group's own auth replaces the pair-wide default of vrrp
   * (authSecretRef or authPasswordFile for PASS, authHmac for signed adverts); each group has one
   * kind, as keepalived 2.4.3 does (it drops the PASS password of an instance with auth_hmac).
   */

  public static final String ONE_PAIR_AUTH =
      "!has(self.authHmac) || (!has(self.authSecretRef) && !has(self.authPasswordFile))";
  public static final String ONE_PAIR_AUTH_MESSAGE =
      "vrrp.authHmac: give either a PASS password (authSecretRef, authPasswordFile) or authHmac;"
          + " keepalived 2.4.3 drops the PASS password of an instance with auth_hmac";

  public static final String ONE_GROUP_AUTH =
      "(has(self.passwordSecretRef) ? 1 : 0) + (has(self.passwordFile) ? 1 : 0)"
          + " + (has(self.hmac) ? 1 : 0) == 1";
  public static final String ONE_GROUP_AUTH_MESSAGE =
      "instances[].auth: give exactly one of passwordSecretRef, passwordFile or hmac; a group has"
          + " one kind of authentication (keepalived 2.4.3 drops the PASS password of an instance"
          + " with auth_hmac)";

  public static final String GROUP_PASS_NEEDS_V2 =
      "!has(self.instances)"
          + " || (has(self.vrrp) && has(self.vrrp.version) && self.vrrp.version == 2)"
          + " || self.instances.all(i, !has(i.auth)"
          + " || (!has(i.auth.passwordSecretRef) && !has(i.auth.passwordFile)))";
  public static final String GROUP_PASS_NEEDS_V2_MESSAGE =
      "instances: a group's PASS password (auth.passwordSecretRef, auth.passwordFile) exists only"
          + " in VRRP version 2; set vrrp.version: 2, or sign the group's adverts with auth.hmac";

  /* S10 for the files of a group's password and of the auth_hmac keys (see NO_NODE_FILES). */

  public static final String NO_GROUP_PASSWORD_FILE_IN_RESOURCE = "!has(self.passwordFile)";
  public static final String NO_GROUP_PASSWORD_FILE_IN_RESOURCE_MESSAGE =
      "instances[*].auth.passwordFile"
          + NO_NODE_FILES
          + "put the password in a Secret and give instances[*].auth.passwordSecretRef";

  /** On each key of both auth_hmac blocks, so the field is named from the key's list. */
  public static final String NO_HMAC_KEY_FILE_IN_RESOURCE = "!has(self.secretFile)";

  public static final String NO_HMAC_KEY_FILE_IN_RESOURCE_MESSAGE =
      "keys[*].secretFile" + NO_NODE_FILES + "put the key in a Secret and give its secretRef";

  /* On each auth_hmac block (vrrp.authHmac and instances[].auth.hmac), so the field is relative. */

  public static final String HMAC_KEY_HAS_ONE_SOURCE =
      "!has(self.keys) || self.keys.all(k, has(k.secretRef) != has(k.secretFile))";
  public static final String HMAC_KEY_HAS_ONE_SOURCE_MESSAGE =
      "keys: each key gives exactly one of secretRef (a Secret) or secretFile (a file)";

  public static final String HMAC_UNIQUE_KEY_IDS =
      "!has(self.keys) || self.keys.all(k, !has(k.id)"
          + " || self.keys.exists_one(j, has(j.id) && j.id == k.id))";
  public static final String HMAC_UNIQUE_KEY_IDS_MESSAGE = "keys: each key needs an id of its own";

  public static final String HMAC_ACTIVE_KEY_DEFINED =
      "!has(self.activeKeyId) || !has(self.keys)"
          + " || self.keys.exists(k, has(k.id) && k.id == self.activeKeyId)";
  public static final String HMAC_ACTIVE_KEY_DEFINED_MESSAGE =
      "activeKeyId: must be the id of one of the keys (keepalived 2.4.3 turns auth_hmac off when"
          + " its active key is not defined)";

  public static final String HMAC_WINDOW_ONLY_WITH_TIME =
      "!has(self.timeWindowSeconds) || !has(self.antiReplay) || self.antiReplay == 'time'";
  public static final String HMAC_WINDOW_ONLY_WITH_TIME_MESSAGE =
      "timeWindowSeconds: only applies to antiReplay time, not monotonic";
}

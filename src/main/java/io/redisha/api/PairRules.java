package io.redisha.api;

/**
 * The CEL rules ({@code x-kubernetes-validations}) of the RedisHAPair resource and their messages.
 * They live here as constants so the annotations, the operator's own checks and the tests that
 * evaluate the generated CRD all name the same text.
 */
public final class PairRules {
  private PairRules() {}

  public static final String NODE_NAMES_DIFFER =
      "self.nodes.size() != 2 || self.nodes[0].name != self.nodes[1].name";
  public static final String NODE_NAMES_DIFFER_MESSAGE =
      "nodes: the two nodes must have different names";

  public static final String NODE_ADDRESSES_DIFFER =
      "self.nodes.size() != 2 || !has(self.nodes[0].address) || !has(self.nodes[1].address)"
          + " || self.nodes[0].address != self.nodes[1].address";
  public static final String NODE_ADDRESSES_DIFFER_MESSAGE =
      "nodes: the two nodes must have different addresses";

  public static final String UNIQUE_GROUP_NAMES =
      "self.instances.all(i, self.instances.exists_one(j, j.name == i.name))";
  public static final String UNIQUE_GROUP_NAMES_MESSAGE = "instances: names must be unique";

  public static final String UNIQUE_PORTS =
      "self.instances.all(i, self.instances.exists_one(j, j.port == i.port))";
  public static final String UNIQUE_PORTS_MESSAGE = "instances: ports must be unique";

  public static final String UNIQUE_VIPS =
      "self.instances.all(i, self.instances.exists_one(j,"
          + " j.vip.split('/')[0] == i.vip.split('/')[0]))";
  public static final String UNIQUE_VIPS_MESSAGE = "instances: VIP addresses must be unique";

  public static final String UNIQUE_ROUTER_IDS =
      "self.instances.all(i, self.instances.exists_one(j, j.virtualRouterId == i.virtualRouterId))";
  public static final String UNIQUE_ROUTER_IDS_MESSAGE =
      "instances: virtualRouterIds must be unique";

  public static final String VIP_IS_NOT_A_NODE_ADDRESS =
      "self.instances.all(i, !self.nodes.exists(n, has(n.address)"
          + " && n.address == i.vip.split('/')[0]))";
  public static final String VIP_IS_NOT_A_NODE_ADDRESS_MESSAGE =
      "instances: a VIP must not be the address of a node";

  public static final String PREFERRED_MASTER_IS_A_NODE =
      "self.instances.all(i, !has(i.preferredMaster)"
          + " || self.nodes.exists(n, n.name == i.preferredMaster))";
  public static final String PREFERRED_MASTER_IS_A_NODE_MESSAGE =
      "instances: preferredMaster must name one of the two nodes";

  public static final String WITNESS_WHEN_NEEDED =
      "!has(self.splitBrainProtection) || self.splitBrainProtection != 'Witness'"
          + " || has(self.witness)";
  public static final String WITNESS_WHEN_NEEDED_MESSAGE =
      "witness: required when splitBrainProtection is Witness";

  public static final String NODES_IMMUTABLE = "self.nodes == oldSelf.nodes";
  public static final String NODES_IMMUTABLE_MESSAGE =
      "nodes: immutable, a running pair cannot move to other nodes or addresses;"
          + " create a new RedisHAPair instead";

  public static final String GROUP_IDENTITY_IMMUTABLE =
      "self.instances.all(i, oldSelf.instances.all(o, o.name != i.name"
          + " || (o.port == i.port && o.virtualRouterId == i.virtualRouterId)))";
  public static final String GROUP_IDENTITY_IMMUTABLE_MESSAGE =
      "instances: port and virtualRouterId of an existing group are immutable;"
          + " add a group under a new name instead";

  public static final String VRRP_VERSION_IMMUTABLE =
      "(has(self.vrrp) && has(self.vrrp.version) ? self.vrrp.version : 3)"
          + " == (has(oldSelf.vrrp) && has(oldSelf.vrrp.version) ? oldSelf.vrrp.version : 3)";
  public static final String VRRP_VERSION_IMMUTABLE_MESSAGE =
      "vrrp.version: immutable, the two nodes would speak different protocols during the rollout";

  public static final String ADVERT_INTERVAL_IN_RANGE =
      "!has(self.advertIntervalMillis) || ((has(self.version) && self.version == 2)"
          + " ? (self.advertIntervalMillis >= 1000 && self.advertIntervalMillis <= 255000"
          + " && self.advertIntervalMillis % 1000 == 0)"
          + " : (self.advertIntervalMillis >= 10 && self.advertIntervalMillis <= 40950"
          + " && self.advertIntervalMillis % 10 == 0))";
  public static final String ADVERT_INTERVAL_IN_RANGE_MESSAGE =
      "vrrp.advertIntervalMillis: must be 10 to 40950 in steps of 10 for version 3,"
          + " 1000 to 255000 in steps of 1000 for version 2";

  public static final String AUTH_NEEDS_V2 =
      "(!has(self.authSecretRef) && !has(self.authPasswordFile))"
          + " || (has(self.version) && self.version == 2)";
  public static final String AUTH_NEEDS_V2_MESSAGE =
      "vrrp.authSecretRef: PASS authentication exists only in VRRP version 2; set version: 2";
}

package io.redisha.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every validation of the generated CRD, exercised the way the API server would: the OpenAPI schema
 * with a JSON-schema validator, every CEL rule with the CEL library. Each bad sample asserts the
 * message the user would read.
 */
class CrdValidationTest {
  static final String GOOD =
      """
      apiVersion: redisha.io/v1alpha1
      kind: RedisHAPair
      metadata: {name: cache, namespace: redis}
      spec:
        nodes:
        - {name: vm-a, address: 192.0.2.1}
        - {name: vm-b, address: 192.0.2.2}
        interface: eth0
        vrrp: {version: 3, advertIntervalMillis: 100}
        splitBrainProtection: Lease
        healthCheck: {intervalMillis: 100, timeoutMillis: 250, fall: 2, rise: 2}
        redis: {passwordSecretRef: {name: cache-redis, key: password}}
        instances:
        - {name: a, port: 6379, vip: 192.0.2.100/24, virtualRouterId: 51, preferredMaster: vm-a}
        - {name: b, port: 6389, vip: 192.0.2.101/24, virtualRouterId: 52}
      """;

  static CrdRules crd;

  @BeforeAll
  static void generate() {
    crd = CrdRules.ofGeneratedCrd();
  }

  private static String with(String from, String to) {
    assertThat(GOOD).contains(from);
    return GOOD.replace(from, to);
  }

  @Test
  void everyRuleOfTheCrdIsCoveredAndCompiles() {
    assertThat(crd.rules()).hasSize(64);
    assertThat(crd.rules())
        .extracting(CrdRules.Rule::message)
        .contains(
            PairRules.NODE_NAMES_DIFFER_MESSAGE,
            PairRules.ADVERT_INTERVAL_IN_RANGE_MESSAGE,
            PairRules.GROUP_IDENTITY_IMMUTABLE_MESSAGE);
  }

  @Test
  void goodSamplesPassSchemaAndRules() {
    String v2 =
        with(
            "vrrp: {version: 3, advertIntervalMillis: 100}",
            "vrrp: {version: 2, advertIntervalMillis: 1000, authSecretRef: {name: s, key: k}}");
    String minimal =
        """
        spec:
          nodes: [{name: vm-a}, {name: vm-b}]
          interface: ens5
          instances: [{name: a, port: 6379, vip: 198.51.100.7/32, virtualRouterId: 1}]
        """;
    String keys =
        "keys: [{id: 1, secretRef: {name: cache-vrrp, key: key-1}},"
            + " {id: 2, secretRef: {name: cache-vrrp, key: key-2}}]";
    String perGroupAuth =
        with(
                "vrrp: {version: 3, advertIntervalMillis: 100}",
                "vrrp: {version: 2, advertIntervalMillis: 1000, authSecretRef: {name: s, key: k}}")
            .replace(
                "virtualRouterId: 52}",
                "virtualRouterId: 52, auth: {hmac: {"
                    + keys
                    + ", activeKeyId: 2, antiReplay: time, timeWindowSeconds: 10,"
                    + " mode: permissive}}}")
            .replace(
                "preferredMaster: vm-a}",
                "preferredMaster: vm-a, auth: {passwordSecretRef: {name: s, key: a}}}");
    String pairHmac =
        with(
            "vrrp: {version: 3, advertIntervalMillis: 100}",
            "vrrp: {version: 3, advertIntervalMillis: 100, authHmac: {"
                + keys
                + ", activeKeyId: 1, antiReplay: monotonic, mode: receive-only}}");
    String aclAndTls =
        with(
            "redis: {passwordSecretRef: {name: cache-redis, key: password}}",
            "redis:\n"
                + "    username: redisha\n"
                + "    passwordSecretRef: {name: cache-redis, key: password}\n"
                + "    tls:\n"
                + "      caSecretRef: {name: cache-redis-tls, key: ca.crt}\n"
                + "      certSecretRef: {name: cache-redis-tls, key: tls.crt}\n"
                + "      keySecretRef: {name: cache-redis-tls, key: tls.key}");
    String namedHook =
        with(
            "  instances:\n",
            "  vipHook: {hookRef: route-vip, timeoutMillis: 3000}\n  instances:\n");
    String awsWithSecret =
        with(
            "  instances:\n",
            "  vipHook: {provider: AWS, region: us-east-1,"
                + " credentialsSecretRef: {name: cache-aws, key: credentials}}\n  instances:\n");
    for (String sample :
        List.of(GOOD, v2, minimal, aclAndTls, namedHook, awsWithSecret, perGroupAuth, pairHmac)) {
      assertThat(crd.schemaErrors(sample)).as(sample).isEmpty();
      assertThat(crd.celErrors(sample)).as(sample).isEmpty();
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          one node            | '  - {name: vm-b, address: 192.0.2.2}\\n' |                 | $.spec.nodes: must have at least 2 items but found 1
          port 0              | port: 6389                            | port: 0         | $.spec.instances[1].port: must have a minimum value of 1
          port 65536          | port: 6389                            | port: 65536     | $.spec.instances[1].port: must have a maximum value of 65535
          router id 0         | virtualRouterId: 52                   | virtualRouterId: 0   | $.spec.instances[1].virtualRouterId: must have a minimum value of 1
          router id 256       | virtualRouterId: 52                   | virtualRouterId: 256 | $.spec.instances[1].virtualRouterId: must have a maximum value of 255
          VIP without prefix  | vip: 192.0.2.101/24                   | vip: 192.0.2.101     | $.spec.instances[1].vip: does not match the regex pattern
          VIP bad octet       | vip: 192.0.2.101/24                   | vip: 192.0.2.256/24  | $.spec.instances[1].vip: does not match the regex pattern
          VIP bad prefix      | vip: 192.0.2.101/24                   | vip: 192.0.2.101/33  | $.spec.instances[1].vip: does not match the regex pattern
          node address        | address: 192.0.2.2                    | address: 192.0.2.02  | $.spec.nodes[1].address: does not match the regex pattern
          no interface        | '  interface: eth0\\n'                    |                      | $.spec: required property 'interface' not found
          group name          | name: b,                              | name: B_1,           | $.spec.instances[1].name: does not match the regex pattern
          protection          | splitBrainProtection: Lease           | splitBrainProtection: Maybe | $.spec.splitBrainProtection: does not match the regex pattern
          version 4           | version: 3                            | version: 4           | $.spec.vrrp.version: must have a maximum value of 3
          advert 5 ms         | advertIntervalMillis: 100             | advertIntervalMillis: 5 | $.spec.vrrp.advertIntervalMillis: must have a minimum value of 10
          no groups           | instances:\\n                         | instances: []\\n  old:\\n | $.spec.instances: must have at least 1 items but found 0
          """)
  void schemaRefusesBadValuesNamingTheField(String what, String from, String to, String expected) {
    String sample = with(from.replace("\\n", "\n"), to == null ? "" : to.replace("\\n", "\n"));
    List<String> errors = crd.schemaErrors(sample);
    assertThat(errors).as(what).isNotEmpty();
    assertThat(errors.getFirst()).as(what).startsWith(expected);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          same node names     | {name: vm-b, address: 192.0.2.2}      | {name: vm-a, address: 192.0.2.2} | spec.nodes: nodes: the two nodes must have different names
          same node addresses | {name: vm-b, address: 192.0.2.2}      | {name: vm-b, address: 192.0.2.1} | spec.nodes: nodes: the two nodes must have different addresses
          same group names    | {name: b, port                        | {name: a, port                   | spec.instances: instances: names must be unique
          same ports          | port: 6389                            | port: 6379                       | spec.instances: instances: ports must be unique
          same VIP addresses  | vip: 192.0.2.101/24                   | vip: 192.0.2.100/32              | spec.instances: instances: VIP addresses must be unique
          same router ids     | virtualRouterId: 52                   | virtualRouterId: 51              | spec.instances: instances: virtualRouterIds must be unique
          VIP is a node       | vip: 192.0.2.101/24                   | vip: 192.0.2.2/24                | spec.instances: instances: a VIP must not be the address of a node
          preferred stranger  | preferredMaster: vm-a                 | preferredMaster: vm-c            | spec.instances: instances: preferredMaster must name one of the two nodes
          etcd missing        | splitBrainProtection: Lease           | splitBrainProtection: Etcd       | spec.etcd: etcd: required when splitBrainProtection is Etcd (the client URLs of the etcd members)
          v3 advert not step  | advertIntervalMillis: 100             | advertIntervalMillis: 105        | spec.vrrp.advertIntervalMillis: vrrp.advertIntervalMillis: must be 10 to 40950 in steps of 10 for version 3, 1000 to 255000 in steps of 1000 for version 2
          v3 advert too long  | advertIntervalMillis: 100             | advertIntervalMillis: 50000      | spec.vrrp.advertIntervalMillis: vrrp.advertIntervalMillis: must be 10 to 40950 in steps of 10 for version 3, 1000 to 255000 in steps of 1000 for version 2
          v2 advert sub-second| {version: 3, advertIntervalMillis: 100} | {version: 2, advertIntervalMillis: 1500} | spec.vrrp.advertIntervalMillis: vrrp.advertIntervalMillis: must be 10 to 40950 in steps of 10 for version 3, 1000 to 255000 in steps of 1000 for version 2
          v3 with auth        | {version: 3, advertIntervalMillis: 100} | {version: 3, authSecretRef: {name: s, key: k}} | spec.vrrp.authSecretRef: vrrp.authSecretRef: PASS authentication exists only in VRRP version 2; set version: 2
          ACL user, no password | redis: {passwordSecretRef: {name: cache-redis, key: password}} | redis: {username: redisha} | spec.redis.username: redis.username: an ACL user logs in with its password; give passwordSecretRef (passwordFile in a standalone pair file) too
          client cert, no key | redis: {passwordSecretRef: {name: cache-redis, key: password}} | redis: {tls: {caSecretRef: {name: t, key: ca.crt}, certSecretRef: {name: t, key: tls.crt}}} | spec.redis.tls: redis.tls: a client certificate and its key go together: certSecretRef with keySecretRef (certFile with keyFile in a standalone pair file)
          TLS without a CA    | redis: {passwordSecretRef: {name: cache-redis, key: password}} | redis: {tls: {}} | spec.redis.tls: redis.tls: needs the CA that signed the Redis servers' certificates: caSecretRef (caFile in a standalone pair file)
          """)
  void celRulesRefuseBadPairsNamingTheField(String what, String from, String to, String expected) {
    String sample = with(from, to);
    assertThat(crd.schemaErrors(sample)).as(what).isEmpty();
    assertThat(crd.celErrors(sample)).as(what).containsExactly(expected);
  }

  @Test
  void authRulesRefuseNamingTheField() {
    String hmac = "{keys: [{id: 1, secretRef: {name: s, key: k1}}], activeKeyId: 1}";
    String v2 =
        with(
            "vrrp: {version: 3, advertIntervalMillis: 100}",
            "vrrp: {version: 2, advertIntervalMillis: 1000}");
    assertThat(
            crd.celErrors(
                v2.replace(
                    "virtualRouterId: 52}",
                    "virtualRouterId: 52, auth: {passwordSecretRef: {name: s, key: k}, hmac: "
                        + hmac
                        + "}}")))
        .containsExactly("spec.instances[1].auth: " + PairRules.ONE_GROUP_AUTH_MESSAGE);
    assertThat(
            crd.celErrors(
                with(
                    "virtualRouterId: 52}",
                    "virtualRouterId: 52, auth: {passwordSecretRef: {name: s, key: k}}}")))
        .containsExactly("spec.instances: " + PairRules.GROUP_PASS_NEEDS_V2_MESSAGE);
    assertThat(
            crd.celErrors(
                v2.replace(
                    "advertIntervalMillis: 1000}",
                    "advertIntervalMillis: 1000, authSecretRef: {name: s, key: k}, authHmac: "
                        + hmac
                        + "}")))
        .containsExactly("spec.vrrp.authHmac: " + PairRules.ONE_PAIR_AUTH_MESSAGE);
    assertThat(
            crd.celErrors(
                with(
                    "virtualRouterId: 52}",
                    "virtualRouterId: 52, auth: {hmac: "
                        + hmac.replace("activeKeyId: 1", "activeKeyId: 2")
                        + "}}")))
        .containsExactly(
            "spec.instances[1].auth.hmac.activeKeyId: "
                + PairRules.HMAC_ACTIVE_KEY_DEFINED_MESSAGE);
    assertThat(
            crd.celErrors(
                with(
                    "advertIntervalMillis: 100}",
                    "advertIntervalMillis: 100, authHmac: {keys: [{id: 1, secretRef: {name: s,"
                        + " key: k1}}, {id: 1, secretRef: {name: s, key: k2}}], activeKeyId: 1,"
                        + " antiReplay: monotonic, timeWindowSeconds: 5}}")))
        .containsExactly(
            "spec.vrrp.authHmac.keys: " + PairRules.HMAC_UNIQUE_KEY_IDS_MESSAGE,
            "spec.vrrp.authHmac.timeWindowSeconds: "
                + PairRules.HMAC_WINDOW_ONLY_WITH_TIME_MESSAGE);
    assertThat(
            crd.celErrors(
                with(
                    "advertIntervalMillis: 100}",
                    "advertIntervalMillis: 100, authHmac: {keys: [{id: 1}], activeKeyId: 1}}")))
        .containsExactly("spec.vrrp.authHmac.keys: " + PairRules.HMAC_KEY_HAS_ONE_SOURCE_MESSAGE);
  }

  /**
   * Issue 12's first point: this spec would give its author a root shell on both nodes and send the
   * agents' service-account token to the peer's Redis. The API server refuses it, naming each
   * field.
   */
  @Test
  void theResourceIsNotAShell() {
    String sample =
        with(
            "redis: {passwordSecretRef: {name: cache-redis, key: password}}",
            "redis: {passwordFile: /var/run/secrets/kubernetes.io/serviceaccount/token}\n"
                + "  vipHook: {provider: Exec, command: [/bin/sh, -c, 'id; ip link']}");
    assertThat(crd.schemaErrors(sample)).isEmpty();
    assertThat(crd.celErrors(sample))
        .containsExactlyInAnyOrder(
            "spec.redis.passwordFile: " + PairRules.NO_REDIS_PASSWORD_FILE_IN_RESOURCE_MESSAGE,
            "spec.vipHook.provider: " + PairRules.NO_EXEC_IN_RESOURCE_MESSAGE,
            "spec.vipHook.command: " + PairRules.NO_COMMAND_IN_RESOURCE_MESSAGE);
    assertThat(PairRules.NO_COMMAND_IN_RESOURCE_MESSAGE)
        .isEqualTo(
            "vipHook.command: a RedisHAPair may not carry a command (the agents would run it as"
                + " root on the nodes); the cluster admin defines commands as hooks of the operator"
                + " (Helm value hooks), and the pair names one with vipHook.hookRef");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          move a node         | {name: vm-b, address: 192.0.2.2}      | {name: vm-c, address: 192.0.2.2} | spec.nodes: nodes: immutable, a running pair cannot move to other nodes or addresses; create a new RedisHAPair instead
          readdress a node    | {name: vm-b, address: 192.0.2.2}      | {name: vm-b, address: 192.0.2.3} | spec.nodes: nodes: immutable, a running pair cannot move to other nodes or addresses; create a new RedisHAPair instead
          move a group's port | port: 6389                            | port: 6390                       | spec.instances: instances: port and virtualRouterId of an existing group are immutable; add a group under a new name instead
          change a router id  | virtualRouterId: 52                   | virtualRouterId: 53              | spec.instances: instances: port and virtualRouterId of an existing group are immutable; add a group under a new name instead
          change VRRP version | {version: 3, advertIntervalMillis: 100} | {version: 2, advertIntervalMillis: 1000} | spec.vrrp: vrrp.version: immutable, the two nodes would speak different protocols during the rollout
          """)
  void transitionRulesRefuseUnsafeUpdates(String what, String from, String to, String expected) {
    String updated = with(from, to);
    assertThat(crd.celErrors(updated)).as("%s is fine on create", what).isEmpty();
    assertThat(crd.celErrors(updated, GOOD)).as(what).containsExactly(expected);
  }

  @Test
  void safeUpdatesPassTheTransitionRules() {
    String addGroup =
        GOOD + "  - {name: c, port: 6399, vip: 192.0.2.102/24, virtualRouterId: 53}\n";
    String switchover = with("preferredMaster: vm-a", "preferredMaster: vm-b");
    String newVip = with("vip: 192.0.2.101/24", "vip: 192.0.2.111/24");
    String removeGroup =
        GOOD.replace("  - {name: b, port: 6389, vip: 192.0.2.101/24, virtualRouterId: 52}\n", "");
    for (String updated : List.of(addGroup, switchover, newVip, removeGroup)) {
      assertThat(crd.schemaErrors(updated)).as(updated).isEmpty();
      assertThat(crd.celErrors(updated, GOOD)).as(updated).isEmpty();
    }
  }
}

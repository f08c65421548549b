package io.redisha.pair;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.fabric8.kubernetes.client.utils.Serialization;
import io.redisha.api.CrdRules;
import io.redisha.api.RedisHAPair;
import io.redisha.operator.PairValidator;
import io.redisha.pair.PairValidation.Source;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * One bad sample per rule, fed both to the generated CRD (its OpenAPI schema and its CEL rules,
 * evaluated as the API server would: {@link CrdRules}) and to the standalone agent's path ({@link
 * PairFile#parse} and {@link PairValidation#resolve}); both must refuse it, naming the same field.
 *
 * <p>A refusal names {@code field} when its field is {@code field}, lies under it, or (for the
 * CRD's rules over a whole list, such as "ports must be unique") encloses it with a message that
 * says the field's name.
 */
class PairRulesTableTest {
  /** Valid for the CRD and for {@code resolve} on vm-a; every section present, to be edited. */
  static final String BASE =
      """
      nodes:
      - {name: vm-a, address: 192.0.2.11}
      - {name: vm-b, address: 192.0.2.12}
      interface: eth0
      vrrp:
        version: 3
        advertIntervalMillis: 100
        minTtl: 255
        preemptDelayMillis: 0
        garp: {count: 5, intervalMillis: 0, secondBurstDelayMillis: 5000, refreshMillis: 0}
      healthCheck: {intervalMillis: 100, timeoutMillis: 250, fall: 2, rise: 2}
      splitBrainProtection: Etcd
      etcd: {endpoints: ['http://198.51.100.11:2379', 'http://198.51.100.12:2379'], prefix: /redisha, callTimeoutMillis: 500}
      vipHook: {provider: AWS, region: us-east-1, timeoutMillis: 5000}
      instances:
      - {name: a, port: 6379, vip: 192.0.2.100/24, virtualRouterId: 51, preferredMaster: vm-a}
      - {name: b, port: 6389, vip: 192.0.2.101/24, virtualRouterId: 52}
      """;

  static final String NODE_B = "- {name: vm-b, address: 192.0.2.12}\n";
  static final String GROUP_B =
      "- {name: b, port: 6389, vip: 192.0.2.101/24, virtualRouterId: 52}\n";
  static final String ETCD =
      "etcd: {endpoints: ['http://198.51.100.11:2379', 'http://198.51.100.12:2379'], prefix: /redisha, callTimeoutMillis: 500}";
  static final String HTTPS =
      "endpoints: ['https://198.51.100.11:2379', 'https://198.51.100.12:2379']";
  static final String HOOK = "vipHook: {provider: AWS, region: us-east-1, timeoutMillis: 5000}";

  static CrdRules crd;

  @TempDir Path dir;

  @BeforeAll
  static void generate() {
    crd = CrdRules.ofGeneratedCrd();
  }

  /**
   * One rule's bad sample.
   *
   * @param what what is wrong
   * @param edits pairs of (text of {@link #BASE}, replacement)
   * @param field the field both paths must name
   */
  record Row(String what, List<String> edits, String field) {
    @Override
    public String toString() {
      return what;
    }

    String apply() {
      String text = BASE;
      for (int i = 0; i < edits.size(); i += 2) {
        assertThat(text)
            .as("%s: the sample contains %s", what, edits.get(i))
            .contains(edits.get(i));
        text = text.replace(edits.get(i), edits.get(i + 1));
      }
      return text;
    }
  }

  /** A {@code redis:} section with {@code tls} as its TLS settings, before the instances. */
  static String tls(String tls) {
    return "redis: {tls: " + tls + "}\ninstances:\n";
  }

  static Row row(String what, String field, String... edits) {
    return new Row(what, List.of(edits), field);
  }

  static Stream<Row> rules() {
    String manyGroups =
        Stream.iterate(1, i -> i + 1)
            .limit(33)
            .map(
                i ->
                    "- {name: g"
                        + i
                        + ", port: "
                        + (7000 + i)
                        + ", vip: 198.51.100."
                        + i
                        + "/24, virtualRouterId: "
                        + i
                        + "}\n")
            .reduce("", String::concat);
    String aa64 = "a".repeat(64);
    return Stream.concat(
        authRules(),
        Stream.of(
            // nodes
            row(
                "no nodes",
                "nodes",
                "nodes:\n- {name: vm-a, address: 192.0.2.11}\n" + NODE_B,
                "",
                ", preferredMaster: vm-a",
                ""),
            row(
                "node address of 16 characters",
                "nodes[1].address",
                "address: 192.0.2.12",
                "address: 192.168.100.1011"),
            row("one node", "nodes", NODE_B, ""),
            row("three nodes", "nodes", NODE_B, NODE_B + "- {name: vm-c, address: 192.0.2.13}\n"),
            row("node name VM_B !!", "nodes[1].name", "name: vm-b,", "name: 'VM_B !!',"),
            row(
                "node name of 254 characters",
                "nodes[1].name",
                "name: vm-b,",
                "name: " + "a".repeat(254) + ","),
            row("node without a name", "nodes[1].name", "{name: vm-b, address", "{address"),
            row("same node names", "nodes[1].name", "name: vm-b,", "name: vm-a,"),
            row(
                "node address 0.0.0.0",
                "nodes[1].address",
                "address: 192.0.2.12",
                "address: 0.0.0.0"),
            row(
                "node address 0.1.2.3",
                "nodes[1].address",
                "address: 192.0.2.12",
                "address: 0.1.2.3"),
            row(
                "node address multicast",
                "nodes[1].address",
                "address: 192.0.2.12",
                "address: 224.0.0.18"),
            row(
                "node address broadcast",
                "nodes[1].address",
                "address: 192.0.2.12",
                "address: 255.255.255.255"),
            row(
                "node address reserved",
                "nodes[1].address",
                "address: 192.0.2.12",
                "address: 240.0.0.1"),
            row(
                "node address 192.0.2.010 beside VIP 192.0.2.10/24",
                "nodes[1].address",
                "address: 192.0.2.12",
                "address: 192.0.2.010",
                "vip: 192.0.2.101/24",
                "vip: 192.0.2.10/24"),
            row(
                "node address octet 312",
                "nodes[1].address",
                "address: 192.0.2.12",
                "address: 192.0.2.312"),
            row(
                "node address a name",
                "nodes[1].address",
                "address: 192.0.2.12",
                "address: vm-b.example"),
            row(
                "same node addresses",
                "nodes[1].address",
                "address: 192.0.2.12",
                "address: 192.0.2.11"),
            // interface
            row("no interface", "interface", "interface: eth0\n", ""),
            row(
                "interface of 16 characters",
                "interface",
                "interface: eth0",
                "interface: abcdefghijklmnop"),
            row("interface with a blank", "interface", "interface: eth0", "interface: 'eth 0'"),
            row("interface with a slash", "interface", "interface: eth0", "interface: eth/0"),
            // vrrp
            row("version 4", "vrrp.version", "version: 3", "version: 4"),
            row("version 1", "vrrp.version", "version: 3", "version: 1"),
            row(
                "advert 5 ms",
                "vrrp.advertIntervalMillis",
                "advertIntervalMillis: 100",
                "advertIntervalMillis: 5"),
            row(
                "advert 105 ms",
                "vrrp.advertIntervalMillis",
                "advertIntervalMillis: 100",
                "advertIntervalMillis: 105"),
            row(
                "v3 advert 50000 ms",
                "vrrp.advertIntervalMillis",
                "advertIntervalMillis: 100",
                "advertIntervalMillis: 50000"),
            row(
                "v2 advert 1500 ms",
                "vrrp.advertIntervalMillis",
                "version: 3",
                "version: 2",
                "advertIntervalMillis: 100",
                "advertIntervalMillis: 1500"),
            row(
                "v3 with a PASS password",
                "vrrp.authSecretRef",
                "  minTtl: 255\n",
                "  minTtl: 255\n  authSecretRef: {name: cache-vrrp, key: password}\n"),
            row(
                "two PASS passwords",
                "vrrp.authPasswordFile",
                "version: 3",
                "version: 2",
                "advertIntervalMillis: 100",
                "advertIntervalMillis: 1000",
                "  minTtl: 255\n",
                "  minTtl: 255\n  authSecretRef: {name: s, key: k}\n  authPasswordFile: /etc/redisha/vrrp\n"),
            row(
                "secret reference without a key",
                "vrrp.authSecretRef.key",
                "version: 3",
                "version: 2",
                "advertIntervalMillis: 100",
                "advertIntervalMillis: 1000",
                "  minTtl: 255\n",
                "  minTtl: 255\n  authSecretRef: {name: s}\n"),
            row(
                "secret reference without a name",
                "vrrp.authSecretRef.name",
                "version: 3",
                "version: 2",
                "advertIntervalMillis: 100",
                "advertIntervalMillis: 1000",
                "  minTtl: 255\n",
                "  minTtl: 255\n  authSecretRef: {key: k}\n"),
            row(
                "secret name of 254 characters",
                "vrrp.authSecretRef.name",
                "version: 3",
                "version: 2",
                "advertIntervalMillis: 100",
                "advertIntervalMillis: 1000",
                "  minTtl: 255\n",
                "  minTtl: 255\n  authSecretRef: {name: " + "s".repeat(254) + ", key: k}\n"),
            row(
                "secret key of 254 characters",
                "vrrp.authSecretRef.key",
                "version: 3",
                "version: 2",
                "advertIntervalMillis: 100",
                "advertIntervalMillis: 1000",
                "  minTtl: 255\n",
                "  minTtl: 255\n  authSecretRef: {name: s, key: " + "k".repeat(254) + "}\n"),
            row(
                "PASS password file path of 4097 characters",
                "vrrp.authPasswordFile",
                "version: 3",
                "version: 2",
                "advertIntervalMillis: 100",
                "advertIntervalMillis: 1000",
                "  minTtl: 255\n",
                "  minTtl: 255\n  authPasswordFile: /" + "p".repeat(4096) + "\n"),
            row(
                "v2 advert 256000 ms",
                "vrrp.advertIntervalMillis",
                "version: 3",
                "version: 2",
                "advertIntervalMillis: 100",
                "advertIntervalMillis: 256000"),
            row("minTtl 0", "vrrp.minTtl", "minTtl: 255", "minTtl: 0"),
            row("minTtl 256", "vrrp.minTtl", "minTtl: 255", "minTtl: 256"),
            row(
                "preemptDelayMillis 999999999",
                "vrrp.preemptDelayMillis",
                "preemptDelayMillis: 0",
                "preemptDelayMillis: 999999999"),
            row(
                "preemptDelayMillis -1",
                "vrrp.preemptDelayMillis",
                "preemptDelayMillis: 0",
                "preemptDelayMillis: -1"),
            row(
                "v3Checksum Other",
                "vrrp.v3Checksum",
                "  minTtl: 255\n",
                "  minTtl: 255\n  v3Checksum: Other\n"),
            row(
                "preempt as text",
                "vrrp.preempt",
                "  minTtl: 255\n",
                "  minTtl: 255\n  preempt: 'true'\n"),
            row("garp.count 2000000000", "vrrp.garp.count", "count: 5", "count: 2000000000"),
            row("garp.count -1", "vrrp.garp.count", "count: 5", "count: -1"),
            row(
                "garp.intervalMillis -1",
                "vrrp.garp.intervalMillis",
                "intervalMillis: 0,",
                "intervalMillis: -1,"),
            row(
                "garp.secondBurstDelayMillis -1",
                "vrrp.garp.secondBurstDelayMillis",
                "secondBurstDelayMillis: 5000",
                "secondBurstDelayMillis: -1"),
            row(
                "garp.intervalMillis 60001",
                "vrrp.garp.intervalMillis",
                "intervalMillis: 0,",
                "intervalMillis: 60001,"),
            row(
                "garp.secondBurstDelayMillis 3600001",
                "vrrp.garp.secondBurstDelayMillis",
                "secondBurstDelayMillis: 5000",
                "secondBurstDelayMillis: 3600001"),
            row(
                "garp.refreshMillis 3600001",
                "vrrp.garp.refreshMillis",
                "refreshMillis: 0",
                "refreshMillis: 3600001"),
            row(
                "garp.refreshMillis -1",
                "vrrp.garp.refreshMillis",
                "refreshMillis: 0",
                "refreshMillis: -1"),
            // healthCheck
            row(
                "health interval 2000000000 ms",
                "healthCheck.intervalMillis",
                "intervalMillis: 100,",
                "intervalMillis: 2000000000,"),
            row(
                "health interval 2e9 ms",
                "healthCheck.intervalMillis",
                "intervalMillis: 100,",
                "intervalMillis: 2e9,"),
            row(
                "health interval 5 ms",
                "healthCheck.intervalMillis",
                "intervalMillis: 100,",
                "intervalMillis: 5,"),
            row(
                "health timeout 60001 ms",
                "healthCheck.timeoutMillis",
                "timeoutMillis: 250",
                "timeoutMillis: 60001"),
            row(
                "health timeout 9 ms",
                "healthCheck.timeoutMillis",
                "timeoutMillis: 250",
                "timeoutMillis: 9"),
            row("fall 0", "healthCheck.fall", "fall: 2", "fall: 0"),
            row("fall 101", "healthCheck.fall", "fall: 2", "fall: 101"),
            row("rise 0", "healthCheck.rise", "rise: 2", "rise: 0"),
            row("rise 101", "healthCheck.rise", "rise: 2", "rise: 101"),
            // protection and etcd
            row(
                "protection Maybe",
                "splitBrainProtection",
                "splitBrainProtection: Etcd",
                "splitBrainProtection: Maybe"),
            row(
                "protection Witness, which was removed",
                "splitBrainProtection",
                "splitBrainProtection: Etcd",
                "splitBrainProtection: Witness"),
            row("etcd missing", "etcd", ETCD + "\n", ""),
            row(
                "etcd with protection None",
                "etcd",
                "splitBrainProtection: Etcd",
                "splitBrainProtection: None"),
            row("no etcd endpoints", "etcd.endpoints", ETCD, "etcd: {endpoints: []}"),
            row("etcd endpoints left out", "etcd.endpoints", ETCD, "etcd: {prefix: /redisha}"),
            row(
                "ten etcd endpoints",
                "etcd.endpoints",
                ETCD,
                "etcd: {endpoints: ["
                    + String.join(
                        ", ",
                        Stream.iterate(1, i -> i + 1)
                            .limit(10)
                            .map(i -> "'http://198.51.100." + i + ":2379'")
                            .toList())
                    + "]}"),
            row(
                "etcd endpoint ftp",
                "etcd.endpoints[1]",
                "'http://198.51.100.12:2379'",
                "'ftp://198.51.100.12:2379'"),
            row(
                "etcd endpoint with a path",
                "etcd.endpoints[1]",
                "'http://198.51.100.12:2379'",
                "'http://198.51.100.12:2379/v3'"),
            row(
                "etcd endpoint with credentials",
                "etcd.endpoints[1]",
                "'http://198.51.100.12:2379'",
                "'http://agent:secret@198.51.100.12:2379'"),
            row(
                "etcd endpoint of 257 characters",
                "etcd.endpoints[1]",
                "'http://198.51.100.12:2379'",
                "'http://aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa:2379'"),
            row(
                "same etcd endpoint twice",
                "etcd.endpoints",
                "'http://198.51.100.12:2379'",
                "'http://198.51.100.11:2379'"),
            row(
                "etcd prefix without a slash",
                "etcd.prefix",
                "prefix: /redisha",
                "prefix: redisha"),
            row(
                "etcd prefix ending in a slash",
                "etcd.prefix",
                "prefix: /redisha",
                "prefix: /redisha/"),
            row("etcd prefix /", "etcd.prefix", "prefix: /redisha", "prefix: /"),
            row(
                "etcd prefix with a blank",
                "etcd.prefix",
                "prefix: /redisha",
                "prefix: '/redis ha'"),
            row(
                "etcd prefix of 257 characters",
                "etcd.prefix",
                "prefix: /redisha",
                "prefix: /" + "p".repeat(256)),
            row(
                "etcd call timeout 5 ms",
                "etcd.callTimeoutMillis",
                "callTimeoutMillis: 500",
                "callTimeoutMillis: 5"),
            row(
                "etcd call timeout 10001 ms",
                "etcd.callTimeoutMillis",
                "callTimeoutMillis: 500",
                "callTimeoutMillis: 10001"),
            row(
                "etcd user with a blank",
                "etcd.username",
                "callTimeoutMillis: 500}",
                "callTimeoutMillis: 500, username: 'red isha', passwordSecretRef: {name: e, key: k}}"),
            row(
                "etcd user of 129 characters",
                "etcd.username",
                "callTimeoutMillis: 500}",
                "callTimeoutMillis: 500, username: " + "u".repeat(129) + "}"),
            row(
                "etcd user without a password",
                "etcd.passwordSecretRef",
                "callTimeoutMillis: 500}",
                "callTimeoutMillis: 500, username: redisha}"),
            row(
                "etcd password without a user",
                "etcd.username",
                "callTimeoutMillis: 500}",
                "callTimeoutMillis: 500, passwordSecretRef: {name: e, key: k}}"),
            row(
                "etcd password Secret without a key",
                "etcd.passwordSecretRef.key",
                "callTimeoutMillis: 500}",
                "callTimeoutMillis: 500, username: redisha, passwordSecretRef: {name: e}}"),
            row(
                "etcd password Secret name of 254 characters",
                "etcd.passwordSecretRef.name",
                "callTimeoutMillis: 500}",
                "callTimeoutMillis: 500, username: redisha, passwordSecretRef: {name: "
                    + "e".repeat(254)
                    + ", key: k}}"),
            row(
                "etcd password Secret without a name",
                "etcd.passwordSecretRef.name",
                "callTimeoutMillis: 500}",
                "callTimeoutMillis: 500, username: redisha, passwordSecretRef: {key: k}}"),
            row(
                "etcd password Secret key of 254 characters",
                "etcd.passwordSecretRef.key",
                "callTimeoutMillis: 500}",
                "callTimeoutMillis: 500, username: redisha, passwordSecretRef: {name: e, key: "
                    + "k".repeat(254)
                    + "}}"),
            row(
                "two etcd passwords",
                "etcd.passwordFile",
                "callTimeoutMillis: 500}",
                "callTimeoutMillis: 500, username: redisha, passwordSecretRef: {name: e, key: k},"
                    + " passwordFile: /etc/redisha/etcd-password}"),
            row(
                "etcd password file path of 4097 characters",
                "etcd.passwordFile",
                "callTimeoutMillis: 500}",
                "callTimeoutMillis: 500, username: redisha, passwordFile: /"
                    + "p".repeat(4096)
                    + "}"),
            row(
                "etcd TLS Secret with http endpoints",
                "etcd.endpoints",
                "callTimeoutMillis: 500}",
                "callTimeoutMillis: 500, tlsSecretRef: {name: etcd-client}}"),
            row(
                "etcd TLS Secret without a name",
                "etcd.tlsSecretRef.name",
                "endpoints: ['http://198.51.100.11:2379', 'http://198.51.100.12:2379']",
                HTTPS,
                "callTimeoutMillis: 500}",
                "callTimeoutMillis: 500, tlsSecretRef: {clientCertificate: false}}"),
            row(
                "etcd TLS Secret name of 254 characters",
                "etcd.tlsSecretRef.name",
                "endpoints: ['http://198.51.100.11:2379', 'http://198.51.100.12:2379']",
                HTTPS,
                "callTimeoutMillis: 500}",
                "callTimeoutMillis: 500, tlsSecretRef: {name: " + "t".repeat(254) + "}}"),
            row(
                "etcd clientCertificate as text",
                "etcd.tlsSecretRef.clientCertificate",
                "endpoints: ['http://198.51.100.11:2379', 'http://198.51.100.12:2379']",
                HTTPS,
                "callTimeoutMillis: 500}",
                "callTimeoutMillis: 500, tlsSecretRef: {name: etcd-client, clientCertificate: 'no'}}"),
            row(
                "etcd certificate without its key",
                "etcd.keyFile",
                "endpoints: ['http://198.51.100.11:2379', 'http://198.51.100.12:2379']",
                HTTPS,
                "callTimeoutMillis: 500}",
                "callTimeoutMillis: 500, certFile: /etc/redisha/etcd.crt}"),
            row(
                "etcd CA file with http endpoints",
                "etcd.endpoints",
                "callTimeoutMillis: 500}",
                "callTimeoutMillis: 500, caFile: /etc/redisha/etcd-ca.crt}"),
            row(
                "etcd CA file path of 4097 characters",
                "etcd.caFile",
                "endpoints: ['http://198.51.100.11:2379', 'http://198.51.100.12:2379']",
                HTTPS,
                "callTimeoutMillis: 500}",
                "callTimeoutMillis: 500, caFile: /" + "c".repeat(4096) + "}"),
            row(
                "etcd certificate file path of 4097 characters",
                "etcd.certFile",
                "endpoints: ['http://198.51.100.11:2379', 'http://198.51.100.12:2379']",
                HTTPS,
                "callTimeoutMillis: 500}",
                "callTimeoutMillis: 500, certFile: /" + "c".repeat(4096) + ", keyFile: /k}"),
            row(
                "etcd key file path of 4097 characters",
                "etcd.keyFile",
                "endpoints: ['http://198.51.100.11:2379', 'http://198.51.100.12:2379']",
                HTTPS,
                "callTimeoutMillis: 500}",
                "callTimeoutMillis: 500, certFile: /c, keyFile: /" + "k".repeat(4096) + "}"),
            // redis
            row(
                "two Redis passwords",
                "redis.passwordFile",
                "instances:\n",
                "redis: {passwordSecretRef: {name: r, key: k}, passwordFile: /etc/redisha/redis}\ninstances:\n"),
            row(
                "Redis secret without a name",
                "redis.passwordSecretRef.name",
                "instances:\n",
                "redis: {passwordSecretRef: {key: k}}\ninstances:\n"),
            row(
                "Redis secret without a key",
                "redis.passwordSecretRef.key",
                "instances:\n",
                "redis: {passwordSecretRef: {name: r}}\ninstances:\n"),
            row(
                "Redis secret name of 254 characters",
                "redis.passwordSecretRef.name",
                "instances:\n",
                "redis: {passwordSecretRef: {name: "
                    + "r".repeat(254)
                    + ", key: k}}\ninstances:\n"),
            row(
                "Redis secret key of 254 characters",
                "redis.passwordSecretRef.key",
                "instances:\n",
                "redis: {passwordSecretRef: {name: r, key: "
                    + "k".repeat(254)
                    + "}}\ninstances:\n"),
            row(
                "Redis password file path of 4097 characters",
                "redis.passwordFile",
                "instances:\n",
                "redis: {passwordFile: /" + "p".repeat(4096) + "}\ninstances:\n"),
            row(
                "Redis user without a password",
                "redis.username",
                "instances:\n",
                "redis: {username: redisha}\ninstances:\n"),
            row(
                "Redis user with a blank",
                "redis.username",
                "instances:\n",
                "redis: {username: 'red is', passwordFile: /etc/redisha/redis}\ninstances:\n"),
            row(
                "Redis user of 129 characters",
                "redis.username",
                "instances:\n",
                "redis: {username: "
                    + "u".repeat(129)
                    + ", passwordFile: /etc/redisha/redis}\ninstances:\n"),
            row("TLS without a CA", "redis.tls", "instances:\n", tls("{}")),
            row(
                "two TLS CAs",
                "redis.tls.caFile",
                "instances:\n",
                tls("{caSecretRef: {name: c, key: k}, caFile: /etc/redisha/ca.crt}")),
            row(
                "two client certificates",
                "redis.tls.certFile",
                "instances:\n",
                tls(
                    "{caFile: /etc/redisha/ca.crt, certSecretRef: {name: c, key: k},"
                        + " certFile: /etc/redisha/agent.crt, keyFile: /etc/redisha/agent.key}")),
            row(
                "two client keys",
                "redis.tls.keyFile",
                "instances:\n",
                tls(
                    "{caFile: /etc/redisha/ca.crt, certFile: /etc/redisha/agent.crt,"
                        + " keySecretRef: {name: c, key: k}, keyFile: /etc/redisha/agent.key}")),
            row(
                "client certificate without its key",
                "redis.tls",
                "instances:\n",
                tls("{caFile: /etc/redisha/ca.crt, certFile: /etc/redisha/agent.crt}")),
            row(
                "client key without its certificate",
                "redis.tls",
                "instances:\n",
                tls("{caFile: /etc/redisha/ca.crt, keyFile: /etc/redisha/agent.key}")),
            row(
                "CA file path of 4097 characters",
                "redis.tls.caFile",
                "instances:\n",
                tls("{caFile: /" + "c".repeat(4096) + "}")),
            row(
                "client certificate path of 4097 characters",
                "redis.tls.certFile",
                "instances:\n",
                tls(
                    "{caFile: /etc/redisha/ca.crt, certFile: /"
                        + "c".repeat(4096)
                        + ", keyFile: /etc/redisha/agent.key}")),
            row(
                "client key path of 4097 characters",
                "redis.tls.keyFile",
                "instances:\n",
                tls(
                    "{caFile: /etc/redisha/ca.crt, certFile: /etc/redisha/agent.crt, keyFile: /"
                        + "k".repeat(4096)
                        + "}")),
            row(
                "TLS caSecretRef without a name",
                "redis.tls.caSecretRef.name",
                "instances:\n",
                tls("{caSecretRef: {key: k}}")),
            row(
                "TLS caSecretRef without a key",
                "redis.tls.caSecretRef.key",
                "instances:\n",
                tls("{caSecretRef: {name: s}}")),
            row(
                "TLS caSecretRef name of 254 characters",
                "redis.tls.caSecretRef.name",
                "instances:\n",
                tls("{caSecretRef: {name: " + "s".repeat(254) + ", key: k}}")),
            row(
                "TLS caSecretRef key of 254 characters",
                "redis.tls.caSecretRef.key",
                "instances:\n",
                tls("{caSecretRef: {name: s, key: " + "k".repeat(254) + "}}")),
            row(
                "TLS certSecretRef without a name",
                "redis.tls.certSecretRef.name",
                "instances:\n",
                tls(
                    "{certSecretRef: {key: k}, caFile: /etc/redisha/ca.crt, keyFile: /etc/redisha/agent.key}")),
            row(
                "TLS certSecretRef without a key",
                "redis.tls.certSecretRef.key",
                "instances:\n",
                tls(
                    "{certSecretRef: {name: s}, caFile: /etc/redisha/ca.crt, keyFile: /etc/redisha/agent.key}")),
            row(
                "TLS certSecretRef name of 254 characters",
                "redis.tls.certSecretRef.name",
                "instances:\n",
                tls(
                    "{certSecretRef: {name: "
                        + "s".repeat(254)
                        + ", key: k}, caFile: /etc/redisha/ca.crt, keyFile: /etc/redisha/agent.key}")),
            row(
                "TLS certSecretRef key of 254 characters",
                "redis.tls.certSecretRef.key",
                "instances:\n",
                tls(
                    "{certSecretRef: {name: s, key: "
                        + "k".repeat(254)
                        + "}, caFile: /etc/redisha/ca.crt, keyFile: /etc/redisha/agent.key}")),
            row(
                "TLS keySecretRef without a name",
                "redis.tls.keySecretRef.name",
                "instances:\n",
                tls(
                    "{keySecretRef: {key: k}, caFile: /etc/redisha/ca.crt, certFile: /etc/redisha/agent.crt}")),
            row(
                "TLS keySecretRef without a key",
                "redis.tls.keySecretRef.key",
                "instances:\n",
                tls(
                    "{keySecretRef: {name: s}, caFile: /etc/redisha/ca.crt, certFile: /etc/redisha/agent.crt}")),
            row(
                "TLS keySecretRef name of 254 characters",
                "redis.tls.keySecretRef.name",
                "instances:\n",
                tls(
                    "{keySecretRef: {name: "
                        + "s".repeat(254)
                        + ", key: k}, caFile: /etc/redisha/ca.crt, certFile: /etc/redisha/agent.crt}")),
            row(
                "TLS keySecretRef key of 254 characters",
                "redis.tls.keySecretRef.key",
                "instances:\n",
                tls(
                    "{keySecretRef: {name: s, key: "
                        + "k".repeat(254)
                        + "}, caFile: /etc/redisha/ca.crt, certFile: /etc/redisha/agent.crt}")),
            // instances
            row("33 instances", "instances", GROUP_B, manyGroups),
            row("no instances", "instances", "instances:\n", "instances: []\nold:\n"),
            row("instances left out", "instances", "instances:\n", "old:\n"),
            row("group without a name", "instances[1].name", "{name: b, port", "{port"),
            row("group without a VIP", "instances[1].vip", "vip: 192.0.2.101/24, ", ""),
            row(
                "group without a router id",
                "instances[1].virtualRouterId",
                ", virtualRouterId: 52",
                ""),
            row(
                "VIP of 19 characters",
                "instances[1].vip",
                "vip: 192.0.2.101/24",
                "vip: 192.168.100.101/240"),
            row(
                "preferred master of 254 characters",
                "instances[0].preferredMaster",
                "preferredMaster: vm-a",
                "preferredMaster: " + "m".repeat(254)),
            row(
                "group name of 64 characters",
                "instances[1].name",
                "name: b,",
                "name: " + aa64 + ","),
            row("group name B_1", "instances[1].name", "name: b,", "name: B_1,"),
            row("same group names", "instances[1].name", "name: b,", "name: a,"),
            row("port 0", "instances[1].port", "port: 6389", "port: 0"),
            row("port 65536", "instances[1].port", "port: 6389", "port: 65536"),
            row("port six", "instances[1].port", "port: 6389", "port: six"),
            row("port 6379.7", "instances[1].port", "port: 6389", "port: 6379.7"),
            row("port as text", "instances[1].port", "port: 6389", "port: '6389'"),
            row("no port", "instances[1].port", "port: 6389, ", ""),
            row("same ports", "instances[1].port", "port: 6389", "port: 6379"),
            row(
                "VIP 224.0.0.18/24",
                "instances[1].vip",
                "vip: 192.0.2.101/24",
                "vip: 224.0.0.18/24"),
            row("VIP 0.0.0.0/32", "instances[1].vip", "vip: 192.0.2.101/24", "vip: 0.0.0.0/32"),
            row(
                "VIP 255.255.255.255/32",
                "instances[1].vip",
                "vip: 192.0.2.101/24",
                "vip: 255.255.255.255/32"),
            row("VIP on loopback", "instances[1].vip", "vip: 192.0.2.101/24", "vip: 127.0.0.5/8"),
            row("VIP reserved", "instances[1].vip", "vip: 192.0.2.101/24", "vip: 250.0.0.1/32"),
            row(
                "VIP network address /24",
                "instances[1].vip",
                "vip: 192.0.2.101/24",
                "vip: 192.0.2.0/24"),
            row(
                "VIP broadcast address /24",
                "instances[1].vip",
                "vip: 192.0.2.101/24",
                "vip: 192.0.2.255/24"),
            row(
                "VIP network address /16",
                "instances[1].vip",
                "vip: 192.0.2.101/24",
                "vip: 198.51.0.0/16"),
            row(
                "VIP broadcast address /30",
                "instances[1].vip",
                "vip: 192.0.2.101/24",
                "vip: 192.0.2.103/30"),
            row(
                "VIP without prefix",
                "instances[1].vip",
                "vip: 192.0.2.101/24",
                "vip: 192.0.2.101"),
            row("VIP octet 256", "instances[1].vip", "vip: 192.0.2.101/24", "vip: 192.0.2.256/24"),
            row("VIP prefix 33", "instances[1].vip", "vip: 192.0.2.101/24", "vip: 192.0.2.101/33"),
            row(
                "VIP with a leading zero",
                "instances[1].vip",
                "vip: 192.0.2.101/24",
                "vip: 192.0.2.010/24"),
            row(
                "same VIP addresses",
                "instances[1].vip",
                "vip: 192.0.2.101/24",
                "vip: 192.0.2.100/32"),
            row(
                "VIP is a node address",
                "instances[1].vip",
                "vip: 192.0.2.101/24",
                "vip: 192.0.2.12/24"),
            row(
                "router id 0",
                "instances[1].virtualRouterId",
                "virtualRouterId: 52",
                "virtualRouterId: 0"),
            row(
                "router id 256",
                "instances[1].virtualRouterId",
                "virtualRouterId: 52",
                "virtualRouterId: 256"),
            row(
                "same router ids",
                "instances[1].virtualRouterId",
                "virtualRouterId: 52",
                "virtualRouterId: 51"),
            row(
                "preferred master not a node",
                "instances[0].preferredMaster",
                "preferredMaster: vm-a",
                "preferredMaster: vm-c"),
            row(
                "haVipId without Alibaba",
                "instances[1].haVipId",
                "virtualRouterId: 52}",
                "virtualRouterId: 52, haVipId: havip-1}"),
            row(
                "Alibaba without haVipId",
                "instances[1].haVipId",
                HOOK,
                "vipHook: {provider: Alibaba, region: cn-hangzhou}",
                "preferredMaster: vm-a}",
                "preferredMaster: vm-a, haVipId: havip-a}"),
            row(
                "haVipId not a HAVIP",
                "instances[1].haVipId",
                HOOK,
                "vipHook: {provider: Alibaba, region: cn-hangzhou}",
                "preferredMaster: vm-a}",
                "preferredMaster: vm-a, haVipId: havip-a}",
                "virtualRouterId: 52}",
                "virtualRouterId: 52, haVipId: hv-1}"),
            row(
                "haVipId of 65 characters",
                "instances[1].haVipId",
                HOOK,
                "vipHook: {provider: Alibaba, region: cn-hangzhou}",
                "preferredMaster: vm-a}",
                "preferredMaster: vm-a, haVipId: havip-a}",
                "virtualRouterId: 52}",
                "virtualRouterId: 52, haVipId: havip-" + "h".repeat(59) + "}"),
            // vipHook
            row(
                "url of 2049 characters",
                "vipHook.url",
                HOOK,
                "vipHook: {provider: Webhook, url: 'http://192.0.2.30/" + "u".repeat(2031) + "'}"),
            row(
                "endpoint of 2049 characters",
                "vipHook.endpoint",
                HOOK,
                "vipHook: {provider: AWS, region: us-east-1, endpoint: 'http://192.0.2.30/"
                    + "u".repeat(2031)
                    + "'}"),
            row(
                "metadataEndpoint of 2049 characters",
                "vipHook.metadataEndpoint",
                HOOK,
                "vipHook: {provider: AWS, region: us-east-1, metadataEndpoint: 'http://192.0.2.30/"
                    + "u".repeat(2031)
                    + "'}"),
            row(
                "region of 65 characters",
                "vipHook.region",
                HOOK,
                "vipHook: {provider: AWS, region: " + "r".repeat(65) + "}"),
            row("provider GCP", "vipHook.provider", "provider: AWS", "provider: GCP"),
            row("no provider", "vipHook.provider", "provider: AWS, ", ""),
            row(
                "command of 65 words",
                "vipHook.command",
                HOOK,
                "vipHook: {provider: Exec, command: [/bin/x" + ", a".repeat(64) + "]}"),
            row(
                "command with Webhook",
                "vipHook.command",
                HOOK,
                "vipHook: {provider: Webhook, url: 'http://192.0.2.30/route', command: [x]}"),
            row("Webhook without url", "vipHook.url", HOOK, "vipHook: {provider: Webhook}"),
            row(
                "url with AWS",
                "vipHook.url",
                HOOK,
                "vipHook: {provider: AWS, region: us-east-1, url: 'http://192.0.2.30/'}"),
            row(
                "provider and hookRef",
                "vipHook.provider",
                "provider: AWS,",
                "provider: AWS, hookRef: route-vip,"),
            row(
                "hookRef with a url",
                "vipHook.hookRef",
                HOOK,
                "vipHook: {hookRef: route-vip, url: 'http://192.0.2.30/route'}"),
            row("hookRef Route_VIP", "vipHook.hookRef", HOOK, "vipHook: {hookRef: Route_VIP}"),
            row(
                "hookRef of 64 characters",
                "vipHook.hookRef",
                HOOK,
                "vipHook: {hookRef: " + aa64 + "}"),
            row(
                "cloud credentials Secret with Webhook",
                "vipHook.credentialsSecretRef",
                HOOK,
                "vipHook: {provider: Webhook, url: 'http://192.0.2.30/route', timeoutMillis: 5000,"
                    + " credentialsSecretRef: {name: s, key: k}}"),
            row(
                "cloud credentials Secret without a key",
                "vipHook.credentialsSecretRef.key",
                HOOK,
                "vipHook: {provider: AWS, region: us-east-1, credentialsSecretRef: {name: s}}"),
            row(
                "cloud credentials Secret without a name",
                "vipHook.credentialsSecretRef.name",
                HOOK,
                "vipHook: {provider: AWS, region: us-east-1, credentialsSecretRef: {key: k}}"),
            row(
                "cloud credentials Secret name of 254 characters",
                "vipHook.credentialsSecretRef.name",
                HOOK,
                "vipHook: {provider: AWS, region: us-east-1, credentialsSecretRef: {name: "
                    + "s".repeat(254)
                    + ", key: k}}"),
            row(
                "cloud credentials Secret key of 254 characters",
                "vipHook.credentialsSecretRef.key",
                HOOK,
                "vipHook: {provider: AWS, region: us-east-1, credentialsSecretRef: {name: s, key: "
                    + "k".repeat(254)
                    + "}}"),
            row(
                "url ftp",
                "vipHook.url",
                HOOK,
                "vipHook: {provider: Webhook, url: 'ftp://192.0.2.30/'}"),
            row(
                "url with a blank",
                "vipHook.url",
                HOOK,
                "vipHook: {provider: Webhook, url: 'http://a b/'}"),
            row(
                "url without host",
                "vipHook.url",
                HOOK,
                "vipHook: {provider: Webhook, url: 'http:///x'}"),
            row("AWS without region", "vipHook.region", HOOK, "vipHook: {provider: AWS}"),
            row(
                "region US_EAST",
                "vipHook.region",
                HOOK,
                "vipHook: {provider: AWS, region: US_EAST}"),
            row(
                "endpoint not a URL",
                "vipHook.endpoint",
                HOOK,
                "vipHook: {provider: AWS, region: us-east-1, endpoint: x}"),
            row(
                "metadataEndpoint ftp",
                "vipHook.metadataEndpoint",
                HOOK,
                "vipHook: {provider: AWS, region: us-east-1, metadataEndpoint: 'ftp://x'}"),
            row(
                "credentialsFile of 4097 characters",
                "vipHook.credentialsFile",
                HOOK,
                "vipHook: {provider: AWS, region: us-east-1, credentialsFile: /"
                    + "c".repeat(4096)
                    + "}"),
            row(
                "hook timeout 50 ms",
                "vipHook.timeoutMillis",
                "timeoutMillis: 5000",
                "timeoutMillis: 50"),
            row(
                "hook timeout 120001 ms",
                "vipHook.timeoutMillis",
                "timeoutMillis: 5000",
                "timeoutMillis: 120001"),
            row(
                "hook retryMax 99 ms",
                "vipHook.retryMaxMillis",
                "timeoutMillis: 5000}",
                "timeoutMillis: 5000, retryMaxMillis: 99}"),
            row(
                "hook retryMax 600001 ms",
                "vipHook.retryMaxMillis",
                "timeoutMillis: 5000}",
                "timeoutMillis: 5000, retryMaxMillis: 600001}")));
  }

  /** The edits that make {@link #BASE} a VRRPv2 pair (PASS passwords need it). */
  static final String[] V2 = {
    "version: 3", "version: 2", "advertIntervalMillis: 100", "advertIntervalMillis: 1000"
  };

  /** A valid auth_hmac block of two keys. */
  static final String HMAC =
      "{keys: [{id: 1, secretFile: /etc/redisha/key-1}, {id: 2, secretFile: /etc/redisha/key-2}],"
          + " activeKeyId: 1}";

  static String[] with(String[] first, String... more) {
    return Stream.concat(Stream.of(first), Stream.of(more)).toArray(String[]::new);
  }

  /**
   * The rules of the adverts' authentication: a group's own auth (PASS or auth_hmac) and the
   * pair-wide default, and every rule of an auth_hmac block at both of its places.
   */
  static Stream<Row> authRules() {
    String group = "instances[1].auth";
    String groupEdit = "virtualRouterId: 52}";
    List<Row> rows = new ArrayList<>();
    rows.add(
        row(
            "a group with a password and hmac",
            group,
            with(
                V2,
                groupEdit,
                "virtualRouterId: 52, auth: {passwordFile: /etc/redisha/b, hmac: " + HMAC + "}}")));
    rows.add(
        row(
            "a group with two passwords",
            group,
            with(
                V2,
                groupEdit,
                "virtualRouterId: 52, auth: {passwordFile: /etc/redisha/b,"
                    + " passwordSecretRef: {name: s, key: k}}}")));
    rows.add(row("a group with an empty auth", group, groupEdit, "virtualRouterId: 52, auth: {}}"));
    rows.add(
        row(
            "a group's PASS password on VRRPv3",
            group + ".passwordFile",
            groupEdit,
            "virtualRouterId: 52, auth: {passwordFile: /etc/redisha/b}}"));
    rows.add(
        row(
            "a group's password file path of 4097 characters",
            group + ".passwordFile",
            with(
                V2,
                groupEdit,
                "virtualRouterId: 52, auth: {passwordFile: /" + "p".repeat(4096) + "}}")));
    for (String[] ref :
        new String[][] {
          {"{key: k}", "name"},
          {"{name: s}", "key"},
          {"{name: " + "s".repeat(254) + ", key: k}", "name"},
          {"{name: s, key: " + "k".repeat(254) + "}", "key"}
        }) {
      rows.add(
          row(
              "a group's password Secret " + ref[0].substring(0, Math.min(ref[0].length(), 12)),
              group + ".passwordSecretRef." + ref[1],
              with(
                  V2,
                  groupEdit,
                  "virtualRouterId: 52, auth: {passwordSecretRef: " + ref[0] + "}}")));
    }
    rows.add(
        row(
            "a pair-wide PASS password and authHmac",
            "vrrp.authHmac",
            with(
                V2,
                "  minTtl: 255\n",
                "  minTtl: 255\n  authPasswordFile: /etc/redisha/vrrp\n  authHmac: "
                    + HMAC
                    + "\n")));
    hmacRows("group", group + ".hmac", groupEdit, "virtualRouterId: 52, auth: {hmac: %s}}", rows);
    hmacRows("pair", "vrrp.authHmac", "  minTtl: 255\n", "  minTtl: 255\n  authHmac: %s\n", rows);
    return rows.stream();
  }

  /** Every rule of an auth_hmac block at {@code field}, put into BASE by {@code from -> to}. */
  static void hmacRows(String where, String field, String from, String to, List<Row> rows) {
    String key2 = "{id: 2, secretFile: /etc/redisha/key-2}";
    String keys = "[{id: 1, secretFile: /etc/redisha/key-1}, " + key2 + "]";
    String seventeen =
        Stream.iterate(1, i -> i + 1)
            .limit(17)
            .map(i -> "{id: " + i + ", secretFile: /etc/redisha/key-" + i + "}")
            .reduce((a, b) -> a + ", " + b)
            .orElseThrow();
    String[][] samples = {
      {"no keys", ".keys", "{activeKeyId: 1}"},
      {"no key in the list", ".keys", "{keys: [], activeKeyId: 1}"},
      {"17 keys", ".keys", "{keys: [" + seventeen + "], activeKeyId: 1}"},
      {"no active key", ".activeKeyId", "{keys: " + keys + "}"},
      {"active key 0", ".activeKeyId", "{keys: " + keys + ", activeKeyId: 0}"},
      {"active key 256", ".activeKeyId", "{keys: " + keys + ", activeKeyId: 256}"},
      {"an active key it does not hold", ".activeKeyId", "{keys: " + keys + ", activeKeyId: 3}"},
      {"antiReplay sometimes", ".antiReplay", HMAC.replace("}", ", antiReplay: sometimes}")},
      {"mode loose", ".mode", HMAC.replace("activeKeyId: 1}", "activeKeyId: 1, mode: loose}")},
      {
        "time window 0 s",
        ".timeWindowSeconds",
        HMAC.replace("activeKeyId: 1}", "activeKeyId: 1, timeWindowSeconds: 0}")
      },
      {
        "time window 301 s",
        ".timeWindowSeconds",
        HMAC.replace("activeKeyId: 1}", "activeKeyId: 1, timeWindowSeconds: 301}")
      },
      {
        "a time window with monotonic",
        ".timeWindowSeconds",
        HMAC.replace(
            "activeKeyId: 1}", "activeKeyId: 1, antiReplay: monotonic, timeWindowSeconds: 30}")
      },
      {"a key without an id", ".keys[1].id", HMAC.replace("{id: 2, ", "{")},
      {"key id 0", ".keys[1].id", HMAC.replace("id: 2,", "id: 0,")},
      {"key id 256", ".keys[1].id", HMAC.replace("id: 2,", "id: 256,")},
      {"two keys with id 1", ".keys[1].id", HMAC.replace("id: 2,", "id: 1,")},
      {
        "a key with a Secret and a file",
        ".keys[1].secretFile",
        HMAC.replace(key2, "{id: 2, secretFile: /etc/redisha/key-2, secretRef: {name: s, key: k}}")
      },
      {"a key without its secret", ".keys[1].secretFile", HMAC.replace(key2, "{id: 2}")},
      {
        "a key file path of 4097 characters",
        ".keys[1].secretFile",
        HMAC.replace("/etc/redisha/key-2", "/" + "p".repeat(4096))
      },
      {
        "a key Secret without a name",
        ".keys[1].secretRef.name",
        HMAC.replace(key2, "{id: 2, secretRef: {key: k}}")
      },
      {
        "a key Secret without a key",
        ".keys[1].secretRef.key",
        HMAC.replace(key2, "{id: 2, secretRef: {name: s}}")
      },
      {
        "a key Secret name of 254 characters",
        ".keys[1].secretRef.name",
        HMAC.replace(key2, "{id: 2, secretRef: {name: " + "s".repeat(254) + ", key: k}}")
      },
      {
        "a key Secret key of 254 characters",
        ".keys[1].secretRef.key",
        HMAC.replace(key2, "{id: 2, secretRef: {name: s, key: " + "k".repeat(254) + "}}")
      },
    };
    for (String[] sample : samples) {
      rows.add(
          row(
              where + " auth_hmac: " + sample[0],
              field + sample[1],
              from,
              to.formatted(sample[2])));
    }
  }

  /**
   * What a standalone pair file may say and a RedisHAPair may not (S10): a command, and a file on
   * the nodes. The first two are the spec of issue 12's first point.
   */
  static Stream<Row> kubernetesOnly() {
    return Stream.of(
        row(
            "the issue's Exec hook: a root shell on the nodes",
            "vipHook.command",
            HOOK,
            "vipHook: {provider: Exec, command: [/bin/sh, -c, 'id; ip link']}"),
        row(
            "any Exec provider",
            "vipHook.provider",
            HOOK,
            "vipHook: {provider: Exec, command: [/usr/local/bin/route-vip]}"),
        row(
            "any command",
            "vipHook.command",
            HOOK,
            "vipHook: {provider: Exec, command: [/usr/local/bin/route-vip], timeoutMillis: 900}"),
        row(
            "the issue's Redis password: the service-account token",
            "redis.passwordFile",
            "instances:\n",
            "redis: {passwordFile: /var/run/secrets/kubernetes.io/serviceaccount/token}\n"
                + "instances:\n"),
        row(
            "a VRRP password file",
            "vrrp.authPasswordFile",
            "version: 3",
            "version: 2",
            "advertIntervalMillis: 100",
            "advertIntervalMillis: 1000",
            "  minTtl: 255\n",
            "  minTtl: 255\n  authPasswordFile: /etc/redisha/vrrp-password\n"),
        row(
            "a cloud credentials file",
            "vipHook.credentialsFile",
            HOOK,
            "vipHook: {provider: AWS, region: us-east-1, credentialsFile: /root/.aws/credentials}"),
        // Addresses the agents would call from the node's network: the node's own services, the
        // metadata service, and (endpoint) the node's role credentials signed into every call.
        row(
            "a webhook to a service of the node itself",
            "vipHook.url",
            HOOK,
            "vipHook: {provider: Webhook, url: 'http://127.0.0.1:10255/pods'}"),
        row(
            "a webhook to the metadata service",
            "vipHook.url",
            HOOK,
            "vipHook: {provider: Webhook, url: 'http://169.254.169.254/latest/api/token'}"),
        row(
            "a cloud API endpoint that receives the node's signed credentials",
            "vipHook.endpoint",
            HOOK,
            "vipHook: {provider: AWS, region: us-east-1, endpoint: 'https://collector.example/'}"),
        row(
            "a metadata endpoint elsewhere",
            "vipHook.metadataEndpoint",
            HOOK,
            "vipHook: {provider: Alibaba, region: cn-hangzhou,"
                + " metadataEndpoint: 'http://127.0.0.1:8080'}",
            "preferredMaster: vm-a}",
            "preferredMaster: vm-a, haVipId: havip-a}",
            "virtualRouterId: 52}",
            "virtualRouterId: 52, haVipId: havip-b}"),
        row(
            "an etcd password file",
            "etcd.passwordFile",
            "callTimeoutMillis: 500}",
            "callTimeoutMillis: 500, username: redisha, passwordFile: /etc/redisha/etcd-password}"),
        row(
            "an etcd CA file",
            "etcd.caFile",
            "endpoints: ['http://198.51.100.11:2379', 'http://198.51.100.12:2379']",
            HTTPS,
            "callTimeoutMillis: 500}",
            "callTimeoutMillis: 500, caFile: /etc/redisha/etcd-ca.crt}"),
        row(
            "an etcd client certificate and key",
            "etcd.certFile",
            "endpoints: ['http://198.51.100.11:2379', 'http://198.51.100.12:2379']",
            HTTPS,
            "callTimeoutMillis: 500}",
            "callTimeoutMillis: 500, certFile: /etc/redisha/etcd.crt, keyFile: /etc/redisha/etcd.key}"),
        row(
            "an etcd client key",
            "etcd.keyFile",
            "endpoints: ['http://198.51.100.11:2379', 'http://198.51.100.12:2379']",
            HTTPS,
            "callTimeoutMillis: 500}",
            "callTimeoutMillis: 500, certFile: /etc/redisha/etcd.crt, keyFile: /etc/redisha/etcd.key}"));
  }

  /**
   * Each is refused by the generated CRD and by the operator's own check (a cluster whose CRD is
   * older, or an API server without CEL, still stops it there), naming the field, and accepted as a
   * standalone pair file, whose file fields are the VM administrator's to give.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("kubernetesOnly")
  void aResourceMayNotCarryACommandOrAFileButAPairFileMay(Row row) throws Exception {
    String sample = row.apply();
    assertThat(crdRefusals(sample))
        .as("%s: the CRD refuses it naming %s", row.what(), row.field())
        .anyMatch(r -> r.names(row.field()));
    List<Refusal> operator =
        PairValidator.validate(
                Serialization.unmarshal(resource(sample), RedisHAPair.class).getSpec(),
                Map.of(),
                AdminHooks.NONE)
            .stream()
            .map(PairRulesTableTest::split)
            .toList();
    assertThat(operator)
        .as("%s: the operator refuses it naming %s", row.what(), row.field())
        .anyMatch(r -> r.names(row.field()));
    assertThat(operator)
        .as("%s: the operator says what the CRD says", row.what())
        .anySatisfy(
            r ->
                assertThat(crdRefusals(sample).stream().map(Refusal::message))
                    .contains(r.field() + ": " + r.message()));

    assertThat(PairValidation.validate(PairFile.parse(sample, "pair.yaml", "pair").spec()))
        .as("%s: a standalone pair file may say it", row.what())
        .isEmpty();
    Path secret = Files.writeString(dir.resolve("secret"), "s3cr3t\n");
    String standalone = sample.replaceAll("(File: )[^ ,}\n]+", "$1" + secret);
    assertThat(resolve(standalone).groups()).hasSize(2);
  }

  /** The TLS files of a standalone pair file, which a RedisHAPair may not name (S10). */
  static Stream<Row> tlsFiles() {
    String files =
        tls(
            "{caFile: /etc/ssl/redis-ca.crt, certFile: /etc/ssl/agent.crt,"
                + " keyFile: /etc/ssh/ssh_host_ecdsa_key}");
    return Stream.of(
        row("a TLS CA file", "redis.tls.caFile", "instances:\n", files),
        row("a TLS client certificate file", "redis.tls.certFile", "instances:\n", files),
        row(
            "a TLS key file: the node's own private key",
            "redis.tls.keyFile",
            "instances:\n",
            files));
  }

  /**
   * Each refused by the generated CRD and by the operator with the same message, naming the field,
   * and valid in a standalone pair file ({@code RedisAccessFilesTest} resolves such files, with
   * real certificates).
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("tlsFiles")
  void aResourceMayNotNameATlsFileButAPairFileMay(Row row) throws Exception {
    String sample = row.apply();
    assertThat(crdRefusals(sample))
        .as("%s: the CRD refuses it naming %s", row.what(), row.field())
        .anyMatch(r -> r.names(row.field()));
    List<Refusal> operator =
        PairValidator.validate(
                Serialization.unmarshal(resource(sample), RedisHAPair.class).getSpec(),
                Map.of(),
                AdminHooks.NONE)
            .stream()
            .map(PairRulesTableTest::split)
            .toList();
    assertThat(operator)
        .as("%s: the operator says what the CRD says", row.what())
        .anySatisfy(
            r -> {
              assertThat(r.names(row.field())).isTrue();
              assertThat(crdRefusals(sample).stream().map(Refusal::message))
                  .contains(r.field() + ": " + r.message());
            });
    assertThat(PairValidation.validate(PairFile.parse(sample, "pair.yaml", "pair").spec()))
        .as("%s: a standalone pair file may say it", row.what())
        .isEmpty();
  }

  /**
   * S10 for the adverts' authentication: a group's password file and an auth_hmac key file, at both
   * places of a key, are refused in a resource by the CRD and by the operator, each naming the
   * field with its index, and accepted in a standalone pair file.
   */
  @Test
  void aResourceNamesNoPasswordOrKeyFileOfTheAdverts() throws Exception {
    String groupKey = "virtualRouterId: 52, auth: {hmac: " + HMAC + "}}";
    String[][] samples = {
      {
        "instances[1].auth.passwordFile",
        "virtualRouterId: 52, auth: {passwordFile: /etc/redisha/password-b}}"
      },
      {"instances[1].auth.hmac.keys[1].secretFile", groupKey},
      {"vrrp.authHmac.keys[0].secretFile", "virtualRouterId: 52}"},
    };
    for (String[] sample : samples) {
      String pair =
          row(
                  sample[0],
                  sample[0],
                  with(
                      V2,
                      "virtualRouterId: 52}",
                      sample[1],
                      "  minTtl: 255\n",
                      sample[0].startsWith("vrrp")
                          ? "  minTtl: 255\n  authHmac: " + HMAC + "\n"
                          : "  minTtl: 255\n"))
              .apply();
      assertThat(crdRefusals(pair))
          .as("the CRD refuses %s", sample[0])
          .anySatisfy(
              r -> {
                assertThat(r.field()).isEqualTo(sample[0]);
                assertThat(r.message()).contains("a RedisHAPair may not name a file on the nodes");
              });
      assertThat(
              PairValidator.validate(
                  Serialization.unmarshal(resource(pair), RedisHAPair.class).getSpec(),
                  Map.of(),
                  AdminHooks.NONE))
          .as("the operator refuses %s", sample[0])
          .anySatisfy(
              p ->
                  assertThat(p)
                      .startsWith("spec." + sample[0] + ": a RedisHAPair may not name a file"));
      assertThat(PairValidation.validate(PairFile.parse(pair, "pair.yaml", "pair").spec()))
          .as("a standalone pair file may name %s", sample[0])
          .isEmpty();
    }
  }

  /**
   * Rules of a standalone pair file that the CRD has no counterpart for, because it refuses the
   * whole of what they check (Exec): the pair file refuses each naming the field.
   */
  static Stream<Row> pairFileOnly() {
    return Stream.of(
        row(
            "Exec without command",
            "vipHook.command",
            HOOK,
            "vipHook: {provider: Exec, timeoutMillis: 5000}"),
        row(
            "Exec with a blank command",
            "vipHook.command",
            HOOK,
            "vipHook: {provider: Exec, command: [' ']}"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("pairFileOnly")
  void thePairFileRefusesWhatTheCrdRefusesAsAWhole(Row row) {
    String sample = row.apply();
    assertThat(crdRefusals(sample))
        .as("%s: the CRD refuses Exec as a whole", row.what())
        .anyMatch(r -> r.names("vipHook.provider"));
    assertThat(pairRefusals(sample))
        .as("%s: the pair file is refused naming %s", row.what(), row.field())
        .anyMatch(r -> r.names(row.field()));
  }

  /**
   * A file field added to the spec later (TLS keys, ...) cannot slip through: every property of the
   * generated CRD whose name ends in {@code File} is refused by a CEL rule of its object, naming
   * it, and by the operator's check.
   */
  @Test
  void everyFileFieldOfTheCrdIsRefusedInAResource() {
    List<String> fileFields = crd.propertyPaths().stream().filter(p -> p.endsWith("File")).toList();
    assertThat(fileFields)
        .contains("spec.redis.passwordFile", "spec.vrrp.authPasswordFile")
        .contains("spec.vipHook.credentialsFile")
        .contains(
            "spec.instances[*].auth.passwordFile",
            "spec.vrrp.authHmac.keys[*].secretFile",
            "spec.instances[*].auth.hmac.keys[*].secretFile");
    for (String field : fileFields) {
      String relative = field.substring("spec.".length());
      assertThat(crd.rules())
          .as("a CEL rule refuses %s", field)
          .anySatisfy(
              rule -> {
                assertThat(rule.path() + rule.fieldPath()).isEqualTo(field);
                assertThat(rule.expression()).isEqualTo("!has(self." + leaf(relative) + ")");
                // A type used at several places (an auth_hmac key) names the field from its
                // list; the API server puts the whole path before the message.
                assertThat(rule.message()).contains(": a RedisHAPair may not");
                String named =
                    rule.message().substring(0, rule.message().indexOf(": a RedisHAPair may not"));
                assertThat(relative).endsWith(named);
                assertThat(named).endsWith(leaf(relative));
              });
    }
  }

  private static String leaf(String path) {
    return path.substring(path.lastIndexOf('.') + 1);
  }

  /** {@code sample} with the etcd files it names written under the test's directory. */
  String withFilesInPlace(String sample) throws Exception {
    String text = sample;
    for (String name : List.of("etcd-password", "etcd-ca.crt", "etcd.crt", "etcd.key")) {
      Path file = Files.writeString(dir.resolve(name), "s3cr3t\n");
      text = text.replace("/etc/redisha/" + name, file.toString());
    }
    return text;
  }

  @Test
  void theEtcdBlockResolvesWithItsDefaultsAndThePasswordFromItsFile() throws Exception {
    String sample =
        BASE.replace(
            ETCD,
            "etcd: {endpoints: ['http://198.51.100.11:2379', 'http://etcd-2'], username: redisha,"
                + " passwordFile: /etc/redisha/etcd-password}");
    PairSettings settings = resolve(withFilesInPlace(sample));
    io.redisha.etcd.EtcdSettings etcd = settings.splitBrain().etcd();
    assertThat(etcd.endpoints())
        .extracting(Object::toString)
        .containsExactly("http://198.51.100.11:2379", "http://etcd-2");
    assertThat(etcd.prefix()).isEqualTo("/redisha");
    assertThat(etcd.callTimeout().toMillis()).isEqualTo(500);
    assertThat(etcd.username()).isEqualTo("redisha");
    assertThat(etcd.password()).isEqualTo("s3cr3t");
    assertThat(etcd.toString()).doesNotContain("s3cr3t");
  }

  @Test
  void standaloneRefusesEtcdSecretsAndMissingFilesNamingTheField() {
    String secrets =
        BASE.replace(
            ETCD,
            "etcd: {"
                + HTTPS
                + ", username: redisha, passwordSecretRef: {name: e, key: k},"
                + " tlsSecretRef: {name: etcd-client}}");
    assertThat(pairRefusals(secrets))
        .extracting(Refusal::field)
        .contains("etcd.passwordSecretRef", "etcd.tlsSecretRef");
    String missing =
        BASE.replace(
            ETCD,
            "etcd: {"
                + HTTPS
                + ", caFile: "
                + dir.resolve("no-ca.crt")
                + ", certFile: "
                + dir
                + ", keyFile: "
                + dir.resolve("no.key")
                + "}");
    assertThat(pairRefusals(missing))
        .extracting(Refusal::field)
        .contains("etcd.caFile", "etcd.certFile", "etcd.keyFile");
  }

  @Test
  void aCallTimeoutLongerThanTheRenewalIntervalIsRefusedForThePair() {
    // 100 ms adverts and checks: fence time 3700 ms, renewals every 600 ms (the key holder's
    // dead-man replica acknowledges for 3700 - 3000 - 100 ms after each renewal).
    String slow = BASE.replace("callTimeoutMillis: 500", "callTimeoutMillis: 2000");
    assertThat(crdRefusals(slow)).as("the CRD's bounds allow it").isEmpty();
    assertThat(pairRefusals(slow))
        .extracting(Refusal::message)
        .anyMatch(
            m -> m.contains("must be at most the lease renewal interval of this pair (600 ms)"));
  }

  @Test
  void aPairFileWithTheRemovedWitnessIsToldToUseEtcd() {
    String old =
        BASE.replace(
            "splitBrainProtection: Etcd\n" + ETCD + "\n",
            "splitBrainProtection: Witness\nwitness: {address: 192.0.2.20, port: 7379}\n");
    List<Refusal> refusals = pairRefusals(old);
    assertThat(refusals)
        .anyMatch(
            r -> r.field().equals("splitBrainProtection") && r.message().contains("use Etcd"));
    assertThat(refusals)
        .anyMatch(r -> r.field().equals("witness") && r.message().contains("Witness was removed"));
  }

  @Test
  void theBaseIsAcceptedByBoth() throws Exception {
    assertThat(crdRefusals(BASE)).isEmpty();
    PairSettings settings = resolve(BASE);
    assertThat(settings.groups()).hasSize(2);
    assertThat(
            PairValidator.validate(
                Serialization.unmarshal(resource(BASE), RedisHAPair.class).getSpec(),
                Map.of(),
                AdminHooks.NONE))
        .isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rules")
  void bothRefuseNamingTheSameField(Row row) {
    String sample = row.apply();
    List<Refusal> crdRefusals = crdRefusals(sample);
    assertThat(crdRefusals)
        .as("%s: the CRD refuses it naming %s", row.what(), row.field())
        .anyMatch(r -> r.names(row.field()));
    List<Refusal> pairRefusals = pairRefusals(sample);
    assertThat(pairRefusals)
        .as("%s: the pair file is refused naming %s", row.what(), row.field())
        .anyMatch(r -> r.names(row.field()));
  }

  /**
   * The table is complete: together its samples break every constraint of the CRD's OpenAPI schema
   * and every CEL rule but the transition rules (a pair file has no previous version; {@code
   * CrdValidationTest} covers those), so no rule of the CRD lacks its pair-file counterpart.
   */
  @Test
  void theSamplesBreakEveryConstraintAndRuleOfTheCrd() {
    Set<CrdRules.Constraint> broken = new HashSet<>();
    Set<String> celMessages = new HashSet<>();
    Stream.concat(Stream.concat(rules(), kubernetesOnly()), pairFileOnly())
        .forEach(
            row -> {
              String resource = resource(row.apply());
              broken.addAll(crd.schemaViolations(resource));
              crd.celErrors(resource).forEach(e -> celMessages.add(split(e).message()));
            });
    assertThat(crd.constraints()).hasSizeGreaterThan(50);
    List<CrdRules.Constraint> missing =
        crd.constraints().stream().filter(c -> !broken.contains(c)).toList();
    assertThat(missing).as("constraints no sample breaks").isEmpty();
    List<String> rules =
        crd.rules().stream()
            .filter(r -> !r.expression().contains("oldSelf"))
            .map(CrdRules.Rule::message)
            .toList();
    assertThat(rules).hasSize(61);
    assertThat(rules.stream().filter(r -> !celMessages.contains(r)))
        .as("rules no sample breaks")
        .isEmpty();
  }

  @ParameterizedTest(name = "VIP {0}")
  @ValueSource(
      strings = {"192.0.2.0/31", "192.0.2.1/31", "192.0.2.255/32", "198.51.100.7/32", "10.0.0.1/8"})
  void hostAddressesAndPointToPointVipsAreAcceptedByBoth(String vip) throws Exception {
    String sample = BASE.replace("vip: 192.0.2.101/24", "vip: " + vip);
    assertThat(crdRefusals(sample)).isEmpty();
    assertThat(resolve(sample).group("b").vip().toString()).isEqualTo(vip);
  }

  /** The hook the README's RedisHAPair examples name, as the cluster admin would configure it. */
  static final String README_HOOKS =
      """
      hooks:
        route-vip: {provider: Exec, command: [/usr/local/bin/route-vip]}
      """;

  /**
   * Every pair of the README reads as a standalone pair file. A RedisHAPair of the README also
   * passes the CRD and the operator; a bare pair file passes the CRD too, unless it names files on
   * the VM, which the CRD then refuses for that reason alone (S10).
   */
  @Test
  void theReadmePairFilesAreAcceptedByBoth() throws Exception {
    List<String> samples = readmePairFiles();
    assertThat(samples).as("pair files in README.md").hasSizeGreaterThanOrEqualTo(3);
    AdminHooks hooks = AdminHooks.parse(README_HOOKS, "hooks");
    int resources = 0;
    for (String sample : readmeResources()) {
      resources++;
      assertThat(crdRefusals(sample)).as(sample).isEmpty();
      assertThat(
              PairValidator.validate(
                  Serialization.unmarshal(resource(sample), RedisHAPair.class).getSpec(),
                  Map.of("vm-a", "192.0.2.11", "vm-b", "192.0.2.12"),
                  hooks))
          .as(sample)
          .isEmpty();
    }
    assertThat(resources).as("RedisHAPair examples in README.md").isGreaterThanOrEqualTo(2);
    for (String sample : samples) {
      PairFile.Loaded loaded = PairFile.parse(sample, "README.md", "readme");
      boolean kubernetes = sample.contains("SecretRef") || sample.contains("hookRef");
      assertThat(
              PairValidation.validate(
                  loaded.spec(), kubernetes ? Source.RESOURCE : Source.PAIR_FILE, hooks))
          .as(sample)
          .isEmpty();
      if (sample.contains("File:") || sample.contains("command:")) {
        assertThat(crdRefusals(sample))
            .as("refused by the CRD only for naming files or a command: %s", sample)
            .isNotEmpty()
            .allSatisfy(r -> assertThat(r.message()).contains("a RedisHAPair may not"));
      } else {
        assertThat(crdRefusals(sample)).as(sample).isEmpty();
      }
      if (!kubernetes && sample.contains("address:")) {
        // Each file the sample names, in a temporary directory: a key of 32 bytes, or a password.
        String standalone = sample;
        Matcher named = Pattern.compile("/etc/redisha/[a-z0-9.-]+").matcher(sample);
        while (named.find()) {
          String name = named.group().substring("/etc/redisha/".length());
          Path file =
              Files.writeString(
                  dir.resolve(name), name.contains("key") ? "hex:" + "ab".repeat(32) : "s3cr3t\n");
          standalone = standalone.replace(named.group(), file.toString());
        }
        for (String node : List.of("vm-a", "vm-b")) {
          PairSettings settings =
              PairValidation.resolve(PairFile.parse(standalone, "README.md", "readme"), node, "x");
          assertThat(settings.groups()).as(sample).hasSize(2);
        }
      }
    }
  }

  /** The specs of the RedisHAPair resources in README.md's YAML blocks. */
  static List<String> readmeResources() throws Exception {
    List<String> specs = new ArrayList<>();
    for (String document : readmeDocuments()) {
      if (document.contains("kind: RedisHAPair") && document.contains("instances:")) {
        specs.add(
            document.substring(document.indexOf("spec:\n") + "spec:\n".length()).stripIndent());
      }
    }
    return specs;
  }

  /**
   * The YAML blocks of README.md that hold a pair (a bare pair file or the spec of a RedisHAPair),
   * except the excerpt of a rendered file that the README cuts short with "...".
   */
  static List<String> readmePairFiles() throws Exception {
    List<String> samples = new ArrayList<>();
    for (String document : readmeDocuments()) {
      if (!document.contains("instances:") || document.contains("\n  ...\n")) {
        continue;
      }
      if (document.contains("kind: RedisHAPair")) {
        String spec = document.substring(document.indexOf("spec:\n") + "spec:\n".length());
        samples.add(spec.stripIndent());
      } else {
        samples.add(document);
      }
    }
    return samples;
  }

  /** The YAML documents of README.md's yaml blocks. */
  static List<String> readmeDocuments() throws Exception {
    String readme = Files.readString(Path.of("README.md"));
    Matcher block = Pattern.compile("```yaml\n(.*?)```", Pattern.DOTALL).matcher(readme);
    List<String> documents = new ArrayList<>();
    while (block.find()) {
      documents.addAll(List.of(block.group(1).split("(?m)^---\n")));
    }
    return documents;
  }

  /** A refusal: the field it names (spec-relative, {@code instances[1].port}) and its text. */
  record Refusal(String field, String message) {
    boolean names(String expected) {
      if (field.equals(expected)
          || field.startsWith(expected + ".")
          || field.startsWith(expected + "[")) {
        return true;
      }
      boolean encloses = expected.startsWith(field + ".") || expected.startsWith(field + "[");
      String leaf =
          expected.substring(Math.max(expected.lastIndexOf('.'), expected.lastIndexOf(']')) + 1);
      return encloses && message.toLowerCase(Locale.ROOT).contains(leaf.toLowerCase(Locale.ROOT));
    }
  }

  private static final Pattern REQUIRED = Pattern.compile("required property '(\\w+)' not found");

  /** What the API server would refuse in {@code pairFile} applied as a RedisHAPair's spec. */
  static List<Refusal> crdRefusals(String pairFile) {
    String resource = resource(pairFile);
    List<Refusal> refusals = new ArrayList<>();
    for (String error : crd.schemaErrors(resource)) {
      // $.spec.instances[1].port: must have a maximum value of 65535
      Refusal r = split(error.replaceFirst("^\\$\\.", ""));
      Matcher required = REQUIRED.matcher(r.message());
      String field = required.find() ? join(r.field(), required.group(1)) : r.field();
      refusals.add(new Refusal(field, r.message()));
    }
    for (String error : crd.celErrors(resource)) {
      assertThat(error).as("a CEL rule failed to evaluate").doesNotContain("evaluation error");
      refusals.add(split(error));
    }
    return refusals;
  }

  /** {@code pairFile} as the spec of a RedisHAPair. */
  static String resource(String pairFile) {
    return "apiVersion: redisha.io/v1alpha1\nkind: RedisHAPair\nmetadata: {name: cache, namespace: redis}\nspec:\n"
        + pairFile.indent(2);
  }

  /** What the standalone agent refuses in {@code pairFile}, from reading it to resolving it. */
  List<Refusal> pairRefusals(String pairFile) {
    try {
      resolve(pairFile);
      return List.of();
    } catch (InvalidPairException e) {
      return e.problems().stream().map(PairRulesTableTest::split).toList();
    } catch (Exception e) {
      return fail("not an InvalidPairException", e);
    }
  }

  PairSettings resolve(String pairFile) throws InvalidPairException {
    return PairValidation.resolve(
        PairFile.parse(pairFile, "pair.yaml", "pair"), "vm-a", "pair.yaml");
  }

  /** {@code spec.a.b: text} as the field {@code a.b} and the text. */
  private static Refusal split(String error) {
    int colon = error.indexOf(": ");
    String field = colon < 0 ? "" : error.substring(0, colon);
    field = field.equals("spec") ? "" : field.replaceFirst("^spec\\.", "");
    return new Refusal(field, colon < 0 ? error : error.substring(colon + 2));
  }

  private static String join(String path, String key) {
    return path.isEmpty() ? key : path + "." + key;
  }
}

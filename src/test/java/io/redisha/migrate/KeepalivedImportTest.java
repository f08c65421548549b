package io.redisha.migrate;

import static org.assertj.core.api.Assertions.assertThat;

import io.redisha.cli.Main;
import io.redisha.pair.PairFile;
import io.redisha.pair.PairSettings;
import io.redisha.pair.PairValidation;
import io.redisha.vrrp.VrrpVersion;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code redisha import} on keepalived files in the shapes the field uses, checked the way a user
 * would: the printed file loads in the agent and resolves for both nodes.
 */
class KeepalivedImportTest {
  static final Path SAMPLES = Path.of("src/test/resources/keepalived");
  static final Path VM_A = SAMPLES.resolve("field-note/vm-a/keepalived.conf");
  static final Path VM_B = SAMPLES.resolve("field-note/vm-b/keepalived.conf");

  @TempDir Path dir;

  record Run(int code, String out, String err) {}

  static Run run(KeepalivedImport.PortQuestion question, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    String[] line = new String[args.length + 1];
    line[0] = "import";
    System.arraycopy(args, 0, line, 1, args.length);
    int code =
        Main.run(
            line,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            question);
    return new Run(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  static Run run(String... args) {
    return run(KeepalivedImport.PortQuestion.NOBODY, args);
  }

  /** The YAML without the header comments. */
  static String body(String yaml) {
    return yaml.lines().filter(l -> !l.startsWith("#")).reduce("", (a, b) -> a + b + "\n");
  }

  @Test
  void fieldNoteTwoGroupsImportAndLoadInTheAgentOnBothNodes() throws Exception {
    Path password = dir.resolve("vrrp-password");
    Files.writeString(password, "redis123\n");
    Run run =
        run(
            VM_A.toString(),
            "--peer-conf",
            VM_B.toString(),
            "--auth-password-file",
            password.toString());

    assertThat(run.code()).as(run.err()).isZero();
    assertThat(body(run.out()))
        .isEqualTo(
            """
            nodes:
              - name: vm-a
                address: 192.0.2.11
              - name: vm-b
                address: 192.0.2.12
            interface: eth0
            vrrp:
              version: 2
              advertIntervalMillis: 1000
              authPasswordFile: %s
            instances:
              - name: haredis-6379
                port: 6379
                vip: 192.0.2.100/24
                virtualRouterId: 51
                preferredMaster: vm-a
              - name: haredis-6389
                port: 6389
                vip: 192.0.2.101/24
                virtualRouterId: 52
                preferredMaster: vm-b
            """
                .formatted(password));
    assertThat(run.out())
        .contains("# Run on each host")
        .contains("on 192.0.2.11: redisha agent --config pair.yaml --node vm-a")
        .contains("port 6379 from track_script chk_redis_6379: PORT=6379 in")
        .contains("/etc/keepalived/6379/redis_include.sh")
        .contains("preferredMaster vm-a: priority 100 over 90")
        .contains("keepalived.conf:5: global_defs notification_email: not taken over");
    assertThat(run.err()).contains("warning: ").doesNotContain("mirror");

    Path pairFile = dir.resolve("pair.yaml");
    Files.writeString(pairFile, run.out());
    PairFile.Loaded loaded = PairFile.load(pairFile);
    for (String node : List.of("vm-a", "vm-b")) {
      PairSettings settings = PairValidation.resolve(loaded, node, pairFile.toString());
      assertThat(settings.vrrp().version()).isEqualTo(VrrpVersion.V2);
      assertThat(settings.vrrp().intervalCentis()).isEqualTo(100);
      assertThat(settings.groups()).extracting(g -> g.auth().password()).containsOnly("redis123");
      assertThat(settings.link().interfaceName()).isEqualTo("eth0");
      assertThat(settings.groups())
          .extracting(PairSettings.Group::port, PairSettings.Group::virtualRouterId)
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple(6379, 51),
              org.assertj.core.groups.Tuple.tuple(6389, 52));
    }
    assertThat(PairValidation.resolve(loaded, "vm-a", "pair").groups().getFirst().priority())
        .isEqualTo(PairValidation.PREFERRED_PRIORITY);
  }

  @Test
  void bothHostsImportTheSameFile() {
    Run fromA = run(VM_A.toString(), "--peer-conf", VM_B.toString());
    Run fromB = run(VM_B.toString(), "--peer-conf", VM_A.toString());
    assertThat(fromA.code()).isZero();
    assertThat(fromB.code()).isZero();
    assertThat(body(fromB.out())).isEqualTo(body(fromA.out()));
  }

  @Test
  void withoutThePeerFileNodesAreNamedByAddressAndStateDecidesThePreferredMaster()
      throws Exception {
    Run run = run(VM_A.toString(), "--scripts-dir", SAMPLES.resolve("field-note/vm-a").toString());
    assertThat(run.code()).as(run.err()).isZero();
    PairFile.Loaded loaded = PairFile.parse(run.out(), "out", "pair");
    assertThat(loaded.spec().getNodes())
        .extracting(n -> n.getName())
        .containsExactly("node-192-0-2-11", "node-192-0-2-12");
    assertThat(loaded.spec().getInstances())
        .extracting(i -> i.getPreferredMaster())
        .containsExactly("node-192-0-2-11", "node-192-0-2-12");
    assertThat(run.out()).contains("pass --peer-conf to compare the real priorities");
    assertThat(PairValidation.validate(loaded.spec())).isEmpty();
  }

  @Test
  void resourceFormatIsARedisHAPairWithASecretReference() throws Exception {
    Run run =
        run(
            VM_A.toString(),
            "--peer-conf",
            VM_B.toString(),
            "--format",
            "resource",
            "--name",
            "cache",
            "--namespace",
            "redis");
    assertThat(run.code()).as(run.err()).isZero();
    assertThat(run.out())
        .contains("apiVersion: redisha.io/v1alpha1")
        .contains("kind: RedisHAPair")
        .contains(
            "kubectl -n redis create secret generic cache-vrrp --from-literal=password='<auth_pass>'")
        .doesNotContain("redis123");
    PairFile.Loaded loaded = PairFile.parse(run.out(), "out", "ignored");
    assertThat(loaded.name()).isEqualTo("cache");
    assertThat(loaded.spec().getVrrp().getAuthSecretRef().getName()).isEqualTo("cache-vrrp");
    assertThat(loaded.spec().getVrrp().getAuthSecretRef().getKey()).isEqualTo("password");
    assertThat(PairValidation.validate(loaded.spec())).isEmpty();
  }

  @Test
  void unicastPairWithPassAuthAndNopreempt() throws Exception {
    Path conf = SAMPLES.resolve("unicast-pass/keepalived.conf");
    Path password = dir.resolve("pw");
    Files.writeString(password, "s3cr#t!");
    Run run = run(conf.toString(), "--auth-password-file", password.toString());
    assertThat(run.code()).as(run.err()).isZero();
    PairFile.Loaded loaded = PairFile.parse(run.out(), "out", "pair");
    var spec = loaded.spec();
    assertThat(spec.getInterfaceName()).isEqualTo("ens3");
    assertThat(spec.getInstances().getFirst().getPort()).isEqualTo(6379);
    // keepalived adds an address written without a prefix as /32; so does the import.
    assertThat(spec.getInstances().getFirst().getVip()).isEqualTo("198.51.100.50/32");
    assertThat(spec.getInstances().getFirst().getPreferredMaster()).isNull();
    assertThat(spec.getInstances().getFirst().getName()).isEqualTo("vi-redis");
    assertThat(spec.getVrrp().getMinTtl()).isEqualTo(254);
    assertThat(spec.getVrrp().getGarp().getSecondBurstDelayMillis()).isEqualTo(5000);
    assertThat(spec.getVrrp().getGarp().getRefreshMillis()).isEqualTo(60000);
    // LVS_DEVEL is never a node name.
    assertThat(spec.getNodes()).extracting(n -> n.getName()).contains("node-198-51-100-21");
    assertThat(run.out())
        .contains("nopreempt: no preferred master")
        .contains("keepalived.conf:17: preempt_delay")
        .contains("keepalived.conf:31: track_script check_redis weight")
        .contains("keepalived.conf:34: VIP 198.51.100.50 label ens3:vip: not taken over");
    PairSettings settings = PairValidation.resolve(loaded, "node-198-51-100-22", "pair");
    assertThat(settings.groups()).extracting(g -> g.auth().password()).containsOnly("s3cr#t!");
    assertThat(settings.vrrp().minTtl()).isEqualTo(254);
  }

  @Test
  void includesGlobsAndBlocksItDoesNotKnowAreWarnedWithTheirLine() throws Exception {
    Path conf = SAMPLES.resolve("includes/keepalived.conf");
    Run refused = run(conf.toString());
    assertThat(refused.code()).isEqualTo(2);
    assertThat(refused.err())
        .contains("cannot tell the Redis port of vrrp_instance redis_b (")
        .contains("conf.d/redis-b.conf:1)")
        .contains("pass --port redis_b=PORT");

    Run run = run(conf.toString(), "--port", "redis_b=7001");
    assertThat(run.code()).as(run.err()).isZero();
    var spec = PairFile.parse(run.out(), "out", "pair").spec();
    assertThat(spec.getVrrp().getVersion()).isEqualTo(3);
    assertThat(spec.getVrrp().getAdvertIntervalMillis()).isEqualTo(100);
    assertThat(spec.getVrrp().getGarp().getCount()).isEqualTo(3);
    assertThat(spec.getInterfaceName()).isEqualTo("eth1");
    assertThat(spec.getInstances())
        .extracting(i -> i.getName() + ":" + i.getPort() + ":" + i.getPreferredMaster())
        .containsExactly("redis-a:7000:node-203-0-113-1", "redis-b:7001:node-203-0-113-2");
    assertThat(run.out())
        .contains("port 7000 from notify: notify.sh: redis-cli -p $1 ($1=7000)")
        .contains("includes/keepalived.conf:4: include conf.d/optional/*.conf matches no file")
        .contains("includes/keepalived.conf:6: virtual_server 203.0.113.80 80 { ... }: not taken")
        .contains("includes/keepalived.conf:11: vrrp_sync_group REDIS: not taken over")
        .contains("conf.d/redis-a.conf:13: vrrp_instance redis_a foo_bar: unknown to the import")
        .contains("track_script chk_redis is shared by several instances");
    assertThat(PairValidation.validate(spec)).isEmpty();
  }

  @Test
  void aPortTheScriptsDoNotTellIsAskedFor() {
    List<String> asked = new ArrayList<>();
    Run run =
        run(
            (instance, where, candidates) -> {
              asked.add(instance + " " + candidates);
              return OptionalInt.of(7001);
            },
            SAMPLES.resolve("includes/keepalived.conf").toString());
    assertThat(run.code()).as(run.err()).isZero();
    assertThat(asked).containsExactly("redis_b {}");
    assertThat(run.out()).contains("port: 7001").contains("port 7001 as answered");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "unclosed.conf|unclosed.conf:1: block 'vrrp_instance VI_1' is never closed",
        "extra-brace.conf|extra-brace.conf:4: '}' closes no block",
        "unterminated-quote.conf|unterminated-quote.conf:2: unterminated quoted string (missing \")",
        "missing-include.conf|missing-include.conf:4: include missing/*.conf matches no file",
        "loop.conf|include loop",
        "bad-values.conf|bad-values.conf:3: virtual_router_id 300: must be 1 to 255",
        "bad-values.conf|bad-values.conf:4: priority 'high' is not a number",
        "bad-values.conf|bad-values.conf:7: unicast_peer 192.0.2.300: not an IPv4 address",
        "multicast.conf|vrrp_instance VI_1 (",
        "multicast.conf|no unicast_peer: redisha runs unicast VRRP only",
        "multicast.conf|multicast.conf:7: auth_type AH: redisha supports PASS (VRRPv2) only",
        "multicast.conf|2 addresses in virtual_ipaddress",
        "mixed-timers.conf|the instances differ in advert_int, which redisha sets once for the pair (make them equal): 1s in [A (",
        "mixed-timers.conf|mixed-timers.conf:4)",
        "mixed-timers.conf|mixed-timers.conf:17)",
      })
  void aBrokenFileIsRefusedWithItsFileAndLine(String file, String message) {
    Run run = run(SAMPLES.resolve("broken").resolve(file).toString());
    assertThat(run.code()).as(run.err()).isEqualTo(2);
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).contains("refused").contains(message);
  }

  @Test
  void filesThatDoNotMirrorEachOtherAreReported() throws Exception {
    Path peer = dir.resolve("vm-b.conf");
    Files.writeString(
        peer,
        Files.readString(VM_B)
            .replace("auth_pass redis123", "auth_pass zz9plural")
            .replace("virtual_router_id 52", "virtual_router_id 53")
            .replaceFirst("unicast_src_ip 192.0.2.12", "unicast_src_ip 192.0.2.13"));
    Run run = run(VM_A.toString(), "--peer-conf", peer.toString());
    assertThat(run.code()).isEqualTo(3);
    assertThat(run.err())
        .contains("do not mirror each other")
        .contains("unicast_peer here is 192.0.2.12 but the peer's unicast_src_ip is 192.0.2.13")
        .contains("auth_pass differs (values not shown)")
        .contains("virtual_router_id 52 has no instance in the peer file")
        .contains("virtual_router_id 53 has no instance in this host's file")
        .doesNotContain("zz9plural");
    assertThat(run.out()).contains("# The two hosts' files do not mirror each other:");
  }

  @Test
  void usageErrorsNameTheOption() {
    assertThat(run().err()).contains("name the keepalived.conf to import");
    assertThat(run(VM_A.toString(), "--format", "json").err())
        .contains("--format must be pair or resource, not 'json'");
    assertThat(run(VM_A.toString(), "--port", "6379").err()).contains("--port needs INSTANCE=PORT");
    assertThat(run(VM_A.toString(), "--nodes", "a").code()).isEqualTo(2);
  }

  @Test
  void tokenizerFollowsKeepalivedQuotingAndComments() throws Exception {
    var location = new KeepalivedConfig.Location(Path.of("x.conf"), 1);
    assertThat(
            KeepalivedConfig.tokenize(
                    "script \"/bin/check.sh 'a b' #1\" arg{ x } ! comment", location)
                .stream()
                .map(t -> t.text())
                .toList())
        .containsExactly("script", "/bin/check.sh 'a b' #1", "arg", "{", "x", "}");
    assertThat(
            KeepalivedConfig.tokenize("auth_pass ab#cd", location).stream()
                .map(t -> t.text())
                .toList())
        .containsExactly("auth_pass", "ab");
  }
}

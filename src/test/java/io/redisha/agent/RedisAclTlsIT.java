package io.redisha.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.redisha.lab.PairLab;
import io.redisha.redis.AgentAcl;
import io.redisha.testing.RequiresHost;
import io.redisha.testing.TestPki;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two hosts in network namespaces whose Redis servers speak only TLS (client certificates required)
 * and let the agents in only as the ACL user the README documents ({@link AgentAcl#setUser}):
 * health, failover, planned switchover, client kill and replication work; a missing permission is
 * named in the status and logged once; a rotated password and client certificate reach the running
 * agents without a transition.
 */
@RequiresHost(tools = {"ip", "redis-server", "redis-cli", "openssl", "curl"})
class RedisAclTlsIT {
  static final String USER = "redisha";
  static final String ADMIN = "admin-secret";
  static final List<PairLab.Group> GROUPS =
      List.of(
          new PairLab.Group("a", 6379, "192.0.2.100", 51, null),
          new PairLab.Group("b", 6389, "192.0.2.101", 52, null));

  @TempDir Path dir;
  PairLab lab;
  TestPki pki;
  Path secretDir;
  int secretVersion;

  @AfterEach
  void tearDown() throws Exception {
    if (lab != null) {
      for (String host : List.of(PairLab.VM_A, PairLab.VM_B)) {
        if (Files.exists(lab.agentLog(host))) {
          System.out.println("---- agent " + host + "\n" + Files.readString(lab.agentLog(host)));
        }
      }
      lab.close();
    }
  }

  /**
   * Boots the lab: a CA, a server certificate per host naming its address, the agents' client
   * certificate, the password as the kubelet mounts a Secret ({@code password -> ..data/password},
   * {@code ..data -> ..vN}), and Redis with the documented ACL minus {@code withoutRules}.
   */
  void boot(String password, String... withoutRules) throws Exception {
    pki = TestPki.create(dir.resolve("pki"), "redisha-test-ca");
    pki.issue(PairLab.VM_A, "IP:192.0.2.11");
    pki.issue(PairLab.VM_B, "IP:192.0.2.12");
    TestPki.Issued agent = pki.issue("agent");
    secretDir = Files.createDirectories(dir.resolve("redis-secret"));
    writeSecret(password);
    Files.createSymbolicLink(secretDir.resolve("password"), Path.of("..data/password"));
    List<String> acl = aclWords(password, withoutRules);
    PairLab.RedisOptions options =
        new PairLab.RedisOptions(
            (host, port) -> {
              List<String> args =
                  new ArrayList<>(
                      List.of(
                          "--port",
                          "0",
                          "--tls-port",
                          Integer.toString(port),
                          "--tls-cert-file",
                          cert(host).toString(),
                          "--tls-key-file",
                          key(host).toString(),
                          "--tls-ca-cert-file",
                          pki.caCert().toString(),
                          "--tls-auth-clients",
                          "yes",
                          "--requirepass",
                          ADMIN,
                          "--user"));
              args.addAll(acl);
              return args;
            },
            host ->
                List.of(
                    "--tls",
                    "--cacert",
                    pki.caCert().toString(),
                    "--cert",
                    cert(host).toString(),
                    "--key",
                    key(host).toString(),
                    "-a",
                    ADMIN,
                    "--no-auth-warning"));
    String redis =
        "redis:\n"
            + "  username: "
            + USER
            + "\n  passwordFile: "
            + secretDir.resolve("password")
            + "\n  tls:\n"
            + "    caFile: "
            + pki.caCert()
            + "\n    certFile: "
            + agent.cert()
            + "\n    keyFile: "
            + agent.key()
            + "\n";
    // Without CONFIG SET the agent can neither open the fence the README's boot lines close nor log
    // a boot-time replica in: the test of that refusal's messages keeps Redis's own defaults, where
    // one command per group (the backup's fence and REPLICAOF) is refused.
    PairLab.RedisBoot boot =
        List.of(withoutRules).contains("+config|set")
            ? PairLab.RedisBoot.PLAIN
            : PairLab.RedisBoot.MANAGED;
    lab = PairLab.create(dir.resolve("lab"), GROUPS, redis, options, boot);
    lab.startAgents();
  }

  /** The words of the README's ACL SETUSER line after the user name, as redis-server takes them. */
  static List<String> aclWords(String password, String... withoutRules) {
    List<String> words = new ArrayList<>();
    String line = AgentAcl.setUser(USER, ">" + password);
    for (String word : line.substring("ACL SETUSER ".length()).split(" ")) {
      if (!List.of(withoutRules).contains(word)) {
        words.add(word);
      }
    }
    return words;
  }

  Path cert(String host) {
    return dir.resolve("pki").resolve(host + ".crt");
  }

  Path key(String host) {
    return dir.resolve("pki").resolve(host + ".key");
  }

  /** Replaces the mounted Secret as the kubelet does: a new version, then one atomic rename. */
  void writeSecret(String password) throws IOException {
    secretVersion++;
    Path version = Files.createDirectories(secretDir.resolve("..v" + secretVersion));
    Files.writeString(version.resolve("password"), password + "\n");
    Path link = secretDir.resolve("..data_tmp");
    Files.createSymbolicLink(link, Path.of("..v" + secretVersion));
    Files.move(link, secretDir.resolve("..data"), StandardCopyOption.ATOMIC_MOVE);
  }

  void awaitSettled() {
    await()
        .atMost(Duration.ofSeconds(40))
        .untilAsserted(
            () -> {
              for (PairLab.GroupView view : lab.view().values()) {
                assertThat(view.settled()).as(view.toString()).isTrue();
                assertThat(lab.vipHolders(lab.group(view.group())))
                    .as("VIP holder of " + view.group())
                    .containsExactly(view.master());
              }
            });
  }

  String cli(String host, String group, String... args) {
    return lab.redisCli(host, lab.group(group).port(), args).strip();
  }

  void assertNothingRefused() {
    for (String host : List.of(PairLab.VM_A, PairLab.VM_B)) {
      for (PairLab.Group group : GROUPS) {
        assertThat(lab.redisCli(host, group.port(), "ACL", "LOG").strip())
            .as("ACL LOG of %s:%s: nothing of the agents or of replication refused", host, group)
            .isEmpty();
      }
      for (JsonNode group : lab.status(host).path("groups")) {
        assertThat(group.path("redisRefusal").isMissingNode()).as(group.toString()).isTrue();
      }
    }
  }

  @Test
  void healthFailoverSwitchoverClientKillAndReplicationWorkWithTheDocumentedAcl() throws Exception {
    boot("agent-pass-1");
    awaitSettled();
    String master = lab.view().get("a").master();
    String replica = PairLab.other(master);
    assertThat(cli(master, "a", "SET", "k", "v1")).isEqualTo("OK");
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(cli(replica, "a", "GET", "k"))
                    .as("replicated over TLS as masteruser " + USER)
                    .isEqualTo("v1"));
    assertThat(cli(replica, "a", "CONFIG", "GET", "masteruser")).contains(USER);
    assertThat(cli(replica, "a", "CONFIG", "GET", "tls-replication")).contains("yes");
    assertThat(cli(master, "a", "CLIENT", "LIST"))
        .contains("name=redisha-agent")
        .contains("user=" + USER);
    for (String host : List.of(PairLab.VM_A, PairLab.VM_B)) {
      for (JsonNode group : lab.status(host).path("groups")) {
        assertThat(group.path("healthy").asBoolean()).as(host + " " + group).isTrue();
      }
    }
    assertNothingRefused();

    // Planned switchover: writes paused, the role handed over, the old master's clients cut.
    List<String> blpop = new ArrayList<>(List.of("redis-cli", "-p", "6379"));
    blpop.addAll(
        List.of(
            "--tls",
            "--cacert",
            pki.caCert().toString(),
            "--cert",
            cert(master).toString(),
            "--key",
            key(master).toString(),
            "-a",
            ADMIN,
            "--no-auth-warning",
            "BLPOP",
            "never",
            "0"));
    Process client = lab.network().start(master, blpop, dir.resolve("blpop.log"));
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(cli(master, "a", "CLIENT", "LIST")).contains("cmd=blpop"));
    String answer =
        lab.network()
            .run(
                master,
                "curl",
                "-s",
                "-X",
                "POST",
                "http://127.0.0.1:" + PairLab.STATUS_PORT + "/switchover?group=a");
    assertThat(new ObjectMapper().readTree(answer).path("switched").asBoolean())
        .as(answer)
        .isTrue();
    awaitSettled();
    assertThat(lab.view().get("a").master()).isEqualTo(replica);
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> assertThat(client.isAlive()).as("CLIENT KILL cut the blocked client").isFalse());
    assertThat(cli(replica, "a", "SET", "k", "v2")).isEqualTo("OK");
    assertNothingRefused();

    // Failover: the master's Redis killed, the peer takes over, the Redis comes back as a replica.
    String second = replica;
    lab.killRedis(second, 6379);
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(() -> assertThat(lab.view().get("a").master()).isEqualTo(master));
    lab.startRedis(second, 6379);
    awaitSettled();
    assertThat(lab.view().get("a").master()).isEqualTo(master);
    assertThat(cli(master, "a", "GET", "k")).isEqualTo("v2");
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(cli(second, "a", "GET", "k")).isEqualTo("v2"));
    assertNothingRefused();
  }

  @Test
  void aMissingPermissionIsNamedInStatusLoggedOnceAndGrantingItHeals() throws Exception {
    boot("agent-pass-1", "+config|set");
    String expected =
        ": refused CONFIG SET: NOPERM; grant +config|set to user redisha"
            + " (ACL SETUSER redisha +config|set)";
    Map<String, String> refusals = new LinkedHashMap<>();
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              refusals.clear();
              for (String host : List.of(PairLab.VM_A, PairLab.VM_B)) {
                JsonNode status = lab.status(host);
                assertThat(status).as("status of " + host).isNotNull();
                for (JsonNode group : status.path("groups")) {
                  if (group.has("redisRefusal")) {
                    refusals.put(
                        host + "/" + group.path("name").asText(),
                        group.path("redisRefusal").asText());
                  }
                }
              }
              assertThat(refusals.keySet().stream().map(k -> k.split("/")[1]).distinct())
                  .as("each group's backup cannot follow")
                  .containsExactlyInAnyOrder("a", "b");
            });
    assertThat(refusals.values())
        .allMatch(r -> r.startsWith("Redis 127.0.0.1:") && r.endsWith(expected));

    // Twenty checks of 100 ms later, each refusal is still logged once, not once per check.
    Thread.sleep(2000);
    refusals.clear();
    for (String host : List.of(PairLab.VM_A, PairLab.VM_B)) {
      for (JsonNode group : lab.status(host).path("groups")) {
        if (group.has("redisRefusal")) {
          refusals.put(
              host + "/" + group.path("name").asText(), group.path("redisRefusal").asText());
        }
      }
    }
    for (String host : List.of(PairLab.VM_A, PairLab.VM_B)) {
      String log = Files.readString(lab.agentLog(host));
      int refused = groupsRefusedOn(host, refusals);
      // The local Redis of each group; a peer's Redis fenced at a slow boot is logged on its own.
      assertThat(
              count(
                  log,
                  "Redis 127\\.0\\.0\\.1:\\d+"
                      + Pattern.quote(expected + "; sent again at most every 10 s")))
          .as("logged once per group on %s:%n%s", host, log)
          .isEqualTo(refused);
      assertThat(
              count(log, "(?m)failed: Redis 127\\.0\\.0\\.1:\\d+" + Pattern.quote(expected) + "$"))
          .as("the controller's own line (closing the write fence, REPLICAOF) once per group too")
          .isEqualTo(refused);
    }

    for (String host : List.of(PairLab.VM_A, PairLab.VM_B)) {
      for (PairLab.Group group : GROUPS) {
        assertThat(lab.redisCli(host, group.port(), "ACL", "SETUSER", USER, "+config|set").strip())
            .isEqualTo("OK");
      }
    }
    awaitSettled();
    // A refused command is sent again at most every 10 s: the refusal clears at that next try.
    await()
        .atMost(Duration.ofSeconds(25))
        .untilAsserted(
            () -> {
              for (String host : List.of(PairLab.VM_A, PairLab.VM_B)) {
                for (JsonNode group : lab.status(host).path("groups")) {
                  assertThat(group.has("redisRefusal")).as(group.toString()).isFalse();
                }
              }
            });
    assertThat(
            Files.readString(lab.agentLog(PairLab.VM_A))
                + Files.readString(lab.agentLog(PairLab.VM_B)))
        .contains("CONFIG SET allowed again");
  }

  @Test
  void aRotatedPasswordAndClientCertificateReachTheAgentsWithoutATransition() throws Exception {
    boot("agent-pass-1");
    awaitSettled();
    Map<String, Long> transitions = transitions();

    // The new password first beside the old one on every server, then in the mounted Secret.
    for (String host : List.of(PairLab.VM_A, PairLab.VM_B)) {
      for (PairLab.Group group : GROUPS) {
        assertThat(
                lab.redisCli(host, group.port(), "ACL", "SETUSER", USER, ">agent-pass-2").strip())
            .isEqualTo("OK");
      }
    }
    writeSecret("agent-pass-2");
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              for (String host : List.of(PairLab.VM_A, PairLab.VM_B)) {
                for (PairLab.Group group : GROUPS) {
                  assertThat(lab.redisCli(host, group.port(), "CONFIG", "GET", "masterauth"))
                      .as("masterauth of %s:%s", host, group.port())
                      .contains("agent-pass-2");
                }
              }
            });
    for (String host : List.of(PairLab.VM_A, PairLab.VM_B)) {
      for (PairLab.Group group : GROUPS) {
        assertThat(
                lab.redisCli(host, group.port(), "ACL", "SETUSER", USER, "<agent-pass-1").strip())
            .isEqualTo("OK");
      }
    }
    // Connections made from now on log in with the new password: cut each agent's connection to
    // its peer's Redis (it reconnects at its next look at the peer) and every replica's link.
    for (String host : List.of(PairLab.VM_A, PairLab.VM_B)) {
      for (PairLab.Group group : GROUPS) {
        String peer = PairLab.other(host).equals(PairLab.VM_A) ? "192.0.2.11" : "192.0.2.12";
        for (String line : lab.redisCli(host, group.port(), "CLIENT", "LIST").split("\n")) {
          if (line.contains("name=redisha-agent") && line.contains(" addr=" + peer + ":")) {
            String id = line.split(" ")[0].substring("id=".length());
            assertThat(lab.redisCli(host, group.port(), "CLIENT", "KILL", "ID", id).strip())
                .isEqualTo("1");
          }
        }
      }
    }
    for (PairLab.GroupView view : lab.view().values()) {
      assertThat(cli(view.master(), view.group(), "CLIENT", "KILL", "TYPE", "replica"))
          .isEqualTo("1");
    }
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () ->
                assertThat(agentConnections())
                    .as("each server has both agents' connections again")
                    .allSatisfy((where, ids) -> assertThat(ids.split(",")).hasSize(2)));
    awaitSettled();
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              for (PairLab.GroupView view : lab.view().values()) {
                String replica = PairLab.other(view.master());
                assertThat(cli(replica, view.group(), "INFO", "replication"))
                    .as("%s logged in to its master with the new masterauth", replica)
                    .contains("master_link_status:up");
              }
            });
    assertHealthyAndUnmoved(transitions, Duration.ofSeconds(3));

    // A new client certificate: the key is written after the certificate, so for a moment the two
    // do not fit; that reload is refused and the agents go on with the old pair.
    Map<String, String> before = agentConnections();
    TestPki.Issued next = pki.issue("agent-2");
    Files.copy(next.cert(), dir.resolve("pki/agent.crt"), StandardCopyOption.REPLACE_EXISTING);
    Thread.sleep(1500);
    Files.copy(next.key(), dir.resolve("pki/agent.key"), StandardCopyOption.REPLACE_EXISTING);
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              assertThat(agentConnections())
                  .as("both agents made new connections to every server, with the new certificate")
                  .allSatisfy(
                      (where, ids) ->
                          assertThat(ids.split(","))
                              .hasSize(2)
                              .doesNotContainAnyElementsOf(List.of(before.get(where).split(","))));
              for (String host : List.of(PairLab.VM_A, PairLab.VM_B)) {
                assertThat(lab.status(host).path("configError").isNull())
                    .as("the reload of %s applied", host)
                    .isTrue();
              }
            });
    assertHealthyAndUnmoved(transitions, Duration.ofSeconds(3));
    assertThat(Files.readString(lab.agentLog(PairLab.VM_A)))
        .contains("Redis credentials changed")
        .contains("logged in with the new credentials");
    assertNothingRefused();
  }

  /** Transitions per host and group, from the agents' status. */
  Map<String, Long> transitions() {
    Map<String, Long> counts = new LinkedHashMap<>();
    for (PairLab.GroupView view : lab.view().values()) {
      view.transitions().forEach((host, n) -> counts.put(host + "/" + view.group(), n));
    }
    return counts;
  }

  void assertHealthyAndUnmoved(Map<String, Long> transitions, Duration window) {
    long end = System.nanoTime() + window.toNanos();
    do {
      assertThat(transitions()).as("no VRRP transition").isEqualTo(transitions);
      for (String host : List.of(PairLab.VM_A, PairLab.VM_B)) {
        for (JsonNode group : lab.status(host).path("groups")) {
          assertThat(group.path("healthy").asBoolean()).as(host + " " + group).isTrue();
        }
      }
    } while (System.nanoTime() < end);
  }

  /** The ids of the agents' connections per server, from CLIENT LIST. */
  Map<String, String> agentConnections() {
    Map<String, String> ids = new LinkedHashMap<>();
    for (String host : List.of(PairLab.VM_A, PairLab.VM_B)) {
      for (PairLab.Group group : GROUPS) {
        List<String> found = new ArrayList<>();
        for (String line : lab.redisCli(host, group.port(), "CLIENT", "LIST").split("\n")) {
          if (line.contains("name=redisha-agent")) {
            found.add(line.split(" ")[0]);
          }
        }
        ids.put(host + ":" + group.port(), String.join(",", found));
      }
    }
    return ids;
  }

  static int groupsRefusedOn(String host, Map<String, String> refusals) {
    return (int) refusals.keySet().stream().filter(k -> k.startsWith(host + "/")).count();
  }

  static int count(String text, String regex) {
    Matcher matcher = Pattern.compile(regex).matcher(text);
    int n = 0;
    while (matcher.find()) {
      n++;
    }
    return n;
  }
}

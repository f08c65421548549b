package io.redisha.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.redisha.redis.ReplicationInfo.Role;
import io.redisha.testing.RequiresHost;
import io.redisha.testing.TestPki;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link LettuceRedisNode} against redis-server processes that speak only TLS and let the agent in
 * only as an ACL user limited to {@link AgentAcl#setUser}, the line the README documents.
 */
@RequiresHost(
    tools = {"redis-server", "redis-cli", "openssl"},
    root = false)
class RedisTlsAclIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(2);
  private static final Duration WAIT = Duration.ofSeconds(20);
  static final String USER = "redisha";
  static final String PASSWORD = "agent-pass-1";
  static final String ADMIN_PASSWORD = "admin-pass";

  private static LettuceRedisNodes nodes;
  @TempDir static Path dir;
  private static TestPki pki;
  private static TestPki.Issued serverCert;
  private static TestPki.Issued agentCert;
  private final List<AutoCloseable> toClose = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void setUp() {
    nodes = new LettuceRedisNodes();
    pki = TestPki.create(dir.resolve("pki"), "redisha-test-ca");
    serverCert = pki.issue("redis-server", "IP:127.0.0.1");
    agentCert = pki.issue("agent");
  }

  @AfterAll
  static void closeFactory() {
    nodes.close();
  }

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable closeable : toClose.reversed()) {
      closeable.close();
    }
  }

  /** The documented ACL as redis-server options: {@code --user redisha reset on >... -@all ...}. */
  static List<String> aclUser(String user, String password, String... without) {
    List<String> args = new ArrayList<>(List.of("--requirepass", ADMIN_PASSWORD, "--user"));
    String line = AgentAcl.setUser(user, ">" + password);
    for (String word : line.substring("ACL SETUSER ".length()).split(" ")) {
      if (!List.of(without).contains(word)) {
        args.add(word);
      }
    }
    return args;
  }

  static RedisTls tls(TestPki.Issued client) throws Exception {
    return RedisTls.of(
        Files.readString(pki.caCert()),
        Files.readString(client.cert()),
        Files.readString(client.key()));
  }

  static RedisAccess access(String password) throws Exception {
    return new RedisAccess(Optional.of(USER), Optional.of(password), Optional.of(tls(agentCert)));
  }

  @Test
  void everyCommandOfTheAgentWorksOverTlsWithTheDocumentedAcl() throws Exception {
    RedisServerProcess aServer = server(aclUser(USER, PASSWORD));
    RedisServerProcess bServer = server(aclUser(USER, PASSWORD));
    RedisNode a = node(aServer, access(PASSWORD), RedisNode.Listener.NONE);
    RedisNode b = node(bServer, access(PASSWORD), RedisNode.Listener.NONE);
    assertThat(aServer.cli("-a", ADMIN_PASSWORD, "SET", "k", "v")).isEqualTo("OK");

    b.follow(RedisServerProcess.HOST, aServer.port());
    awaitReplicaOf(b, aServer.port());
    assertThat(bServer.cli("-a", ADMIN_PASSWORD, "GET", "k"))
        .as("replicated over TLS, logged in as masteruser " + USER)
        .isEqualTo("v");
    assertThat(bServer.cli("-a", ADMIN_PASSWORD, "CONFIG", "GET", "masteruser")).contains(USER);
    assertThat(bServer.cli("-a", ADMIN_PASSWORD, "CONFIG", "GET", "tls-replication"))
        .contains("yes");
    assertThat(a.check(TIMEOUT).replicas()).hasSize(1);

    a.pauseWrites(Duration.ofSeconds(5));
    a.unpause();
    assertThat(a.killNormalClients()).isGreaterThanOrEqualTo(0);
    b.promote();
    a.follow(RedisServerProcess.HOST, bServer.port());
    awaitReplicaOf(a, bServer.port());
    a.configureReplication();

    String clients = aServer.cli("-a", ADMIN_PASSWORD, "CLIENT", "LIST");
    assertThat(clients).contains("name=redisha-agent").contains("user=" + USER);
    assertThat(aServer.cli("-a", ADMIN_PASSWORD, "ACL", "LOG"))
        .as("no command of the agent or of replication was refused")
        .isEmpty();
    assertThat(bServer.cli("-a", ADMIN_PASSWORD, "ACL", "LOG")).isEmpty();
  }

  @Test
  void aMissingPermissionNamesTheCommandAndWhatToGrant() throws Exception {
    RedisServerProcess server = server(aclUser(USER, PASSWORD, "+config|set"));
    RedisNode node = node(server, access(PASSWORD), RedisNode.Listener.NONE);
    assertThat(firstCheck(node).isMaster()).isTrue();

    assertThatThrownBy(() -> node.follow(RedisServerProcess.HOST, 6399))
        .isInstanceOf(RedisRefusedException.class)
        .hasMessage(
            "Redis 127.0.0.1:"
                + server.port()
                + ": refused CONFIG SET: NOPERM; grant +config|set to user redisha"
                + " (ACL SETUSER redisha +config|set)")
        .satisfies(
            e -> assertThat(((RedisRefusedException) e).command()).isEqualTo(AgentAcl.CONFIG_SET));
    assertThat(node.check(TIMEOUT).isMaster()).as("nothing changed").isTrue();
  }

  @Test
  void aRenamedConfigCommandIsNamed() throws Exception {
    List<String> args =
        new ArrayList<>(List.of("--requirepass", "pw", "--rename-command", "CONFIG", "\"\""));
    RedisServerProcess server = server(args);
    RedisNode node =
        node(
            server,
            new RedisAccess(Optional.empty(), Optional.of("pw"), Optional.of(tls(agentCert))),
            RedisNode.Listener.NONE);

    assertThatThrownBy(() -> node.follow(RedisServerProcess.HOST, 6399))
        .isInstanceOf(RedisRefusedException.class)
        .hasMessageContaining("refused CONFIG SET: unknown command, renamed or disabled")
        .hasMessageContaining("rename-command CONFIG");
  }

  @Test
  void aCertificateThatDoesNotNameTheNodeIsRefused() throws Exception {
    RedisServerProcess server = server(List.of());
    RedisEndpoint endpoint =
        new RedisEndpoint(
            RedisServerProcess.HOST,
            server.port(),
            new RedisAccess(Optional.empty(), Optional.empty(), Optional.of(tls(agentCert))),
            "192.0.2.12");
    RedisNode node = nodes.open(endpoint, TIMEOUT, RedisNode.Listener.NONE);
    toClose.add(node);

    assertThatThrownBy(() -> node.check(TIMEOUT))
        .isInstanceOf(RedisNodeException.class)
        .hasMessageContaining("does not name 192.0.2.12 (it names IP 127.0.0.1)")
        .hasMessageContaining("subjectAltName IP:192.0.2.12");
  }

  @Test
  void aServerOfAnotherCaIsRefused() throws Exception {
    TestPki other = TestPki.create(dir.resolve("other-pki"), "someone-else");
    TestPki.Issued impostor = other.issue("impostor", "IP:127.0.0.1");
    RedisServerProcess server =
        RedisServerProcess.startTls(impostor, pki.caCert(), "--requirepass", ADMIN_PASSWORD);
    toClose.add(server);
    RedisNode node =
        node(
            server,
            new RedisAccess(Optional.empty(), Optional.empty(), Optional.of(tls(agentCert))),
            RedisNode.Listener.NONE);

    assertThatThrownBy(() -> node.check(TIMEOUT))
        .isInstanceOf(RedisNodeException.class)
        .hasMessageContaining("connect failed")
        .hasMessageContaining("PKIX");
  }

  @Test
  void withoutAClientCertificateTheServerRefusesTheHandshake() throws Exception {
    RedisServerProcess server = server(List.of());
    RedisTls noClientCert = RedisTls.of(Files.readString(pki.caCert()), null, null);
    RedisNode node =
        node(
            server,
            new RedisAccess(Optional.empty(), Optional.empty(), Optional.of(noClientCert)),
            RedisNode.Listener.NONE);

    assertThatThrownBy(() -> node.check(TIMEOUT)).isInstanceOf(RedisNodeException.class);
  }

  @Test
  void aNewPasswordIsCheckedOnTheOpenConnectionAndUsedForTheNextOne() throws Exception {
    RedisServerProcess server = server(aclUser(USER, PASSWORD));
    LettuceRedisNodeIT.RecordingListener events = new LettuceRedisNodeIT.RecordingListener();
    RedisNode node = node(server, access(PASSWORD), events);
    firstCheck(node);
    String before = agentConnections(server);

    assertThatThrownBy(() -> node.updateAccess(access("not-yet-set")))
        .isInstanceOf(RedisRefusedException.class)
        .hasMessageContaining("refused AUTH as user redisha: WRONGPASS");
    assertThat(node.check(TIMEOUT).isMaster()).as("still logged in").isTrue();

    assertThat(server.cli("-a", ADMIN_PASSWORD, "ACL", "SETUSER", USER, ">agent-pass-2"))
        .isEqualTo("OK");
    node.updateAccess(access("agent-pass-2"));
    assertThat(agentConnections(server))
        .as("AUTH on the open connection: no new connection, no TLS handshake")
        .isEqualTo(before);
    node.configureReplication();
    assertThat(server.cli("-a", ADMIN_PASSWORD, "CONFIG", "GET", "masterauth"))
        .contains("agent-pass-2");
    assertThat(events.lost).isEmpty();

    assertThat(server.cli("-a", ADMIN_PASSWORD, "ACL", "SETUSER", USER, "<" + PASSWORD))
        .isEqualTo("OK");
    String id = before.substring("id=".length());
    assertThat(server.cli("-a", ADMIN_PASSWORD, "CLIENT", "KILL", "ID", id)).isEqualTo("1");
    await().atMost(WAIT).until(() -> !events.lost.isEmpty());
    assertThat(firstCheck(node).isMaster()).as("the next connection logs in anew").isTrue();
    assertThat(agentConnections(server)).isNotEqualTo(before);
  }

  @Test
  void aNewClientCertificateReplacesTheConnectionOnceItLogsIn() throws Exception {
    RedisServerProcess server = server(aclUser(USER, PASSWORD));
    LettuceRedisNodeIT.RecordingListener events = new LettuceRedisNodeIT.RecordingListener();
    RedisNode node = node(server, access(PASSWORD), events);
    firstCheck(node);
    String before = agentConnections(server);

    TestPki other = TestPki.create(dir.resolve("untrusted-pki"), "not-the-servers-ca");
    TestPki.Issued untrusted = other.issue("untrusted-agent");
    RedisAccess refused =
        new RedisAccess(Optional.of(USER), Optional.of(PASSWORD), Optional.of(tls(untrusted)));
    assertThatThrownBy(() -> node.updateAccess(refused)).isInstanceOf(RedisNodeException.class);
    assertThat(agentConnections(server)).as("the old connection stays").isEqualTo(before);
    assertThat(node.check(TIMEOUT).isMaster()).isTrue();

    TestPki.Issued renewed = pki.issue("agent-renewed");
    node.updateAccess(
        new RedisAccess(Optional.of(USER), Optional.of(PASSWORD), Optional.of(tls(renewed))));
    String after = agentConnections(server);
    assertThat(after).as("a new connection with the new certificate").isNotEqualTo(before);
    assertThat(node.check(TIMEOUT).isMaster()).isTrue();
    await()
        .atMost(Duration.ofSeconds(2))
        .untilAsserted(() -> assertThat(agentConnections(server)).isEqualTo(after));
    assertThat(events.lost).as("replacing a connection is not a lost connection").isEmpty();
  }

  /**
   * The first check of a node: the first TLS handshake of a cold JVM on a loaded machine may take
   * longer than one check's time limit.
   */
  private static ReplicationInfo firstCheck(RedisNode node) {
    return await().atMost(WAIT).ignoreExceptions().until(() -> node.check(TIMEOUT), info -> true);
  }

  /** The ids of the agent's connections in CLIENT LIST. */
  private static String agentConnections(RedisServerProcess server) throws Exception {
    List<String> ids = new ArrayList<>();
    for (String line : server.cli("-a", ADMIN_PASSWORD, "CLIENT", "LIST").split("\n")) {
      if (line.contains("name=redisha-agent")) {
        ids.add(line.split(" ")[0]);
      }
    }
    return String.join(",", ids);
  }

  private static void awaitReplicaOf(RedisNode replica, int masterPort) {
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              ReplicationInfo info = replica.check(TIMEOUT);
              assertThat(info.role()).isEqualTo(Role.REPLICA);
              assertThat(info.masterLink().orElseThrow().port()).isEqualTo(masterPort);
              assertThat(info.masterLink().orElseThrow().up()).as("master link up").isTrue();
            });
  }

  private RedisServerProcess server(List<String> args) {
    RedisServerProcess server =
        RedisServerProcess.startTls(serverCert, pki.caCert(), args.toArray(new String[0]));
    toClose.add(server);
    return server;
  }

  private RedisNode node(RedisServerProcess server, RedisAccess access, RedisNode.Listener events) {
    RedisNode node =
        nodes.open(
            new RedisEndpoint(RedisServerProcess.HOST, server.port(), access), TIMEOUT, events);
    toClose.add(node);
    return node;
  }
}

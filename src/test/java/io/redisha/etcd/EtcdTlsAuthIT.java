package io.redisha.etcd;

import static org.assertj.core.api.Assertions.assertThat;

import io.redisha.etcd.EtcdLab.Driver;
import io.redisha.testing.RequiresHost;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link EtcdLeasePort} over https to a real etcd member that requires client certificates and has
 * its auth on with a user limited to the {@code /redisha/} prefix, as a production cluster would be
 * set up. Certificates come from openssl in a temporary directory: an RSA server certificate for
 * the member's address, an EC client certificate (so both key kinds are read), and a second CA that
 * the member does not know.
 */
@RequiresHost(tools = {"ip", "etcd", "etcdctl", "openssl"})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EtcdTlsAuthIT {
  /**
   * Each call's time limit: the refusals asserted here come at once, but a first TLS handshake and
   * authentication on a loaded CI host took longer than 500 ms (no member answered in 475 ms).
   */
  private static final long CALL_TIMEOUT_MILLIS = 2000;

  static final String MEMBER_ADDRESS = "198.51.100.11";

  @TempDir static Path dir;
  EtcdLab lab;
  Path pki;
  final List<String> figures = new ArrayList<>();

  @BeforeAll
  void boot() throws Exception {
    pki = Files.createDirectories(dir.resolve("pki"));
    authority("ca");
    authority("other-ca");
    // The member's own gateway dials its gRPC side with this certificate: it must be a client
    // certificate too, or every gateway request ends in 503 "connection closed".
    certificate(
        "server", "/CN=etcd-1", "rsa:2048", "serverAuth,clientAuth", "IP:" + MEMBER_ADDRESS);
    // etcdctl speaks gRPC, where the CN names the user (root) when a request has no token.
    certificate("ctl", "/CN=root", "ec", "clientAuth", null);
    // The gateway refuses client certificates with a CN (etcd's fix for CVE-2018-16886).
    certificate("client", "/O=redisha agent", "ec", "clientAuth", null);
    certificate("named-client", "/CN=vm-a", "ec", "clientAuth", null);
    EtcdLab.Tls tls =
        new EtcdLab.Tls(
            pki.resolve("ca.pem"),
            pki.resolve("server.pem"),
            pki.resolve("server-key.pem"),
            pki.resolve("ctl.pem"),
            pki.resolve("ctl-key.pem"));
    lab = EtcdLab.create(dir.resolve("lab"), List.of("vm-a"), 1, tls);
    try {
      for (List<String> step :
          List.of(
              List.of("user", "add", "root:rootpw"),
              List.of("user", "add", "agent:agentpw"),
              List.of("role", "add", "redisha"),
              List.of(
                  "role", "grant-permission", "--prefix=true", "redisha", "readwrite", "/redisha/"),
              List.of("user", "grant-role", "agent", "redisha"),
              List.of("auth", "enable"))) {
        List<String> args = new ArrayList<>(List.of("--endpoints=" + lab.endpoints()));
        args.addAll(step);
        lab.ctl(args.toArray(new String[0])).requireSuccess();
      }
    } catch (RuntimeException | Error e) {
      lab.close();
      throw e;
    }
  }

  @AfterAll
  void tearDown() {
    if (lab != null) {
      lab.close();
    }
    System.out.println("\n" + String.join("\n", figures));
  }

  @Test
  void withTheCaAClientCertificateAndAPasswordTheKeyIsWrittenAndAnExpiredTokenIsReplaced()
      throws Exception {
    Driver driver =
        lab.driver(
            "vm-a",
            "vm-a",
            CALL_TIMEOUT_MILLIS,
            "ca=" + pki.resolve("ca.pem"),
            "cert=" + pki.resolve("client.pem"),
            "key=" + pki.resolve("client-key.pem"),
            "user=agent",
            "password=agentpw");
    assertThat(driver.ask("get tls", "get tls ")).contains(" NotFound ");
    String created = driver.ask("create tls vm-a", "create tls ");
    assertThat(created).contains(" Found holder=vm-a").contains(" auths=1");
    // The member runs with --auth-token-ttl=2: after 4 s idle the token is gone.
    Thread.sleep(4000);
    String again = driver.ask("get tls", "get tls ");
    assertThat(again).contains(" Found holder=vm-a").contains(" auths=2");
    String other = driver.ask("update tls vm-b " + EtcdLab.field(created, "rv"), "update tls ");
    assertThat(other).contains(" Found holder=vm-b");
    figure(
        "https with client certificate and user agent: create %s ms, get after the token"
            + " expired %s ms, update %s ms",
        EtcdLab.field(created, "ms"), EtcdLab.field(again, "ms"), EtcdLab.field(other, "ms"));
  }

  @Test
  void aWrongPasswordIsAOneLineFailureNamingTheField() {
    Driver driver =
        lab.driver(
            "vm-a",
            "wrong-password",
            CALL_TIMEOUT_MILLIS,
            "ca=" + pki.resolve("ca.pem"),
            "cert=" + pki.resolve("client.pem"),
            "key=" + pki.resolve("client-key.pem"),
            "user=agent",
            "password=nope");
    String failed = driver.ask("get tls", "get tls ");
    figure("wrong password: %s", failed.split(" ")[3].replace('_', ' '));
    assertThat(failed)
        .contains(
            " Failed etcd.username:_"
                + MEMBER_ADDRESS
                + ":2379_refused_user_'agent':_etcdserver:_authentication_failed");
  }

  @Test
  void aClientCertificateWithACommonNameIsRefusedByTheGatewayAndTheMessageSaysWhatToDo() {
    Driver driver =
        lab.driver(
            "vm-a",
            "named-cert",
            CALL_TIMEOUT_MILLIS,
            "ca=" + pki.resolve("ca.pem"),
            "cert=" + pki.resolve("named-client.pem"),
            "key=" + pki.resolve("named-client-key.pem"),
            "user=agent",
            "password=agentpw");
    String failed = driver.ask("get tls", "get tls ");
    figure("client certificate with a CN: %s", failed.split(" ")[3].replace('_', ' '));
    assertThat(failed)
        .contains(
            " Failed etcd.certFile:_"
                + MEMBER_ADDRESS
                + ":2379_refuses_gateway_requests_from_a_client_certificate_with_a_CommonName");
  }

  @Test
  void aMemberWhoseCertificateIsNotFromTheConfiguredCaIsRefused() {
    Driver driver =
        lab.driver(
            "vm-a",
            "other-ca",
            CALL_TIMEOUT_MILLIS,
            "ca=" + pki.resolve("other-ca.pem"),
            "cert=" + pki.resolve("client.pem"),
            "key=" + pki.resolve("client-key.pem"),
            "user=agent",
            "password=agentpw");
    String failed = driver.ask("get tls", "get tls ");
    figure("member certificate from an unknown CA: %s", failed.split(" ")[3].replace('_', ' '));
    assertThat(failed).contains(" Failed no_etcd_member_answered").contains("TLS_failed");
  }

  @Test
  void withoutAClientCertificateTheMemberRefusesTheConnection() {
    Driver driver =
        lab.driver(
            "vm-a",
            "no-cert",
            CALL_TIMEOUT_MILLIS,
            "ca=" + pki.resolve("ca.pem"),
            "user=agent",
            "password=agentpw");
    String failed = driver.ask("get tls", "get tls ");
    figure("no client certificate: %s", failed.split(" ")[3].replace('_', ' '));
    assertThat(failed).contains(" Failed no_etcd_member_answered");
  }

  private void figure(String format, Object... args) {
    String line = "FIGURE " + String.format(format, args);
    figures.add(line);
    System.out.println(line);
  }

  private void authority(String name) throws Exception {
    openssl(
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "2",
        "-subj",
        "/CN=redisha test " + name,
        "-keyout",
        pki.resolve(name + "-key.pem").toString(),
        "-out",
        pki.resolve(name + ".pem").toString());
  }

  private void certificate(String name, String cn, String key, String usage, String san)
      throws Exception {
    List<String> request = new ArrayList<>(List.of("req", "-new", "-nodes", "-subj", "/CN=" + cn));
    if (key.equals("ec")) {
      request.addAll(List.of("-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"));
    } else {
      request.addAll(List.of("-newkey", key));
    }
    request.addAll(
        List.of(
            "-keyout", pki.resolve(name + "-key.pem").toString(),
            "-out", pki.resolve(name + ".csr").toString()));
    openssl(request.toArray(new String[0]));
    Path extensions = pki.resolve(name + ".ext");
    Files.writeString(
        extensions,
        "extendedKeyUsage=" + usage + "\n" + (san == null ? "" : "subjectAltName=" + san + "\n"));
    openssl(
        "x509",
        "-req",
        "-days",
        "2",
        "-in",
        pki.resolve(name + ".csr").toString(),
        "-CA",
        pki.resolve("ca.pem").toString(),
        "-CAkey",
        pki.resolve("ca-key.pem").toString(),
        "-CAcreateserial",
        "-extfile",
        extensions.toString(),
        "-out",
        pki.resolve(name + ".pem").toString());
  }

  private void openssl(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("openssl"));
    command.addAll(List.of(args));
    Path output = pki.resolve("openssl.out");
    Process process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(output.toFile())
            .redirectInput(new File("/dev/null"))
            .start();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue())
        .as("%s: %s", String.join(" ", command), Files.readString(output))
        .isZero();
  }
}

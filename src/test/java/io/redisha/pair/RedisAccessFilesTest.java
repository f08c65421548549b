package io.redisha.pair;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.redisha.testing.RequiresHost;
import io.redisha.testing.TestPki;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Redis user, password and TLS files of a standalone pair file: read and checked when the pair
 * is resolved, each problem naming its field (unreadable file, not PEM, a key without its
 * certificate or of another certificate), with throwaway certificates made by openssl.
 */
@RequiresHost(
    tools = {"openssl"},
    root = false)
class RedisAccessFilesTest {
  @TempDir static Path dir;
  static TestPki pki;
  static TestPki.Issued agent;
  static TestPki.Issued other;
  static Path password;

  @BeforeAll
  static void certificates() throws Exception {
    pki = TestPki.create(dir.resolve("pki"), "redisha-test-ca");
    agent = pki.issue("agent");
    other = pki.issue("other");
    password = Files.writeString(dir.resolve("redis-password"), "s3cr3t\n");
  }

  static String pair(String redis) {
    return PairValidationTest.GOOD.replace("instances:\n", redis + "\ninstances:\n");
  }

  static String tls(String ca, String cert, String key) {
    StringBuilder text =
        new StringBuilder("redis:\n  username: redisha\n  passwordFile: " + password + "\n");
    text.append("  tls:\n    caFile: ").append(ca).append('\n');
    if (cert != null) {
      text.append("    certFile: ").append(cert).append('\n');
    }
    if (key != null) {
      text.append("    keyFile: ").append(key).append('\n');
    }
    return text.toString().stripTrailing();
  }

  PairSettings resolve(String yaml) throws Exception {
    Path file = dir.resolve("pair.yaml");
    Files.writeString(file, yaml);
    return PairValidation.resolve(PairFile.load(file), "vm-a", file.toString());
  }

  /** The problems without their place in the file (which {@link #placesAreGiven} checks). */
  List<String> problems(String yaml) {
    try {
      resolve(yaml);
      return List.of();
    } catch (InvalidPairException e) {
      return e.problems().stream()
          .map(p -> p.replaceFirst(" \\(line \\d+, column \\d+\\)$", ""))
          .toList();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void readsTheUserPasswordAndTlsFiles() throws Exception {
    PairSettings settings =
        resolve(
            pair(tls(pki.caCert().toString(), agent.cert().toString(), agent.key().toString())));
    PairSettings.Redis redis = settings.redis();
    assertThat(redis.username()).isEqualTo("redisha");
    assertThat(redis.password()).isEqualTo("s3cr3t");
    assertThat(redis.tls().hasClientCertificate()).isTrue();
    assertThat(redis.secretFiles())
        .containsExactly(password, pki.caCert(), agent.cert(), agent.key());
    assertThat(redis.access().user()).isEqualTo("redisha");
    assertThat(redis.toString()).doesNotContain("s3cr3t").doesNotContain("PRIVATE");
  }

  @Test
  void aCaWithoutClientCertificateIsEnough() throws Exception {
    PairSettings settings = resolve(pair(tls(pki.caCert().toString(), null, null)));
    assertThat(settings.redis().tls().hasClientCertificate()).isFalse();
  }

  @Test
  void anRsaKeyInTheOldPkcs1FormIsRead() throws Exception {
    Path rsaKey = dir.resolve("rsa.key");
    Path rsaCert = dir.resolve("rsa.crt");
    run("openssl", "genrsa", "-traditional", "-out", rsaKey.toString(), "2048");
    run(
        "openssl",
        "req",
        "-new",
        "-x509",
        "-key",
        rsaKey.toString(),
        "-out",
        rsaCert.toString(),
        "-days",
        "1",
        "-subj",
        "/CN=rsa");
    assertThat(Files.readString(rsaKey)).contains("BEGIN RSA PRIVATE KEY");
    PairSettings settings =
        resolve(pair(tls(pki.caCert().toString(), rsaCert.toString(), rsaKey.toString())));
    assertThat(settings.redis().tls().hasClientCertificate()).isTrue();
  }

  @Test
  void placesAreGiven() {
    assertThatThrownBy(() -> resolve(pair(tls("/nonexistent/ca.crt", null, null))))
        .isInstanceOf(InvalidPairException.class)
        .satisfies(
            e ->
                assertThat(((InvalidPairException) e).problems())
                    .containsExactly(
                        "redis.tls.caFile: cannot read /nonexistent/ca.crt: no such file"
                            + " (line 10, column 13)"));
  }

  @Test
  void anUnreadableCaFileIsNamed() {
    assertThat(problems(pair(tls("/nonexistent/ca.crt", null, null))))
        .containsExactly("redis.tls.caFile: cannot read /nonexistent/ca.crt: no such file");
  }

  @Test
  void aKeyWhereTheCaShouldBeIsNamed() {
    assertThat(problems(pair(tls(agent.key().toString(), null, null))))
        .containsExactly(
            "redis.tls.caFile: " + agent.key() + ": holds a private key, not a certificate");
  }

  @Test
  void aFileThatIsNotPemIsNamed() throws Exception {
    Path garbage = Files.writeString(dir.resolve("garbage.crt"), "hello\n");
    Path broken =
        Files.writeString(
            dir.resolve("broken.crt"),
            "-----BEGIN CERTIFICATE-----\nnot base64 !!\n-----END CERTIFICATE-----\n");
    assertThat(problems(pair(tls(garbage.toString(), null, null))))
        .containsExactly(
            "redis.tls.caFile: "
                + garbage
                + ": holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
    assertThat(problems(pair(tls(broken.toString(), null, null))))
        .containsExactly(
            "redis.tls.caFile: "
                + broken
                + ": certificate 1 is not valid base64 between its PEM lines");
  }

  @Test
  void aCertificateWithoutItsKeyIsNamed() {
    assertThat(problems(pair(tls(pki.caCert().toString(), agent.cert().toString(), null))))
        .contains(
            "redis.tls: a client certificate and its key go together: certSecretRef with"
                + " keySecretRef (certFile with keyFile in a standalone pair file)");
  }

  @Test
  void theKeyOfAnotherCertificateIsNamed() {
    assertThat(
            problems(
                pair(
                    tls(pki.caCert().toString(), agent.cert().toString(), other.key().toString()))))
        .containsExactly(
            "redis.tls.keyFile: "
                + other.key()
                + " is not the key of the certificate in "
                + agent.cert());
  }

  @Test
  void anEncryptedKeyIsNamedWithTheFix() throws Exception {
    Path encrypted = dir.resolve("encrypted.key");
    run(
        "openssl",
        "pkcs8",
        "-topk8",
        "-in",
        agent.key().toString(),
        "-out",
        encrypted.toString(),
        "-passout",
        "pass:x");
    assertThat(
            problems(
                pair(tls(pki.caCert().toString(), agent.cert().toString(), encrypted.toString()))))
        .singleElement()
        .asString()
        .startsWith("redis.tls.keyFile: " + encrypted + ": holds an encrypted key")
        .contains("openssl pkcs8 -topk8 -nocrypt");
  }

  @Test
  void secretReferencesAreTheOperatorsToRead() {
    String yaml =
        pair(
            "redis:\n  tls:\n    caSecretRef: {name: t, key: ca.crt}\n"
                + "    certSecretRef: {name: t, key: tls.crt}\n"
                + "    keySecretRef: {name: t, key: tls.key}");
    assertThat(problems(yaml))
        .containsExactly(
            "redis.tls.caSecretRef: Secrets are read by the operator; standalone needs caFile",
            "redis.tls.certSecretRef: Secrets are read by the operator; standalone needs certFile",
            "redis.tls.keySecretRef: Secrets are read by the operator; standalone needs keyFile");
  }

  @Test
  void anAclUserNeedsItsPassword() {
    assertThatThrownBy(() -> resolve(pair("redis: {username: redisha}")))
        .isInstanceOf(InvalidPairException.class)
        .hasMessageContaining(
            "redis.username: an ACL user logs in with its password; give passwordSecretRef"
                + " (passwordFile in a standalone pair file) too");
  }

  private static void run(String... command) throws Exception {
    Process process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("run.log").toFile())
            .start();
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(Files.readString(dir.resolve("run.log"))).isZero();
  }
}

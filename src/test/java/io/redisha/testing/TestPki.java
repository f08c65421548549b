package io.redisha.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throwaway certificate authority made with openssl in a test's directory: a CA and certificates
 * it signs, each with the subjectAltNames a test asks for, valid for two days, EC P-256 keys in
 * PKCS#8 PEM files. Each certificate serves as server and as client certificate (Redis uses its
 * server certificate as a client towards its master too).
 */
public final class TestPki {
  private final Path dir;

  /**
   * A certificate and its key.
   *
   * @param cert the PEM certificate
   * @param key its PEM private key
   */
  public record Issued(Path cert, Path key) {}

  private TestPki(Path dir) {
    this.dir = dir;
  }

  /** A new CA in {@code dir}, named {@code name}. */
  public static TestPki create(Path dir, String name) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    TestPki pki = new TestPki(dir);
    pki.openssl(
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
        "-keyout",
        pki.caKey().toString(),
        "-out",
        pki.caCert().toString(),
        "-days",
        "2",
        "-subj",
        "/CN=" + name);
    return pki;
  }

  public Path caCert() {
    return dir.resolve("ca.crt");
  }

  private Path caKey() {
    return dir.resolve("ca.key");
  }

  /**
   * A certificate signed by this CA.
   *
   * @param name file name and common name
   * @param subjectAltNames for example {@code IP:192.0.2.11} or {@code DNS:redis-a}
   */
  public Issued issue(String name, String... subjectAltNames) {
    Path key = dir.resolve(name + ".key");
    Path request = dir.resolve(name + ".csr");
    Path cert = dir.resolve(name + ".crt");
    Path extensions = dir.resolve(name + ".ext");
    try {
      List<String> lines = new ArrayList<>();
      lines.add("basicConstraints=CA:FALSE");
      lines.add("keyUsage=digitalSignature,keyEncipherment");
      lines.add("extendedKeyUsage=serverAuth,clientAuth");
      if (subjectAltNames.length > 0) {
        lines.add("subjectAltName=" + String.join(",", subjectAltNames));
      }
      Files.write(extensions, lines, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    openssl(
        "req",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
        "-keyout",
        key.toString(),
        "-out",
        request.toString(),
        "-subj",
        "/CN=" + name);
    openssl(
        "x509",
        "-req",
        "-in",
        request.toString(),
        "-CA",
        caCert().toString(),
        "-CAkey",
        caKey().toString(),
        "-CAcreateserial",
        "-out",
        cert.toString(),
        "-days",
        "2",
        "-extfile",
        extensions.toString());
    return new Issued(cert, key);
  }

  private void openssl(String... args) {
    List<String> command = new ArrayList<>();
    command.add("openssl");
    command.addAll(List.of(args));
    try {
      Process process =
          new ProcessBuilder(command)
              .directory(dir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("openssl.log").toFile())
              .start();
      if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
        process.destroyForcibly();
        throw new IllegalStateException(
            "openssl "
                + String.join(" ", args)
                + " failed: "
                + Files.readString(dir.resolve("openssl.log")));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}

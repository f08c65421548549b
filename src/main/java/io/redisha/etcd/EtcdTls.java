package io.redisha.etcd;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/** Builds the TLS context for https endpoints from the PEM files etcd deployments already have. */
final class EtcdTls {
  private static final String KEY_BEGIN = "-----BEGIN PRIVATE KEY-----";
  private static final String KEY_END = "-----END PRIVATE KEY-----";

  private EtcdTls() {}

  /**
   * The context for {@code settings}, or null when no endpoint uses https.
   *
   * @throws IllegalArgumentException naming the field whose file cannot be used
   */
  static SSLContext context(EtcdSettings settings) {
    if (!settings.usesTls()) {
      return null;
    }
    try {
      TrustManager[] trust = null;
      if (settings.caFile() != null) {
        KeyStore store = emptyStore();
        List<Certificate> authorities = certificates("etcd.caFile", settings.caFile());
        for (int i = 0; i < authorities.size(); i++) {
          store.setCertificateEntry("ca-" + i, authorities.get(i));
        }
        TrustManagerFactory factory =
            TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(store);
        trust = factory.getTrustManagers();
      }
      KeyManager[] keys = null;
      if (settings.certFile() != null && settings.keyFile() != null) {
        List<Certificate> chain = certificates("etcd.certFile", settings.certFile());
        PrivateKey key = privateKey(settings.keyFile());
        KeyStore store = emptyStore();
        char[] storePassword = new char[0];
        store.setKeyEntry("client", key, storePassword, chain.toArray(new Certificate[0]));
        KeyManagerFactory factory =
            KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        factory.init(store, storePassword);
        keys = factory.getKeyManagers();
      }
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keys, trust, null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(
          "etcd.certFile/etcd.keyFile: the certificate and key do not fit together: "
              + e.getMessage());
    }
  }

  private static KeyStore emptyStore() throws GeneralSecurityException {
    KeyStore store = KeyStore.getInstance("PKCS12");
    try {
      store.load(null, null);
    } catch (IOException e) {
      throw new GeneralSecurityException(e);
    }
    return store;
  }

  private static List<Certificate> certificates(String field, Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      List<Certificate> found =
          new ArrayList<>(CertificateFactory.getInstance("X.509").generateCertificates(in));
      if (found.isEmpty()) {
        throw new IllegalArgumentException(field + ": no PEM certificate in " + file);
      }
      return found;
    } catch (IOException e) {
      throw new IllegalArgumentException(field + ": cannot read " + file + ": " + e.getMessage());
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(
          field + ": " + file + " is not a PEM certificate file: " + e.getMessage());
    }
  }

  private static PrivateKey privateKey(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "etcd.keyFile: cannot read " + file + ": " + e.getMessage());
    }
    int begin = text.indexOf(KEY_BEGIN);
    int end = text.indexOf(KEY_END);
    if (begin < 0 || end < begin) {
      String hint =
          text.contains("BEGIN RSA PRIVATE KEY") || text.contains("BEGIN EC PRIVATE KEY")
              ? "it is in the older PKCS#1/SEC1 form; convert it with"
                  + " `openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pk8`"
              : text.contains("BEGIN ENCRYPTED PRIVATE KEY")
                  ? "it is encrypted; store it unencrypted (mode 0600) with"
                      + " `openssl pkcs8 -topk8 -nocrypt`"
                  : "expected a PEM block " + KEY_BEGIN;
      throw new IllegalArgumentException("etcd.keyFile: " + file + ": " + hint);
    }
    byte[] der;
    try {
      der =
          Base64.getMimeDecoder()
              .decode(text.substring(begin + KEY_BEGIN.length(), end).replaceAll("\\s", ""));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "etcd.keyFile: " + file + ": the PEM block is not valid base64");
    }
    for (String algorithm : List.of("RSA", "EC", "Ed25519", "Ed448")) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
      } catch (InvalidKeySpecException | NoSuchAlgorithmException e) {
        // try the next algorithm
      }
    }
    throw new IllegalArgumentException(
        "etcd.keyFile: " + file + ": not an RSA, EC or EdDSA private key");
  }
}

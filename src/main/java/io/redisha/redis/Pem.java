package io.redisha.redis;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the PEM files a Redis TLS setup already has: certificates, and a private key as PKCS#8
 * ({@code BEGIN PRIVATE KEY}, what {@code openssl genpkey} and OpenSSL 3's {@code genrsa} write) or
 * as an RSA PKCS#1 key ({@code BEGIN RSA PRIVATE KEY}, OpenSSL 1.x's {@code genrsa}). Every error
 * says what is wrong with the text and how to fix it, without naming a field: the caller knows
 * which field the text came from.
 */
public final class Pem {
  private static final Pattern BLOCK =
      Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----(.*?)-----END \\1-----", Pattern.DOTALL);

  /** DER of the PKCS#8 AlgorithmIdentifier of rsaEncryption (1.2.840.113549.1.1.1, NULL). */
  private static final byte[] RSA_ALGORITHM =
      HexFormat.of().parseHex("300d06092a864886f70d0101010500");

  private Pem() {}

  /**
   * Every {@code CERTIFICATE} block of {@code text}, in order.
   *
   * @throws IllegalArgumentException when there is none or one cannot be read
   */
  public static List<X509Certificate> certificates(String text) {
    List<X509Certificate> certificates = new ArrayList<>();
    Matcher block = BLOCK.matcher(text);
    CertificateFactory factory;
    try {
      factory = CertificateFactory.getInstance("X.509");
    } catch (CertificateException e) {
      throw new IllegalStateException("every JDK reads X.509", e);
    }
    while (block.find()) {
      if (!block.group(1).equals("CERTIFICATE")) {
        continue;
      }
      int number = certificates.size() + 1;
      byte[] der = decode(block.group(2), "certificate " + number);
      try {
        certificates.add(
            (X509Certificate) factory.generateCertificate(new ByteArrayInputStream(der)));
      } catch (CertificateException e) {
        throw new IllegalArgumentException(
            "certificate " + number + " is not an X.509 certificate: " + e.getMessage());
      }
    }
    if (certificates.isEmpty()) {
      throw new IllegalArgumentException(
          text.contains("PRIVATE KEY")
              ? "holds a private key, not a certificate"
              : "holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
    }
    return certificates;
  }

  /**
   * The one private key of {@code text}.
   *
   * @throws IllegalArgumentException when there is none, it is encrypted or in a form not read here
   */
  public static PrivateKey privateKey(String text) {
    Matcher block = BLOCK.matcher(text);
    while (block.find()) {
      String type = block.group(1);
      switch (type) {
        case "PRIVATE KEY" -> {
          return pkcs8(decode(block.group(2), "the key"));
        }
        case "RSA PRIVATE KEY" -> {
          if (block.group(2).contains("ENCRYPTED")) {
            throw encrypted();
          }
          return pkcs8(rsaPkcs8(decode(block.group(2), "the key")));
        }
        case "ENCRYPTED PRIVATE KEY" -> throw encrypted();
        case "EC PRIVATE KEY" ->
            throw new IllegalArgumentException(
                "holds an EC key in the SEC1 form; convert it to PKCS#8 with"
                    + " `openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pk8`");
        default -> {
          // not a key: a certificate or parameters beside it
        }
      }
    }
    throw new IllegalArgumentException(
        text.contains("BEGIN CERTIFICATE")
            ? "holds a certificate, not a private key"
            : "holds no PEM private key (-----BEGIN PRIVATE KEY-----)");
  }

  /**
   * Whether {@code key} is the private key of {@code certificate}: a short message signed with the
   * key must verify with the certificate's public key.
   */
  public static boolean keyFits(PrivateKey key, X509Certificate certificate) {
    String algorithm =
        switch (key.getAlgorithm()) {
          case "RSA" -> "SHA256withRSA";
          case "EC" -> "SHA256withECDSA";
          case "Ed25519", "Ed448", "EdDSA" -> key.getAlgorithm();
          default -> null;
        };
    if (algorithm == null) {
      return key.getAlgorithm().equals(certificate.getPublicKey().getAlgorithm());
    }
    byte[] probe = "redisha key check".getBytes(StandardCharsets.US_ASCII);
    try {
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(probe);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(certificate.getPublicKey());
      verifier.update(probe);
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      return false; // a key of another algorithm than the certificate's
    }
  }

  private static IllegalArgumentException encrypted() {
    return new IllegalArgumentException(
        "holds an encrypted key; store it unencrypted (readable only by the agent) with"
            + " `openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pk8`");
  }

  private static byte[] decode(String base64, String what) {
    try {
      return Base64.getMimeDecoder().decode(base64.replaceAll("(?m)^[A-Za-z-]+:.*$", "").strip());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(what + " is not valid base64 between its PEM lines");
    }
  }

  private static PrivateKey pkcs8(byte[] der) {
    for (String algorithm : List.of("RSA", "EC", "Ed25519", "Ed448")) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
      } catch (GeneralSecurityException e) {
        // the next algorithm
      }
    }
    throw new IllegalArgumentException("holds a private key that is neither RSA, EC nor EdDSA");
  }

  /** The PKCS#8 form of an RSA PKCS#1 key: version 0, rsaEncryption, the key as an octet string. */
  private static byte[] rsaPkcs8(byte[] pkcs1) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.writeBytes(new byte[] {0x02, 0x01, 0x00});
    body.writeBytes(RSA_ALGORITHM);
    body.write(0x04);
    body.writeBytes(derLength(pkcs1.length));
    body.writeBytes(pkcs1);
    ByteArrayOutputStream sequence = new ByteArrayOutputStream();
    sequence.write(0x30);
    sequence.writeBytes(derLength(body.size()));
    sequence.writeBytes(body.toByteArray());
    return sequence.toByteArray();
  }

  private static byte[] derLength(int length) {
    if (length < 0x80) {
      return new byte[] {(byte) length};
    }
    if (length < 0x100) {
      return new byte[] {(byte) 0x81, (byte) length};
    }
    if (length < 0x10000) {
      return new byte[] {(byte) 0x82, (byte) (length >> 8), (byte) length};
    }
    return new byte[] {(byte) 0x83, (byte) (length >> 16), (byte) (length >> 8), (byte) length};
  }
}

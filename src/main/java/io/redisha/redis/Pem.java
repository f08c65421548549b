package io.redisha.redis;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
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
   * Whether {@code key} is the private key of {@code certificate}. Compared by the public half,
   * which RSA keys and OpenSSL's EC keys carry (no signing, so a reload stays cheap); other keys
   * sign a short message that the certificate's public key must verify.
   */
  public static boolean keyFits(PrivateKey key, X509Certificate certificate) {
    PublicKey publicKey = certificate.getPublicKey();
    if (key instanceof RSAPrivateCrtKey rsa && publicKey instanceof RSAPublicKey rsaPublic) {
      return rsa.getModulus().equals(rsaPublic.getModulus())
          && rsa.getPublicExponent().equals(rsaPublic.getPublicExponent());
    }
    if (key instanceof ECPrivateKey && publicKey instanceof ECPublicKey ecPublic) {
      byte[] point = ecPublicPoint(key.getEncoded());
      if (point != null) {
        return Arrays.equals(point, uncompressed(ecPublic));
      }
    }
    String algorithm =
        switch (key.getAlgorithm()) {
          case "RSA" -> "SHA256withRSA";
          case "EC" -> "SHA256withECDSA";
          case "Ed25519", "Ed448", "EdDSA" -> key.getAlgorithm();
          default -> null;
        };
    if (algorithm == null) {
      return key.getAlgorithm().equals(publicKey.getAlgorithm());
    }
    byte[] probe = "redisha key check".getBytes(StandardCharsets.US_ASCII);
    try {
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(probe);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(publicKey);
      verifier.update(probe);
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      return false; // a key of another algorithm than the certificate's
    }
  }

  /** {@code 04 || X || Y} of an EC public key, each coordinate as wide as the field. */
  private static byte[] uncompressed(ECPublicKey key) {
    int size = (key.getParams().getCurve().getField().getFieldSize() + 7) / 8;
    byte[] point = new byte[1 + 2 * size];
    point[0] = 0x04;
    unsigned(key.getW().getAffineX(), point, 1, size);
    unsigned(key.getW().getAffineY(), point, 1 + size, size);
    return point;
  }

  private static void unsigned(BigInteger value, byte[] into, int offset, int size) {
    byte[] bytes = value.toByteArray();
    int skip = bytes.length > size ? bytes.length - size : 0;
    System.arraycopy(bytes, skip, into, offset + size - (bytes.length - skip), bytes.length - skip);
  }

  /**
   * The public point inside a PKCS#8 EC key (RFC 5915 ECPrivateKey, field {@code [1] publicKey}),
   * or null when the key does not carry it.
   */
  private static byte[] ecPublicPoint(byte[] pkcs8) {
    try {
      Der info = new Der(pkcs8, 0).enter(0x30); // PrivateKeyInfo
      Der privateKey = info.skip(0x02).skip(0x30).enter(0x04); // version, algorithm, privateKey
      Der ecKey = privateKey.enter(0x30).skip(0x02).skip(0x04); // version, privateKey
      while (ecKey.hasMore()) {
        if (ecKey.tag() == 0xa1) {
          byte[] bits = ecKey.enter(0xa1).enter(0x03).rest();
          return bits.length > 1 && bits[0] == 0 ? Arrays.copyOfRange(bits, 1, bits.length) : null;
        }
        ecKey = ecKey.skip(ecKey.tag());
      }
      return null;
    } catch (IllegalArgumentException | ArrayIndexOutOfBoundsException e) {
      return null; // not the structure we know: the caller signs instead
    }
  }

  /** A cursor over DER elements inside {@code bytes[start..end)}. */
  private record Der(byte[] bytes, int position, int end) {
    Der(byte[] bytes, int position) {
      this(bytes, position, bytes.length);
    }

    boolean hasMore() {
      return position < end;
    }

    int tag() {
      return bytes[position] & 0xff;
    }

    /** The content of the element here, which must have {@code tag}. */
    Der enter(int tag) {
      int[] header = header(tag);
      return new Der(bytes, header[0], header[0] + header[1]);
    }

    /** The elements after the one here, which must have {@code tag}. */
    Der skip(int tag) {
      int[] header = header(tag);
      return new Der(bytes, header[0] + header[1], end);
    }

    byte[] rest() {
      return Arrays.copyOfRange(bytes, position, end);
    }

    /** {content start, content length} of the element here. */
    private int[] header(int tag) {
      if (!hasMore() || tag() != tag) {
        throw new IllegalArgumentException("unexpected DER");
      }
      int at = position + 1;
      int length = bytes[at++] & 0xff;
      if (length >= 0x80) {
        int octets = length & 0x7f;
        if (octets > 3) {
          throw new IllegalArgumentException("DER length too long");
        }
        length = 0;
        for (int i = 0; i < octets; i++) {
          length = (length << 8) | (bytes[at++] & 0xff);
        }
      }
      if (at + length > end) {
        throw new IllegalArgumentException("DER past its end");
      }
      return new int[] {at, length};
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

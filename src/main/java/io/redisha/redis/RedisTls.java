package io.redisha.redis;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * TLS towards the Redis servers of a pair: the CA that signed their certificates and, when they ask
 * for one ({@code tls-auth-clients}), the agent's client certificate and key. Built from the PEM
 * text of the files or Secrets, checked on the way; equal when the texts are equal, so a reload
 * notices a rotated file.
 *
 * <p>A server's certificate must chain to the CA and name the address the agent knows the server by
 * (an IP address subjectAltName for a node address, a DNS one for a host name), whatever address
 * the connection goes to: the agent reaches its own Redis over 127.0.0.1 and still expects the
 * certificate of its node's address.
 */
public final class RedisTls {
  private final String caPem;
  private final String certPem;
  private final String keyPem;
  private final List<X509Certificate> authorities;
  private final List<X509Certificate> chain;
  private final PrivateKey key;

  private RedisTls(String caPem, String certPem, String keyPem) {
    this.caPem = Objects.requireNonNull(caPem, "caPem");
    this.certPem = certPem;
    this.keyPem = keyPem;
    if ((certPem == null) != (keyPem == null)) {
      throw new IllegalArgumentException(
          certPem == null ? "key: given without its certificate" : "certificate: needs its key");
    }
    this.authorities = part("CA", () -> Pem.certificates(caPem));
    this.chain = certPem == null ? List.of() : part("certificate", () -> Pem.certificates(certPem));
    this.key = keyPem == null ? null : part("key", () -> Pem.privateKey(keyPem));
    if (key != null && !Pem.keyFits(key, chain.getFirst())) {
      throw new IllegalArgumentException("key: is not the key of the certificate");
    }
  }

  /**
   * TLS with {@code caPem} as the only CA and, when both are given, a client certificate (chain,
   * leaf first) and its key.
   *
   * @throws IllegalArgumentException starting with the part ("CA: ", "certificate: ", "key: ") that
   *     cannot be used
   */
  public static RedisTls of(String caPem, String certPem, String keyPem) {
    return new RedisTls(caPem, certPem, keyPem);
  }

  /** Whether the agent shows a client certificate. */
  public boolean hasClientCertificate() {
    return key != null;
  }

  /**
   * Checks a server's chain against the CA, then that its leaf names {@code address}.
   *
   * @param address the address or host name the server's certificate must name
   */
  X509ExtendedTrustManager trustManager(String address) {
    return new AddressCheckingTrustManager(pkix(), address);
  }

  private volatile X509ExtendedTrustManager pkix;

  /** The JDK's PKIX checks against the CA, made once (every session of the pair shares it). */
  private X509ExtendedTrustManager pkix() {
    X509ExtendedTrustManager made = pkix;
    if (made != null) {
      return made;
    }
    try {
      KeyStore store = emptyStore();
      for (int i = 0; i < authorities.size(); i++) {
        store.setCertificateEntry("ca-" + i, authorities.get(i));
      }
      TrustManagerFactory factory =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init(store);
      for (TrustManager manager : factory.getTrustManagers()) {
        if (manager instanceof X509ExtendedTrustManager extended) {
          pkix = extended;
          return extended;
        }
      }
      throw new IllegalStateException("the JDK's PKIX trust manager is not an extended one");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot build a trust manager: " + e.getMessage(), e);
    }
  }

  /**
   * The client certificate and key, handed out as they are (no key store, whose key encryption
   * would cost a rotation hundreds of milliseconds of CPU); null without a client certificate.
   */
  X509ExtendedKeyManager keyManager() {
    return key == null ? null : new ClientKeyManager(key, chain.toArray(new X509Certificate[0]));
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

  private interface Reader<T> {
    T read();
  }

  private static <T> T part(String name, Reader<T> reader) {
    try {
      return reader.read();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(name + ": " + e.getMessage(), e);
    }
  }

  /**
   * The names a certificate carries in its subjectAltName, as {@code IP 192.0.2.11} or {@code DNS
   * redis-a.example}.
   */
  static List<String> names(X509Certificate certificate) {
    List<String> names = new ArrayList<>();
    try {
      Collection<List<?>> alternatives = certificate.getSubjectAlternativeNames();
      if (alternatives != null) {
        for (List<?> alternative : alternatives) {
          int type = (Integer) alternative.get(0);
          if (type == 7) {
            names.add("IP " + alternative.get(1));
          } else if (type == 2) {
            names.add("DNS " + alternative.get(1));
          }
        }
      }
    } catch (CertificateParsingException e) {
      names.add("unreadable subjectAltName");
    }
    return names;
  }

  /** Whether {@code certificate} names {@code address} (RFC 6125: SANs only, no common name). */
  static boolean names(X509Certificate certificate, String address) {
    InetAddress ip = literal(address);
    for (String name : names(certificate)) {
      if (ip != null && name.startsWith("IP ")) {
        InetAddress candidate = literal(name.substring(3));
        if (ip.equals(candidate)) {
          return true;
        }
      } else if (ip == null && name.startsWith("DNS ")) {
        if (dnsMatches(name.substring(4), address)) {
          return true;
        }
      }
    }
    return false;
  }

  private static boolean dnsMatches(String pattern, String host) {
    String p = pattern.toLowerCase(Locale.ROOT);
    String h = host.toLowerCase(Locale.ROOT);
    if (p.startsWith("*.")) {
      int dot = h.indexOf('.');
      return dot > 0 && h.substring(dot).equals(p.substring(1));
    }
    return p.equals(h);
  }

  private static InetAddress literal(String text) {
    try {
      return InetAddress.ofLiteral(text);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** Never shows the key. */
  @Override
  public String toString() {
    return "RedisTls[CA "
        + authorities.getFirst().getSubjectX500Principal().getName()
        + (key == null
            ? ", no client certificate"
            : ", client " + chain.getFirst().getSubjectX500Principal().getName())
        + "]";
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof RedisTls that
        && caPem.equals(that.caPem)
        && Objects.equals(certPem, that.certPem)
        && Objects.equals(keyPem, that.keyPem);
  }

  @Override
  public int hashCode() {
    return Objects.hash(caPem, certPem, keyPem);
  }

  /** Offers the one client certificate for the key types it can sign with. */
  private static final class ClientKeyManager extends X509ExtendedKeyManager {
    private static final String ALIAS = "redisha-agent";
    private final PrivateKey key;
    private final X509Certificate[] chain;

    ClientKeyManager(PrivateKey key, X509Certificate[] chain) {
      this.key = key;
      this.chain = chain;
    }

    private String alias(String[] keyTypes) {
      if (keyTypes == null) {
        return null;
      }
      String algorithm = key.getAlgorithm();
      for (String type : keyTypes) {
        if (type.equals(algorithm)
            || ("RSA".equals(algorithm) && type.equals("RSASSA-PSS"))
            || (algorithm.startsWith("Ed") && type.equals("EdDSA"))) {
          return ALIAS;
        }
      }
      return null;
    }

    @Override
    public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
      return alias(keyTypes);
    }

    @Override
    public String chooseEngineClientAlias(
        String[] keyTypes, Principal[] issuers, SSLEngine engine) {
      return alias(keyTypes);
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
      return alias(new String[] {keyType}) == null ? null : new String[] {ALIAS};
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
      return null;
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
      return null;
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
      return ALIAS.equals(alias) ? chain.clone() : null;
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
      return ALIAS.equals(alias) ? key : null;
    }
  }

  /** The JDK's PKIX checks, then the server's name: lettuce's own check would use 127.0.0.1. */
  private static final class AddressCheckingTrustManager extends X509ExtendedTrustManager {
    private final X509ExtendedTrustManager pkix;
    private final String address;

    AddressCheckingTrustManager(X509ExtendedTrustManager pkix, String address) {
      this.pkix = pkix;
      this.address = address;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      pkix.checkServerTrusted(chain, authType, engine);
      checkName(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      pkix.checkServerTrusted(chain, authType, socket);
      checkName(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      pkix.checkServerTrusted(chain, authType);
      checkName(chain);
    }

    private void checkName(X509Certificate[] chain) throws CertificateException {
      if (!names(chain[0], address)) {
        List<String> names = names(chain[0]);
        throw new CertificateException(
            "the server's certificate does not name "
                + address
                + " (it names "
                + (names.isEmpty() ? "nothing in subjectAltName" : String.join(", ", names))
                + "); issue it with subjectAltName "
                + (literal(address) != null ? "IP:" : "DNS:")
                + address);
      }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      throw new CertificateException("the agent is a TLS client only");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      throw new CertificateException("the agent is a TLS client only");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      throw new CertificateException("the agent is a TLS client only");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return pkix.getAcceptedIssuers();
    }
  }
}

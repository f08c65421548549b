package io.redisha.etcd;

import io.redisha.api.PairDefaults;
import io.redisha.api.PairLimits;
import io.redisha.arbiter.FenceTiming;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Where the etcd arbiter lives and how to talk to it.
 *
 * @param endpoints client URLs of the members, {@code http://host:2379} or {@code https://...}; all
 *     of one cluster, tried in turn
 * @param prefix the keys live under {@code <prefix>/<pair>/<group>}
 * @param callTimeout the most one call (all endpoints together) may take before it fails
 * @param username etcd user, or null when etcd's auth is off
 * @param password that user's password (read from a file or a Secret by the caller), or null
 * @param caFile PEM certificates to trust for https endpoints, or null for the JDK's trust store
 * @param certFile PEM client certificate (chain) for etcd's {@code --client-cert-auth}, or null
 * @param keyFile PEM PKCS#8 private key of {@code certFile}, or null
 */
public record EtcdSettings(
    List<URI> endpoints,
    String prefix,
    Duration callTimeout,
    String username,
    String password,
    Path caFile,
    Path certFile,
    Path keyFile) {

  public static final String DEFAULT_PREFIX = PairDefaults.ETCD_PREFIX;
  public static final Duration DEFAULT_CALL_TIMEOUT =
      Duration.ofMillis(PairDefaults.ETCD_CALL_TIMEOUT_MILLIS);
  static final Duration MIN_CALL_TIMEOUT =
      Duration.ofMillis(PairLimits.ETCD_CALL_TIMEOUT_MIN_MILLIS);
  static final Duration MAX_CALL_TIMEOUT =
      Duration.ofMillis(PairLimits.ETCD_CALL_TIMEOUT_MAX_MILLIS);

  /** Null prefix and call timeout mean the defaults; a null endpoint list means none. */
  public EtcdSettings {
    endpoints =
        endpoints == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(endpoints));
    prefix = prefix == null ? DEFAULT_PREFIX : prefix;
    callTimeout = callTimeout == null ? DEFAULT_CALL_TIMEOUT : callTimeout;
  }

  /** Plain HTTP endpoints, defaults for the rest, no credentials. */
  public static EtcdSettings of(List<URI> endpoints) {
    return new EtcdSettings(endpoints, null, null, null, null, null, null, null);
  }

  public EtcdSettings withCredentials(String newUsername, String newPassword) {
    return new EtcdSettings(
        endpoints, prefix, callTimeout, newUsername, newPassword, caFile, certFile, keyFile);
  }

  public EtcdSettings withTls(Path newCaFile, Path newCertFile, Path newKeyFile) {
    return new EtcdSettings(
        endpoints, prefix, callTimeout, username, password, newCaFile, newCertFile, newKeyFile);
  }

  public EtcdSettings withCallTimeout(Duration newCallTimeout) {
    return new EtcdSettings(
        endpoints, prefix, newCallTimeout, username, password, caFile, certFile, keyFile);
  }

  public EtcdSettings withPrefix(String newPrefix) {
    return new EtcdSettings(
        endpoints, newPrefix, callTimeout, username, password, caFile, certFile, keyFile);
  }

  /** Whether any endpoint speaks https. */
  public boolean usesTls() {
    return endpoints.stream()
        .anyMatch(e -> e != null && "https".equalsIgnoreCase(String.valueOf(e.getScheme())));
  }

  /**
   * Every problem of these settings, each naming its field ({@code etcd.endpoints[1]: ...}); empty
   * when they are usable. Pure: reads no files (opening them is {@link EtcdGateway#open}'s job).
   */
  public List<String> validate() {
    List<String> problems = new ArrayList<>();
    if (endpoints.isEmpty()) {
      problems.add(
          "etcd.endpoints: at least one client URL is needed, for example http://etcd-1:2379");
    }
    for (int i = 0; i < endpoints.size(); i++) {
      endpointProblem(i).ifPresent(problems::add);
    }
    if (!prefix.startsWith("/")) {
      problems.add("etcd.prefix: '" + prefix + "' must start with /");
    } else if (prefix.length() > 1 && prefix.endsWith("/")) {
      problems.add("etcd.prefix: '" + prefix + "' must not end with / (it is joined with one)");
    } else if (prefix.length() == 1) {
      problems.add("etcd.prefix: '/' is the whole key space; use a name such as /redisha");
    }
    if (prefix.chars().anyMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c))) {
      problems.add("etcd.prefix: must not contain spaces or control characters");
    }
    if (callTimeout.compareTo(MIN_CALL_TIMEOUT) < 0
        || callTimeout.compareTo(MAX_CALL_TIMEOUT) > 0) {
      problems.add(
          "etcd.callTimeoutMillis: "
              + callTimeout.toMillis()
              + " ms must be between "
              + MIN_CALL_TIMEOUT.toMillis()
              + " ms and "
              + MAX_CALL_TIMEOUT.toSeconds()
              + " s");
    }
    if (username != null && username.isBlank()) {
      problems.add("etcd.username: must not be blank (leave it out when etcd's auth is off)");
    }
    if (username != null && !username.isBlank() && (password == null || password.isEmpty())) {
      problems.add("etcd.password: missing for etcd.username '" + username + "'");
    }
    if (username == null && password != null) {
      problems.add("etcd.password: set without etcd.username");
    }
    if ((certFile == null) != (keyFile == null)) {
      problems.add(
          certFile == null
              ? "etcd.certFile: missing; etcd.keyFile is set and needs its certificate"
              : "etcd.keyFile: missing; etcd.certFile is set and needs its private key");
    }
    if (!usesTls() && !endpoints.isEmpty()) {
      if (caFile != null) {
        problems.add("etcd.caFile: set, but no endpoint uses https://");
      }
      if (certFile != null) {
        problems.add("etcd.certFile: set, but no endpoint uses https://");
      }
    }
    return problems;
  }

  /**
   * Problems of these settings with the pair's timing: a call must fail before the next renewal is
   * due, so a slow etcd never holds up the guard.
   */
  public List<String> timingProblems(FenceTiming timing) {
    if (callTimeout.compareTo(timing.renewInterval()) > 0) {
      return List.of(
          "etcd.callTimeoutMillis: "
              + callTimeout.toMillis()
              + " ms must be at most the lease renewal interval of this pair ("
              + timing.renewInterval().toMillis()
              + " ms)");
    }
    return List.of();
  }

  private Optional<String> endpointProblem(int i) {
    String field = "etcd.endpoints[" + i + "]";
    URI endpoint = endpoints.get(i);
    if (endpoint == null) {
      return Optional.of(field + ": missing");
    }
    String scheme =
        endpoint.getScheme() == null ? "" : endpoint.getScheme().toLowerCase(Locale.ROOT);
    String problem = null;
    if (!scheme.equals("http") && !scheme.equals("https")) {
      problem = "'" + endpoint + "' must start with http:// or https://";
    } else if (endpoint.getHost() == null) {
      problem = "'" + endpoint + "' has no host (expected for example http://etcd-1:2379)";
    } else if (endpoint.getRawUserInfo() != null) {
      problem = "must not carry credentials; use etcd.username and etcd.password";
    } else if (endpoint.getRawPath() != null
        && !endpoint.getRawPath().isEmpty()
        && !endpoint.getRawPath().equals("/")) {
      problem = "'" + endpoint + "' must not have a path; the gateway's /v3/... paths are added";
    } else if (endpoint.getRawQuery() != null || endpoint.getRawFragment() != null) {
      problem = "'" + endpoint + "' must not have a query or fragment";
    } else {
      for (int j = 0; j < i; j++) {
        URI other = endpoints.get(j);
        if (other != null && base(other).equals(base(endpoint))) {
          problem = "'" + endpoint + "' is the same as etcd.endpoints[" + j + "]";
          break;
        }
      }
    }
    return Optional.ofNullable(problem).map(p -> field + ": " + p);
  }

  /** The endpoint as {@code scheme://host:port}, with etcd's default client port when none. */
  static URI base(URI endpoint) {
    String scheme = endpoint.getScheme().toLowerCase(Locale.ROOT);
    int port = endpoint.getPort() < 0 ? 2379 : endpoint.getPort();
    String host = endpoint.getHost();
    if (host.contains(":") && !host.startsWith("[")) {
      host = "[" + host + "]";
    }
    return URI.create(scheme + "://" + host.toLowerCase(Locale.ROOT) + ":" + port);
  }

  /** Keeps the password out of logs. */
  @Override
  public String toString() {
    return "EtcdSettings[endpoints="
        + endpoints
        + ", prefix="
        + prefix
        + ", callTimeout="
        + callTimeout.toMillis()
        + " ms, username="
        + username
        + ", password="
        + (password == null ? "none" : "***")
        + ", caFile="
        + caFile
        + ", certFile="
        + certFile
        + ", keyFile="
        + keyFile
        + "]";
  }
}

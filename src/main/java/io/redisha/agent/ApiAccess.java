package io.redisha.agent;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Who may make the agent act ({@code POST /switchover}). Reading ({@code /status}, {@code
 * /metrics}, the probes) is open to whoever reaches the port; acting needs the agent's token when
 * one is configured ({@code Authorization: Bearer ...}), and otherwise a request from this host
 * itself. Under Kubernetes the agents listen on the node's addresses and every mutating request
 * needs the token from the Secret the operator mounts only into the agents.
 *
 * @param token the token, or null when requests from this host are enough
 */
public record ApiAccess(String token) {
  /** The answer to a mutating request. */
  public enum Decision {
    ALLOWED,
    /** 401: a token is configured and the request carries none. */
    NO_CREDENTIAL,
    /** 403: a wrong token, or no token configured and the request is not from this host. */
    FORBIDDEN
  }

  public static final ApiAccess LOOPBACK_ONLY = new ApiAccess(null);

  public ApiAccess {
    if (token != null && token.isBlank()) {
      throw new IllegalArgumentException("the API token is empty");
    }
  }

  /** Decides a mutating request from {@code remote} with the {@code Authorization} header. */
  public Decision decide(InetAddress remote, String authorization) {
    if (token == null) {
      return remote != null && remote.isLoopbackAddress() ? Decision.ALLOWED : Decision.FORBIDDEN;
    }
    if (authorization == null || !authorization.startsWith("Bearer ")) {
      return Decision.NO_CREDENTIAL;
    }
    byte[] given =
        authorization.substring("Bearer ".length()).strip().getBytes(StandardCharsets.UTF_8);
    return MessageDigest.isEqual(given, token.getBytes(StandardCharsets.UTF_8))
        ? Decision.ALLOWED
        : Decision.FORBIDDEN;
  }
}

package io.redisha.agent;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Objects;

/**
 * Who may make the agent act ({@code POST /switchover}). Reading ({@code /status}, {@code
 * /metrics}, the probes) is open to whoever reaches the port; acting needs the agent's token when
 * one is configured ({@code Authorization: Bearer ...}), and otherwise a request from this host
 * itself. Under Kubernetes the agents listen on the node's addresses and every mutating request
 * needs the token from the Secret the operator generates per pair and mounts only into the agents.
 *
 * <p>A token file is read at every mutating request, not once: the kubelet rewrites a mounted
 * Secret in place, so a token the admin rotates reaches a running agent without a restart.
 */
public final class ApiAccess {
  /** The answer to a mutating request. */
  public enum Decision {
    ALLOWED,
    /** 401: a token is configured and the request carries none. */
    NO_CREDENTIAL,
    /** 403: a wrong token, or no token configured and the request is not from this host. */
    FORBIDDEN,
    /** 503: the token file cannot be read now (a Secret being rewritten, a missing mount). */
    TOKEN_UNREADABLE
  }

  public static final ApiAccess LOOPBACK_ONLY = new ApiAccess(null, null);

  private final String token;
  private final Path tokenFile;

  private ApiAccess(String token, Path tokenFile) {
    this.token = token;
    this.tokenFile = tokenFile;
  }

  /** Requests must carry {@code token}. */
  public ApiAccess(String token) {
    this(requireToken(token, "the API token"), null);
  }

  /**
   * Requests must carry the token held in {@code file}, read again at every request.
   *
   * @throws IllegalArgumentException naming the file, when it cannot be read now or is empty
   */
  public static ApiAccess fromFile(Path file) {
    Objects.requireNonNull(file, "file");
    ApiAccess access = new ApiAccess(null, file);
    try {
      access.currentToken();
    } catch (IOException e) {
      throw new IllegalArgumentException(describe(file, e), e);
    }
    return access;
  }

  /** Whether requests must carry a token (else only this host may act). */
  public boolean needsToken() {
    return token != null || tokenFile != null;
  }

  /** The token file, or null. */
  public Path tokenFile() {
    return tokenFile;
  }

  /** Decides a mutating request from {@code remote} with the {@code Authorization} header. */
  public Decision decide(InetAddress remote, String authorization) {
    if (!needsToken()) {
      return remote != null && remote.isLoopbackAddress() ? Decision.ALLOWED : Decision.FORBIDDEN;
    }
    if (authorization == null || !authorization.startsWith("Bearer ")) {
      return Decision.NO_CREDENTIAL;
    }
    String expected;
    try {
      expected = currentToken();
    } catch (IOException e) {
      return Decision.TOKEN_UNREADABLE;
    }
    byte[] given =
        authorization.substring("Bearer ".length()).strip().getBytes(StandardCharsets.UTF_8);
    return MessageDigest.isEqual(given, expected.getBytes(StandardCharsets.UTF_8))
        ? Decision.ALLOWED
        : Decision.FORBIDDEN;
  }

  /** Why the token file cannot be read now, for the 503 answer and the log. */
  public String tokenProblem() {
    if (tokenFile == null) {
      return null;
    }
    try {
      currentToken();
      return null;
    } catch (IOException e) {
      return describe(tokenFile, e);
    }
  }

  private String currentToken() throws IOException {
    if (tokenFile == null) {
      return token;
    }
    String text = Files.readString(tokenFile, StandardCharsets.UTF_8).strip();
    if (text.isEmpty()) {
      throw new IOException("it is empty");
    }
    return text;
  }

  private static String requireToken(String token, String what) {
    if (token == null || token.isBlank()) {
      throw new IllegalArgumentException(what + " is empty");
    }
    return token;
  }

  private static String describe(Path file, IOException e) {
    String why =
        e instanceof NoSuchFileException
            ? "no such file"
            : e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return "token file " + file + ": " + why;
  }
}

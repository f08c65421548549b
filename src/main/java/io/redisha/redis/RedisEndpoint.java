package io.redisha.redis;

import java.util.Objects;
import java.util.Optional;

/**
 * Where one Redis server listens and how to log in to it. The credentials are also used as {@code
 * masteruser}/{@code masterauth} when this server follows another one of the same group.
 *
 * @param host address or host name to connect to
 * @param port TCP port, 1-65535 (the TLS port when {@code access} has TLS)
 * @param access user, password and TLS
 * @param certificateName with TLS, the address or host name the server's certificate must name: the
 *     node's address for the agent's own Redis, reached over 127.0.0.1
 */
public record RedisEndpoint(String host, int port, RedisAccess access, String certificateName) {

  public RedisEndpoint {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(access, "access");
    Objects.requireNonNull(certificateName, "certificateName");
    if (host.isBlank()) {
      throw new IllegalArgumentException("host must not be blank");
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port must be 1-65535, was " + port);
    }
  }

  /** The server at {@code host}, as the default user with {@code password} or without one. */
  public RedisEndpoint(String host, int port, Optional<String> password) {
    this(host, port, RedisAccess.password(password), host);
  }

  /** The server at {@code host} with {@code access}, its certificate naming {@code host}. */
  public RedisEndpoint(String host, int port, RedisAccess access) {
    this(host, port, access, host);
  }

  /** An endpoint without a password. */
  public static RedisEndpoint of(String host, int port) {
    return new RedisEndpoint(host, port, RedisAccess.NONE, host);
  }

  /** The password of the user, if any. */
  public Optional<String> password() {
    return access.password();
  }

  /** The same server with other credentials. */
  public RedisEndpoint withAccess(RedisAccess newAccess) {
    return new RedisEndpoint(host, port, newAccess, certificateName);
  }

  /** {@code host:port}, as Redis and its logs write it. */
  public String address() {
    return host.contains(":") ? "[" + host + "]:" + port : host + ":" + port;
  }

  /** Never shows the password. */
  @Override
  public String toString() {
    return address() + " (" + access + ")";
  }
}

package io.redisha.redis;

import java.util.Objects;
import java.util.Optional;

/**
 * Where one Redis server listens, and the password of its default user if it has one. The password
 * is also used as {@code masterauth} when this server follows another one of the same group.
 *
 * @param host address or host name
 * @param port TCP port, 1-65535
 * @param password {@code requirepass} of the server; empty when it has none
 */
public record RedisEndpoint(String host, int port, Optional<String> password) {

  public RedisEndpoint {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(password, "password");
    if (host.isBlank()) {
      throw new IllegalArgumentException("host must not be blank");
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port must be 1-65535, was " + port);
    }
    if (password.isPresent() && password.get().isEmpty()) {
      throw new IllegalArgumentException("password must not be empty (use Optional.empty())");
    }
  }

  /** An endpoint without a password. */
  public static RedisEndpoint of(String host, int port) {
    return new RedisEndpoint(host, port, Optional.empty());
  }

  /** {@code host:port}, as Redis and its logs write it. */
  public String address() {
    return host.contains(":") ? "[" + host + "]:" + port : host + ":" + port;
  }

  /** Never shows the password. */
  @Override
  public String toString() {
    return address() + (password.isPresent() ? " (with password)" : "");
  }
}

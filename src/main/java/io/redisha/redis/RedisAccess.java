package io.redisha.redis;

import java.util.Objects;
import java.util.Optional;

/**
 * How the agent logs in to the Redis servers of a pair: the ACL user and its password (the same on
 * both servers, also used as {@code masteruser}/{@code masterauth} when one server follows the
 * other) and TLS.
 *
 * @param username ACL user; empty for Redis's {@code default} user
 * @param password the user's password ({@code requirepass} for the default user); empty for none
 * @param tls TLS towards the servers; empty for plain TCP
 */
public record RedisAccess(
    Optional<String> username, Optional<String> password, Optional<RedisTls> tls) {

  /** Plain TCP as the default user without a password. */
  public static final RedisAccess NONE =
      new RedisAccess(Optional.empty(), Optional.empty(), Optional.empty());

  public RedisAccess {
    Objects.requireNonNull(username, "username");
    Objects.requireNonNull(password, "password");
    Objects.requireNonNull(tls, "tls");
    if (username.isPresent() && username.get().isBlank()) {
      throw new IllegalArgumentException("username must not be blank (use Optional.empty())");
    }
    if (password.isPresent() && password.get().isEmpty()) {
      throw new IllegalArgumentException("password must not be empty (use Optional.empty())");
    }
    if (username.isPresent() && password.isEmpty()) {
      throw new IllegalArgumentException("an ACL user logs in with a password: give one");
    }
  }

  /** The default user with {@code password}, or without one. */
  public static RedisAccess password(Optional<String> password) {
    return new RedisAccess(Optional.empty(), password, Optional.empty());
  }

  /** The user Redis knows the agent as: the ACL user, or {@code default}. */
  public String user() {
    return username.orElse("default");
  }

  /** Never shows the password. */
  @Override
  public String toString() {
    StringBuilder text = new StringBuilder("user ").append(user());
    text.append(password.isPresent() ? " with password" : " without password");
    tls.ifPresent(t -> text.append(", TLS"));
    return text.toString();
  }
}

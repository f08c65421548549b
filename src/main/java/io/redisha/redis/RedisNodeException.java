package io.redisha.redis;

/**
 * A command to a Redis server failed: it timed out, the connection could not be made or was lost,
 * or Redis answered with an error. The message names the server and the command.
 */
public class RedisNodeException extends RuntimeException {
  public RedisNodeException(String message, Throwable cause) {
    super(message, cause);
  }

  public RedisNodeException(String message) {
    super(message);
  }
}

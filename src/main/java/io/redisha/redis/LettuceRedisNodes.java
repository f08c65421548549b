package io.redisha.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.MaintNotificationsConfig;
import io.lettuce.core.RedisClient;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.protocol.ProtocolVersion;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Opens {@link RedisNode}s backed by lettuce. All nodes opened here share one lettuce client and
 * its two I/O threads, so an agent with many groups stays small. Create one per process, close it
 * last.
 *
 * <p>Lettuce's automatic reconnect is off on purpose: a node reconnects only when it is called, so
 * a dead server costs one refused connection attempt per call instead of a background retry loop,
 * and a lost connection is always reported instead of being hidden by a silent reconnect.
 */
public final class LettuceRedisNodes implements AutoCloseable {

  /** Longest time one TCP connection attempt may take in the background. */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(1);

  private final ClientResources resources;
  private final RedisClient client;

  /** A factory whose connection attempts give up after {@link #DEFAULT_CONNECT_TIMEOUT}. */
  public LettuceRedisNodes() {
    this(DEFAULT_CONNECT_TIMEOUT);
  }

  /** A factory whose connection attempts give up after {@code connectTimeout}. */
  public LettuceRedisNodes(Duration connectTimeout) {
    requirePositive(connectTimeout, "connectTimeout");
    resources =
        DefaultClientResources.builder().ioThreadPoolSize(2).computationThreadPoolSize(2).build();
    client = RedisClient.create(resources);
    client.setOptions(
        ClientOptions.builder()
            .autoReconnect(false)
            .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
            // RESP2 works with every Redis the agent may meet; RESP3 buys nothing here.
            .protocolVersion(ProtocolVersion.RESP2)
            .timeoutOptions(TimeoutOptions.enabled())
            // Redis Enterprise maintenance push messages: not ours; saves a handshake round trip.
            .maintNotificationsConfig(MaintNotificationsConfig.disabled())
            .socketOptions(
                SocketOptions.builder().connectTimeout(connectTimeout).tcpNoDelay(true).build())
            .build());
  }

  /**
   * A node for the server at {@code endpoint}. Nothing is connected until the first call.
   *
   * @param commandTimeout time limit of every call but {@link RedisNode#check}, which takes its own
   * @param listener hears lost connections and restarts; {@link RedisNode.Listener#NONE} for none
   */
  public RedisNode open(
      RedisEndpoint endpoint, Duration commandTimeout, RedisNode.Listener listener) {
    Objects.requireNonNull(endpoint, "endpoint");
    Objects.requireNonNull(listener, "listener");
    requirePositive(commandTimeout, "commandTimeout");
    return new LettuceRedisNode(client, endpoint, commandTimeout, listener);
  }

  /** Closes the shared client; nodes opened here stop working. */
  @Override
  public void close() {
    client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    resources.shutdown(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
  }

  static void requirePositive(Duration duration, String name) {
    Objects.requireNonNull(duration, name);
    if (duration.isNegative() || duration.isZero()) {
      throw new IllegalArgumentException(name + " must be positive, was " + duration);
    }
  }
}

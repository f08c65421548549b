package io.redisha.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.MaintNotificationsConfig;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.SslOptions;
import io.lettuce.core.SslVerifyMode;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.protocol.ProtocolVersion;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.DefaultEventLoopGroupProvider;
import io.netty.handler.ssl.util.KeyManagerFactoryWrapper;
import io.netty.handler.ssl.util.SimpleTrustManagerFactory;
import io.netty.util.concurrent.DefaultEventExecutorGroup;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.ManagerFactoryParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Opens {@link RedisNode}s backed by lettuce. All nodes opened here share one lettuce I/O thread
 * and one computation thread, so an agent with many groups stays small (a check is a few small
 * commands on an idle connection: one event loop carries all of them). Create one per process,
 * close it last.
 *
 * <p>Lettuce's automatic reconnect is off on purpose: a node reconnects only when it is called, so
 * a dead server costs one refused connection attempt per call instead of a background retry loop,
 * and a lost connection is always reported instead of being hidden by a silent reconnect.
 *
 * <p>With TLS, the server's certificate must chain to the configured CA and name the endpoint's
 * {@link RedisEndpoint#certificateName()}; the agent shows its client certificate when it has one.
 */
public final class LettuceRedisNodes implements AutoCloseable {

  /** Longest time one TCP connection attempt (with its TLS handshake) may take. */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(1);

  private final ClientResources resources;
  private final DefaultEventLoopGroupProvider eventLoops;
  private final DefaultEventExecutorGroup computation;
  private final Duration connectTimeout;
  private final Set<LettuceRedisNode> open = ConcurrentHashMap.newKeySet();
  private final Set<CompletableFuture<Void>> shuttingDown = ConcurrentHashMap.newKeySet();

  /** A factory whose connection attempts give up after {@link #DEFAULT_CONNECT_TIMEOUT}. */
  public LettuceRedisNodes() {
    this(DEFAULT_CONNECT_TIMEOUT);
  }

  /** A factory whose connection attempts give up after {@code connectTimeout}. */
  public LettuceRedisNodes(Duration connectTimeout) {
    requirePositive(connectTimeout, "connectTimeout");
    this.connectTimeout = connectTimeout;
    // Given as a provider: lettuce raises a pool size below 2 to 2, a provider it takes as it is.
    eventLoops = new DefaultEventLoopGroupProvider(1);
    computation = new DefaultEventExecutorGroup(1);
    resources =
        DefaultClientResources.builder()
            .eventLoopGroupProvider(eventLoops)
            .eventExecutorGroup(computation)
            .build();
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
    LettuceRedisNode node = new LettuceRedisNode(this, endpoint, commandTimeout, listener);
    open.add(node);
    return node;
  }

  /**
   * A client and URI for {@code endpoint}'s credentials: a client of its own, since TLS settings
   * (the CA, the name the certificate must carry, the client key) are a lettuce client's options.
   */
  LettuceRedisNode.Session session(RedisEndpoint endpoint, Duration commandTimeout) {
    RedisAccess access = endpoint.access();
    RedisURI.Builder uri =
        RedisURI.builder()
            .withHost(endpoint.host())
            .withPort(endpoint.port())
            .withTimeout(commandTimeout)
            .withClientName(LettuceRedisNode.CLIENT_NAME)
            // No CLIENT SETINFO: one command fewer for the ACL, and Redis 7.0 has none.
            .withLibraryName("")
            .withLibraryVersion("");
    if (access.password().isPresent()) {
      if (access.username().isPresent()) {
        uri.withAuthentication(access.username().get(), access.password().get().toCharArray());
      } else {
        uri.withPassword(access.password().get().toCharArray());
      }
    }
    ClientOptions.Builder options =
        ClientOptions.builder()
            .autoReconnect(false)
            .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
            // RESP2 works with every Redis the agent may meet; RESP3 buys nothing here.
            .protocolVersion(ProtocolVersion.RESP2)
            .timeoutOptions(TimeoutOptions.enabled())
            // Redis Enterprise maintenance push messages: not ours; saves a handshake round trip.
            .maintNotificationsConfig(MaintNotificationsConfig.disabled())
            .socketOptions(
                SocketOptions.builder().connectTimeout(connectTimeout).tcpNoDelay(true).build());
    if (access.tls().isPresent()) {
      RedisTls tls = access.tls().get();
      // CA mode: lettuce's own host check would compare with the host connected to (127.0.0.1 for
      // the local Redis); the trust manager checks the name the endpoint expects instead.
      uri.withSsl(true).withVerifyPeer(SslVerifyMode.CA);
      SslOptions.Builder ssl =
          SslOptions.builder()
              .jdkSslProvider()
              .handshakeTimeout(connectTimeout)
              .trustManager(trustManagerFactory(tls.trustManager(endpoint.certificateName())));
      X509ExtendedKeyManager keys = tls.keyManager();
      if (keys != null) {
        ssl.keyManager(new KeyManagerFactoryWrapper(keys));
      }
      options.sslOptions(ssl.build());
    }
    RedisClient client = RedisClient.create(resources);
    client.setOptions(options.build());
    return new LettuceRedisNode.Session(endpoint, client, uri.build());
  }

  private static SimpleTrustManagerFactory trustManagerFactory(X509ExtendedTrustManager manager) {
    return new SimpleTrustManagerFactory() {
      @Override
      protected void engineInit(KeyStore keyStore) {}

      @Override
      protected void engineInit(ManagerFactoryParameters parameters) {}

      @Override
      protected TrustManager[] engineGetTrustManagers() {
        return new TrustManager[] {manager};
      }
    };
  }

  void closed(LettuceRedisNode node) {
    open.remove(node);
  }

  /** A retired client shutting down; {@link #close} waits for it before the shared threads end. */
  void retiring(CompletableFuture<Void> shutdown) {
    shuttingDown.add(shutdown);
    shutdown.whenComplete((done, error) -> shuttingDown.remove(shutdown));
  }

  /** Closes every node opened here and the shared threads. */
  @Override
  public void close() {
    for (LettuceRedisNode node : List.copyOf(open)) {
      node.close();
    }
    // A client still shutting down when the event loops end fails to notify its listeners (netty
    // logs a RejectedExecutionException at agent stops).
    try {
      CompletableFuture.allOf(shuttingDown.toArray(CompletableFuture[]::new))
          .get(3, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      // a client that does not end in time ends with the threads below
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    resources.shutdown(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
    // Given to lettuce, so not shut down by it.
    eventLoops.shutdown(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
    computation
        .shutdownGracefully(0, 2, TimeUnit.SECONDS)
        .awaitUninterruptibly(3, TimeUnit.SECONDS);
  }

  static void requirePositive(Duration duration, String name) {
    Objects.requireNonNull(duration, name);
    if (duration.isNegative() || duration.isZero()) {
      throw new IllegalArgumentException(name + " must be positive, was " + duration);
    }
  }
}

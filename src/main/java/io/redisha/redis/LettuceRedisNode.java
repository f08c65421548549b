package io.redisha.redis;

import io.lettuce.core.KillArgs;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link RedisNode} over one lettuce connection. The connection is made on demand by whichever call
 * needs it first; concurrent callers share that attempt and each waits only until its own deadline.
 */
final class LettuceRedisNode implements RedisNode {
  private static final Logger LOG = LoggerFactory.getLogger(LettuceRedisNode.class);

  /** Shows in {@code CLIENT LIST}, so operators can tell the agent's connection apart. */
  static final String CLIENT_NAME = "redisha-agent";

  private final RedisClient client;
  private final RedisEndpoint endpoint;
  private final RedisURI uri;
  private final Duration commandTimeout;
  private final Listener listener;
  private final AtomicReference<String> lastRunId = new AtomicReference<>();
  private final AtomicBoolean fenceUnreadable = new AtomicBoolean();

  private final Object lock = new Object();
  private CompletableFuture<Link> link; // guarded by lock
  private boolean closed; // guarded by lock

  LettuceRedisNode(
      RedisClient client, RedisEndpoint endpoint, Duration commandTimeout, Listener listener) {
    this.client = client;
    this.endpoint = endpoint;
    this.commandTimeout = commandTimeout;
    this.listener = listener;
    RedisURI.Builder builder =
        RedisURI.builder()
            .withHost(endpoint.host())
            .withPort(endpoint.port())
            .withTimeout(commandTimeout)
            .withClientName(CLIENT_NAME);
    endpoint.password().ifPresent(password -> builder.withPassword(password.toCharArray()));
    this.uri = builder.build();
  }

  @Override
  public ReplicationInfo check(Duration timeout) {
    LettuceRedisNodes.requirePositive(timeout, "timeout");
    long deadline = System.nanoTime() + timeout.toNanos();
    RedisAsyncCommands<String, String> commands = connection(deadline).async();
    // Sent back to back so one check costs one round trip.
    CompletionStage<String> ping = commands.ping();
    CompletionStage<String> server = commands.info("server");
    CompletionStage<String> replication = commands.info("replication");
    CompletionStage<String> keyspace = commands.info("keyspace");
    CompletionStage<Map<String, String>> fence = commands.configGet("min-replicas-*");
    String pong;
    String text;
    try {
      pong = await(ping, deadline, "PING");
      text =
          await(server, deadline, "INFO server")
              + await(replication, deadline, "INFO replication")
              + await(keyspace, deadline, "INFO keyspace");
    } catch (RedisNodeException e) {
      if (e.getCause() instanceof TimeoutException) {
        // Unanswered on an open connection: the path may be black-holed (a cut link) and TCP's
        // retransmission backs off for seconds. Start afresh next time so a healed path answers
        // at once.
        dropConnection();
      }
      throw e;
    } finally {
      for (CompletionStage<?> stage : List.of(ping, server, replication, keyspace)) {
        stage.toCompletableFuture().cancel(false);
      }
    }
    OptionalInt minReplicasToWrite = writeFenceSetting(fence, deadline);
    if (!"PONG".equals(pong)) {
      throw new RedisNodeException(describe("PING answered '" + pong + "' instead of PONG"));
    }
    ReplicationInfo info;
    try {
      info = ReplicationInfo.parse(text);
    } catch (IllegalArgumentException e) {
      throw new RedisNodeException(describe("unreadable INFO: " + e.getMessage()), e);
    }
    String previous = lastRunId.getAndSet(info.runId());
    if (previous != null && !previous.equals(info.runId())) {
      listener.restarted(previous, info.runId());
    }
    return minReplicasToWrite.isPresent()
        ? info.withMinReplicasToWrite(minReplicasToWrite.getAsInt())
        : info;
  }

  /**
   * {@code min-replicas-to-write} as it acts (0 when {@code min-replicas-max-lag} is 0, which turns
   * it off); empty when CONFIG GET is not allowed, which leaves the agent without a write fence.
   */
  private OptionalInt writeFenceSetting(CompletionStage<Map<String, String>> reply, long deadline) {
    Map<String, String> settings;
    try {
      settings = await(reply, deadline, "CONFIG GET min-replicas-*");
    } catch (RedisNodeException e) {
      reply.toCompletableFuture().cancel(false);
      if (fenceUnreadable.compareAndSet(false, true)) {
        LOG.warn(
            "{}: cannot read min-replicas-to-write ({}); the write fence is off: allow CONFIG"
                + " GET/SET for the agent's user",
            endpoint,
            e.getMessage());
      }
      return OptionalInt.empty();
    }
    try {
      int toWrite = Integer.parseInt(settings.getOrDefault("min-replicas-to-write", "0"));
      int maxLag = Integer.parseInt(settings.getOrDefault("min-replicas-max-lag", "10"));
      return OptionalInt.of(maxLag == 0 ? 0 : toWrite);
    } catch (NumberFormatException e) {
      return OptionalInt.empty();
    }
  }

  @Override
  public void promote() {
    run("REPLICAOF NO ONE", RedisAsyncCommands::replicaofNoOne);
  }

  @Override
  public void follow(String host, int port) {
    RedisEndpoint master = RedisEndpoint.of(host, port); // validates host and port
    long deadline = System.nanoTime() + commandTimeout.toNanos();
    RedisAsyncCommands<String, String> commands = connection(deadline).async();
    if (endpoint.password().isPresent()) {
      // The pair shares one password. Set before REPLICAOF, so the first sync authenticates.
      await(
          commands.configSet("masterauth", endpoint.password().get()),
          deadline,
          "CONFIG SET masterauth");
    }
    await(commands.replicaof(host, port), deadline, "REPLICAOF " + master.address());
  }

  @Override
  public void setWriteFence(boolean closed) {
    int value = closed ? WriteFence.CLOSED : WriteFence.OPEN;
    run(
        "CONFIG SET min-replicas-to-write " + value,
        commands -> commands.configSet("min-replicas-to-write", Integer.toString(value)));
  }

  @Override
  public long killNormalClients() {
    return run(
        "CLIENT KILL TYPE normal SKIPME yes",
        commands -> commands.clientKill(KillArgs.Builder.typeNormal().skipme(true)));
  }

  @Override
  public void pauseWrites(Duration duration) {
    LettuceRedisNodes.requirePositive(duration, "duration");
    long millis = Math.max(1, duration.toMillis());
    run(
        "CLIENT PAUSE " + millis + " WRITE",
        commands ->
            commands.dispatch(
                CommandType.CLIENT,
                new StatusOutput<>(StringCodec.UTF8),
                new CommandArgs<>(StringCodec.UTF8).add("PAUSE").add(millis).add("WRITE")));
  }

  @Override
  public void unpause() {
    run(
        "CLIENT UNPAUSE",
        commands ->
            commands.dispatch(
                CommandType.CLIENT,
                new StatusOutput<>(StringCodec.UTF8),
                new CommandArgs<>(StringCodec.UTF8).add("UNPAUSE")));
  }

  @Override
  public void close() {
    CompletableFuture<Link> current;
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      current = link;
      link = null;
    }
    if (current != null) {
      current.thenAccept(Link::closeWithoutReport);
    }
  }

  @Override
  public String toString() {
    return "RedisNode[" + endpoint + "]";
  }

  private void dropConnection() {
    CompletableFuture<Link> current;
    synchronized (lock) {
      current = link;
      link = null;
    }
    if (current != null) {
      current.thenAccept(Link::closeWithoutReport);
    }
  }

  private <T> T run(
      String command, Function<RedisAsyncCommands<String, String>, CompletionStage<T>> call) {
    long deadline = System.nanoTime() + commandTimeout.toNanos();
    return await(call.apply(connection(deadline).async()), deadline, command);
  }

  /** The open connection, made now if there is none; waits at most until {@code deadline}. */
  private StatefulRedisConnection<String, String> connection(long deadline) {
    CompletableFuture<Link> attempt;
    synchronized (lock) {
      if (closed) {
        throw new RedisNodeException(describe("node is closed"));
      }
      if (link == null || link.isCompletedExceptionally() || link.isCancelled()) {
        link = connect();
      } else if (link.isDone() && !link.join().usable()) {
        link.join().closeWithoutReport();
        link = connect();
      }
      attempt = link;
    }
    return await(attempt, deadline, "connect").connection;
  }

  private CompletableFuture<Link> connect() {
    return client
        .connectAsync(StringCodec.UTF8, uri)
        .toCompletableFuture()
        .thenApply(
            connection -> {
              Link opened = new Link(connection);
              connection.addListener(opened);
              if (!connection.isOpen()) {
                // Closed between the handshake and addListener: the event is gone, report it here.
                opened.onRedisDisconnected(null);
              }
              return opened;
            });
  }

  private <T> T await(CompletionStage<T> stage, long deadline, String what) {
    Future<T> future = stage.toCompletableFuture();
    long remaining = Math.max(0, deadline - System.nanoTime());
    try {
      return future.get(remaining, TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      throw new RedisNodeException(describe(what + " got no answer in time"), e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      throw new RedisNodeException(describe(what + " failed: " + rootMessage(cause)), cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RedisNodeException(describe(what + " was interrupted"), e);
    }
  }

  private String describe(String problem) {
    return "Redis " + endpoint.address() + ": " + problem;
  }

  private static String rootMessage(Throwable error) {
    Throwable root = error;
    StringBuilder message = new StringBuilder(String.valueOf(error.getMessage()));
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
      if (root.getMessage() != null && !message.toString().contains(root.getMessage())) {
        message.append(": ").append(root.getMessage());
      }
    }
    return message.toString();
  }

  /** One connection and whether its loss was already reported. */
  private final class Link implements RedisConnectionStateListener {
    final StatefulRedisConnection<String, String> connection;
    private final AtomicBoolean ended = new AtomicBoolean();
    private final AtomicBoolean closing = new AtomicBoolean();
    private volatile Throwable lastError;

    Link(StatefulRedisConnection<String, String> connection) {
      this.connection = connection;
    }

    boolean usable() {
      return !ended.get() && connection.isOpen();
    }

    void closeWithoutReport() {
      ended.set(true);
      close();
    }

    private void close() {
      if (closing.compareAndSet(false, true)) {
        connection.closeAsync();
      }
    }

    @Override
    public void onRedisExceptionCaught(RedisChannelHandler<?, ?> handler, Throwable cause) {
      lastError = cause;
    }

    @Override
    public void onRedisDisconnected(RedisChannelHandler<?, ?> handler) {
      if (!ended.compareAndSet(false, true)) {
        return;
      }
      Throwable error = lastError;
      String reason =
          describe("connection closed" + (error == null ? "" : " (" + rootMessage(error) + ")"));
      try {
        listener.connectionLost(reason);
      } catch (RuntimeException e) {
        LOG.warn("connection-lost listener of {} failed", endpoint, e);
      }
      close();
    }
  }
}

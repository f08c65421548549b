package io.redisha.redis;

import io.lettuce.core.KillArgs;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import java.net.InetAddress;
import java.time.Duration;
import java.util.LinkedHashMap;
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
 *
 * <p>Each set of credentials is a {@link Session}: its own lettuce client (TLS settings are a
 * client's options) on the shared I/O threads, and the URI with the user and password. New
 * credentials get a new session whose first connection must log in before it replaces the old one,
 * so a rotation never leaves the node without a working connection.
 */
final class LettuceRedisNode implements RedisNode {
  private static final Logger LOG = LoggerFactory.getLogger(LettuceRedisNode.class);

  /** Shows in {@code CLIENT LIST}, so operators can tell the agent's connection apart. */
  static final String CLIENT_NAME = "redisha-agent";

  private final LettuceRedisNodes factory;
  private final Duration commandTimeout;
  private final Listener listener;
  private final AtomicReference<String> lastRunId = new AtomicReference<>();
  private final AtomicBoolean fenceUnreadable = new AtomicBoolean();
  private volatile boolean infoSectionsTogether = true;

  private final Object lock = new Object();
  private Session session; // guarded by lock: how new connections are made
  private CompletableFuture<Link> link; // guarded by lock
  private Session linkSession; // guarded by lock: the session link was made with
  private boolean closed; // guarded by lock

  /** One set of credentials: its client and URI. */
  record Session(RedisEndpoint endpoint, RedisClient client, RedisURI uri) {}

  LettuceRedisNode(
      LettuceRedisNodes factory,
      RedisEndpoint endpoint,
      Duration commandTimeout,
      Listener listener) {
    this.factory = factory;
    this.commandTimeout = commandTimeout;
    this.listener = listener;
    this.session = factory.session(endpoint, commandTimeout);
  }

  private boolean overLoopback() {
    try {
      return InetAddress.ofLiteral(endpoint().host()).isLoopbackAddress();
    } catch (IllegalArgumentException e) {
      return false; // a host name
    }
  }

  private RedisEndpoint endpoint() {
    synchronized (lock) {
      return session.endpoint();
    }
  }

  @Override
  public ReplicationInfo check(Duration timeout) {
    LettuceRedisNodes.requirePositive(timeout, "timeout");
    long deadline = System.nanoTime() + timeout.toNanos();
    RedisAsyncCommands<String, String> commands = connection(deadline).async();
    // Sent back to back so one check costs one round trip; Redis 7 answers the three INFO sections
    // in one command, which costs both sides less than three.
    boolean together = infoSectionsTogether;
    CompletionStage<String> ping = commands.ping();
    List<CompletionStage<String>> sections =
        together
            ? List.of(
                commands.dispatch(
                    CommandType.INFO,
                    new StatusOutput<>(StringCodec.UTF8),
                    new CommandArgs<>(StringCodec.UTF8)
                        .add("server")
                        .add("replication")
                        .add("keyspace")))
            : List.of(
                commands.info("server"), commands.info("replication"), commands.info("keyspace"));
    CompletionStage<Map<String, String>> fence = commands.configGet("min-replicas-*");
    String pong;
    StringBuilder text = new StringBuilder();
    try {
      pong = await(ping, deadline, AgentAcl.PING, "PING");
      for (CompletionStage<String> section : sections) {
        text.append(await(section, deadline, AgentAcl.INFO, "INFO server replication keyspace"));
      }
    } catch (RedisNodeException e) {
      if (e.getCause() instanceof TimeoutException && !overLoopback()) {
        // Unanswered on an open connection: the path may be black-holed (a cut link) and TCP's
        // retransmission backs off for seconds. Start afresh next time so a healed path answers
        // at once. Loopback is never cut: a late answer there comes on this connection, while a
        // new one would cost a TLS handshake right when the host is short of time.
        dropConnection();
      }
      if (together && !(e instanceof RedisRefusedException) && olderInfo(e)) {
        // Redis before 7.0 takes one INFO section at a time.
        infoSectionsTogether = false;
        fence.toCompletableFuture().cancel(false);
        return check(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
      }
      throw e;
    } finally {
      ping.toCompletableFuture().cancel(false);
      for (CompletionStage<String> section : sections) {
        section.toCompletableFuture().cancel(false);
      }
    }
    OptionalInt minReplicasToWrite = writeFenceSetting(fence, deadline);
    if (!"PONG".equals(pong)) {
      throw new RedisNodeException(describe("PING answered '" + pong + "' instead of PONG"));
    }
    ReplicationInfo info;
    try {
      info = ReplicationInfo.parse(text.toString());
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
   * it off); empty when CONFIG GET is not allowed, which leaves the agent without a write fence. A
   * CONFIG GET that got no answer (a lossy or cut link) fails the whole check like the INFO it came
   * with: it says nothing about the ACL, and a look that cannot tell whether the fence is closed
   * did not see the server.
   *
   * @throws RedisNodeException when CONFIG GET got no answer or failed for another reason
   */
  private OptionalInt writeFenceSetting(CompletionStage<Map<String, String>> reply, long deadline) {
    Map<String, String> settings;
    try {
      settings = await(reply, deadline, AgentAcl.CONFIG_GET, "CONFIG GET min-replicas-*");
    } catch (RedisRefusedException e) {
      reply.toCompletableFuture().cancel(false);
      if (fenceUnreadable.compareAndSet(false, true)) {
        LOG.warn(
            "{}: cannot read min-replicas-to-write ({}); the write fence is off: allow CONFIG"
                + " GET/SET for the agent's user",
            endpoint(),
            e.getMessage());
      }
      return OptionalInt.empty();
    } catch (RedisNodeException e) {
      reply.toCompletableFuture().cancel(false);
      throw e;
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
    run(AgentAcl.REPLICAOF, "REPLICAOF NO ONE", RedisAsyncCommands::replicaofNoOne);
  }

  @Override
  public void follow(String host, int port) {
    RedisEndpoint master = RedisEndpoint.of(host, port); // validates host and port
    long deadline = System.nanoTime() + commandTimeout.toNanos();
    RedisAsyncCommands<String, String> commands = connection(deadline).async();
    // Before REPLICAOF, so the first sync already logs in (and speaks TLS) as it must.
    setReplicationConfig(commands, deadline);
    await(
        commands.replicaof(host, port),
        deadline,
        AgentAcl.REPLICAOF,
        "REPLICAOF " + master.address());
  }

  @Override
  public void configureReplication() {
    long deadline = System.nanoTime() + commandTimeout.toNanos();
    setReplicationConfig(connection(deadline).async(), deadline);
  }

  /**
   * The pair shares one user and password, so this server logs in to its master with the agent's
   * own: {@code masteruser} and {@code masterauth}, and {@code tls-replication} when the agent
   * speaks TLS (the group's port is then the TLS port on both nodes). One CONFIG SET, so Redis
   * takes all of them or none.
   */
  private void setReplicationConfig(RedisAsyncCommands<String, String> commands, long deadline) {
    RedisAccess access = endpoint().access();
    Map<String, String> config = new LinkedHashMap<>();
    if (access.password().isPresent()) {
      config.put("masteruser", access.username().orElse(""));
      config.put("masterauth", access.password().get());
    }
    if (access.tls().isPresent()) {
      config.put("tls-replication", "yes");
    }
    if (!config.isEmpty()) {
      await(
          commands.configSet(config),
          deadline,
          AgentAcl.CONFIG_SET,
          "CONFIG SET " + String.join(" ", config.keySet()));
    }
  }

  @Override
  public void setWriteFence(WriteFence.Setting setting) {
    run(AgentAcl.CONFIG_SET, fenceCommand(setting), commands -> commands.configSet(fence(setting)));
  }

  /** One CONFIG SET, so Redis never runs with the new count and an old lag. */
  private static Map<String, String> fence(WriteFence.Setting setting) {
    Map<String, String> config = new LinkedHashMap<>();
    config.put("min-replicas-max-lag", Integer.toString(WriteFence.GUARD_MAX_LAG_SECONDS));
    config.put("min-replicas-to-write", Integer.toString(setting.minReplicasToWrite()));
    return config;
  }

  private static String fenceCommand(WriteFence.Setting setting) {
    return "CONFIG SET min-replicas-max-lag "
        + WriteFence.GUARD_MAX_LAG_SECONDS
        + " min-replicas-to-write "
        + setting.minReplicasToWrite();
  }

  @Override
  public void openFenceAndPromote(WriteFence.Setting setting) {
    long deadline = System.nanoTime() + commandTimeout.toNanos();
    RedisAsyncCommands<String, String> commands = connection(deadline).async();
    // Both written before either answer is read: one round trip instead of two. Not MULTI, which
    // the agent's documented ACL does not grant; Redis runs the two in order all the same.
    CompletionStage<String> fence = commands.configSet(fence(setting));
    CompletionStage<String> promote = commands.replicaofNoOne();
    RedisNodeException fenceFailure = null;
    try {
      await(fence, deadline, AgentAcl.CONFIG_SET, fenceCommand(setting));
    } catch (RedisNodeException e) {
      fenceFailure = e;
    }
    try {
      await(promote, deadline, AgentAcl.REPLICAOF, "REPLICAOF NO ONE");
    } catch (RedisNodeException e) {
      if (fenceFailure != null) {
        fenceFailure.addSuppressed(e);
        throw fenceFailure;
      }
      throw e;
    }
    if (fenceFailure != null) {
      throw fenceFailure;
    }
  }

  @Override
  public long killNormalClients() {
    return run(
        AgentAcl.CLIENT_KILL,
        "CLIENT KILL TYPE normal SKIPME yes",
        commands -> commands.clientKill(KillArgs.Builder.typeNormal().skipme(true)));
  }

  @Override
  public void pauseWrites(Duration duration) {
    LettuceRedisNodes.requirePositive(duration, "duration");
    long millis = Math.max(1, duration.toMillis());
    run(
        AgentAcl.CLIENT_PAUSE,
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
        AgentAcl.CLIENT_UNPAUSE,
        "CLIENT UNPAUSE",
        commands ->
            commands.dispatch(
                CommandType.CLIENT,
                new StatusOutput<>(StringCodec.UTF8),
                new CommandArgs<>(StringCodec.UTF8).add("UNPAUSE")));
  }

  @Override
  public void updateAccess(RedisAccess access) {
    Session current;
    synchronized (lock) {
      if (closed) {
        throw new RedisNodeException(describe("node is closed"));
      }
      current = session;
    }
    if (current.endpoint().access().equals(access)) {
      return;
    }
    Session next = factory.session(current.endpoint().withAccess(access), commandTimeout);
    long deadline = System.nanoTime() + commandTimeout.toNanos();
    if (reauthenticate(current, next, deadline)) {
      return;
    }
    CompletableFuture<Link> attempt = connect(next);
    Link opened;
    try {
      opened = await(attempt, deadline, AgentAcl.AUTH, "connect with the new credentials");
    } catch (RedisNodeException e) {
      attempt.thenAccept(Link::closeWithoutReport);
      next.client().shutdownAsync(0, 2, TimeUnit.SECONDS);
      throw e;
    }
    CompletableFuture<Link> replaced;
    Session replacedLinkSession;
    synchronized (lock) {
      if (closed) {
        opened.closeWithoutReport();
        next.client().shutdownAsync(0, 2, TimeUnit.SECONDS);
        throw new RedisNodeException(describe("node is closed"));
      }
      replaced = link;
      replacedLinkSession = linkSession;
      Session replacedSession = session;
      link = CompletableFuture.completedFuture(opened);
      linkSession = next;
      session = next;
      if (replacedSession != replacedLinkSession) {
        retire(replacedSession);
      }
    }
    if (replaced != null) {
      replaced.thenAccept(Link::forget); // the retired client closes it
    }
    if (replacedLinkSession != null) {
      retire(replacedLinkSession);
    }
  }

  /**
   * A new password (or user) over the same TLS: AUTH on the open connection, which Redis checks
   * like a new login and which leaves the connection as it was when refused; no new connection, no
   * TLS handshake. New connections log in with {@code next} from now on.
   *
   * @return whether it was done that way; false when a new connection is needed (new TLS material,
   *     no password any more, or no open connection)
   * @throws RedisRefusedException when Redis refuses the new credentials
   */
  private boolean reauthenticate(Session current, Session next, long deadline) {
    RedisAccess after = next.endpoint().access();
    Link live = null;
    synchronized (lock) {
      if (link != null && link.isDone() && !link.isCompletedExceptionally()) {
        Link opened = link.join();
        boolean sameTls = linkSession.endpoint().access().tls().equals(after.tls());
        live = opened.usable() && sameTls ? opened : null;
      }
    }
    if (live == null || after.password().isEmpty()) {
      return false;
    }
    RedisAsyncCommands<String, String> commands = live.connection.async();
    try {
      await(
          after.username().isPresent()
              ? commands.auth(after.username().get(), after.password().get())
              : commands.auth(after.password().get()),
          deadline,
          AgentAcl.AUTH,
          "AUTH with the new credentials");
    } catch (RedisNodeException e) {
      next.client().shutdownAsync(0, 0, TimeUnit.SECONDS);
      throw e;
    }
    synchronized (lock) {
      if (session == current) {
        session = next; // the link keeps the old session's client until it is replaced
        return true;
      }
    }
    next.client().shutdownAsync(0, 0, TimeUnit.SECONDS);
    return true;
  }

  @Override
  public void close() {
    CompletableFuture<Link> current;
    Session currentSession;
    Session currentLinkSession;
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      current = link;
      currentSession = session;
      currentLinkSession = linkSession;
      link = null;
      linkSession = null;
    }
    if (current != null) {
      current.thenAccept(Link::forget); // the retired client closes it
    }
    retire(currentSession);
    if (currentLinkSession != null && currentLinkSession != currentSession) {
      retire(currentLinkSession);
    }
    factory.closed(this);
  }

  @Override
  public String toString() {
    return "RedisNode[" + endpoint() + "]";
  }

  /** Shuts down a session's client once nothing uses it any more. */
  private void retire(Session old) {
    factory.retiring(old.client().shutdownAsync(0, 2, TimeUnit.SECONDS));
  }

  private void dropConnection() {
    CompletableFuture<Link> current;
    Session old;
    synchronized (lock) {
      current = link;
      old = linkSession;
      link = null;
      linkSession = null;
      if (old == session) {
        old = null;
      }
    }
    if (current != null) {
      // A link of a retired session is closed with its client.
      current.thenAccept(old == null ? Link::closeWithoutReport : Link::forget);
    }
    if (old != null) {
      retire(old);
    }
  }

  private <T> T run(
      AgentAcl command,
      String what,
      Function<RedisAsyncCommands<String, String>, CompletionStage<T>> call) {
    long deadline = System.nanoTime() + commandTimeout.toNanos();
    return await(call.apply(connection(deadline).async()), deadline, command, what);
  }

  /** The open connection, made now if there is none; waits at most until {@code deadline}. */
  private StatefulRedisConnection<String, String> connection(long deadline) {
    CompletableFuture<Link> attempt;
    Session old = null;
    synchronized (lock) {
      if (closed) {
        throw new RedisNodeException(describe("node is closed"));
      }
      if (link == null || link.isCompletedExceptionally() || link.isCancelled()) {
        old = linkSession;
        link = connect(session);
        linkSession = session;
      } else if (link.isDone() && !link.join().usable()) {
        if (linkSession == session) {
          link.join().closeWithoutReport();
        } else {
          link.join().forget(); // closed with its retired client below
        }
        old = linkSession;
        link = connect(session);
        linkSession = session;
      }
      if (old == session) {
        old = null;
      }
      attempt = link;
    }
    if (old != null) {
      retire(old);
    }
    return await(attempt, deadline, AgentAcl.AUTH, "connect").connection;
  }

  private CompletableFuture<Link> connect(Session with) {
    return with.client()
        .connectAsync(StringCodec.UTF8, with.uri())
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

  private <T> T await(CompletionStage<T> stage, long deadline, AgentAcl command, String what) {
    Future<T> future = stage.toCompletableFuture();
    long remaining = Math.max(0, deadline - System.nanoTime());
    try {
      return future.get(remaining, TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      throw new RedisNodeException(describe(what + " got no answer in time"), e);
    } catch (ExecutionException e) {
      throw failure(command, what, e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RedisNodeException(describe(what + " was interrupted"), e);
    }
  }

  /**
   * The exception for a failed command: a {@link RedisRefusedException} that says what to change
   * when Redis refused it for good, a plain one otherwise.
   */
  private RedisNodeException failure(AgentAcl command, String what, Throwable cause) {
    String reply = redisError(cause);
    if (reply == null) {
      return new RedisNodeException(describe(what + " failed: " + rootMessage(cause)), cause);
    }
    RedisAccess access = endpoint().access();
    String user = access.user();
    if (reply.startsWith("NOPERM")) {
      return new RedisRefusedException(
          command,
          describe(
              "refused "
                  + command
                  + ": NOPERM; grant "
                  + command.rule()
                  + " to user "
                  + user
                  + " (ACL SETUSER "
                  + user
                  + " "
                  + command.rule()
                  + ")"),
          cause);
    }
    if (reply.startsWith("WRONGPASS")) {
      return new RedisRefusedException(
          AgentAcl.AUTH,
          describe(
              "refused AUTH as user "
                  + user
                  + ": "
                  + firstLine(reply)
                  + "; check redis.username and the password against the server's ACL"
                  + " (or requirepass)"),
          cause);
    }
    if (reply.startsWith("NOAUTH")) {
      return new RedisRefusedException(
          AgentAcl.AUTH,
          describe(
              "refused "
                  + command
                  + ": "
                  + firstLine(reply)
                  + "; the server needs a password: set redis.passwordFile (passwordSecretRef"
                  + " in a RedisHAPair)"),
          cause);
    }
    if (reply.startsWith("ERR AUTH")) {
      return new RedisRefusedException(
          AgentAcl.AUTH,
          describe(
              "refused AUTH: "
                  + firstLine(reply)
                  + "; leave the password out, or give the server one (requirepass or an ACL"
                  + " user)"),
          cause);
    }
    if (reply.startsWith("ERR unknown command")) {
      String name = command.command().split(" ")[0];
      return new RedisRefusedException(
          command,
          describe(
              "refused "
                  + command
                  + ": unknown command, renamed or disabled (rename-command "
                  + name
                  + "); the agent needs it for "
                  + command.purpose()
                  + ": remove that rename-command from redis.conf"),
          cause);
    }
    if (reply.startsWith("ERR unknown subcommand")) {
      return new RedisRefusedException(
          command,
          describe(
              "refused "
                  + command
                  + ": this Redis does not have it (Redis 6.2 or later has); the agent needs it"
                  + " for "
                  + command.purpose()),
          cause);
    }
    return new RedisNodeException(describe(what + " failed: " + firstLine(reply)), cause);
  }

  /** Whether {@code e} is a Redis before 7.0 refusing INFO with more than one section. */
  private static boolean olderInfo(RedisNodeException e) {
    String reply = redisError(e.getCause());
    return reply != null && (reply.startsWith("ERR syntax error") || reply.startsWith("ERR wrong"));
  }

  /** The error Redis answered, from anywhere in the cause chain; null when Redis answered none. */
  private static String redisError(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof RedisCommandExecutionException && t.getMessage() != null) {
        return t.getMessage();
      }
    }
    return null;
  }

  private static String firstLine(String text) {
    String line = text.strip().lines().findFirst().orElse("");
    return line.endsWith(".") ? line.substring(0, line.length() - 1) : line;
  }

  private String describe(String problem) {
    return "Redis " + endpoint().address() + ": " + problem;
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

    /** Ends the link without a report and without closing it: its client's shutdown does. */
    void forget() {
      ended.set(true);
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
        LOG.warn("connection-lost listener of {} failed", endpoint(), e);
      }
      close();
    }
  }
}

package io.redisha.agent;

import io.redisha.clock.Scheduler;
import io.redisha.net.TcpProbe;
import io.redisha.redis.AgentAcl;
import io.redisha.redis.RedisAccess;
import io.redisha.redis.RedisEndpoint;
import io.redisha.redis.RedisNode;
import io.redisha.redis.RedisRefusedException;
import io.redisha.redis.ReplicationInfo;
import io.redisha.redis.WriteFence;
import io.redisha.redis.WriteKeeper;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The production {@link RedisPort}: commands run one after another on a virtual worker thread of
 * their own (so a hung Redis never stalls VRRP), and results hop back to the scheduler's thread.
 *
 * <p>A command Redis refuses for good (a missing ACL permission, a renamed command, refused
 * credentials: {@link RedisRefusedException}) is logged once, shows in {@link #refusal()} for the
 * agent's status, and is not sent again until a back-off has passed (1 s, doubling up to 10 s):
 * meanwhile the level-triggered controller asks for it at every check and gets the same answer
 * without a round trip. The next success of the command clears it.
 */
public final class LettuceRedisPort implements RedisPort, RedisNode.Listener {
  private static final Logger LOG = LoggerFactory.getLogger("redisha.agent");
  static final Duration FIRST_RETRY = Duration.ofSeconds(1);
  static final Duration LAST_RETRY = Duration.ofSeconds(10);

  private static final List<AgentAcl> CHECK = List.of(AgentAcl.AUTH, AgentAcl.PING, AgentAcl.INFO);
  private static final List<AgentAcl> PROMOTE = List.of(AgentAcl.AUTH, AgentAcl.REPLICAOF);
  private static final List<AgentAcl> FOLLOW =
      List.of(AgentAcl.AUTH, AgentAcl.CONFIG_SET, AgentAcl.REPLICAOF);
  private static final List<AgentAcl> KILL = List.of(AgentAcl.AUTH, AgentAcl.CLIENT_KILL);
  private static final List<AgentAcl> PAUSE = List.of(AgentAcl.AUTH, AgentAcl.CLIENT_PAUSE);
  private static final List<AgentAcl> UNPAUSE = List.of(AgentAcl.AUTH, AgentAcl.CLIENT_UNPAUSE);
  private static final List<AgentAcl> CONFIGURE = List.of(AgentAcl.AUTH, AgentAcl.CONFIG_SET);
  private static final List<AgentAcl> FENCE = CONFIGURE;
  private static final List<AgentAcl> FENCE_AND_PROMOTE =
      List.of(AgentAcl.AUTH, AgentAcl.CONFIG_SET, AgentAcl.REPLICAOF);

  private final Scheduler scheduler;
  private final ExecutorService worker;
  private final LongSupplier nanoTime;
  private volatile RedisNode node;
  private volatile Events events = reason -> {};
  private volatile long lastCheckNanos = -1;
  private volatile long lastCheckDoneAtNanos = -1;

  /** A command Redis refused, and when to send it again. */
  private record Refusal(String message, long retryAtNanos, Duration backoff) {}

  private final Map<AgentAcl, Refusal> refusals = new ConcurrentHashMap<>();

  // Credentials the node has not logged in with yet; worker thread only but for the problem text.
  private RedisAccess pendingAccess;
  private boolean pendingConfiguresReplication;
  private long pendingRetryAtNanos;
  private Duration pendingBackoff = FIRST_RETRY;
  private volatile String accessProblem;

  /** A port whose node is opened by {@code open}, with this port as its listener. */
  public LettuceRedisPort(String name, Scheduler scheduler) {
    this(name, scheduler, System::nanoTime);
  }

  LettuceRedisPort(String name, Scheduler scheduler, LongSupplier nanoTime) {
    this.scheduler = scheduler;
    this.nanoTime = nanoTime;
    // A virtual thread: a blocked Redis call parks it without holding a platform thread, so the
    // agent's threads do not grow with its groups (two ports per group).
    this.worker =
        Executors.newSingleThreadExecutor(Thread.ofVirtual().name("redis-" + name).factory());
  }

  /** Attaches the node; the port is this node's listener. */
  public LettuceRedisPort attach(RedisNode redisNode) {
    this.node = redisNode;
    return this;
  }

  /** Where the dead-man replica attaches: our own Redis; null for the peer's port. */
  private volatile RedisEndpoint keeperEndpoint;

  private WriteKeeper keeper;

  /** Lets {@link #keepWrites} attach a dead-man replica ({@link WriteKeeper}) to {@code own}. */
  public LettuceRedisPort keeping(RedisEndpoint own) {
    this.keeperEndpoint = own;
    return this;
  }

  /** The keeper, made at its first use and again after new credentials; null on the peer port. */
  private synchronized WriteKeeper keeper() {
    RedisEndpoint endpoint = keeperEndpoint;
    if (keeper == null && endpoint != null) {
      keeper = new WriteKeeper(endpoint, line -> LOG.info("{}: {}", endpoint, line));
    }
    return keeper;
  }

  @Override
  public void keepWrites(long untilNanos) {
    WriteKeeper current = keeper();
    if (current != null) {
      current.acknowledge(untilNanos);
    }
  }

  @Override
  public synchronized void releaseKeeper() {
    if (keeper != null) {
      keeper.release();
    }
  }

  /** Where {@link #probeHost} connects: the peer's Redis port; null for our own Redis. */
  private volatile InetSocketAddress probeTarget;

  /** Lets {@link #probeHost} connect to {@code host}'s Redis port (the peer's). */
  public LettuceRedisPort probing(String host, int port) {
    this.probeTarget = new InetSocketAddress(host, port);
    return this;
  }

  @Override
  public void probeHost(Duration budget, Consumer<Boolean> done) {
    InetSocketAddress target = probeTarget;
    if (target == null) {
      done.accept(false);
      return;
    }
    // A thread of its own: the probe must not wait behind a look that hangs on the same link.
    Thread.ofVirtual()
        .name("probe-" + target.getHostString())
        .start(
            () -> {
              boolean accepted = TcpProbe.anyAccepted(target, TcpProbe.ATTEMPTS, budget);
              try {
                scheduler.execute(() -> done.accept(accepted));
              } catch (RejectedExecutionException e) {
                // stopping: nobody waits for the answer
              }
            });
  }

  /** Duration of the last successful or failed check, or -1. */
  public long lastCheckNanos() {
    return lastCheckNanos;
  }

  /**
   * What Redis refuses this port now (commands, credentials), with what to grant; null when nothing
   * is refused.
   */
  public String refusal() {
    List<String> problems = new ArrayList<>();
    for (AgentAcl command : AgentAcl.values()) {
      Refusal refusal = refusals.get(command);
      if (refusal != null) {
        problems.add(refusal.message());
      }
    }
    String access = accessProblem;
    if (access != null) {
      problems.add(access);
    }
    String keeperFailure;
    synchronized (this) {
      keeperFailure = keeper == null ? null : keeper.failure();
    }
    if (keeperFailure != null) {
      problems.add(keeperFailure);
    }
    return problems.isEmpty() ? null : String.join("; ", problems);
  }

  /** When the last check completed, successful or not, monotonic nanos; -1 before the first. */
  public long lastCheckDoneAtNanos() {
    return lastCheckDoneAtNanos;
  }

  @Override
  public void check(Duration timeout, Consumer<CheckResult> done) {
    submit(
        () -> {
          retryPendingAccess(false);
          long start = System.nanoTime();
          try {
            String refused = refusedNow(CHECK);
            if (refused != null) {
              return new CheckResult(null, refused);
            }
            ReplicationInfo info = node.check(timeout);
            allowed(CHECK);
            probeConfigSet();
            return new CheckResult(info, null);
          } catch (RedisRefusedException e) {
            refused(e);
            if (e.command() == AgentAcl.AUTH && pendingAccess != null) {
              // The old credentials stopped working: the new ones may work now.
              retryPendingAccess(true);
            }
            return new CheckResult(null, e.getMessage());
          } catch (RuntimeException e) {
            return new CheckResult(null, e.getMessage());
          } finally {
            long end = System.nanoTime();
            lastCheckNanos = end - start;
            lastCheckDoneAtNanos = end;
          }
        },
        done);
  }

  @Override
  public void promote(Consumer<String> done) {
    command(PROMOTE, () -> node.promote(), done);
  }

  @Override
  public void follow(String host, int port, Consumer<String> done) {
    command(FOLLOW, () -> node.follow(host, port), done);
  }

  @Override
  public void setWriteFence(WriteFence.Setting setting, Consumer<String> done) {
    command(FENCE, () -> node.setWriteFence(setting), done);
  }

  @Override
  public void openFenceAndPromote(WriteFence.Setting setting, Consumer<String> done) {
    command(FENCE_AND_PROMOTE, () -> node.openFenceAndPromote(setting), done);
  }

  @Override
  public void killNormalClients(Consumer<String> done) {
    command(KILL, () -> node.killNormalClients(), done);
  }

  @Override
  public void pauseWrites(Duration duration, Consumer<String> done) {
    command(PAUSE, () -> node.pauseWrites(duration), done);
  }

  @Override
  public void unpause(Consumer<String> done) {
    command(UNPAUSE, () -> node.unpause(), done);
  }

  /**
   * Logs in with {@code access} from now on, without dropping the working connection until the new
   * one logged in (see {@link RedisNode#updateAccess}); until then the old credentials serve, the
   * port says so in {@link #refusal()}, and tries again at the back-off.
   *
   * @param configuresReplication whether this is the agent's own Redis: its {@code
   *     masteruser}/{@code masterauth} then follow the new credentials at once
   */
  public void updateAccess(RedisAccess access, boolean configuresReplication) {
    synchronized (this) {
      RedisEndpoint endpoint = keeperEndpoint;
      if (endpoint != null && !endpoint.access().equals(access)) {
        // The next acknowledgement attaches with the new credentials.
        keeperEndpoint = endpoint.withAccess(access);
        if (keeper != null) {
          keeper.close();
          keeper = null;
        }
      }
    }
    try {
      worker.execute(
          () -> {
            pendingAccess = access;
            pendingConfiguresReplication = configuresReplication;
            pendingBackoff = FIRST_RETRY;
            retryPendingAccess(true);
          });
    } catch (RejectedExecutionException e) {
      // Closed: the group is stopping.
    }
  }

  /**
   * A refused CONFIG SET is asked for again only when this Redis has to follow its peer, which may
   * be long after the permission was granted; so once its back-off has passed, send what follow
   * would send before REPLICAOF (the same values again, harmless) to learn whether it is allowed
   * now. The status then stops naming a permission that was granted.
   */
  private void probeConfigSet() {
    Refusal refusal = refusals.get(AgentAcl.CONFIG_SET);
    if (refusal == null || nanoTime.getAsLong() < refusal.retryAtNanos()) {
      return;
    }
    try {
      node.configureReplication();
      allowed(CONFIGURE);
    } catch (RedisRefusedException e) {
      refused(e);
    } catch (RuntimeException e) {
      // Not an answer about the permission: ask again after the same back-off.
      refusals.put(
          AgentAcl.CONFIG_SET,
          new Refusal(
              refusal.message(),
              nanoTime.getAsLong() + refusal.backoff().toNanos(),
              refusal.backoff()));
    }
  }

  /** Worker thread: tries the pending credentials when due (or at once with {@code now}). */
  private void retryPendingAccess(boolean now) {
    RedisAccess access = pendingAccess;
    if (access == null || (!now && nanoTime.getAsLong() < pendingRetryAtNanos)) {
      return;
    }
    try {
      node.updateAccess(access);
    } catch (RuntimeException e) {
      String problem =
          "new Redis credentials not accepted yet, still logged in with the previous ones: "
              + e.getMessage();
      if (!problem.equals(accessProblem)) {
        LOG.warn("{}; trying them again at most every {} s", problem, LAST_RETRY.toSeconds());
      }
      accessProblem = problem;
      pendingRetryAtNanos = nanoTime.getAsLong() + pendingBackoff.toNanos();
      pendingBackoff = min(pendingBackoff.multipliedBy(2), LAST_RETRY);
      return;
    }
    pendingAccess = null;
    accessProblem = null;
    refusals.remove(AgentAcl.AUTH);
    LOG.info("{}: logged in with the new credentials", node);
    if (pendingConfiguresReplication) {
      String refused = refusedNow(CONFIGURE);
      if (refused != null) {
        return; // follow sets them once CONFIG SET is allowed again
      }
      try {
        node.configureReplication();
        allowed(CONFIGURE);
      } catch (RedisRefusedException e) {
        refused(e);
      } catch (RuntimeException e) {
        LOG.warn("{}; the next REPLICAOF sets them", e.getMessage());
      }
    }
  }

  @Override
  public void setEvents(Events events) {
    this.events = events;
  }

  @Override
  public void connectionLost(String reason) {
    events.connectionLost(reason);
  }

  @Override
  public void restarted(String previousRunId, String currentRunId) {
    events.connectionLost("Redis restarted (run id " + currentRunId + ")");
  }

  @Override
  public void close() {
    synchronized (this) {
      if (keeper != null) {
        keeper.close();
        keeper = null;
      }
      keeperEndpoint = null;
    }
    worker.shutdown();
    try {
      if (!worker.awaitTermination(2, TimeUnit.SECONDS)) {
        worker.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      worker.shutdownNow();
    }
    RedisNode current = node;
    if (current != null) {
      current.close();
    }
  }

  private void command(List<AgentAcl> commands, Runnable action, Consumer<String> done) {
    submit(
        () -> {
          String refused = refusedNow(commands);
          if (refused != null) {
            return refused;
          }
          try {
            action.run();
            allowed(commands);
            return null;
          } catch (RedisRefusedException e) {
            refused(e);
            return e.getMessage();
          } catch (RuntimeException e) {
            return e.getMessage() == null ? e.toString() : e.getMessage();
          }
        },
        done);
  }

  /** The refusal of one of {@code commands} whose back-off has not passed yet, or null. */
  private String refusedNow(List<AgentAcl> commands) {
    long now = nanoTime.getAsLong();
    for (AgentAcl command : commands) {
      Refusal refusal = refusals.get(command);
      if (refusal != null && now < refusal.retryAtNanos()) {
        return refusal.message();
      }
    }
    return null;
  }

  private void refused(RedisRefusedException e) {
    Refusal before = refusals.get(e.command());
    Duration backoff =
        before == null ? FIRST_RETRY : min(before.backoff().multipliedBy(2), LAST_RETRY);
    refusals.put(
        e.command(),
        new Refusal(e.getMessage(), nanoTime.getAsLong() + backoff.toNanos(), backoff));
    if (before == null || !before.message().equals(e.getMessage())) {
      LOG.warn(
          "{}; sent again at most every {} s until Redis allows it",
          e.getMessage(),
          LAST_RETRY.toSeconds());
    }
  }

  private void allowed(List<AgentAcl> commands) {
    for (AgentAcl command : commands) {
      if (refusals.remove(command) != null) {
        LOG.info("{}: {} allowed again", node, command);
      }
    }
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  private <T> void submit(Supplier<T> work, Consumer<T> done) {
    try {
      worker.execute(
          () -> {
            T result = work.get();
            scheduler.execute(() -> done.accept(result));
          });
    } catch (RejectedExecutionException e) {
      // Closed: the group is stopping and nobody waits for the answer.
    }
  }
}

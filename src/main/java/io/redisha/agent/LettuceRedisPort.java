package io.redisha.agent;

import io.redisha.clock.Scheduler;
import io.redisha.redis.RedisNode;
import io.redisha.redis.ReplicationInfo;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The production {@link RedisPort}: commands run one after another on a worker thread of their own
 * (so a hung Redis never stalls VRRP), and results hop back to the scheduler's thread.
 */
public final class LettuceRedisPort implements RedisPort, RedisNode.Listener {
  private final Scheduler scheduler;
  private final ExecutorService worker;
  private volatile RedisNode node;
  private volatile Events events = reason -> {};
  private volatile long lastCheckNanos = -1;
  private volatile long lastCheckDoneAtNanos = -1;

  /** A port whose node is opened by {@code open}, with this port as its listener. */
  public LettuceRedisPort(String name, Scheduler scheduler) {
    this.scheduler = scheduler;
    this.worker =
        Executors.newSingleThreadExecutor(
            r -> Thread.ofPlatform().daemon().name("redis-" + name).unstarted(r));
  }

  /** Attaches the node; the port is this node's listener. */
  public LettuceRedisPort attach(RedisNode redisNode) {
    this.node = redisNode;
    return this;
  }

  /** Duration of the last successful or failed check, or -1. */
  public long lastCheckNanos() {
    return lastCheckNanos;
  }

  /** When the last check completed, successful or not, monotonic nanos; -1 before the first. */
  public long lastCheckDoneAtNanos() {
    return lastCheckDoneAtNanos;
  }

  @Override
  public void check(Duration timeout, Consumer<CheckResult> done) {
    submit(
        () -> {
          long start = System.nanoTime();
          try {
            ReplicationInfo info = node.check(timeout);
            return new CheckResult(info, null);
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
    command(() -> node.promote(), done);
  }

  @Override
  public void follow(String host, int port, Consumer<String> done) {
    command(() -> node.follow(host, port), done);
  }

  @Override
  public void setWriteFence(boolean closed, Consumer<String> done) {
    command(() -> node.setWriteFence(closed), done);
  }

  @Override
  public void killNormalClients(Consumer<String> done) {
    command(() -> node.killNormalClients(), done);
  }

  @Override
  public void pauseWrites(Duration duration, Consumer<String> done) {
    command(() -> node.pauseWrites(duration), done);
  }

  @Override
  public void unpause(Consumer<String> done) {
    command(() -> node.unpause(), done);
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
    worker.shutdown();
    try {
      if (!worker.awaitTermination(2, java.util.concurrent.TimeUnit.SECONDS)) {
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

  private void command(Runnable action, Consumer<String> done) {
    submit(
        () -> {
          try {
            action.run();
            return null;
          } catch (RuntimeException e) {
            return e.getMessage() == null ? e.toString() : e.getMessage();
          }
        },
        done);
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

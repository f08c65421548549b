package io.redisha.sim;

import io.redisha.agent.RedisPort;
import io.redisha.agent.VipPort;
import io.redisha.net.TcpProbe;
import io.redisha.redis.WriteFence;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The agent's ports onto the simulated world. A command acts on the Redis server when it arrives
 * there; its reply reaches the agent through the agent's own scheduler, so a stalled agent reads it
 * only when it wakes and a crashed one never does.
 */
final class SimPorts {
  private static final Duration LOCAL_LATENCY = Duration.ofNanos(300_000);

  /** The peer port's command timeout (the agent opens it with one second). */
  private static final Duration PEER_COMMAND_TIMEOUT = Duration.ofSeconds(1);

  private SimPorts() {}

  /** The agent's connection to its own node's Redis of one group. */
  static final class LocalRedis implements RedisPort {
    private final SimWorld world;
    private final AgentScheduler agent;
    private final SimRedis redis;

    LocalRedis(SimWorld world, AgentScheduler agent, SimRedis redis) {
      this.world = world;
      this.agent = agent;
      this.redis = redis;
    }

    @Override
    public void check(Duration timeout, Consumer<CheckResult> done) {
      later(
          () ->
              redis.alive
                  ? new CheckResult(redis.info(), null)
                  : new CheckResult(null, "connection refused"),
          done);
    }

    @Override
    public void promote(Consumer<String> done) {
      command(redis::promote, done);
    }

    @Override
    public void follow(String host, int port, Consumer<String> done) {
      command(() -> redis.follow(host, port), done);
    }

    @Override
    public void setWriteFence(WriteFence.Setting setting, Consumer<String> done) {
      command(() -> redis.setWriteFence(setting), done);
    }

    /** As production sends them: both in one exchange, applied in order on arrival. */
    @Override
    public void openFenceAndPromote(WriteFence.Setting setting, Consumer<String> done) {
      command(
          () -> {
            redis.setWriteFence(setting);
            redis.promote();
          },
          done);
    }

    @Override
    public void killNormalClients(Consumer<String> done) {
      command(redis::killNormalClients, done);
    }

    @Override
    public void pauseWrites(Duration duration, Consumer<String> done) {
      command(() -> redis.pauseWrites(duration), done);
    }

    @Override
    public void unpause(Consumer<String> done) {
      command(redis::unpause, done);
    }

    /** The ACK goes out now, so the clock is read now; it reaches Redis over loopback. */
    @Override
    public void keepWrites(long untilNanos) {
      if (world.now() >= untilNanos) {
        return;
      }
      world.scheduler.schedule(LOCAL_LATENCY, redis::keeperAcked);
    }

    @Override
    public void releaseKeeper() {
      world.scheduler.schedule(LOCAL_LATENCY, redis::keeperGone);
    }

    @Override
    public void setEvents(Events events) {
      redis.connectionLost = () -> events.connectionLost("connection reset");
    }

    @Override
    public void close() {}

    private void command(Runnable action, Consumer<String> done) {
      later(
          () -> {
            if (!redis.alive) {
              return "connection refused";
            }
            action.run();
            return null;
          },
          done);
    }

    private <T> void later(Supplier<T> onRedis, Consumer<T> done) {
      world.scheduler.schedule(
          LOCAL_LATENCY,
          () -> {
            T result = onRedis.get();
            agent.execute(() -> done.accept(result));
          });
    }
  }

  /**
   * The agent's connection to the peer's Redis of one group, over the pair link: a request and a
   * reply, each delayed (and retransmitted on a lossy link) or blocked by a partition; the caller
   * gets "timeout" when no reply came within its timeout.
   */
  static final class PeerRedis implements RedisPort {
    private final SimWorld world;
    private final AgentScheduler agent;
    private final int from;
    private final SimRedis redis;

    PeerRedis(SimWorld world, AgentScheduler agent, int from, SimRedis redis) {
      this.world = world;
      this.agent = agent;
      this.from = from;
      this.redis = redis;
    }

    @Override
    public void check(Duration timeout, Consumer<CheckResult> done) {
      roundTrip(
          timeout,
          () ->
              redis.alive
                  ? new CheckResult(redis.info(), null)
                  : new CheckResult(null, "connection refused"),
          new CheckResult(null, "timeout"),
          done);
    }

    @Override
    public void promote(Consumer<String> done) {
      command(redis::promote, done);
    }

    @Override
    public void follow(String host, int port, Consumer<String> done) {
      command(() -> redis.follow(host, port), done);
    }

    @Override
    public void setWriteFence(WriteFence.Setting setting, Consumer<String> done) {
      command(() -> redis.setWriteFence(setting), done);
    }

    @Override
    public void killNormalClients(Consumer<String> done) {
      command(redis::killNormalClients, done);
    }

    @Override
    public void pauseWrites(Duration duration, Consumer<String> done) {
      command(() -> redis.pauseWrites(duration), done);
    }

    @Override
    public void unpause(Consumer<String> done) {
      command(redis::unpause, done);
    }

    /**
     * {@link TcpProbe#ATTEMPTS} connection attempts spread over {@code budget}: one is accepted
     * when its SYN and SYN-ACK both get through (each lost on a lossy link, blocked by a cut) and
     * the peer's Redis listens; a refused or unanswered attempt says nothing.
     */
    @Override
    public void probeHost(Duration budget, Consumer<Boolean> done) {
      int to = redis.node;
      boolean[] settled = {false};
      world.scheduler.schedule(
          budget,
          () -> {
            if (!settled[0]) {
              settled[0] = true;
              agent.execute(() -> done.accept(false));
            }
          });
      long spacing = budget.toNanos() / TcpProbe.ATTEMPTS;
      for (int i = 0; i < TcpProbe.ATTEMPTS; i++) {
        world.scheduler.schedule(
            Duration.ofNanos(spacing * i),
            () -> {
              if (!world.network.up(from, to) || world.network.probeSegmentLost()) {
                return;
              }
              world.scheduler.schedule(
                  world.network.probeDelay(),
                  () -> {
                    if (!redis.alive
                        || !world.network.up(to, from)
                        || world.network.probeSegmentLost()) {
                      return;
                    }
                    world.scheduler.schedule(
                        world.network.probeDelay(),
                        () -> {
                          if (!settled[0]) {
                            settled[0] = true;
                            agent.execute(() -> done.accept(true));
                          }
                        });
                  });
            });
      }
    }

    @Override
    public void setEvents(Events events) {}

    @Override
    public void close() {}

    private void command(Runnable action, Consumer<String> done) {
      roundTrip(
          PEER_COMMAND_TIMEOUT,
          () -> {
            if (!redis.alive) {
              return "connection refused";
            }
            action.run();
            return null;
          },
          "timeout",
          done);
    }

    /**
     * Sends a request and delivers its reply, or {@code timedOut} once {@code timeout} has passed
     * since the request was sent, whichever comes first, as a client's command timeout does. A
     * request that reaches Redis acts there even when the client gave up on it meanwhile (it was
     * sent); a reply that comes after the timeout is dropped.
     */
    private <T> void roundTrip(
        Duration timeout, Supplier<T> onRedis, T timedOut, Consumer<T> done) {
      int to = redis.node;
      boolean[] settled = {false};
      world.scheduler.schedule(
          timeout,
          () -> {
            if (!settled[0]) {
              settled[0] = true;
              agent.execute(() -> done.accept(timedOut));
            }
          });
      if (!world.network.up(from, to)) {
        return;
      }
      Duration request = world.network.pairDelay();
      world.scheduler.schedule(
          request,
          () -> {
            if (!world.network.up(from, to)) {
              return;
            }
            T result = onRedis.get();
            Duration reply = world.network.pairDelay();
            world.scheduler.schedule(
                reply,
                () -> {
                  if (!settled[0] && world.network.up(to, from)) {
                    settled[0] = true;
                    agent.execute(() -> done.accept(result));
                  }
                });
          });
    }
  }

  /** A VIP on one node: adding it announces it (gratuitous ARP), so the clients follow. */
  static final class Vip implements VipPort {
    private final SimWorld world;
    final int node;
    final String group;
    boolean held;
    long announced;

    Vip(SimWorld world, int node, String group) {
      this.world = world;
      this.node = node;
      this.group = group;
    }

    @Override
    public void add() {
      if (!held) {
        held = true;
        announced = world.nextAnnouncement();
        world.event("VIP " + group + " added on " + world.nodeName(node));
      }
    }

    @Override
    public void reannounce() {
      if (held) {
        announced = world.nextAnnouncement();
      }
    }

    @Override
    public void remove() {
      if (held) {
        held = false;
        world.event("VIP " + group + " removed on " + world.nodeName(node));
      }
    }

    @Override
    public boolean held() {
      return held;
    }
  }
}

package io.redisha.sim;

import io.redisha.agent.RedisPort;
import io.redisha.agent.VipPort;
import java.time.Duration;
import java.util.function.Consumer;

/** The agent's ports onto the simulated world. */
final class SimPorts {
  private static final Duration LOCAL_LATENCY = Duration.ofNanos(300_000);

  private SimPorts() {}

  /** The agent's connection to its own node's Redis of one group. */
  static final class LocalRedis implements RedisPort {
    private final SimWorld world;
    private final SimRedis redis;

    LocalRedis(SimWorld world, SimRedis redis) {
      this.world = world;
      this.redis = redis;
    }

    @Override
    public void check(Duration timeout, Consumer<CheckResult> done) {
      later(
          () ->
              done.accept(
                  redis.alive
                      ? new CheckResult(redis.info(), null)
                      : new CheckResult(null, "connection refused")));
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
              done.accept("connection refused");
              return;
            }
            action.run();
            done.accept(null);
          });
    }

    private void later(Runnable task) {
      world.scheduler.schedule(LOCAL_LATENCY, task);
    }
  }

  /** The agent's connection to the peer's Redis of one group, over the pair link. */
  static final class PeerRedis implements RedisPort {
    private final SimWorld world;
    private final int from;
    private final SimRedis redis;

    PeerRedis(SimWorld world, int from, SimRedis redis) {
      this.world = world;
      this.from = from;
      this.redis = redis;
    }

    @Override
    public void check(Duration timeout, Consumer<CheckResult> done) {
      int to = redis.node;
      Runnable timedOut =
          () ->
              world.scheduler.schedule(
                  timeout, () -> done.accept(new CheckResult(null, "timeout")));
      if (!world.network.up(from, to)) {
        timedOut.run();
        return;
      }
      world.scheduler.schedule(
          world.network.delay(),
          () -> {
            if (!world.network.up(from, to)) {
              timedOut.run();
              return;
            }
            CheckResult result =
                redis.alive
                    ? new CheckResult(redis.info(), null)
                    : new CheckResult(null, "connection refused");
            world.scheduler.schedule(
                world.network.delay(),
                () -> {
                  if (world.network.up(to, from)) {
                    done.accept(result);
                  } else {
                    timedOut.run();
                  }
                });
          });
    }

    @Override
    public void promote(Consumer<String> done) {
      done.accept("not supported on the peer");
    }

    @Override
    public void follow(String host, int port, Consumer<String> done) {
      done.accept("not supported on the peer");
    }

    @Override
    public void killNormalClients(Consumer<String> done) {
      done.accept("not supported on the peer");
    }

    @Override
    public void pauseWrites(Duration duration, Consumer<String> done) {
      done.accept("not supported on the peer");
    }

    @Override
    public void unpause(Consumer<String> done) {
      done.accept("not supported on the peer");
    }

    @Override
    public void setEvents(Events events) {}

    @Override
    public void close() {}
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

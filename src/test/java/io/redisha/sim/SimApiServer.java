package io.redisha.sim;

import io.redisha.arbiter.LeasePort;
import io.redisha.arbiter.LeasePort.LeaseRecord;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A Kubernetes API server holding Leases, with optimistic concurrency: a create of an existing
 * Lease and an update based on a stale resourceVersion get 409, as the real one answers.
 */
final class SimApiServer {
  private static final Duration TIMEOUT = Duration.ofSeconds(1);
  private final SimWorld world;
  private final Map<String, LeaseRecord> leases = new HashMap<>();
  private long version;

  SimApiServer(SimWorld world) {
    this.world = world;
  }

  LeaseRecord lease(String name) {
    return leases.get(name);
  }

  LeasePort.Result get(String name) {
    LeaseRecord lease = leases.get(name);
    return lease == null ? new LeasePort.NotFound() : new LeasePort.Found(lease);
  }

  LeasePort.Result create(String name, LeaseRecord lease) {
    if (leases.containsKey(name)) {
      return new LeasePort.Conflict("leases \"" + name + "\" already exists");
    }
    return store(name, lease);
  }

  LeasePort.Result update(String name, LeaseRecord lease) {
    LeaseRecord current = leases.get(name);
    if (current == null) {
      return new LeasePort.NotFound();
    }
    if (!current.resourceVersion().equals(lease.resourceVersion())) {
      return new LeasePort.Conflict(
          "the object has been modified (" + lease.resourceVersion() + " is stale)");
    }
    return store(name, lease);
  }

  private LeasePort.Result store(String name, LeaseRecord lease) {
    LeaseRecord stored =
        new LeaseRecord(
            lease.holder(),
            lease.durationSeconds(),
            lease.renewEpochMillis(),
            lease.transitions(),
            Long.toString(++version));
    leases.put(name, stored);
    world.leaseChanged(name, stored);
    return new LeasePort.Found(stored);
  }

  /**
   * One node's client for one Lease: each call is a request and a response over the network, and
   * the response reaches the agent through its scheduler.
   */
  LeasePort port(int node, String name, AgentScheduler agent) {
    return new LeasePort() {
      @Override
      public void get(Consumer<Result> done) {
        call(() -> SimApiServer.this.get(name), done);
      }

      @Override
      public void create(LeaseRecord lease, Consumer<Result> done) {
        call(() -> SimApiServer.this.create(name, lease), done);
      }

      @Override
      public void update(LeaseRecord lease, Consumer<Result> done) {
        call(() -> SimApiServer.this.update(name, lease), done);
      }

      @Override
      public String describe() {
        return "sim/" + name;
      }

      private void call(java.util.function.Supplier<Result> apply, Consumer<Result> reply) {
        Consumer<Result> done = result -> agent.execute(() -> reply.accept(result));
        if (!world.network.apiReachable(node)) {
          world.scheduler.schedule(TIMEOUT, () -> done.accept(new Failed("timeout")));
          return;
        }
        world.scheduler.schedule(
            world.network.delay().multipliedBy(4),
            () -> {
              if (!world.network.apiReachable(node)) {
                world.scheduler.schedule(TIMEOUT, () -> done.accept(new Failed("timeout")));
                return;
              }
              Result result = apply.get();
              world.scheduler.schedule(
                  world.network.delay().multipliedBy(4),
                  () -> {
                    if (world.network.apiReachable(node)) {
                      done.accept(result);
                    } else {
                      world.scheduler.schedule(TIMEOUT, () -> done.accept(new Failed("timeout")));
                    }
                  });
            });
      }
    };
  }
}

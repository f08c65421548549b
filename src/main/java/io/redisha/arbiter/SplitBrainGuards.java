package io.redisha.arbiter;

import io.redisha.clock.Scheduler;
import java.util.function.Consumer;

/** Builds the guard a pair's {@code splitBrainProtection} asks for, one per group. */
public final class SplitBrainGuards {
  private SplitBrainGuards() {}

  /** Where a guard's third voter lives; only asked for by the modes that have one. */
  public interface Arbiters {
    /**
     * The lease record of group {@code group} in the store of the pair's mode: a Kubernetes Lease
     * for {@link Protection#LEASE}, an etcd key for {@link Protection#ETCD}.
     */
    LeasePort lease(String group);
  }

  /**
   * The guard for {@code group}.
   *
   * @param log where the guard's notable events go
   */
  public static SplitBrainGuard create(
      GuardSettings settings,
      String group,
      Scheduler scheduler,
      Arbiters arbiters,
      Consumer<String> log) {
    return switch (settings.protection()) {
      case NONE -> SplitBrainGuard.NONE;
      case LEASE, ETCD ->
          new LeaseGuard(
              settings.localNode(),
              settings.timing(),
              scheduler,
              arbiters.lease(group),
              message -> log.accept("group " + group + ": " + message));
    };
  }
}

package io.redisha.arbiter;

import io.redisha.clock.Scheduler;
import java.util.function.Consumer;

/** Builds the guard a pair's {@code splitBrainProtection} asks for, one per group. */
public final class SplitBrainGuards {
  private SplitBrainGuards() {}

  /** Where a guard's third voter lives; only the one the mode needs is asked for. */
  public interface Arbiters {
    /** The Lease of group {@code group} (only called for {@link Protection#LEASE}). */
    LeasePort lease(String group);

    /** The witness (only called for {@link Protection#WITNESS}). */
    WitnessPort witness();
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
      case LEASE ->
          new LeaseGuard(
              settings.localNode(),
              settings.timing(),
              scheduler,
              arbiters.lease(group),
              message -> log.accept("group " + group + ": " + message));
      case WITNESS ->
          new WitnessGuard(
              settings.timing(), scheduler, arbiters.witness(), settings.witnessTimeout());
    };
  }
}

package io.redisha.clock;

import java.time.Duration;

/**
 * Time and timers for the pure core. Production runs every task of one agent on one thread, so the
 * core never needs locks; the simulation drives the same code on a virtual clock.
 */
public interface Scheduler {
  /** Monotonic time in nanoseconds; only differences are meaningful. */
  long nanoTime();

  /** Wall-clock time in milliseconds since the epoch, for reports only. */
  long epochMillis();

  /** Runs {@code task} once after {@code delay} on the scheduler's thread. */
  Cancellable schedule(Duration delay, Runnable task);

  /** Runs {@code task} as soon as possible on the scheduler's thread. */
  default void execute(Runnable task) {
    schedule(Duration.ZERO, task);
  }

  /** A scheduled task that may be cancelled before it runs. */
  @FunctionalInterface
  interface Cancellable {
    /** Cancels the task; harmless when it already ran or was cancelled. */
    void cancel();

    /** A handle that cancels nothing. */
    Cancellable NONE = () -> {};
  }
}

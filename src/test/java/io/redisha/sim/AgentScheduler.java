package io.redisha.sim;

import io.redisha.clock.Scheduler;
import io.redisha.clock.VirtualScheduler;
import java.time.Duration;
import java.util.ArrayDeque;

/**
 * The scheduler of one agent process on the world's virtual clock. Everything the agent runs (its
 * timers, the replies of its Redis connections, the adverts it receives) goes through here, so a
 * stall (a GC pause, a frozen VM, SIGSTOP) holds all of it back until the stall ends, while the
 * Redis servers and the network go on; then the held tasks run at once, in order, as a process that
 * wakes up finds its timers overdue and its sockets full. A crash drops every task for good.
 */
final class AgentScheduler implements Scheduler {
  private final VirtualScheduler clock;
  private final ArrayDeque<Runnable> held = new ArrayDeque<>();
  private int stalls;
  private boolean dead;

  AgentScheduler(VirtualScheduler clock) {
    this.clock = clock;
  }

  @Override
  public long nanoTime() {
    return clock.nanoTime();
  }

  @Override
  public long epochMillis() {
    return clock.epochMillis();
  }

  @Override
  public Cancellable schedule(Duration delay, Runnable task) {
    if (dead) {
      return Cancellable.NONE;
    }
    boolean[] cancelled = {false};
    Runnable guarded =
        () -> {
          if (!cancelled[0] && !dead) {
            task.run();
          }
        };
    Cancellable timer =
        clock.schedule(
            delay,
            () -> {
              if (stalls > 0) {
                held.addLast(guarded);
              } else {
                guarded.run();
              }
            });
    return () -> {
      cancelled[0] = true;
      timer.cancel();
    };
  }

  /** The process stops running (stalls nest). */
  void stall() {
    stalls++;
  }

  /** The process runs again: everything that fell due meanwhile runs now, oldest first. */
  void resume() {
    if (stalls == 0) {
      return;
    }
    stalls--;
    while (stalls == 0 && !dead && !held.isEmpty()) {
      held.removeFirst().run();
    }
  }

  boolean stalled() {
    return stalls > 0;
  }

  /** The process dies: nothing it scheduled or received will ever run. */
  void crash() {
    dead = true;
    held.clear();
  }

  boolean dead() {
    return dead;
  }
}

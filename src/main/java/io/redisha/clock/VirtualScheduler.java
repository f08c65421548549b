package io.redisha.clock;

import java.time.Duration;
import java.util.PriorityQueue;

/**
 * A scheduler on a virtual clock for deterministic tests and simulations: time moves only when
 * {@link #advanceTo} or {@link #runUntilIdle} is called, and tasks due at the same instant run in
 * the order they were scheduled.
 */
public final class VirtualScheduler implements Scheduler {
  private static final long EPOCH_OFFSET_MILLIS = 1_767_225_600_000L; // 2026-01-01T00:00:00Z

  private final PriorityQueue<Entry> queue = new PriorityQueue<>();
  private long now;
  private long sequence;

  private static final class Entry implements Comparable<Entry> {
    final long due;
    final long order;
    final Runnable task;
    boolean cancelled;

    Entry(long due, long order, Runnable task) {
      this.due = due;
      this.order = order;
      this.task = task;
    }

    @Override
    public int compareTo(Entry other) {
      int byTime = Long.compare(due, other.due);
      return byTime != 0 ? byTime : Long.compare(order, other.order);
    }
  }

  @Override
  public long nanoTime() {
    return now;
  }

  @Override
  public long epochMillis() {
    return EPOCH_OFFSET_MILLIS + now / 1_000_000;
  }

  @Override
  public Cancellable schedule(Duration delay, Runnable task) {
    Entry entry = new Entry(now + Math.max(0, delay.toNanos()), sequence++, task);
    queue.add(entry);
    return () -> entry.cancelled = true;
  }

  /** Runs every task due up to {@code deadlineNanos}, then sets the clock to it. */
  public void advanceTo(long deadlineNanos) {
    while (true) {
      Entry next = queue.peek();
      if (next == null || next.due > deadlineNanos) {
        break;
      }
      queue.poll();
      now = Math.max(now, next.due);
      if (!next.cancelled) {
        next.task.run();
      }
    }
    now = Math.max(now, deadlineNanos);
  }

  /** Advances the clock by {@code delay}, running the tasks due on the way. */
  public void advance(Duration delay) {
    advanceTo(now + delay.toNanos());
  }

  /** Time of the next pending task, or {@code Long.MAX_VALUE} when none is pending. */
  public long nextDue() {
    while (!queue.isEmpty() && queue.peek().cancelled) {
      queue.poll();
    }
    return queue.isEmpty() ? Long.MAX_VALUE : queue.peek().due;
  }
}

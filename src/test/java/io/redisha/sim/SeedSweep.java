package io.redisha.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.LongConsumer;

/** Consecutive seeds run on a pool of threads, until all ran or enough of them failed. */
final class SeedSweep {
  private SeedSweep() {}

  /** {@code -Dsim.threads}: how many seeds run at once; 0 or less means one per core. */
  static int threads() {
    int asked = Integer.getInteger("sim.threads", 1);
    return asked <= 0 ? Runtime.getRuntime().availableProcessors() : asked;
  }

  /**
   * Runs seeds {@code first} to {@code first + schedules - 1} through {@code run} on {@code
   * threads} threads; a thread takes no further seed once {@code enough} is true.
   *
   * @return how many seeds ran
   */
  static long run(long first, int schedules, int threads, BooleanSupplier enough, LongConsumer run)
      throws Exception {
    AtomicLong next = new AtomicLong(first);
    AtomicLong done = new AtomicLong();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> workers = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        workers.add(
            pool.submit(
                () -> {
                  while (!enough.getAsBoolean()) {
                    long seed = next.getAndIncrement();
                    if (seed >= first + schedules) {
                      return;
                    }
                    run.accept(seed);
                    done.incrementAndGet();
                  }
                }));
      }
      for (Future<?> worker : workers) {
        worker.get();
      }
    } finally {
      pool.shutdown();
    }
    return done.get();
  }
}

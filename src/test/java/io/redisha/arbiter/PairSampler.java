package io.redisha.arbiter;

import io.redisha.lab.PairLab;
import io.redisha.lab.PairLab.GroupView;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Watches a running lab pair every ~50 ms from the outside: both agents' {@code /status} and, by
 * looking at the interfaces, which hosts hold each group's VIP. The samples answer the safety
 * questions afterwards: were there ever two masters, for how long, when did a host drop its VIP.
 */
final class PairSampler implements AutoCloseable {
  static final long PERIOD_MILLIS = 50;

  /**
   * One look at the pair.
   *
   * @param nanos System.nanoTime when the look started
   * @param endNanos System.nanoTime when it ended: what it saw was true at some moment in between
   * @param views both agents' view of each group
   * @param vipHolders hosts holding each group's VIP
   */
  record Sample(
      long nanos,
      long endNanos,
      Map<String, GroupView> views,
      Map<String, List<String>> vipHolders) {
    List<String> masters(String group) {
      List<String> masters = new ArrayList<>();
      views
          .get(group)
          .states()
          .forEach(
              (host, state) -> {
                if (state.equals("MASTER")) {
                  masters.add(host);
                }
              });
      return masters;
    }
  }

  private final PairLab lab;
  private final List<Sample> samples = new ArrayList<>();
  private final Thread thread;
  private volatile boolean running = true;

  PairSampler(PairLab lab) {
    this.lab = lab;
    this.thread = Thread.ofPlatform().daemon().name("pair-sampler").unstarted(this::loop);
  }

  PairSampler start() {
    thread.start();
    return this;
  }

  private void loop() {
    while (running) {
      long start = System.nanoTime();
      Map<String, GroupView> views = lab.view();
      // A running agent that did not answer one /status (a 300 ms connect timeout on a loaded
      // machine) says nothing of who is master: ask again rather than record a master lost.
      for (int retry = 0; retry < 3 && unanswered(views); retry++) {
        views = lab.view();
      }
      Map<String, List<String>> holders = new LinkedHashMap<>();
      Map<String, String> addresses = new LinkedHashMap<>();
      for (String host : List.of(PairLab.VM_A, PairLab.VM_B)) {
        addresses.put(
            host, lab.network().exec(host, "ip", "-4", "addr", "show", "dev", "eth0").output());
      }
      for (PairLab.Group group : lab.groups()) {
        List<String> onHosts = new ArrayList<>();
        addresses.forEach(
            (host, text) -> {
              if (text.contains(" " + group.vip() + "/")) {
                onHosts.add(host);
              }
            });
        holders.put(group.name(), onHosts);
      }
      synchronized (samples) {
        samples.add(new Sample(start, System.nanoTime(), views, holders));
      }
      long rest = PERIOD_MILLIS * 1_000_000 - (System.nanoTime() - start);
      if (rest > 0) {
        try {
          Thread.sleep(rest / 1_000_000, (int) (rest % 1_000_000));
        } catch (InterruptedException e) {
          return;
        }
      }
    }
  }

  private boolean unanswered(Map<String, GroupView> views) {
    for (GroupView view : views.values()) {
      for (Map.Entry<String, String> state : view.states().entrySet()) {
        if (state.getValue().equals("DOWN") && lab.agentRunning(state.getKey())) {
          return true;
        }
      }
    }
    return false;
  }

  List<Sample> samples() {
    synchronized (samples) {
      return List.copyOf(samples);
    }
  }

  /**
   * The longest stretch of consecutive samples for which {@code bad} held, in ms from the first to
   * the last of them (a single sample counts 0 ms), and how many samples it held in all.
   */
  record Stretch(long longestMillis, int samples) {}

  Stretch stretch(Predicate<Sample> bad) {
    long longest = 0;
    int count = 0;
    long since = -1;
    long last = -1;
    for (Sample sample : samples()) {
      if (bad.test(sample)) {
        count++;
        if (since < 0) {
          since = sample.nanos();
        }
        last = sample.nanos();
        longest = Math.max(longest, (last - since) / 1_000_000);
      } else {
        since = -1;
      }
    }
    return new Stretch(longest, count);
  }

  /** Two VRRP masters of {@code group} at once, as the agents report. */
  Stretch twoMasters(String group) {
    return stretch(s -> s.masters(group).size() == 2);
  }

  /** The VIP of {@code group} on both hosts at once. */
  Stretch twoVipHolders(String group) {
    return stretch(s -> s.vipHolders().get(group).size() == 2);
  }

  /**
   * Time of the first sample at or after {@code fromNanos} for which {@code condition} held, or -1.
   */
  long firstAfter(long fromNanos, Predicate<Sample> condition) {
    for (Sample sample : samples()) {
      if (sample.nanos() >= fromNanos && condition.test(sample)) {
        return sample.nanos();
      }
    }
    return -1;
  }

  /**
   * Bounds on when {@code condition} first became true after {@code fromNanos}: {@code [lower,
   * upper]} in System.nanoTime, from the last sample that did not see it and the first that did;
   * null when it never held.
   */
  long[] becameTrue(long fromNanos, Predicate<Sample> condition) {
    long lower = fromNanos;
    for (Sample sample : samples()) {
      if (sample.nanos() < fromNanos) {
        continue;
      }
      if (condition.test(sample)) {
        return new long[] {lower, sample.endNanos()};
      }
      lower = sample.nanos();
    }
    return null;
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    thread.interrupt();
    thread.join(5000);
  }
}

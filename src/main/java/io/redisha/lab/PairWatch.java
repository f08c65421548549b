package io.redisha.lab;

import io.redisha.net.Ipv4Cidr;
import io.redisha.net.NetlinkAddressManager;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;

/**
 * Watches a lab pair from outside through the real parts only, so what it sees holds whatever the
 * agents report and even while an agent is stopped or dead:
 *
 * <ul>
 *   <li>which hosts hold each group's VIP on {@code eth0} (a netlink address dump inside each host,
 *       every {@value #VIP_PERIOD_MILLIS} ms; an address on a downed interface counts, since it
 *       answers again the moment the link returns);
 *   <li>whether each host's Redis takes a write: {@code DEL} of a key that never exists, sent over
 *       loopback inside the host every {@value #REDIS_PERIOD_MILLIS} ms, by a thread per Redis so a
 *       paused one delays no other probe. A write command, so a replica refuses it ({@code
 *       READONLY}), so do {@code min-replicas-to-write} ({@code NOREPLICAS}) and {@code CLIENT
 *       PAUSE WRITE} (no answer); but it changes no data and replicates nothing, so the watch never
 *       makes an empty Redis look full or a master look ahead.
 * </ul>
 *
 * Each sample knows when it started and ended: what it saw held at some moment in between.
 */
public final class PairWatch implements AutoCloseable {
  static final long VIP_PERIOD_MILLIS = 20;
  static final long REDIS_PERIOD_MILLIS = 10;

  /**
   * A probe write unanswered this long counts as not taken (a paused or stalled Redis). Generous,
   * since a busy machine can delay a healthy answer by tens of ms: a slow writable master must not
   * pass for a fenced one.
   */
  static final int PROBE_TIMEOUT_MILLIS = 250;

  private static final String PROBE_KEY = "redisha-lab:writable-probe";
  private static final List<String> HOSTS = List.of(PairLab.VM_A, PairLab.VM_B);

  /** How a Redis answered the probe write. */
  public enum Answer {
    /** It executed the write: a writable master. */
    WRITABLE,
    /** {@code READONLY}: a replica. */
    READ_ONLY,
    /** Another error ({@code NOREPLICAS}, {@code MISCONF}, {@code LOADING}): it refuses writes. */
    REFUSED,
    /** No answer within {@value #PROBE_TIMEOUT_MILLIS} ms: paused or stalled. */
    NO_ANSWER,
    /** No connection: the server is not running. */
    DOWN
  }

  /**
   * One look at every group's VIP.
   *
   * @param nanos System.nanoTime when the look started
   * @param endNanos when it ended
   * @param holders per group, the hosts that have its VIP on {@code eth0}
   */
  public record VipSample(long nanos, long endNanos, Map<String, List<String>> holders) {}

  /**
   * One probe write to one host's Redis of one group.
   *
   * @param nanos System.nanoTime when the probe was sent
   * @param endNanos when its answer came (or its timeout)
   * @param answer how the Redis answered
   */
  public record ProbeSample(long nanos, long endNanos, Answer answer) {}

  /**
   * The time both hosts' Redis of a group took writes: each host's writable stretches (from the
   * first of consecutive probes it took to the end of the last) laid over the other's.
   *
   * @param periods how many times the two overlapped
   * @param longestMillis the longest overlap
   * @param totalMillis all overlaps together
   */
  public record Overlap(int periods, long longestMillis, long totalMillis) {}

  /**
   * A stretch of consecutive samples for which a condition held.
   *
   * @param samples samples that saw it, in all
   * @param longestMillis the longest run of consecutive such samples, first start to last end
   */
  public record Stretch(int samples, long longestMillis) {}

  private final PairLab lab;
  private final List<VipSample> vipSamples = new ArrayList<>();
  private final Map<String, List<ProbeSample>> probeSamples = new LinkedHashMap<>();
  private final List<Thread> threads = new ArrayList<>();
  private final Map<String, NetlinkAddressManager> addressReaders = new LinkedHashMap<>();
  private volatile boolean running = true;
  private volatile String failure;

  private PairWatch(PairLab lab) {
    this.lab = lab;
    for (PairLab.Group group : lab.groups()) {
      for (String host : HOSTS) {
        probeSamples.put(key(group.name(), host), new ArrayList<>());
      }
    }
  }

  /** Starts watching {@code lab}'s pair. */
  public static PairWatch start(PairLab lab) throws Exception {
    PairWatch watch = new PairWatch(lab);
    try {
      for (String host : HOSTS) {
        watch.addressReaders.put(
            host, lab.network().inNamespace(host, NetlinkAddressManager::open));
      }
    } catch (Exception e) {
      watch.closeReaders();
      throw e;
    }
    watch.threads.add(Thread.ofPlatform().daemon().name("watch VIPs").unstarted(watch::watchVips));
    // one thread per Redis, so a paused one that answers nothing slows no other probe
    for (PairLab.Group group : lab.groups()) {
      for (String host : HOSTS) {
        watch.threads.add(
            Thread.ofPlatform()
                .daemon()
                .name("watch Redis " + group.name() + " " + host)
                .unstarted(() -> watch.watchRedis(group, host)));
      }
    }
    watch.threads.forEach(Thread::start);
    return watch;
  }

  private void watchVips() {
    Map<String, List<Ipv4Cidr>> vips = new LinkedHashMap<>();
    for (PairLab.Group group : lab.groups()) {
      vips.put(
          group.name(),
          List.of(Ipv4Cidr.parse(group.vip() + "/24"), Ipv4Cidr.parse(group.vip() + "/32")));
    }
    while (running) {
      long start = System.nanoTime();
      Map<String, List<String>> holders = new LinkedHashMap<>();
      try {
        for (Map.Entry<String, List<Ipv4Cidr>> vip : vips.entrySet()) {
          List<String> on = new ArrayList<>();
          for (String host : HOSTS) {
            NetlinkAddressManager reader = addressReaders.get(host);
            for (Ipv4Cidr address : vip.getValue()) {
              if (reader.isPresent(LabNetwork.HOST_INTERFACE, address)) {
                on.add(host);
                break;
              }
            }
          }
          holders.put(vip.getKey(), List.copyOf(on));
        }
      } catch (IOException | RuntimeException e) {
        if (running) {
          failure = "VIP watch stopped: " + e.getMessage();
        }
        return;
      }
      synchronized (vipSamples) {
        vipSamples.add(new VipSample(start, System.nanoTime(), holders));
      }
      pauseUntil(start + VIP_PERIOD_MILLIS * 1_000_000);
    }
  }

  private void watchRedis(PairLab.Group group, String host) {
    Map<String, RespClient> clients = new LinkedHashMap<>();
    List<ProbeSample> samples = probeSamples.get(key(group.name(), host));
    try {
      while (running) {
        long start = System.nanoTime();
        Answer answer = probe(clients, host, group.port());
        synchronized (samples) {
          samples.add(new ProbeSample(start, System.nanoTime(), answer));
        }
        pauseUntil(start + REDIS_PERIOD_MILLIS * 1_000_000);
      }
    } finally {
      clients.values().forEach(RespClient::close);
    }
  }

  private static String key(String group, String host) {
    return group + "/" + host;
  }

  private Answer probe(Map<String, RespClient> clients, String host, int port) {
    boolean fresh = !clients.containsKey(host);
    Answer answer = probeOnce(clients, host, port);
    // a connection the agent closed (CLIENT KILL at a role change) says nothing about the server
    return answer == Answer.DOWN && !fresh ? probeOnce(clients, host, port) : answer;
  }

  private Answer probeOnce(Map<String, RespClient> clients, String host, int port) {
    RespClient client = clients.get(host);
    try {
      if (client == null) {
        client =
            lab.network()
                .inNamespace(
                    host,
                    () ->
                        new RespClient(
                            "127.0.0.1", port, PROBE_TIMEOUT_MILLIS, PROBE_TIMEOUT_MILLIS));
        clients.put(host, client);
      }
      client.command("DEL", PROBE_KEY);
      return Answer.WRITABLE;
    } catch (RespClient.RedisError e) {
      return e.getMessage().startsWith("READONLY") ? Answer.READ_ONLY : Answer.REFUSED;
    } catch (SocketTimeoutException e) {
      forget(clients, host);
      return Answer.NO_ANSWER;
    } catch (Exception e) {
      forget(clients, host);
      return Answer.DOWN;
    }
  }

  private static void forget(Map<String, RespClient> clients, String host) {
    RespClient client = clients.remove(host);
    if (client != null) {
      client.close();
    }
  }

  private void pauseUntil(long nanos) {
    long rest = nanos - System.nanoTime();
    if (rest > 0 && running) {
      LockSupport.parkNanos(rest);
    }
  }

  /** Why the watch stopped early, or null when it watched until closed. */
  public String failure() {
    return failure;
  }

  public List<VipSample> vipSamples() {
    synchronized (vipSamples) {
      return List.copyOf(vipSamples);
    }
  }

  /** The probes of {@code host}'s Redis of {@code group}, in order. */
  public List<ProbeSample> probeSamples(String group, String host) {
    List<ProbeSample> samples = probeSamples.get(key(group, host));
    synchronized (samples) {
      return List.copyOf(samples);
    }
  }

  /** The VIP samples of {@code group} that started in {@code [fromNanos, toNanos]}. */
  public List<List<String>> vipHoldersSeen(String group, long fromNanos, long toNanos) {
    return vipSamples().stream()
        .filter(s -> s.nanos() >= fromNanos && s.nanos() <= toNanos)
        .map(s -> s.holders().get(group))
        .toList();
  }

  /**
   * How many of {@code group}'s VIP samples that started in {@code [fromNanos, toNanos]} saw
   * anything but exactly {@code holders}.
   */
  public long vipSamplesOtherThan(
      String group, List<String> holders, long fromNanos, long toNanos) {
    return vipHoldersSeen(group, fromNanos, toNanos).stream()
        .filter(h -> !h.equals(holders))
        .count();
  }

  /**
   * How many probe samples of {@code group} that started in {@code [fromNanos, toNanos]} found
   * {@code host}'s Redis writable.
   */
  public long writableSamples(String group, String host, long fromNanos, long toNanos) {
    return answers(group, host, fromNanos, toNanos).stream()
        .filter(answer -> answer == Answer.WRITABLE)
        .count();
  }

  /** The answers of {@code host}'s Redis of {@code group} to probes sent in the window. */
  public List<Answer> answers(String group, String host, long fromNanos, long toNanos) {
    return probeSamples(group, host).stream()
        .filter(s -> s.nanos() >= fromNanos && s.nanos() <= toNanos)
        .map(ProbeSample::answer)
        .toList();
  }

  /** When both hosts' Redis of {@code group} took writes. */
  public Overlap twoWritable(String group) {
    List<long[]> first = writableStretches(probeSamples(group, HOSTS.get(0)));
    List<long[]> second = writableStretches(probeSamples(group, HOSTS.get(1)));
    int periods = 0;
    long longest = 0;
    long total = 0;
    for (long[] a : first) {
      for (long[] b : second) {
        long from = Math.max(a[0], b[0]);
        long to = Math.min(a[1], b[1]);
        if (from <= to) {
          periods++;
          longest = Math.max(longest, to - from);
          total += to - from;
        }
      }
    }
    return new Overlap(periods, longest / 1_000_000, total / 1_000_000);
  }

  /** {@code [start, end]} of each run of consecutive writable probes. */
  private static List<long[]> writableStretches(List<ProbeSample> samples) {
    List<long[]> stretches = new ArrayList<>();
    long[] open = null;
    for (ProbeSample sample : samples) {
      if (sample.answer() == Answer.WRITABLE) {
        if (open == null) {
          open = new long[] {sample.nanos(), sample.endNanos()};
          stretches.add(open);
        } else {
          open[1] = sample.endNanos();
        }
      } else {
        open = null;
      }
    }
    return stretches;
  }

  /** VIP samples in which both hosts held {@code group}'s VIP. */
  public Stretch twoVipHolders(String group) {
    return stretchOfVips(s -> s.holders().get(group).size() > 1);
  }

  /** VIP samples in which nobody held {@code group}'s VIP. */
  public Stretch noVipHolder(String group) {
    return stretchOfVips(s -> s.holders().get(group).isEmpty());
  }

  private Stretch stretchOfVips(Predicate<VipSample> bad) {
    int count = 0;
    long longest = 0;
    long since = -1;
    for (VipSample sample : vipSamples()) {
      if (bad.test(sample)) {
        count++;
        since = since < 0 ? sample.nanos() : since;
        longest = Math.max(longest, (sample.endNanos() - since) / 1_000_000);
      } else {
        since = -1;
      }
    }
    return new Stretch(count, longest);
  }

  /**
   * The VIP holders of {@code group} over time, one entry per change, in ms from {@code
   * originNanos}: {@code "-1000 vm-a, +312 vm-a+vm-b, +3410 vm-b"}.
   */
  public String vipTimeline(String group, long originNanos) {
    StringBuilder text = new StringBuilder();
    List<String> previous = null;
    for (VipSample sample : vipSamples()) {
      List<String> holders = sample.holders().get(group);
      if (!holders.equals(previous)) {
        long millis = (sample.nanos() - originNanos) / 1_000_000;
        text.append(text.isEmpty() ? "" : ", ")
            .append(millis >= 0 ? "+" : "")
            .append(millis)
            .append(' ')
            .append(holders.isEmpty() ? "nobody" : String.join("+", holders));
        previous = holders;
      }
    }
    return text.toString();
  }

  /**
   * Which hosts' Redis of {@code group} took writes over time, one entry per change, in ms from
   * {@code originNanos}: {@code "+0 vm-a, +340 vm-a+vm-b, +3500 vm-b"}.
   */
  public String writableTimeline(String group, long originNanos) {
    record Event(long nanos, String host, Answer answer) {}
    List<Event> events = new ArrayList<>();
    for (String host : HOSTS) {
      for (ProbeSample sample : probeSamples(group, host)) {
        events.add(new Event(sample.nanos(), host, sample.answer()));
      }
    }
    events.sort(Comparator.comparingLong(Event::nanos));
    Map<String, Answer> now = new LinkedHashMap<>();
    StringBuilder text = new StringBuilder();
    String previous = null;
    for (Event event : events) {
      now.put(event.host(), event.answer());
      if (now.size() < HOSTS.size()) {
        continue;
      }
      StringBuilder state = new StringBuilder();
      for (String host : HOSTS) {
        state
            .append(state.isEmpty() ? "" : " ")
            .append(host)
            .append('=')
            .append(now.get(host).name().toLowerCase(Locale.ROOT));
      }
      if (!state.toString().equals(previous)) {
        long millis = (event.nanos() - originNanos) / 1_000_000;
        text.append(text.isEmpty() ? "" : ", ")
            .append(millis >= 0 ? "+" : "")
            .append(millis)
            .append(' ')
            .append(state);
        previous = state.toString();
      }
    }
    return text.toString();
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    for (Thread thread : threads) {
      thread.join(5000);
    }
    closeReaders();
  }

  private void closeReaders() {
    for (NetlinkAddressManager reader : addressReaders.values()) {
      try {
        reader.close();
      } catch (IOException ignored) {
        // the namespace may already be gone; nothing is left open in this process
      }
    }
  }
}

package io.redisha.etcd;

import com.fasterxml.jackson.databind.JsonNode;
import io.redisha.arbiter.FenceTiming;
import io.redisha.arbiter.LeaseGuard;
import io.redisha.arbiter.LeasePort;
import io.redisha.arbiter.LeasePort.Conflict;
import io.redisha.arbiter.LeasePort.Failed;
import io.redisha.arbiter.LeasePort.Found;
import io.redisha.arbiter.LeasePort.LeaseRecord;
import io.redisha.arbiter.LeasePort.NotFound;
import io.redisha.arbiter.LeasePort.Result;
import io.redisha.arbiter.SplitBrainGuard.PeerView;
import io.redisha.clock.ExecutorScheduler;
import io.redisha.clock.Scheduler.Cancellable;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Drives {@link EtcdLeasePort} (and a real {@link LeaseGuard} on it) from inside a lab host, the
 * way an agent would use it: the test writes commands on stdin and reads {@code @ ...} lines with
 * results, latencies and {@link System#nanoTime()} stamps (one monotonic clock for every process on
 * the machine, so the test can compare them with its own).
 *
 * <p>Arguments: identity, comma-separated endpoints, call timeout in ms, then optionally {@code
 * ca=FILE cert=FILE key=FILE user=NAME password=TEXT}. Commands: {@code get G}, {@code create G
 * HOLDER}, {@code update G HOLDER RV}, {@code renew G PERIOD_MS}, {@code stop G}, {@code master G},
 * {@code backup G}, {@code silent G SINCE_NANOS}, {@code close G}, {@code revision}, {@code history
 * G FROM_REVISION}, {@code quit}.
 */
public final class EtcdPortDriver {
  static final Duration ADVERT = Duration.ofMillis(100);
  static final Duration TICK = Duration.ofMillis(100);
  static final FenceTiming TIMING = FenceTiming.of(ADVERT, TICK);

  private final String identity;
  private final EtcdGateway gateway;
  private final ExecutorScheduler scheduler = new ExecutorScheduler("driver");
  private final Map<String, EtcdLeasePort> ports = new HashMap<>();
  private final Map<String, Renewal> renewals = new HashMap<>();
  private final Map<String, GuardRun> guards = new HashMap<>();

  private EtcdPortDriver(String identity, EtcdGateway gateway) {
    this.identity = identity;
    this.gateway = gateway;
  }

  public static void main(String[] args) throws Exception {
    List<URI> endpoints = Arrays.stream(args[1].split(",")).map(URI::create).toList();
    Map<String, String> options = new HashMap<>();
    for (String option : Arrays.asList(args).subList(3, args.length)) {
      options.put(
          option.substring(0, option.indexOf('=')), option.substring(option.indexOf('=') + 1));
    }
    EtcdSettings settings =
        EtcdSettings.of(endpoints)
            .withCallTimeout(Duration.ofMillis(Long.parseLong(args[2])))
            .withCredentials(options.get("user"), options.get("password"))
            .withTls(path(options.get("ca")), path(options.get("cert")), path(options.get("key")));
    EtcdPortDriver driver = new EtcdPortDriver(args[0], EtcdGateway.open(settings));
    say("ready " + args[0]);
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    String line;
    while ((line = in.readLine()) != null) {
      String[] words = line.strip().split("\\s+");
      if (words[0].equals("quit")) {
        break;
      }
      String[] command = words;
      driver.scheduler.execute(() -> driver.run(command));
    }
    driver.scheduler.runAndWait(() -> driver.guards.values().forEach(g -> g.guard.close()));
    Thread.sleep(200);
    say("bye");
    System.exit(0);
  }

  private static Path path(String file) {
    return file == null ? null : Path.of(file);
  }

  static synchronized void say(String line) {
    System.out.println("@ " + line);
    System.out.flush();
  }

  private EtcdLeasePort port(String group) {
    return ports.computeIfAbsent(group, g -> new EtcdLeasePort(gateway, "lab", g, scheduler));
  }

  private void run(String[] words) {
    try {
      String group = words.length > 1 ? words[1] : "";
      switch (words[0]) {
        case "get" -> timed(group, "get", port(group)::get, r -> {});
        case "create" ->
            timed(
                group,
                "create",
                done ->
                    port(group)
                        .create(
                            new LeaseRecord(words[2], 4, scheduler.epochMillis(), 0, null), done),
                r -> {});
        case "update" ->
            timed(
                group,
                "update",
                done ->
                    port(group)
                        .update(
                            new LeaseRecord(words[2], 4, scheduler.epochMillis(), 0, words[3]),
                            done),
                r -> {});
        case "renew" -> {
          Renewal renewal = new Renewal(group, Duration.ofMillis(Long.parseLong(words[2])));
          renewals.put(group, renewal);
          renewal.start();
        }
        case "stop" -> renewals.remove(group).stop();
        case "master" -> guards.put(group, new GuardRun(group, true));
        case "backup" -> guards.put(group, new GuardRun(group, false));
        case "silent" -> guards.get(group).silentSince = Long.parseLong(words[2]);
        case "close" -> {
          GuardRun run = guards.remove(group);
          run.closed = true;
          run.guard.close();
          say("closed " + group);
        }
        case "revision" -> say("revision now=" + currentRevision());
        case "history" -> history(group, Long.parseLong(words[2]));
        default -> say("error unknown command " + words[0]);
      }
    } catch (Exception e) {
      say("error " + String.join(" ", words) + ": " + e);
    }
  }

  /** Runs one call and prints {@code <op> <group> <Kind> ... ms=N t=NANOS}. */
  private void timed(
      String group, String op, Consumer<Consumer<Result>> call, Consumer<Result> then) {
    long start = System.nanoTime();
    call.accept(
        result -> {
          long end = System.nanoTime();
          say(
              op
                  + " "
                  + group
                  + " "
                  + outcome(result)
                  + " ms="
                  + (end - start) / 1_000_000
                  + " t="
                  + start
                  + " end="
                  + end
                  + " via="
                  + gateway.preferredEndpoint().getAuthority()
                  + " auths="
                  + gateway.authentications());
          then.accept(result);
        });
  }

  static String outcome(Result result) {
    return switch (result) {
      case Found found ->
          "Found holder="
              + (found.lease().free() ? "-" : found.lease().holder())
              + " rv="
              + found.lease().resourceVersion();
      case NotFound ignored -> "NotFound";
      case Conflict conflict -> "Conflict " + conflict.detail().replace(' ', '_');
      case Failed failed -> "Failed " + failed.error().replace(' ', '_');
    };
  }

  /** Renews the group's key every period, each write based on the previous one's revision. */
  private final class Renewal {
    final String group;
    final Duration period;
    String revision;
    boolean stopped;
    int ok;
    int failed;
    int conflicts;
    long maxMillis;
    long sentNanos;
    Cancellable next = Cancellable.NONE;

    Renewal(String group, Duration period) {
      this.group = group;
      this.period = period;
    }

    void start() {
      sentNanos = System.nanoTime();
      timed(
          group,
          "renew",
          done ->
              port(group)
                  .create(new LeaseRecord(identity, 4, scheduler.epochMillis(), 0, null), done),
          this::after);
    }

    void after(Result result) {
      maxMillis = Math.max(maxMillis, (System.nanoTime() - sentNanos) / 1_000_000);
      switch (result) {
        case Found found -> {
          revision = found.lease().resourceVersion();
          ok++;
        }
        case Failed ignored -> failed++;
        case Conflict ignored -> {
          conflicts++;
          revision = null;
        }
        case NotFound ignored -> revision = null;
      }
      scheduleNext();
    }

    void scheduleNext() {
      if (!stopped) {
        next = scheduler.schedule(period, this::again);
      }
    }

    void again() {
      if (stopped) {
        return;
      }
      if (revision == null) {
        // After a conflict: carry on only from a version we wrote ourselves.
        timed(
            group,
            "renew-read",
            port(group)::get,
            result -> {
              if (result instanceof Found found && identity.equals(found.lease().holder())) {
                revision = found.lease().resourceVersion();
              }
              scheduleNext();
            });
        return;
      }
      sentNanos = System.nanoTime();
      timed(
          group,
          "renew",
          done ->
              port(group)
                  .update(new LeaseRecord(identity, 4, scheduler.epochMillis(), 0, revision), done),
          this::after);
    }

    void stop() {
      stopped = true;
      next.cancel();
      say(
          "stopped "
              + group
              + " ok="
              + ok
              + " failed="
              + failed
              + " conflict="
              + conflicts
              + " maxMs="
              + maxMillis);
    }
  }

  /** A real LeaseGuard for one group: a master without proof, or a backup of a silent peer. */
  private final class GuardRun {
    final String group;
    final LeaseGuard guard;
    boolean master;
    boolean steppedDown;
    boolean closed;
    long silentSince = Long.MIN_VALUE;

    GuardRun(String group, boolean master) {
      this.group = group;
      this.master = master;
      LeasePort logged = new LoggedPort(group, port(group));
      this.guard =
          new LeaseGuard(
              identity,
              TIMING,
              scheduler,
              logged,
              message -> say("guard " + group + " log t=" + System.nanoTime() + " " + message));
      say("guard " + group + " started " + (master ? "master" : "backup"));
      scheduler.schedule(TICK, this::tick);
    }

    void tick() {
      if (closed) {
        return;
      }
      long now = System.nanoTime();
      if (master) {
        String refusal = guard.holdRefusal(false);
        if (refusal != null) {
          master = false;
          steppedDown = true;
          say("guard " + group + " stepped-down t=" + now + " " + refusal.replace(' ', '_'));
        }
      } else if (!steppedDown) {
        Duration silence =
            silentSince == Long.MIN_VALUE ? Duration.ZERO : Duration.ofNanos(now - silentSince);
        String refusal = guard.takeoverRefusal(new PeerView(silence, false, null));
        if (refusal == null) {
          master = true;
          say("guard " + group + " took-over t=" + now + " silence=" + silence.toMillis());
        }
      }
      scheduler.schedule(master ? TICK : ADVERT, this::tick);
    }
  }

  /** Prints every call the guard makes. */
  private static final class LoggedPort implements LeasePort {
    private final String group;
    private final LeasePort port;

    LoggedPort(String group, LeasePort port) {
      this.group = group;
      this.port = port;
    }

    private Consumer<Result> logged(String op, Consumer<Result> done) {
      long start = System.nanoTime();
      return result -> {
        say(
            "call "
                + group
                + " "
                + op
                + " "
                + outcome(result)
                + " ms="
                + (System.nanoTime() - start) / 1_000_000
                + " t="
                + start);
        done.accept(result);
      };
    }

    @Override
    public void get(Consumer<Result> done) {
      port.get(logged("get", done));
    }

    @Override
    public void create(LeaseRecord lease, Consumer<Result> done) {
      port.create(lease, logged("create", done));
    }

    @Override
    public void update(LeaseRecord lease, Consumer<Result> done) {
      port.update(lease, logged(lease.free() ? "release" : "update", done));
    }

    @Override
    public String describe() {
      return port.describe();
    }
  }

  private long currentRevision() throws EtcdCallException {
    JsonNode answer =
        gateway.post(
            "/v3/kv/range",
            EtcdGateway.JSON.createObjectNode().put("key", EtcdLeasePort.encode("/")),
            System.nanoTime() + 2_000_000_000L);
    return answer.path("header").path("revision").asLong();
  }

  /** Every version of the group's key from {@code from} on: {@code history G rev=R holder=H}. */
  private void history(String group, long from) throws EtcdCallException {
    String key = port(group).key();
    long last = currentRevision();
    String previous = null;
    for (long revision = from; revision <= last; revision++) {
      JsonNode answer =
          gateway.post(
              "/v3/kv/range",
              EtcdGateway.JSON
                  .createObjectNode()
                  .put("key", EtcdLeasePort.encode(key))
                  .put("revision", Long.toString(revision)),
              System.nanoTime() + 2_000_000_000L);
      JsonNode kvs = answer.path("kvs");
      String state;
      if (kvs.isArray() && !kvs.isEmpty()) {
        Result decoded = port(group).decode(kvs.get(0));
        state =
            decoded instanceof Found found
                ? "mod=" + found.lease().resourceVersion() + " " + outcome(decoded)
                : outcome(decoded);
      } else {
        state = "absent";
      }
      if (!state.equals(previous)) {
        say("history " + group + " rev=" + revision + " " + state);
        previous = state;
      }
    }
    say("history-end " + group + " last=" + last);
  }
}

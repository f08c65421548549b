package io.redisha.sim;

import io.redisha.arbiter.LeaseGuard;
import io.redisha.arbiter.LeasePort;
import io.redisha.arbiter.LeasePort.LeaseRecord;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;

/**
 * A three-member etcd cluster as {@code io.redisha.etcd.EtcdLeasePort} meets it: each group's
 * record is a key bound to an etcd lease of its writer, every write a compare-and-swap on the key's
 * revisions, and each call bounded by the client's call timeout, tried member after member with an
 * equal share of the time left, one call after another per group.
 *
 * <p>What etcd does to a client, and this model does too:
 *
 * <ul>
 *   <li><b>Store outage</b> (no quorum): requests hang. A write may still be committed when quorum
 *       returns, long after the client gave up.
 *   <li><b>Leader change</b>: for an election's length requests get "leader changed"; a write the
 *       old leader had already committed is answered with that error too, so the client's retry on
 *       the next member finds its own write (a conflict with itself). Every etcd lease gets its
 *       full TTL again: the store's expiry is no fence.
 *   <li><b>Slow answers</b>: extra delay on every request and answer.
 *   <li><b>Lost answers</b>: the request is applied, its answer never arrives; the client tries the
 *       next member once its share of the time is up, and that retry is applied a second time.
 * </ul>
 *
 * Reaching etcd is reaching the arbiter: a node cut from the API ({@code API_CUT}) or isolated
 * reaches no member. The episodes come from the seed, after the scenario's faults, and end before
 * the scenario's faults must have healed.
 */
final class SimEtcd {
  static final Duration CALL_TIMEOUT = Duration.ofMillis(500);
  static final int MEMBERS = 3;

  enum Trouble {
    OUTAGE,
    LEADER_CHANGE,
    SLOW,
    LOST
  }

  /**
   * One episode of trouble.
   *
   * @param rate extra delay in ms (SLOW) or the share of answers lost (LOST)
   */
  record Episode(Trouble kind, long atMillis, long durationMillis, double rate) {
    @Override
    public String toString() {
      String text = atMillis + "ms etcd " + kind + " for " + durationMillis + "ms";
      return switch (kind) {
        case SLOW -> text + " +" + (long) rate + "ms";
        case LOST -> text + String.format(" p=%.2f", rate);
        default -> text;
      };
    }
  }

  /** What happened, for the figures. */
  static final class Counts {
    int calls;
    int failedCalls;
    int leaderChanges;
    int outages;
    int committedAfterOutage;
    int committedBeforeLeaderChange;
    int lostAnswers;
    int retriedAfterApply;
    int expiredKeys;
    int conflicts;
    int rebased;

    @Override
    public String toString() {
      return String.format(
          "%d calls (%d failed, %d conflicts), %d outages (%d writes committed after the client"
              + " gave up), %d leader changes (%d writes committed but answered with an error), %d"
              + " answers lost, %d writes applied again by a retry, %d writes made again on a"
              + " revision of the writer's own, %d keys expired",
          calls,
          failedCalls,
          conflicts,
          outages,
          committedAfterOutage,
          leaderChanges,
          committedBeforeLeaderChange,
          lostAnswers,
          retriedAfterApply,
          rebased,
          expiredKeys);
    }
  }

  private record Entry(LeaseRecord record, long modRevision, long leaseId) {}

  /** An etcd lease: its TTL and when it runs out unless kept alive. */
  private static final class StoreLease {
    final long ttlNanos;
    long expiresAt;

    StoreLease(long ttlNanos, long expiresAt) {
      this.ttlNanos = ttlNanos;
      this.expiresAt = expiresAt;
    }
  }

  private final SimWorld world;
  private final Random random;
  final List<Episode> episodes;
  final Counts counts = new Counts();

  /** Every stored version: {@code key holder} ({@code -} when released). */
  final List<String> writes = new ArrayList<>();

  private final Map<String, Entry> keys = new HashMap<>();
  private final Map<String, LeaseGuard[]> guards = new HashMap<>();
  private boolean watching;

  /** A broken store, for the test that the watch can fail: reads find nothing, compares hold. */
  boolean amnesia;

  private final Map<Long, StoreLease> leases = new HashMap<>();
  private long leaseIds;
  private final List<Runnable> commitWhenQuorumReturns = new ArrayList<>();
  private long revision = 1;
  private int outages;
  private int elections;
  private long slowNanos;
  private double lostRate;

  SimEtcd(SimWorld world, long seed) {
    this.world = world;
    this.random = new Random(seed * 131 + 17);
    this.episodes = generate(world.scenario, new Random(seed * 977 + 3));
  }

  /** The troubles a scenario can take without its own rules becoming unreachable. */
  static List<Episode> generate(Scenario scenario, Random random) {
    List<Trouble> kinds =
        switch (scenario) {
          // During a pair-link cut the master needs etcd: an outage or lost answers would rightly
          // make it step down, which S3's "the master stays" does not allow.
          case PAIR_CUT -> List.of(Trouble.LEADER_CHANGE, Trouble.SLOW);
          default -> List.of(Trouble.values());
        };
    List<Episode> episodes = new ArrayList<>();
    int count = random.nextInt(4);
    for (int i = 0; i < count; i++) {
      Trouble kind = kinds.get(random.nextInt(kinds.size()));
      long duration =
          switch (kind) {
            case OUTAGE -> 300 + random.nextInt(6_000);
            // An election after a crash takes about a second; during a pair-link cut that would
            // outlast the master's grace to take the key (safe: it steps down, S3 says it stays).
            // A leader transfer, as in a rolling restart, is short.
            case LEADER_CHANGE -> 50 + random.nextInt(scenario == Scenario.PAIR_CUT ? 350 : 1_500);
            case SLOW, LOST -> 1_000 + random.nextInt(7_000);
          };
      double rate =
          switch (kind) {
            // 40 ms each way is a far zone under load; more, and the master cannot take the key
            // within its grace (a lease grant and a write): it steps down, safe but not S3.
            case SLOW -> 5 + random.nextInt(scenario == Scenario.PAIR_CUT ? 35 : 700);
            case LOST -> 0.1 + random.nextDouble() * 0.5;
            default -> 0;
          };
      long latestStart = Scenario.FAULTS_UNTIL_MILLIS - duration - Scenario.FAULTS_FROM_MILLIS;
      long at = Scenario.FAULTS_FROM_MILLIS + random.nextLong(Math.max(1, latestStart));
      episodes.add(new Episode(kind, at, duration, rate));
    }
    episodes.sort((a, b) -> Long.compare(a.atMillis(), b.atMillis()));
    return episodes;
  }

  /** Puts the episodes on the world's clock. */
  void schedule() {
    for (Episode episode : episodes) {
      world.scheduler.schedule(Duration.ofMillis(episode.atMillis()), () -> begin(episode));
      world.scheduler.schedule(
          Duration.ofMillis(episode.atMillis() + episode.durationMillis()), () -> end(episode));
    }
  }

  private void begin(Episode episode) {
    world.event("ETCD begins: " + episode);
    switch (episode.kind()) {
      case OUTAGE -> {
        outages++;
        counts.outages++;
      }
      case LEADER_CHANGE -> {
        elections++;
        counts.leaderChanges++;
      }
      case SLOW -> slowNanos = Math.max(slowNanos, (long) (episode.rate() * 1_000_000));
      case LOST -> lostRate = Math.max(lostRate, episode.rate());
    }
  }

  private void end(Episode episode) {
    world.event("ETCD ends: " + episode);
    switch (episode.kind()) {
      case OUTAGE -> {
        outages--;
        if (outages == 0) {
          List<Runnable> late = List.copyOf(commitWhenQuorumReturns);
          commitWhenQuorumReturns.clear();
          late.forEach(Runnable::run);
        }
      }
      case LEADER_CHANGE -> {
        elections--;
        // The new leader gives every lease its whole TTL again.
        long now = world.now();
        for (StoreLease lease : leases.values()) {
          if (lease.expiresAt > now) {
            lease.expiresAt = Math.max(lease.expiresAt, now + lease.ttlNanos);
          }
        }
      }
      case SLOW -> slowNanos = 0;
      case LOST -> lostRate = 0;
    }
  }

  /** The record of a key now, for the checker and the trace. */
  LeaseRecord record(String key) {
    expire(key);
    Entry entry = keys.get(key);
    return entry == null ? null : entry.record();
  }

  // ---- the store ----

  private enum Op {
    GET,
    CREATE,
    UPDATE,
    /** The keep-alive EtcdLeasePort sends after a write that found it due. */
    KEEP_ALIVE
  }

  /** What one request does at the member that commits it; the answer, null for "lease gone". */
  private LeasePort.Result range(String key) {
    if (amnesia) {
      return new LeasePort.NotFound();
    }
    expire(key);
    Entry entry = keys.get(key);
    return entry == null ? new LeasePort.NotFound() : new LeasePort.Found(entry.record());
  }

  private long grant(long ttlNanos) {
    long id = ++leaseIds;
    leases.put(id, new StoreLease(ttlNanos, world.now() + ttlNanos));
    world.event("etcd lease " + id + " granted, TTL " + ttlNanos / 1_000_000_000L + " s");
    return id;
  }

  /** Keep-alive: the lease's TTL again, or false when it ran out already. */
  private boolean keepAlive(long id) {
    StoreLease lease = leases.get(id);
    if (lease == null || lease.expiresAt <= world.now()) {
      return false;
    }
    lease.expiresAt = world.now() + lease.ttlNanos;
    world.event("etcd lease " + id + " kept alive");
    return true;
  }

  private boolean alive(long id) {
    StoreLease lease = leases.get(id);
    return lease != null && lease.expiresAt > world.now();
  }

  /**
   * The transaction of a create or update: compare, then put bound to {@code leaseId}, else read.
   * Null when the lease ran out ("requested lease not found"). On a failed compare the port looks
   * at what the key holds: its own write, applied by an earlier try, counts as done.
   */
  private Object txn(String key, Op op, LeaseRecord lease, long leaseId, boolean rebased) {
    expire(key);
    if (!alive(leaseId)) {
      return null;
    }
    Entry entry = keys.get(key);
    boolean holds =
        amnesia
            || (op == Op.CREATE
                ? entry == null
                : entry != null
                    && Long.toString(entry.modRevision()).equals(lease.resourceVersion()));
    if (!holds) {
      if (entry == null) {
        return op == Op.UPDATE ? new LeasePort.NotFound() : new LeasePort.Conflict("changed");
      }
      if (ownWrite(entry.record(), lease)) {
        return new LeasePort.Found(entry.record());
      }
      if (!rebased && !lease.free() && lease.holder().equals(entry.record().holder())) {
        return new Rebase(entry.modRevision());
      }
      counts.conflicts++;
      return new LeasePort.Conflict(
          "key " + key + " is at revision " + entry.modRevision() + ", held by " + holder(entry));
    }
    long stored = ++revision;
    LeaseRecord record =
        new LeaseRecord(
            lease.holder(),
            lease.durationSeconds(),
            lease.renewEpochMillis(),
            lease.transitions(),
            Long.toString(stored));
    keys.put(key, new Entry(record, stored, leaseId));
    writes.add(key + " " + (record.free() ? "-" : record.holder()));
    world.leaseChanged(key, record);
    return new LeasePort.Found(record);
  }

  /** The key holds an earlier write of this node: the port writes again on its revision. */
  private record Rebase(long revision) {}

  /** As {@code EtcdLeasePort.ownWrite}. */
  private static boolean ownWrite(LeaseRecord stored, LeaseRecord written) {
    return !written.free()
        && written.holder().equals(stored.holder())
        && written.durationSeconds() == stored.durationSeconds()
        && written.renewEpochMillis() == stored.renewEpochMillis()
        && written.transitions() == stored.transitions();
  }

  private static String holder(Entry entry) {
    return entry.record().free() ? "nobody" : entry.record().holder();
  }

  private void expire(String key) {
    Entry entry = keys.get(key);
    if (entry != null && !alive(entry.leaseId())) {
      keys.remove(key);
      counts.expiredKeys++;
      world.event("etcd key " + key + " expired with its lease " + entry.leaseId());
    }
  }

  // ---- the client ----

  /** Node {@code node}'s client for the key of {@code group}. */
  LeasePort port(int node, String pair, String group, AgentScheduler agent) {
    String key = "/redisha/" + pair + "/" + group;
    return new Port(node, key, agent);
  }

  /**
   * Node {@code node}'s guard of {@code group} on its key. The guards are watched: two nodes that
   * both count themselves holders of one key at once is the arbiter failing, whatever the VIPs do.
   */
  LeaseGuard guard(
      int node, String pair, String group, AgentScheduler agent, Consumer<String> log) {
    // On the agent's scheduler, as in the agent: a crashed agent's guard renews and releases
    // nothing, and answers to its calls reach nobody.
    LeaseGuard guard =
        new LeaseGuard(
            world.nodeName(node), world.timing, agent, port(node, pair, group, agent), log);
    guards.computeIfAbsent(group, g -> new LeaseGuard[2])[node] = guard;
    if (!watching) {
      watching = true;
      watch();
    }
    return guard;
  }

  private void watch() {
    checkHolders();
    world.scheduler.schedule(Duration.ofMillis(5), this::watch);
  }

  /** Also run right after each answer reaches a guard, before anything it allows can happen. */
  private void checkHolders() {
    guards.forEach(
        (group, pair) -> {
          if (pair[0] != null && pair[1] != null && pair[0].held() && pair[1].held()) {
            world.checker.fail(
                "S1: vm-a and vm-b both count themselves holders of the etcd key of group "
                    + group);
          }
        });
  }

  private final class Port implements LeasePort {
    private final int node;
    private final String key;
    private final ArrayDeque<Call> queue = new ArrayDeque<>();
    private boolean busy;

    // The port's own etcd lease, as EtcdLeasePort keeps it.
    private long leaseId;
    private long leaseTtlNanos;
    private long leaseRefreshSent;

    private final AgentScheduler agent;

    Port(int node, String key, AgentScheduler agent) {
      this.node = node;
      this.key = key;
      this.agent = agent;
    }

    @Override
    public void get(Consumer<Result> done) {
      ask(Op.GET, null, done);
    }

    @Override
    public void create(LeaseRecord lease, Consumer<Result> done) {
      ask(Op.CREATE, lease, done);
    }

    @Override
    public void update(LeaseRecord lease, Consumer<Result> done) {
      ask(Op.UPDATE, lease, done);
    }

    @Override
    public String describe() {
      return "etcd " + key;
    }

    @Override
    public String title() {
      return describe();
    }

    @Override
    public String store() {
      return "etcd";
    }

    private void ask(Op op, LeaseRecord lease, Consumer<Result> done) {
      counts.calls++;
      queue.add(new Call(this, op, lease, done, world.now() + CALL_TIMEOUT.toNanos()));
      next();
    }

    void next() {
      if (agent.dead()) {
        queue.clear(); // calls not sent yet die with the process
        return;
      }
      if (!busy && !queue.isEmpty()) {
        busy = true;
        queue.removeFirst().start();
      }
    }

    void finished() {
      busy = false;
      next();
    }
  }

  /** A request of a call to one member: what it does at the member, and with the answer. */
  private interface Request {
    /** Runs at the member that commits it; the answer, or null for "leader changed". */
    Object atMember();
  }

  /**
   * One call of a port, as EtcdLeasePort makes it: for a write, a lease grant or keep-alive when
   * due, then the transaction (again after a grant when its lease ran out); each request tried on
   * up to {@link #MEMBERS} members within the call's one deadline.
   */
  private final class Call {
    private final Port port;
    private final Op op;
    private final LeaseRecord lease;
    private final Consumer<LeasePort.Result> done;
    private final long deadline;
    private boolean finished;
    private boolean regranted;

    Call(Port port, Op op, LeaseRecord lease, Consumer<LeasePort.Result> done, long deadline) {
      this.port = port;
      this.op = op;
      this.lease = lease;
      this.done = done;
      this.deadline = deadline;
    }

    void start() {
      long now = world.now();
      world.scheduler.schedule(
          Duration.ofNanos(Math.max(0, deadline - now)),
          () ->
              finish(
                  new LeasePort.Failed(
                      "no etcd member answered within " + CALL_TIMEOUT.toMillis() + " ms")));
      switch (op) {
        case GET -> send(() -> range(port.key), answer -> finish((LeasePort.Result) answer), false);
        case KEEP_ALIVE -> keepAliveIfDue();
        case CREATE, UPDATE -> {
          long ttl = ttlNanos();
          if (port.leaseId == 0
              || port.leaseTtlNanos != ttl
              || now - port.leaseRefreshSent >= ttl / 2) {
            grantThenTransaction(ttl);
          } else {
            transaction();
          }
        }
      }
    }

    private long ttlNanos() {
      return Math.max(2, 2L * lease.durationSeconds()) * 1_000_000_000L;
    }

    private void keepAliveIfDue() {
      long sent = world.now();
      long id = port.leaseId;
      if (id == 0 || sent - port.leaseRefreshSent < port.leaseTtlNanos / 4) {
        finish(null);
        return;
      }
      send(
          () -> keepAlive(id),
          answer -> {
            if ((Boolean) answer) {
              port.leaseRefreshSent = sent;
            } else if (port.leaseId == id) {
              port.leaseId = 0;
            }
            finish(null);
          },
          false);
    }

    private void grantThenTransaction(long ttl) {
      long sent = world.now();
      send(
          () -> grant(ttl),
          answer -> {
            port.leaseId = (Long) answer;
            port.leaseTtlNanos = ttl;
            port.leaseRefreshSent = sent;
            transaction();
          },
          false);
    }

    private void transaction() {
      transaction(op, lease, false);
    }

    private void transaction(Op txOp, LeaseRecord txLease, boolean rebased) {
      long id = port.leaseId;
      send(
          () -> {
            Object result = txn(port.key, txOp, txLease, id, rebased);
            return result == null ? "lease not found" : result;
          },
          answer -> {
            if (answer instanceof LeasePort.Result result) {
              finish(result);
            } else if (answer instanceof Rebase rebase) {
              counts.rebased++;
              transaction(
                  Op.UPDATE,
                  new LeaseRecord(
                      txLease.holder(),
                      txLease.durationSeconds(),
                      txLease.renewEpochMillis(),
                      txLease.transitions(),
                      Long.toString(rebase.revision())),
                  true);
            } else if (!regranted) {
              regranted = true; // etcd forgot the lease: a new one, once
              port.leaseId = 0;
              grantThenTransaction(ttlNanos());
            } else {
              finish(new LeasePort.Failed("etcd: requested lease not found"));
            }
          },
          true);
    }

    /** One request, member after member, until one answers or the call's time is up. */
    private void send(Request request, Consumer<Object> onAnswer, boolean write) {
      new Exchange(request, onAnswer, write).attempt();
    }

    private final class Exchange {
      private final Request request;
      private final Consumer<Object> onAnswer;
      private final boolean write;
      private int tries;
      private boolean applied;

      Exchange(Request request, Consumer<Object> onAnswer, boolean write) {
        this.request = request;
        this.onAnswer = onAnswer;
        this.write = write;
      }

      void attempt() {
        long now = world.now();
        if (finished || tries >= MEMBERS || now >= deadline) {
          return;
        }
        int index = tries++;
        long left = deadline - now;
        long share = Math.max(left / 2, Math.min(left, CALL_TIMEOUT.toNanos() / 2));
        long tryDeadline = index == MEMBERS - 1 ? deadline : now + share;
        boolean[] over = {false};
        world.scheduler.schedule(
            Duration.ofNanos(tryDeadline - now),
            () -> {
              if (!over[0]) {
                over[0] = true;
                attempt();
              }
            });
        if (!reachable()) {
          return; // the connection hangs until the try's time is up
        }
        world.scheduler.schedule(
            transit(),
            () -> {
              if (!reachable()) {
                return;
              }
              if (outages > 0) {
                if (write && random.nextBoolean()) {
                  commitWhenQuorumReturns.add(
                      () -> {
                        counts.committedAfterOutage++;
                        request.atMember();
                      });
                }
                return;
              }
              Object answer;
              if (elections > 0) {
                if (write && random.nextDouble() < 0.3) {
                  counts.committedBeforeLeaderChange++;
                  request.atMember();
                  noteApplied();
                }
                answer = null; // "etcdserver: leader changed": the client tries the next member
              } else {
                answer = request.atMember();
                noteApplied();
              }
              if (answer != null && lostRate > 0 && random.nextDouble() < lostRate) {
                counts.lostAnswers++;
                return;
              }
              world.scheduler.schedule(
                  transit(),
                  () -> {
                    if (over[0] || finished || !reachable()) {
                      return; // the client gave this member up already
                    }
                    over[0] = true;
                    if (answer == null) {
                      attempt();
                    } else {
                      onAnswer.accept(answer);
                    }
                  });
            });
      }

      private void noteApplied() {
        if (write) {
          if (applied) {
            counts.retriedAfterApply++;
          }
          applied = true;
        }
      }
    }

    private boolean reachable() {
      return world.network.apiReachable(port.node);
    }

    private Duration transit() {
      return world.network.delay().multipliedBy(4).plusNanos(slowNanos);
    }

    private void finish(LeasePort.Result result) {
      if (finished) {
        return;
      }
      finished = true;
      if (op == Op.KEEP_ALIVE) {
        port.finished();
        return;
      }
      if (result instanceof LeasePort.Failed) {
        counts.failedCalls++;
      }
      port.agent.execute(
          () -> {
            done.accept(result);
            checkHolders();
          });
      if (op != Op.GET) {
        port.queue.addFirst(
            new Call(port, Op.KEEP_ALIVE, null, r -> {}, world.now() + CALL_TIMEOUT.toNanos()));
      }
      port.finished();
    }
  }
}

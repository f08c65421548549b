package io.redisha.arbiter;

import io.redisha.arbiter.LeasePort.Conflict;
import io.redisha.arbiter.LeasePort.Failed;
import io.redisha.arbiter.LeasePort.Found;
import io.redisha.arbiter.LeasePort.LeaseRecord;
import io.redisha.arbiter.LeasePort.NotFound;
import io.redisha.arbiter.LeasePort.Result;
import io.redisha.clock.Scheduler;
import io.redisha.clock.Scheduler.Cancellable;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Split-brain protection with a lease record as the third voter, used only when the pair cannot
 * settle things by itself. The record is a Kubernetes Lease ({@link Protection#LEASE}) or a key in
 * etcd ({@link Protection#ETCD}); the rules are the same, and they never trust the store's own
 * expiry: every bound below is measured on this node's clock.
 *
 * <ul>
 *   <li><b>Healthy pair, no API calls (S2).</b> A master whose peer provably follows it keeps its
 *       role whatever the API server does; a backup that hears the master never asks.
 *   <li><b>Master without proof (S4).</b> When the proof is gone the master must hold the Lease
 *       within {@link FenceTiming#holdGrace} and renew it every {@link FenceTiming#renewInterval};
 *       when it cannot, it is told to step down. Its own view of the Lease ends {@link
 *       FenceTiming#margin} before the duration measured from the moment it sent the last
 *       successful renewal, so it fences before any contender can see the Lease expire.
 *   <li><b>Backup (S1, S3).</b> It may take over only after hearing nothing for longer than {@link
 *       FenceTiming#fenceTime} and after writing itself into the Lease. A Lease held by the peer
 *       counts as expired only once its resourceVersion has stayed the same for a whole lease
 *       duration as observed locally, so no clocks are compared. Writes carry the resourceVersion
 *       they were based on, and the store's refusal of a stale one (409, a failed etcd compare)
 *       decides every race.
 *   <li>A fresh priority 0 release from the peer hands the role over at once, without the API.
 *   <li>The Lease is released (holder cleared) as soon as neither a master without proof nor a
 *       contender needs it, so the next episode starts from a free Lease.
 * </ul>
 *
 * What it does not cover: a link that drops the master's adverts towards the backup while the
 * backup's replication acknowledgements still reach the master keeps the master's proof alive; the
 * backup then takes over with the Lease and the master notices only when the acknowledgements stop
 * (up to {@link FenceTiming#proofStaleness} plus {@link FenceTiming#holdGrace} later). A cut of the
 * pair link in both directions, the case that happens, is covered.
 *
 * <p>Pure: time from the {@link Scheduler}, the API server behind {@link LeasePort}; every method
 * runs on the scheduler's thread.
 */
public final class LeaseGuard implements SplitBrainGuard {
  private final String identity;
  private final FenceTiming timing;
  private final Scheduler scheduler;
  private final LeasePort port;
  private final Consumer<String> log;
  private final MasterTerm term;

  private Runnable takeoverMayBeAllowed = () -> {};
  private LeaseRecord record;
  private String observedVersion;
  private long observedAtNanos;
  private long heldUntilNanos = Long.MIN_VALUE;
  private long lastRenewSentNanos = Long.MIN_VALUE;
  private long lastAttemptNanos = Long.MIN_VALUE;
  private long wantedAtNanos = Long.MIN_VALUE;
  private long maintainedAtNanos = Long.MIN_VALUE;
  private boolean inFlight;
  private boolean closed;
  private String lastProblem;
  private Cancellable maintenance = Cancellable.NONE;
  private long lastStamp = Long.MIN_VALUE;
  private long answeringSinceNanos = Long.MIN_VALUE;

  /** A read made just before the fence time ran out, and when it was sent. */
  private Result prefetched;

  private long prefetchedAtNanos = Long.MIN_VALUE;

  /**
   * @param identity this node's name, written as the Lease holder
   * @param timing the pair's timing
   * @param scheduler the agent's scheduler
   * @param port the group's Lease
   * @param log where notable events go (acquired, lost, released)
   */
  public LeaseGuard(
      String identity,
      FenceTiming timing,
      Scheduler scheduler,
      LeasePort port,
      Consumer<String> log) {
    if (identity == null || identity.isBlank()) {
      throw new IllegalArgumentException("identity must not be blank");
    }
    this.identity = identity;
    this.timing = Objects.requireNonNull(timing, "timing");
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    this.port = Objects.requireNonNull(port, "port");
    this.log = Objects.requireNonNull(log, "log");
    this.term = new MasterTerm(timing);
    scheduleMaintenance();
  }

  @Override
  public void onTakeoverMayBeAllowed(Runnable listener) {
    this.takeoverMayBeAllowed = Objects.requireNonNull(listener, "listener");
  }

  @Override
  public String takeoverRefusal(PeerView peer) {
    if (MasterTerm.freshRelease(timing, peer)) {
      term.allowedByRelease(scheduler.nanoTime());
      return null;
    }
    String silence = MasterTerm.silenceRefusal(timing, peer);
    long now = scheduler.nanoTime();
    if (silence != null) {
      long silenceBegan = now - peer.silence().toNanos();
      boolean noticed = peer.silence().compareTo(timing.advertInterval().multipliedBy(3)) >= 0;
      if ((noticed && prefetchedAtNanos < silenceBegan)
          || peer.silence().compareTo(timing.fenceTime().minus(timing.margin())) > 0) {
        prefetch(now);
      }
      return silence;
    }
    want(now);
    if (held(now)) {
      return null;
    }
    return "peer silent for "
        + peer.silence().toMillis()
        + " ms but "
        + port.title()
        + " is not ours: "
        + (lastProblem == null ? "asking " + port.store() : lastProblem);
  }

  @Override
  public String holdRefusal(boolean peerFollowing) {
    long now = scheduler.nanoTime();
    term.tick(now, peerFollowing);
    if (term.proof()) {
      return null;
    }
    want(now);
    if (held(now) || !term.graceOver(now)) {
      return null;
    }
    return "no proof that the peer follows for "
        + term.sinceProof(now) / 1_000_000
        + " ms and "
        + port.title()
        + " is not held: "
        + (lastProblem == null ? "no answer from " + port.store() + " yet" : lastProblem);
  }

  @Override
  public String describe() {
    long now = scheduler.nanoTime();
    String where = port.title();
    if (held(now)) {
      return where + ": held for " + (heldUntilNanos - now) / 1_000_000 + " ms more";
    }
    if (term.active(now) && term.proof()) {
      return where + ": not needed, the peer follows";
    }
    if (lastProblem != null) {
      return where + ": not held (" + lastProblem + ")";
    }
    return where + ": not held";
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    inFlight = false;
    release("agent stopping");
    closed = true;
    maintenance.cancel();
  }

  /** Whether this node holds the Lease now, by its own conservative reckoning. */
  public boolean held() {
    return held(scheduler.nanoTime());
  }

  @Override
  public boolean arbitrated() {
    return true;
  }

  @Override
  public long answeringSinceNanos() {
    return answeringSinceNanos;
  }

  @Override
  public void probeArbiter() {
    prefetch(scheduler.nanoTime());
  }

  /** Notes whether the store answered a call sent at {@code sentNanos}. */
  private void noteAnswer(Result result, long sentNanos) {
    if (result instanceof Failed) {
      answeringSinceNanos = Long.MAX_VALUE;
    } else if (answeringSinceNanos == Long.MAX_VALUE) {
      answeringSinceNanos = sentNanos;
    }
  }

  @Override
  public boolean holdsArbiter() {
    return held();
  }

  @Override
  public long peerMayHoldFromNanos() {
    return held(scheduler.nanoTime())
        ? lastRenewSentNanos + timing.leaseDuration().toNanos()
        : Long.MIN_VALUE;
  }

  private boolean held(long now) {
    return heldUntilNanos != Long.MIN_VALUE && now < heldUntilNanos;
  }

  private void want(long now) {
    wantedAtNanos = now;
    keep(now);
  }

  /**
   * Acquires or renews as due. The maintenance round calls this, not {@link #want}: a round that
   * counted as a request would keep the key wanted for good once rounds come at most the idle time
   * apart (a FAULT node renewed its Lease for the rest of the run in simulation seed 816).
   */
  private void keep(long now) {
    if (inFlight || closed) {
      return;
    }
    if (held(now)) {
      if (now - lastRenewSentNanos >= timing.renewInterval().toNanos()) {
        write(renewed(record, false), now);
      }
    } else if (lastAttemptNanos == Long.MIN_VALUE
        || now - lastAttemptNanos >= timing.retryInterval().toNanos()) {
      acquire(now);
    }
  }

  private void acquire(long now) {
    inFlight = true;
    lastAttemptNanos = now;
    if (prefetched != null && now - prefetchedAtNanos <= timing.retryInterval().toNanos()) {
      // Read a moment ago: write on what it found. A record that changed since makes the write a
      // conflict, and the next attempt reads again.
      Result cached = prefetched;
      prefetched = null;
      onRead(cached);
      return;
    }
    long sent = scheduler.nanoTime();
    port.get(
        result -> {
          noteAnswer(result, sent);
          onRead(result);
        });
  }

  /**
   * A backup reads the record (never writes it) twice while its peer is silent. Once as soon as the
   * silence is noticed (three adverts missed, VRRP's master-down interval): a record the peer holds
   * counts as expired a lease duration after this node first saw its version, so a first look only
   * near the fence time made a takeover from a holder that went silent wait a lease duration past
   * the fence time (the bench's link down with Lease: 7.3 s where a free record took 4.2 s). And
   * again while nearly the fence time has passed, so that once it is over the first call is the
   * write: one round trip fewer between the fence time and the takeover.
   */
  private void prefetch(long now) {
    if (inFlight
        || closed
        || held(now)
        || (prefetchedAtNanos != Long.MIN_VALUE
            && now - prefetchedAtNanos < timing.retryInterval().toNanos())) {
      return;
    }
    inFlight = true;
    prefetchedAtNanos = now;
    port.get(
        result -> {
          noteAnswer(result, now);
          inFlight = false;
          if (closed) {
            return;
          }
          switch (result) {
            case Found found -> {
              observe(found.lease(), scheduler.nanoTime());
              prefetched = result;
            }
            case NotFound ignored -> prefetched = result;
            case Conflict conflict -> prefetched = null;
            case Failed failed -> {
              prefetched = null;
              lastProblem = failure(failed);
            }
          }
        });
  }

  private void onRead(Result result) {
    if (closed) {
      return;
    }
    long now = scheduler.nanoTime();
    switch (result) {
      case NotFound ignored ->
          write(new LeaseRecord(identity, timing.leaseDurationSeconds(), stamp(), 0, null), now);
      case Found found -> {
        observe(found.lease(), now);
        LeaseRecord current = found.lease();
        if (identity.equals(current.holder())) {
          write(renewed(current, false), now);
        } else if (current.free() || expired(current, now)) {
          write(renewed(current, true), now);
        } else {
          inFlight = false;
          lastProblem =
              "held by "
                  + current.holder()
                  + ", unchanged for "
                  + (now - observedAtNanos) / 1_000_000
                  + " ms";
        }
      }
      case Conflict conflict -> {
        inFlight = false;
        lastProblem = "conflict on read: " + conflict.detail();
      }
      case Failed failed -> {
        inFlight = false;
        lastProblem = failure(failed);
      }
    }
  }

  private void write(LeaseRecord desired, long sentNanos) {
    inFlight = true;
    Consumer<Result> done =
        result -> {
          noteAnswer(result, sentNanos);
          onWritten(result, sentNanos);
        };
    if (desired.resourceVersion() == null) {
      port.create(desired, done);
    } else {
      port.update(desired, done);
    }
  }

  private void onWritten(Result result, long sentNanos) {
    inFlight = false;
    if (closed) {
      return;
    }
    long now = scheduler.nanoTime();
    switch (result) {
      case Found found -> {
        observe(found.lease(), now);
        if (identity.equals(found.lease().holder())) {
          boolean wasHeld = held(now);
          heldUntilNanos = sentNanos + timing.leaseDuration().toNanos() - timing.margin().toNanos();
          lastRenewSentNanos = sentNanos;
          lastProblem = null;
          if (!wasHeld) {
            log.accept(port.title() + " acquired");
            // The router re-asks a refused takeover only every advert interval: 40-195 ms (p50 90)
            // between the acquisition and the takeover in the bench's host cut with Lease.
            takeoverMayBeAllowed.run();
          }
        }
      }
      case Conflict conflict -> {
        if (held(now)) {
          log.accept(port.title() + " lost: " + conflict.detail());
        }
        heldUntilNanos = Long.MIN_VALUE;
        lastProblem = "lost a race for " + port.title() + ": " + conflict.detail();
      }
      case NotFound ignored -> {
        heldUntilNanos = Long.MIN_VALUE;
        lastProblem = port.title() + " disappeared";
        record = null;
      }
      case Failed failed -> lastProblem = failure(failed);
    }
  }

  /**
   * The renewal time of a new write: the wall clock, but never the same or earlier than this
   * guard's previous write, so that each write of this node is told apart from its others (an etcd
   * port that retried a write recognises it by its content).
   */
  private long stamp() {
    lastStamp = Math.max(scheduler.epochMillis(), lastStamp == Long.MIN_VALUE ? 0 : lastStamp + 1);
    return lastStamp;
  }

  /** A failed call as status shows it, prefixed by who failed unless the error says so. */
  private String failure(Failed failed) {
    String error = String.valueOf(failed.error());
    String store = port.store();
    return error.toLowerCase(Locale.ROOT).contains(store.toLowerCase(Locale.ROOT))
        ? error
        : store + ": " + error;
  }

  /** Remembers when we first saw this version of the Lease: expiry is measured from there. */
  private void observe(LeaseRecord lease, long now) {
    record = lease;
    if (!Objects.equals(lease.resourceVersion(), observedVersion)) {
      observedVersion = lease.resourceVersion();
      observedAtNanos = now;
    }
  }

  private boolean expired(LeaseRecord lease, long now) {
    long duration =
        Math.max(timing.leaseDuration().toNanos(), lease.durationSeconds() * 1_000_000_000L);
    return now - observedAtNanos >= duration;
  }

  private LeaseRecord renewed(LeaseRecord base, boolean takeover) {
    return new LeaseRecord(
        identity,
        timing.leaseDurationSeconds(),
        stamp(),
        base.transitions() + (takeover ? 1 : 0),
        base.resourceVersion());
  }

  private void scheduleMaintenance() {
    maintenance = scheduler.schedule(timing.renewInterval().dividedBy(2), this::maintain);
  }

  /** Renews while the Lease is needed, releases it once nobody has asked for a while. */
  private void maintain() {
    if (closed) {
      return;
    }
    scheduleMaintenance();
    long now = scheduler.nanoTime();
    long idle = Math.max(timing.tick().toNanos(), timing.advertInterval().toNanos()) * 3;
    long previous = maintainedAtNanos;
    maintainedAtNanos = now;
    boolean wanted = wantedAtNanos != Long.MIN_VALUE && now - wantedAtNanos <= idle;
    // A round that comes late by more than the idle time ran after a stall of this agent: the group
    // could not ask meanwhile, so its silence says nothing; it decides after its first fresh check
    // (seed 58037: a master holding the Lease through a pair cut released it on waking from a
    // 1.1 s stall, and the peer took it 33 ms later while our Redis still took writes).
    boolean stalled =
        previous != Long.MIN_VALUE
            && now - previous > timing.renewInterval().dividedBy(2).toNanos() + idle;
    if (wanted) {
      keep(now);
    } else if (held(now) && !stalled) {
      release("no longer needed");
    }
  }

  private void release(String why) {
    long now = scheduler.nanoTime();
    if (inFlight) {
      return; // a renewal is on its way; the next round releases
    }
    if (!held(now) || record == null) {
      heldUntilNanos = Long.MIN_VALUE;
      return;
    }
    heldUntilNanos = Long.MIN_VALUE;
    LeaseRecord free =
        new LeaseRecord(
            null,
            record.durationSeconds(),
            stamp(),
            record.transitions(),
            record.resourceVersion());
    log.accept(port.title() + " released: " + why);
    inFlight = true;
    port.update(
        free,
        result -> {
          noteAnswer(result, now);
          inFlight = false;
          if (result instanceof Found found && !closed) {
            observe(found.lease(), scheduler.nanoTime());
          }
        });
  }
}

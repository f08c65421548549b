package io.redisha.arbiter;

import static org.assertj.core.api.Assertions.assertThat;

import io.redisha.arbiter.LeasePort.Conflict;
import io.redisha.arbiter.LeasePort.Found;
import io.redisha.arbiter.LeasePort.LeaseRecord;
import io.redisha.arbiter.LeasePort.NotFound;
import io.redisha.arbiter.LeasePort.Result;
import io.redisha.arbiter.SplitBrainGuard.PeerView;
import io.redisha.clock.Scheduler;
import io.redisha.clock.VirtualScheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The backup's side of {@link LeaseGuard} against a store that keeps one record and refuses stale
 * writes, on a virtual clock: how long a takeover from a silent peer takes with the record free and
 * with the record still held by that peer, and that a peer that keeps renewing keeps it.
 */
class LeaseGuardTest {
  private static final Duration ADVERT = Duration.ofMillis(100);
  private static final FenceTiming TIMING = FenceTiming.of(ADVERT, Duration.ofMillis(100));
  private static final Duration ROUND_TRIP = Duration.ofMillis(5);

  private final VirtualScheduler scheduler = new VirtualScheduler();
  private final Store store = new Store();
  private final List<String> log = new ArrayList<>();

  /** One record with a version that changes on every write; answers after a round trip. */
  private final class Store implements LeasePort {
    LeaseRecord record;
    int version;
    int reads;
    boolean down;

    void put(String holder) {
      version++;
      record =
          new LeaseRecord(holder, TIMING.leaseDurationSeconds(), 0, 0, Integer.toString(version));
    }

    private void answer(Result result, Consumer<Result> done) {
      Result answer = down ? new LeasePort.Failed("no etcd member answered") : result;
      scheduler.schedule(ROUND_TRIP, () -> done.accept(answer));
    }

    @Override
    public void get(Consumer<Result> done) {
      reads++;
      answer(record == null ? new NotFound() : new Found(record), done);
    }

    @Override
    public void create(LeaseRecord lease, Consumer<Result> done) {
      if (record != null) {
        answer(new Conflict("exists"), done);
        return;
      }
      version++;
      record = withVersion(lease);
      answer(new Found(record), done);
    }

    @Override
    public void update(LeaseRecord lease, Consumer<Result> done) {
      if (record == null || !record.resourceVersion().equals(lease.resourceVersion())) {
        answer(new Conflict("stale"), done);
        return;
      }
      version++;
      record = withVersion(lease);
      answer(new Found(record), done);
    }

    private LeaseRecord withVersion(LeaseRecord lease) {
      return new LeaseRecord(
          lease.holder(),
          lease.durationSeconds(),
          lease.renewEpochMillis(),
          lease.transitions(),
          Integer.toString(version));
    }

    @Override
    public String describe() {
      return "redis/redisha-test-a";
    }
  }

  /**
   * The peer held the record when it went silent (a master that took over a moment ago and has no
   * proof yet, whose link then went down). Its own hold ends within a lease duration of its last
   * renewal, which was before the silence began; a backup that starts counting only when it first
   * reads near the fence time waited a lease duration past it (7.1 s here, the bench's link down
   * with Lease measured 7.3 s). Counted from the read made when the silence is noticed, the
   * takeover comes within a lease duration of that read.
   */
  @Test
  void aRecordTheSilentPeerHeldExpiresALeaseDurationAfterTheSilenceIsNoticed() {
    store.put("vm-a");
    LeaseGuard guard = new LeaseGuard("vm-b", TIMING, scheduler, store, log::add);
    long noticed = masterDown().toNanos();
    Duration takeover = silenceUntilTakeover(guard, noticed);
    long recordDuration = TIMING.leaseDurationSeconds() * 1_000_000_000L;
    assertThat(takeover.toNanos())
        .as("silence when the backup may take over (fence time %s)", TIMING.fenceTime())
        .isGreaterThanOrEqualTo(noticed + recordDuration)
        .isLessThanOrEqualTo(
            noticed + recordDuration + TIMING.retryInterval().plus(ADVERT).toNanos());
    assertThat(store.record.holder()).isEqualTo("vm-b");
  }

  /** A free record is taken as soon as the fence time is over. */
  @Test
  void aFreeRecordIsTakenRightAfterTheFenceTime() {
    store.put(null);
    LeaseGuard guard = new LeaseGuard("vm-b", TIMING, scheduler, store, log::add);
    Duration takeover = silenceUntilTakeover(guard, masterDown().toNanos());
    assertThat(takeover)
        .isGreaterThan(TIMING.fenceTime())
        .isLessThanOrEqualTo(TIMING.fenceTime().plus(ADVERT.multipliedBy(2)));
  }

  /**
   * A peer that renews the record while its adverts are lost (a cut pair link) keeps it: every new
   * version starts the count again, however early the backup looked.
   */
  @Test
  void aPeerThatKeepsRenewingKeepsTheRecord() {
    store.put("vm-a");
    LeaseGuard guard = new LeaseGuard("vm-b", TIMING, scheduler, store, log::add);
    long start = scheduler.nanoTime();
    long lastRenewal = start;
    String refusal = null;
    long end = start + Duration.ofSeconds(20).toNanos();
    for (long now = start + masterDown().toNanos(); now < end; now += ADVERT.toNanos()) {
      scheduler.advanceTo(now);
      if (now - lastRenewal >= TIMING.renewInterval().toNanos()) {
        store.put("vm-a");
        lastRenewal = now;
      }
      refusal = guard.takeoverRefusal(new PeerView(Duration.ofNanos(now - start), false, null));
      assertThat(refusal).as("at %d ms of silence", (now - start) / 1_000_000).isNotNull();
    }
    assertThat(refusal).contains("held by vm-a");
    assertThat(store.record.holder()).isEqualTo("vm-a");
  }

  /** The healthy pair asks nothing: a backup that hears its master never reads the record. */
  @Test
  void aBackupThatHearsItsMasterReadsNothing() {
    store.put("vm-a");
    LeaseGuard guard = new LeaseGuard("vm-b", TIMING, scheduler, store, log::add);
    for (int i = 0; i < 100; i++) {
      scheduler.advance(ADVERT);
      assertThat(guard.takeoverRefusal(new PeerView(ADVERT, false, null))).isNotNull();
    }
    assertThat(store.reads).isZero();
  }

  /**
   * Whether the store answers tells a backup whether a failed look at its peer proves anything:
   * while its own calls fail it may be the one cut off. Answering since the first call answered
   * after the last failure, as sent.
   */
  @Test
  void theStoreAnswersSinceTheFirstCallSentAfterItsLastFailure() {
    store.put("vm-a");
    LeaseGuard guard = new LeaseGuard("vm-b", TIMING, scheduler, store, log::add);
    assertThat(guard.answeringSinceNanos()).as("no call failed yet").isEqualTo(Long.MIN_VALUE);
    store.down = true;
    silentFor(guard, Duration.ofSeconds(5));
    assertThat(guard.answeringSinceNanos()).as("calls fail").isEqualTo(Long.MAX_VALUE);
    store.down = false;
    long healed = scheduler.nanoTime();
    silentFor(guard, Duration.ofSeconds(1));
    assertThat(guard.answeringSinceNanos())
        .as("answering again since a call sent after the heal")
        .isGreaterThanOrEqualTo(healed)
        .isLessThan(scheduler.nanoTime());
  }

  /** A probe only reads the record, and tells whether the store answers again. */
  @Test
  void aProbeReadsTheRecordAndLearnsThatTheStoreAnswersAgain() {
    store.put("vm-a");
    LeaseGuard guard = new LeaseGuard("vm-b", TIMING, scheduler, store, log::add);
    store.down = true;
    guard.probeArbiter();
    scheduler.advance(TIMING.retryInterval());
    assertThat(guard.answeringSinceNanos()).isEqualTo(Long.MAX_VALUE);
    store.down = false;
    long sent = scheduler.nanoTime();
    guard.probeArbiter();
    scheduler.advance(ROUND_TRIP.multipliedBy(2));
    assertThat(guard.answeringSinceNanos()).isEqualTo(sent);
    assertThat(store.record.holder()).as("a probe writes nothing").isEqualTo("vm-a");
    assertThat(store.version).isEqualTo(1);
  }

  /** Asks the guard every advert interval for {@code length} of a silence that goes on. */
  private void silentFor(LeaseGuard guard, Duration length) {
    long end = scheduler.nanoTime() + length.toNanos();
    while (scheduler.nanoTime() < end) {
      scheduler.advance(ADVERT);
      guard.takeoverRefusal(new PeerView(Duration.ofSeconds(10), false, null));
    }
  }

  /**
   * The router re-asks a refused takeover only every advert interval; the guard says when the Lease
   * is ours so the takeover need not wait for that.
   */
  @Test
  void theAcquisitionIsAnnouncedAndTheTakeoverIsAllowedAtThatMoment() {
    store.put(null);
    LeaseGuard guard = new LeaseGuard("vm-b", TIMING, scheduler, store, log::add);
    long start = scheduler.nanoTime();
    List<String> answers = new ArrayList<>();
    guard.onTakeoverMayBeAllowed(
        () ->
            answers.add(
                String.valueOf(
                    guard.takeoverRefusal(
                        new PeerView(
                            Duration.ofNanos(scheduler.nanoTime() - start), false, null)))));

    Duration takeover = silenceUntilTakeover(guard, masterDown().toNanos());

    assertThat(answers).as("announced once, and allowed then").containsExactly("null");
    assertThat(takeover).isGreaterThan(TIMING.fenceTime());
  }

  /**
   * Seed 58037, shrunk: a master without proof that its peer follows (a cut pair link) holds the
   * Lease, then its agent stalls for 1.2 s. On waking, the guard's maintenance round came before
   * the group's first check and read the group's silence as "no longer needed": it released the
   * Lease, and the peer took it while this node was still master. A round that runs late by a stall
   * now waits for the group's next check, which wants the Lease again.
   */
  @Test
  void aMasterWakingFromAStallKeepsTheLeaseItNeeds() {
    store.put(null);
    StallingScheduler agent = new StallingScheduler();
    LeaseGuard guard = new LeaseGuard("vm-a", TIMING, agent, store, log::add);
    long start = scheduler.nanoTime();
    long now = start;
    for (; now < start + TIMING.fenceTime().toNanos(); now += ADVERT.toNanos()) {
      scheduler.advanceTo(now);
      guard.holdRefusal(false);
    }
    assertThat(guard.held()).as("held before the stall: %s", log).isTrue();

    agent.stallUntil(now + Duration.ofMillis(1200).toNanos());
    scheduler.advanceTo(now + Duration.ofMillis(1200).toNanos());
    assertThat(log).as("released on waking").noneMatch(line -> line.contains("released"));
    long woke = scheduler.nanoTime();
    for (now = woke; now < woke + TIMING.renewInterval().toNanos() * 2; now += ADVERT.toNanos()) {
      scheduler.advanceTo(now);
      assertThat(guard.holdRefusal(false)).as("%s", log).isNull();
    }
    assertThat(store.record.holder()).isEqualTo("vm-a");
    assertThat(log).noneMatch(line -> line.contains("released"));
  }

  /**
   * A master without proof takes the record and, while it holds it, says from when the peer may
   * hold it: its last renewal's send time plus a lease duration, never earlier. Once nobody asks,
   * the maintenance rounds release it: they renew what is asked for and never ask themselves (they
   * come every 300 ms and a request counts for 300 ms, so a round that counted would keep it for
   * good).
   */
  @Test
  void aHeldRecordSaysWhenThePeerMayHoldItAndIsReleasedOnceNobodyAsks() {
    store.put(null);
    LeaseGuard guard = new LeaseGuard("vm-a", TIMING, scheduler, store, log::add);
    assertThat(guard.peerMayHoldFromNanos()).isEqualTo(Long.MIN_VALUE);
    long start = scheduler.nanoTime();
    long lastWrite = Long.MIN_VALUE;
    int version = store.version;
    for (long now = start; now < start + Duration.ofSeconds(5).toNanos(); now += 100_000_000L) {
      scheduler.advanceTo(now);
      guard.holdRefusal(false);
      if (store.version != version) {
        version = store.version;
        lastWrite = now;
      }
      if (guard.holdsArbiter()) {
        // Never later than a lease duration after the store took our last write (a peer sees
        // that version no earlier), and never more than a renewal interval and a round trip
        // behind it.
        assertThat(guard.peerMayHoldFromNanos())
            .as("at %d ms", (now - start) / 1_000_000)
            .isLessThanOrEqualTo(lastWrite + TIMING.leaseDuration().toNanos())
            .isGreaterThanOrEqualTo(
                lastWrite
                    + TIMING.leaseDuration().toNanos()
                    - TIMING.renewInterval().plus(ADVERT).plus(ROUND_TRIP).toNanos());
      }
    }
    assertThat(guard.holdsArbiter()).isTrue();
    assertThat(store.record.holder()).isEqualTo("vm-a");
    scheduler.advance(TIMING.leaseDuration());
    assertThat(store.record.holder()).as("released once nobody asked: %s", log).isNull();
    assertThat(guard.holdsArbiter()).isFalse();
    assertThat(guard.peerMayHoldFromNanos()).isEqualTo(Long.MIN_VALUE);
  }

  /**
   * The agent's scheduler on the test's clock, which can stall: a task due while it is stalled runs
   * only when the stall ends, as the agent's thread runs it after a GC pause or a SIGSTOP.
   */
  private final class StallingScheduler implements Scheduler {
    private long stalledUntilNanos = Long.MIN_VALUE;

    void stallUntil(long nanos) {
      stalledUntilNanos = nanos;
    }

    @Override
    public long nanoTime() {
      return scheduler.nanoTime();
    }

    @Override
    public long epochMillis() {
      return scheduler.epochMillis();
    }

    @Override
    public Cancellable schedule(Duration delay, Runnable task) {
      return scheduler.schedule(delay, () -> runOrDefer(task));
    }

    private void runOrDefer(Runnable task) {
      long now = scheduler.nanoTime();
      if (now < stalledUntilNanos) {
        scheduler.schedule(Duration.ofNanos(stalledUntilNanos - now), task);
      } else {
        task.run();
      }
    }
  }

  /** The VRRP master-down interval of a backup in the pair (3 adverts plus skew, rounded up). */
  private static Duration masterDown() {
    return ADVERT.multipliedBy(3).plusMillis(40);
  }

  /**
   * Asks the guard every advert interval from {@code firstAskNanos} of silence on (the VRRP gate is
   * asked again one advert interval after a refusal), as a silent peer's backup does; returns the
   * silence at which it first let the backup take over.
   */
  private Duration silenceUntilTakeover(LeaseGuard guard, long firstAskNanos) {
    long start = scheduler.nanoTime();
    long deadline = start + Duration.ofSeconds(20).toNanos();
    for (long now = start + firstAskNanos; now < deadline; now += ADVERT.toNanos()) {
      scheduler.advanceTo(now);
      Duration silence = Duration.ofNanos(now - start);
      if (guard.takeoverRefusal(new PeerView(silence, false, null)) == null) {
        return silence;
      }
    }
    throw new AssertionError("no takeover within 20 s: " + guard.describe() + " " + log);
  }
}

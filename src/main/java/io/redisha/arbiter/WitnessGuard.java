package io.redisha.arbiter;

import io.redisha.clock.Scheduler;
import io.redisha.clock.Scheduler.Cancellable;
import java.time.Duration;
import java.util.Objects;

/**
 * Split-brain protection without Kubernetes: a node may stay master without proof that its peer
 * follows it, or take over from a silent peer, only while it can reach a witness address (a TCP
 * port on a third machine, typically the default gateway or a service both hosts use).
 *
 * <h2>What it guarantees</h2>
 *
 * <ul>
 *   <li>An isolated master (cut from its peer and from the witness) drops the VIP and demotes its
 *       Redis within {@link FenceTiming#proofStaleness} + {@link FenceTiming#holdGrace} + a probe
 *       round, before the peer may take over (S4).
 *   <li>An isolated backup (lost its uplink) never promotes itself, so it cannot come back from a
 *       network outage as a second master: the classic keepalived split brain of a backup that
 *       loses the network.
 *   <li>With the pair link healthy it changes nothing, even when the witness is down (S2).
 * </ul>
 *
 * <h2>What it does not guarantee</h2>
 *
 * <ul>
 *   <li>A cut of only the pair link while both nodes still reach the witness: the witness is a
 *       reachability test, not a lock, so the backup takes over after the fence time while the
 *       master keeps its role: two masters, like {@code None} but later. Use {@code Lease} (an
 *       arbiter that grants one holder) where that failure matters.
 *   <li>A witness that answers one node and not the other for reasons other than the network
 *       (firewall rules) decides like a network cut would.
 * </ul>
 */
public final class WitnessGuard implements SplitBrainGuard {
  private final FenceTiming timing;
  private final Scheduler scheduler;
  private final WitnessPort port;
  private final Duration probeTimeout;
  private final Duration probeInterval;
  private final MasterTerm term;
  private long lastReachedSentNanos = Long.MIN_VALUE;
  private boolean probing;
  private boolean closed;
  private String lastProblem = "not probed yet";
  private Cancellable timer = Cancellable.NONE;

  /**
   * @param timing the pair's timing
   * @param scheduler the agent's scheduler
   * @param port the witness probe
   * @param probeTimeout how long one probe may take
   */
  public WitnessGuard(
      FenceTiming timing, Scheduler scheduler, WitnessPort port, Duration probeTimeout) {
    this.timing = Objects.requireNonNull(timing, "timing");
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    this.port = Objects.requireNonNull(port, "port");
    this.probeTimeout = Objects.requireNonNull(probeTimeout, "probeTimeout");
    this.probeInterval = timing.holdGrace().dividedBy(4);
    this.term = new MasterTerm(timing);
    timer = scheduler.schedule(Duration.ZERO, this::probe);
  }

  @Override
  public String takeoverRefusal(PeerView peer) {
    if (MasterTerm.freshRelease(timing, peer)) {
      term.allowedByRelease(scheduler.nanoTime());
      return null;
    }
    String silence = MasterTerm.silenceRefusal(timing, peer);
    if (silence != null) {
      return silence;
    }
    return reachedRecently(scheduler.nanoTime())
        ? null
        : "peer silent for " + peer.silence().toMillis() + " ms but " + witnessProblem();
  }

  @Override
  public String holdRefusal(boolean peerFollowing) {
    long now = scheduler.nanoTime();
    term.tick(now, peerFollowing);
    if (term.proof() || reachedRecently(now) || !term.graceOver(now)) {
      return null;
    }
    return "no proof that the peer follows for "
        + term.sinceProof(now) / 1_000_000
        + " ms and "
        + witnessProblem();
  }

  @Override
  public String describe() {
    return "Witness "
        + port.describe()
        + (reachedRecently(scheduler.nanoTime()) ? ": reachable" : ": " + lastProblem)
        + " (guards against isolated nodes, not against a cut of only the pair link)";
  }

  @Override
  public void close() {
    closed = true;
    timer.cancel();
    port.close();
  }

  /** A probe sent within the last two probe intervals reached the witness. */
  private boolean reachedRecently(long now) {
    return lastReachedSentNanos != Long.MIN_VALUE
        && now - lastReachedSentNanos <= probeInterval.multipliedBy(2).plus(probeTimeout).toNanos();
  }

  private String witnessProblem() {
    return "the witness " + port.describe() + " is not reachable (" + lastProblem + ")";
  }

  private void probe() {
    if (closed) {
      return;
    }
    timer = scheduler.schedule(probeInterval, this::probe);
    if (probing) {
      return;
    }
    probing = true;
    long sent = scheduler.nanoTime();
    port.probe(
        probeTimeout,
        reached -> {
          probing = false;
          if (reached) {
            lastReachedSentNanos = Math.max(lastReachedSentNanos, sent);
            lastProblem = null;
          } else {
            lastProblem = "last probe failed";
          }
        });
  }
}

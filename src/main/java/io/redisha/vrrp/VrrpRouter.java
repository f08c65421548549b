package io.redisha.vrrp;

import io.redisha.clock.Scheduler;
import io.redisha.clock.Scheduler.Cancellable;
import java.net.Inet4Address;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;

/**
 * The state machine of one virtual router (RFC 5798 section 6.4, RFC 3768 for version 2), with
 * keepalived's FAULT state for a node that must not be master. Pure: time and timers come from the
 * {@link Scheduler}, packets leave through {@link Output}, and every method must be called on the
 * scheduler's thread.
 */
public final class VrrpRouter {

  /** What the state machine does to the outside world. */
  public interface Output {
    /** Sends an advertisement to the peer. */
    void send(VrrpAdvertisement advertisement);

    /** Reports a state change; the caller adds or removes the VIP and switches Redis roles. */
    void transition(VrrpState from, VrrpState to, String reason);

    /**
     * An advert from the peer was handled (in any state, after the state machine acted on it).
     * Nothing by default.
     */
    default void heard(VrrpAdvertisement advertisement, Inet4Address source) {}
  }

  /**
   * Consulted before a backup takes the master role because the master fell silent; a refusal keeps
   * it backup and asks again one advertisement interval later. Split-brain protection plugs in
   * here.
   */
  public interface TakeoverGate {
    /** Null to allow the takeover, or the reason it is refused. */
    String refusal();

    TakeoverGate ALWAYS = () -> null;
  }

  /**
   * Decides what a master does when it hears another master of the same router (a split brain
   * healing). {@link #RFC} applies RFC 5798's precedence (priority, then address); a policy that
   * knows more, such as which side's Redis holds the other's data, may hold or yield instead.
   */
  public interface ConflictPolicy {
    /** What to do about one advert from a peer that claims the master role. */
    enum Decision {
      /** Keep the master role for now, whatever the priorities; ignore this advert. */
      HOLD,
      /** Hand the role to the peer. */
      YIELD,
      /** Decide by priority and address as RFC 5798 says. */
      RFC
    }

    Decision onPeerMaster(VrrpAdvertisement advertisement, Inet4Address source);

    ConflictPolicy RFC = (advertisement, source) -> Decision.RFC;
  }

  private final VrrpRouterConfig config;
  private final Scheduler scheduler;
  private final Output output;
  private TakeoverGate gate = TakeoverGate.ALWAYS;
  private ConflictPolicy conflictPolicy = ConflictPolicy.RFC;

  private VrrpState state = VrrpState.INITIALIZE;
  private int priority;
  private boolean eligible = true;
  private String faultReason;
  private String linkFault;
  private int masterIntervalCentis;
  private long startedNanos;
  private long lastHeardNanos = -1;
  private Inet4Address lastMaster;
  private long backupSinceNanos = -1;
  private final long[] advertsCameBackNanos = new long[4];
  private int advertsCameBackCount;
  private Cancellable advertTimer = Cancellable.NONE;
  private Cancellable masterDownTimer = Cancellable.NONE;
  private long transitions;
  private String refusedTakeover;

  public VrrpRouter(VrrpRouterConfig config, Scheduler scheduler, Output output) {
    this.config = Objects.requireNonNull(config, "config");
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    this.output = Objects.requireNonNull(output, "output");
    this.priority = config.priority();
    this.masterIntervalCentis = config.intervalCentis();
  }

  public VrrpRouterConfig config() {
    return config;
  }

  public VrrpState state() {
    return state;
  }

  public int priority() {
    return priority;
  }

  public long transitions() {
    return transitions;
  }

  /** The address of the master we last heard, or null. */
  public Inet4Address lastMaster() {
    return lastMaster;
  }

  /**
   * How long since this router last heard an advert from the peer, or since it started when it
   * never heard one. Split-brain protection weighs a takeover by it.
   */
  public Duration peerSilence() {
    long since = lastHeardNanos >= 0 ? lastHeardNanos : startedNanos;
    return Duration.ofNanos(Math.max(0, scheduler.nanoTime() - since));
  }

  /**
   * Master_Down_Interval as it stands now: how long a backup waits after the master's last advert
   * before it considers taking over.
   */
  public Duration masterDownInterval() {
    return Duration.ofNanos(masterDownNanos());
  }

  /**
   * Asks the takeover gate again at once, for a backup whose master-down interval ran out and whose
   * takeover the gate refused: the gate was waiting for something (a look at the peer's Redis, a
   * fence) that has just arrived. Does nothing in any other case.
   */
  public void retryTakeover() {
    if (state == VrrpState.BACKUP && refusedTakeover != null) {
      takeOver(refusedTakeover);
    }
  }

  /**
   * How many times within {@code window} (up to four) the master's adverts came back after at least
   * one of them went missing while this node was backup throughout: the link dropped packets, or
   * the master's agent paused.
   */
  public int advertGapsWithin(Duration window) {
    long now = scheduler.nanoTime();
    int count = 0;
    for (int i = 0; i < Math.min(advertsCameBackCount, advertsCameBackNanos.length); i++) {
      if (now - advertsCameBackNanos[i] < window.toNanos()) {
        count++;
      }
    }
    return count;
  }

  /** Whether the last advert heard from the peer was its priority 0 release of the role. */
  public boolean peerReleased() {
    return lastHeardNanos >= 0 && lastMaster == null;
  }

  public void setTakeoverGate(TakeoverGate gate) {
    this.gate = Objects.requireNonNull(gate, "gate");
  }

  public void setConflictPolicy(ConflictPolicy policy) {
    this.conflictPolicy = Objects.requireNonNull(policy, "policy");
  }

  /** The Startup event: Initialize becomes Backup, or Master for the address owner. */
  public void start() {
    if (state != VrrpState.INITIALIZE) {
      return;
    }
    startedNanos = scheduler.nanoTime();
    if (linkFault != null) {
      enter(VrrpState.FAULT, linkFault);
    } else if (!eligible) {
      enter(VrrpState.FAULT, faultReason);
    } else if (priority == 255) {
      becomeMaster("address owner (priority 255)");
    } else {
      becomeBackup("started with priority " + priority);
    }
  }

  /** The Shutdown event: a master sends priority 0 so the peer takes over at once. */
  public void shutdown(String reason) {
    cancelTimers();
    if (state == VrrpState.MASTER) {
      output.send(config.advertisement(0));
    }
    if (state != VrrpState.INITIALIZE) {
      enter(VrrpState.INITIALIZE, reason);
    }
  }

  /**
   * A master hands the role over: it sends priority 0 and becomes backup, so the peer takes over
   * without waiting for the master-down interval. Ignored in any other state.
   */
  public void stepDown(String reason) {
    if (state != VrrpState.MASTER) {
      return;
    }
    advertTimer.cancel();
    output.send(config.advertisement(0));
    masterIntervalCentis = config.intervalCentis();
    becomeBackup(reason);
  }

  /**
   * Marks the node eligible or not to be master (keepalived's FAULT). A master that becomes
   * ineligible releases the role with a priority 0 advert; an eligible one rejoins as backup.
   */
  public void setEligible(boolean eligible, String reason) {
    if (eligible == this.eligible) {
      return;
    }
    this.eligible = eligible;
    this.faultReason = eligible ? null : reason;
    if (state == VrrpState.INITIALIZE) {
      return;
    }
    if (!eligible) {
      enterFault(reason);
    } else if (linkFault == null) {
      becomeBackup(reason);
    }
  }

  /**
   * Like {@code setEligible(false, reason)}, but a master goes to FAULT without its priority 0
   * advert: the peer then takes over only after its master-down interval and its own checks, not at
   * once. For a master that fences itself because it cannot prove that its peer follows it: its
   * replica may lack writes it acknowledged, and a release would invite the peer to take over
   * before its Redis has them.
   */
  public void withdraw(String reason) {
    Objects.requireNonNull(reason, "reason");
    if (!eligible) {
      return;
    }
    eligible = false;
    faultReason = reason;
    if (state == VrrpState.INITIALIZE) {
      return;
    }
    cancelTimers();
    enter(VrrpState.FAULT, reason);
  }

  public boolean eligible() {
    return eligible;
  }

  /**
   * The node's interface lost its link (S11, keepalived's interface tracking): FAULT whatever the
   * health, until {@link #linkRestored}. A master first sends priority 0, which gets out only if
   * the interface still sends; every timer stops, so nothing is taken over in FAULT.
   */
  public void linkLost(String reason) {
    Objects.requireNonNull(reason, "reason");
    boolean already = linkFault != null;
    linkFault = reason;
    if (!already && state != VrrpState.INITIALIZE) {
      enterFault(reason);
    }
  }

  /**
   * The interface carries traffic again: a node that is otherwise eligible goes back to BACKUP,
   * never straight to MASTER, and its master-down timer runs from now.
   */
  public void linkRestored(String reason) {
    if (linkFault == null) {
      return;
    }
    linkFault = null;
    if (state == VrrpState.FAULT && eligible) {
      becomeBackup(reason);
    }
  }

  /** Why the interface is not usable, or null while it is. */
  public String linkFault() {
    return linkFault;
  }

  /** Why the router is in FAULT (the link first, then the health), or null outside FAULT. */
  public String fault() {
    if (state != VrrpState.FAULT) {
      return null;
    }
    return linkFault != null ? linkFault : faultReason;
  }

  private void enterFault(String reason) {
    cancelTimers();
    if (state == VrrpState.MASTER) {
      output.send(config.advertisement(0));
    }
    enter(VrrpState.FAULT, reason);
  }

  /** Changes the priority we advertise (1 to 254). */
  public void setPriority(int newPriority) {
    if (newPriority < 1 || newPriority > 255) {
      throw new IllegalArgumentException("priority must be 1-255, not " + newPriority);
    }
    this.priority = newPriority;
  }

  /** Handles an advertisement that passed the {@link AdvertisementFilter}. */
  public void receive(VrrpAdvertisement advert, Inet4Address source) {
    long now = scheduler.nanoTime();
    switch (state) {
      case BACKUP -> receiveAsBackup(advert, source, now);
      case MASTER -> receiveAsMaster(advert, source, now);
      case INITIALIZE, FAULT -> noteHeard(advert, source, now);
    }
    output.heard(advert, source);
  }

  private void receiveAsBackup(VrrpAdvertisement advert, Inet4Address source, long now) {
    if (advert.priority() == 0) {
      noteHeard(advert, source, now);
      if (config.immediateTakeoverOnRelease()) {
        takeOver("peer " + source.getHostAddress() + " released the master role (priority 0)");
      } else {
        armMasterDown(skewNanos(), "peer released the master role (priority 0)");
      }
      return;
    }
    boolean mayPreempt =
        config.preempt()
            && now - startedNanos >= config.preemptDelay().toNanos()
            && advert.priority() < priority;
    if (mayPreempt) {
      return; // RFC 5798: discard, so the master-down timer runs out and we preempt.
    }
    noteMissedAdverts(source, now);
    noteHeard(advert, source, now);
    if (config.version() == VrrpVersion.V3) {
      masterIntervalCentis = advert.intervalCentis();
    }
    armMasterDown(masterDownNanos(), null);
  }

  private void receiveAsMaster(VrrpAdvertisement advert, Inet4Address source, long now) {
    noteHeard(advert, source, now);
    if (advert.priority() == 0) {
      sendAdvertisement();
      return;
    }
    ConflictPolicy.Decision decision = conflictPolicy.onPeerMaster(advert, source);
    if (decision == ConflictPolicy.Decision.HOLD) {
      return;
    }
    boolean peerWins =
        decision == ConflictPolicy.Decision.YIELD
            || advert.priority() > priority
            || (advert.priority() == priority && compare(source, config.localAddress()) > 0);
    if (!peerWins) {
      return;
    }
    advertTimer.cancel();
    if (config.version() == VrrpVersion.V3) {
      masterIntervalCentis = advert.intervalCentis();
    }
    String why =
        decision == ConflictPolicy.Decision.YIELD
            ? "peer " + source.getHostAddress() + " is master too and holds more data"
            : advert.priority() > priority
                ? "peer "
                    + source.getHostAddress()
                    + " advertises priority "
                    + advert.priority()
                    + " > "
                    + priority
                : "peer " + source.getHostAddress() + " has equal priority and a higher address";
    becomeBackup(why);
  }

  /**
   * A master heard again after a gap of more than {@link #MISSED_ADVERT_GAP} of its intervals (and
   * less than twenty intervals past the master-down interval: longer is an agent that stopped, not
   * a link that drops packets), with this node backup since the advert before the gap: at least one
   * advert went missing on the way.
   */
  private void noteMissedAdverts(Inet4Address source, long now) {
    if (lastHeardNanos < 0
        || lastMaster == null
        || !lastMaster.equals(source)
        || backupSinceNanos < 0
        || lastHeardNanos < backupSinceNanos) {
      return;
    }
    long gap = now - lastHeardNanos;
    if (gap > MISSED_ADVERT_GAP * intervalNanos(masterIntervalCentis)
        && gap < masterDownNanos() + intervalNanos(masterIntervalCentis) * 20) {
      advertsCameBackNanos[advertsCameBackCount++ % advertsCameBackNanos.length] = now;
    }
  }

  /** A gap between two adverts of the master longer than this many intervals missed one. */
  private static final double MISSED_ADVERT_GAP = 1.8;

  private void noteHeard(VrrpAdvertisement advert, Inet4Address source, long now) {
    refusedTakeover = null;
    lastHeardNanos = now;
    lastMaster = advert.priority() == 0 ? null : source;
  }

  private void takeOver(String reason) {
    String refusal = gate.refusal();
    if (refusal != null) {
      refusedTakeover = reason;
      armMasterDown(intervalNanos(masterIntervalCentis), null);
      return;
    }
    refusedTakeover = null;
    masterDownTimer.cancel();
    becomeMaster(reason);
  }

  private void becomeMaster(String reason) {
    masterDownTimer.cancel();
    enter(VrrpState.MASTER, reason);
    sendAdvertisement();
  }

  private void becomeBackup(String reason) {
    advertTimer.cancel();
    masterIntervalCentis =
        config.version() == VrrpVersion.V3 ? masterIntervalCentis : config.intervalCentis();
    enter(VrrpState.BACKUP, reason);
    armMasterDown(masterDownNanos(), null);
  }

  private void sendAdvertisement() {
    advertTimer.cancel();
    output.send(config.advertisement(priority));
    advertTimer =
        scheduler.schedule(
            Duration.ofNanos(intervalNanos(config.intervalCentis())),
            () -> {
              if (state == VrrpState.MASTER) {
                sendAdvertisement();
              }
            });
  }

  private void armMasterDown(long delayNanos, String reasonOverride) {
    masterDownTimer.cancel();
    long armedAt = scheduler.nanoTime();
    masterDownTimer =
        scheduler.schedule(
            Duration.ofNanos(delayNanos),
            () -> {
              if (state != VrrpState.BACKUP) {
                return;
              }
              String reason = reasonOverride;
              if (reason == null) {
                long since = lastHeardNanos >= 0 ? lastHeardNanos : armedAt;
                long silentMillis = (scheduler.nanoTime() - since) / 1_000_000;
                reason =
                    lastHeardNanos >= 0
                        ? "peer silent for " + silentMillis + " ms"
                        : "no master heard for " + silentMillis + " ms";
              }
              takeOver(reason);
            });
  }

  private void enter(VrrpState next, String reason) {
    refusedTakeover = null;
    VrrpState previous = state;
    state = next;
    if (next == VrrpState.BACKUP && previous != VrrpState.BACKUP) {
      backupSinceNanos = scheduler.nanoTime();
    } else if (next != VrrpState.BACKUP) {
      backupSinceNanos = -1;
    }
    if (previous != next) {
      transitions++;
      output.transition(previous, next, reason);
    }
  }

  private void cancelTimers() {
    advertTimer.cancel();
    masterDownTimer.cancel();
  }

  /** Skew_Time: RFC 5798 scales it with the master's interval, RFC 3768 uses seconds. */
  long skewNanos() {
    long base =
        config.version() == VrrpVersion.V3 ? intervalNanos(masterIntervalCentis) : 1_000_000_000L;
    return (256 - priority) * base / 256;
  }

  /** Master_Down_Interval: three master intervals plus Skew_Time. */
  long masterDownNanos() {
    return 3 * intervalNanos(masterIntervalCentis) + skewNanos();
  }

  private static long intervalNanos(int centis) {
    return centis * 10_000_000L;
  }

  private static int compare(Inet4Address a, Inet4Address b) {
    return Arrays.compareUnsigned(a.getAddress(), b.getAddress());
  }
}

package io.redisha.agent;

import io.redisha.api.AgentReport;
import io.redisha.api.RedisRole;
import io.redisha.api.ReportedVrrpState;
import io.redisha.arbiter.SplitBrainGuard;
import io.redisha.clock.Scheduler;
import io.redisha.clock.Scheduler.Cancellable;
import io.redisha.pair.PairSettings;
import io.redisha.pair.PairValidation;
import io.redisha.redis.BootLines;
import io.redisha.redis.BootRace;
import io.redisha.redis.HealthTracker;
import io.redisha.redis.MasterConflict;
import io.redisha.redis.PeerAdverts;
import io.redisha.redis.PeerLink;
import io.redisha.redis.PromotionGate;
import io.redisha.redis.ReplicaDetach;
import io.redisha.redis.ReplicaFollow;
import io.redisha.redis.ReplicationInfo;
import io.redisha.redis.ReplicationLineage;
import io.redisha.redis.RestartQuarantine;
import io.redisha.redis.TakeoverEvidence;
import io.redisha.redis.WriteFence;
import io.redisha.vrrp.VrrpAdvertisement;
import io.redisha.vrrp.VrrpRouter;
import io.redisha.vrrp.VrrpRouter.ConflictPolicy;
import io.redisha.vrrp.VrrpRouterConfig;
import io.redisha.vrrp.VrrpState;
import java.net.Inet4Address;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * One Redis group on one node: its virtual router, its VIP and its Redis, kept consistent. Pure
 * apart from its ports; every method runs on the scheduler's thread. The controller gathers what it
 * observes (both Redis servers' INFO, what the router heard, the clock) and acts; the decisions are
 * the pure rules of {@code io.redisha.redis}.
 *
 * <p>The rules, in the order they matter:
 *
 * <ul>
 *   <li>Health: {@code fall} failed checks, a lost connection or a restarted Redis make the node
 *       ineligible at once (VRRP FAULT: a master releases with priority 0, so the peer takes over
 *       without waiting for the master-down interval); {@code rise} good checks bring it back. A
 *       Redis that restarted as an empty master is made a replica at once ({@link
 *       RestartQuarantine}).
 *   <li>S5: a node whose Redis is not following the peer may become eligible only when it holds
 *       everything the peer's Redis has ({@link PromotionGate}); otherwise it follows the peer and
 *       waits until it does. Its Redis follows only a peer that will not wipe it ({@link
 *       ReplicaFollow}), and lets go of one that came back empty or went silent without its data
 *       ({@link ReplicaDetach}). When two masters meet, the data decide who keeps the role ({@link
 *       MasterConflict}).
 *   <li>Roles are level-triggered: at every check the role the VRRP state implies (master when
 *       MASTER, replica of the peer otherwise) is compared with what Redis reports, and one command
 *       at a time is sent until they agree. A single lost or reordered command can never leave a
 *       stray master.
 *   <li>The VIP is added once our Redis answers as master, and removed the moment the node stops
 *       being master; the demoted Redis then drops its normal clients so they reconnect through the
 *       VIP.
 *   <li>Fencing at Redis ({@link WriteFence}): our Redis's write fence is open only while this node
 *       is master, and closed the moment it is anything else, before any role change. With an
 *       arbiter, a master's fence is only guarded (writes need the replica's acknowledgements)
 *       while its replica is its proof, and open only while it holds the arbiter's key and the
 *       replica does not follow: a master cut off with a stalled or dead agent stops taking writes
 *       by itself before the peer may take over. A master that finds its fence closed or its Redis
 *       made a replica by someone else was fenced by the peer and steps down.
 *   <li>No takeover on weak evidence ({@link TakeoverEvidence}): while the peer's Redis still
 *       serves, missed adverts alone do not make this node master; once the peer's agent has been
 *       silent for the stall limit, its Redis is fenced ({@link PeerFence}) and ours catches up
 *       before ours is promoted, and the fenced Redis is then made a replica of ours.
 * </ul>
 */
public final class GroupController {

  /** How long a fence on the peer's Redis stays good for taking over. */
  private static final long FENCE_VALID = Duration.ofSeconds(1).toNanos();

  /** How often a fence compares offsets while our Redis catches up. */
  private static final Duration FENCE_POLL = Duration.ofMillis(2);

  /**
   * Within how long the master's adverts must have come back after a gap twice to mark the pair
   * link as one that drops packets, where silence and a failed look at the peer's Redis are weak
   * evidence. Twice: a loaded host delays a single advert now and then (seen in the lab at boot).
   */
  private static final Duration LOSSY_LINK_MEMORY = Duration.ofSeconds(5);

  private static final int LOSSY_LINK_GAPS = 2;

  /** What the controller tells the rest of the agent. */
  public interface Listener {
    /** A VRRP transition of this group, already logged. */
    void transition(String group, VrrpState from, VrrpState to, String reason);

    /** Anything in the group's report changed. */
    void changed(String group);

    Listener NONE =
        new Listener() {
          @Override
          public void transition(String group, VrrpState from, VrrpState to, String reason) {}

          @Override
          public void changed(String group) {}
        };
  }

  private final PairSettings pair;
  private final PairSettings.Group group;
  private final Scheduler scheduler;
  private final RedisPort redis;
  private final RedisPort peerRedis;
  private final VipPort vip;
  private final SplitBrainGuard guard;
  private final Listener listener;
  private final Consumer<String> log;
  private final VrrpRouter router;
  private final HealthTracker health;
  private final PeerLink peerLink;
  private final Duration peerSilenceLimit;
  private final Duration stallLimit;
  private final Duration advertInterval;
  private final ReplicationLineage lineage = new ReplicationLineage();

  private ReplicationInfo local;
  private String localError = "not checked yet";
  private ReplicationInfo peer;
  private boolean peerChecked;
  private long peerCheckedAtNanos = -1;
  private long peerServedNanos = Long.MIN_VALUE;
  private long conflictSinceNanos = -1;
  private long lastConflictNanos = -1;
  private String lastConflictLine;
  private boolean checkInFlight;
  private boolean peerCheckInFlight;
  private boolean commandInFlight;
  private boolean keeperInUse;
  private boolean clientsToKill;
  private String dataRefusal;
  private String followRefusal;
  private String followReason;

  /** The Redis process our last successful REPLICAOF of the peer went to. */
  private String followedRunId;

  private String detachedFromEmpty;
  private Cancellable tick = Cancellable.NONE;
  private boolean running;
  private AgentReport.Transition lastTransition;
  private Switchover switchover;
  private boolean vipKeptForSwitchover;
  private final WriteHold writeHold = new WriteHold();

  // Our Redis's write fence: checks and commands of the local port run in the order sent.
  private long localSent;
  private long fenceOpenedAt = -1;
  private Optional<String> fenceOpenedOnRunId = Optional.empty();
  private WriteFence.Verdict fenceVerdict = WriteFence.Verdict.NOT_OPENED_YET;
  private ReplicationInfo lastRaw;
  private long lastRawNanos;
  private long streamMovedNanos = Long.MIN_VALUE;
  private boolean fenceUnknownLogged;

  // What the takeover gate weighs about the peer's Redis since its adverts stopped.
  private long lookStartedNanos = Long.MIN_VALUE;
  private long okLookStartedNanos = Long.MIN_VALUE;
  private long okLookDoneNanos = Long.MIN_VALUE;
  private ReplicationInfo okLook;
  private long failedLookStartedNanos = Long.MIN_VALUE;
  private Cancellable silenceLook = Cancellable.NONE;
  private Cancellable overdueLook = Cancellable.NONE;
  private TakeoverEvidence.Reason lastEvidence;
  private PeerFence peerFence;
  private long fencedAtNanos = Long.MIN_VALUE;
  private long fenceStartedNanos = Long.MIN_VALUE;
  private String fencedPeerRunId;
  private long fenceRetryAtNanos = Long.MIN_VALUE;
  private String fenceFailure;
  private boolean demotePeer;
  private boolean demotingPeer;

  public GroupController(
      PairSettings pair,
      PairSettings.Group group,
      Scheduler scheduler,
      RedisPort redis,
      RedisPort peerRedis,
      VipPort vip,
      SplitBrainGuard guard,
      Consumer<VrrpAdvertisement> sender,
      Listener listener,
      Consumer<String> log) {
    this.pair = pair;
    this.group = group;
    this.scheduler = scheduler;
    this.redis = redis;
    this.peerRedis = peerRedis;
    this.vip = vip;
    this.guard = guard;
    this.listener = listener;
    this.log = log;
    this.health = new HealthTracker(pair.health().fall(), pair.health().rise());
    this.peerLink = new PeerLink(pair.link().peerAddress().getHostAddress(), group.port());
    this.peerSilenceLimit = PeerAdverts.silenceLimit(pair.vrrp().intervalCentis());
    this.stallLimit = PeerAdverts.stallLimit(pair.vrrp().intervalCentis());
    this.advertInterval = Duration.ofMillis(pair.vrrp().intervalCentis() * 10L);
    VrrpRouterConfig config = pair.routerConfig(group, group.priority());
    this.router =
        new VrrpRouter(
            config,
            scheduler,
            new VrrpRouter.Output() {
              @Override
              public void send(VrrpAdvertisement advertisement) {
                sender.accept(advertisement);
              }

              @Override
              public void transition(VrrpState from, VrrpState to, String reason) {
                onTransition(from, to, reason);
              }

              @Override
              public void heard(VrrpAdvertisement advertisement, Inet4Address source) {
                if (advertisement.priority() > 0) {
                  followNewMasterAtOnce();
                }
              }
            });
    router.setTakeoverGate(this::takeoverRefusal);
    guard.onTakeoverMayBeAllowed(
        () -> {
          if (running && router.state() == VrrpState.BACKUP) {
            router.retryTakeover();
          }
        });
    router.setConflictPolicy(this::onPeerMaster);
    router.setEligible(false, "waiting for the first Redis check");
    redis.setEvents(reason -> scheduler.execute(() -> onConnectionLost(reason)));
  }

  public String name() {
    return group.name();
  }

  public PairSettings.Group group() {
    return group;
  }

  public VrrpRouter router() {
    return router;
  }

  /** Starts VRRP and the health loop. */
  public void start() {
    running = true;
    router.start();
    scheduleTick();
  }

  /**
   * Stops the group. A master that is still master here (the runtime first tries a planned
   * switchover) sends priority 0, drops the VIP and disconnects its clients, so the peer takes over
   * at once; Redis roles are left as they are and the peer promotes its own.
   */
  public void stop(String reason) {
    boolean wasMaster = router.state() == VrrpState.MASTER;
    running = false;
    tick.cancel();
    router.shutdown(reason);
    vip.remove();
    if (wasMaster) {
      // The peer takes over at once on our release: our Redis takes no write from here on, and
      // clients still connected through the VIP would hang on this host: cut them so they
      // reconnect through the VIP, which now leads to the peer.
      redis.setWriteFence(WriteFence.Setting.CLOSED, error -> {});
      redis.killNormalClients(error -> {});
    }
    silenceLook.cancel();
    keeperInUse = false;
    redis.releaseKeeper();
    guard.close();
  }

  /** When looks at the peer's Redis began to fail, {@code Long.MIN_VALUE} while they answer. */
  private long peerUnreachableSinceNanos = Long.MIN_VALUE;

  /**
   * Since when looks at the peer's Redis answer without a failure, {@code Long.MIN_VALUE} if not.
   */
  private long peerReachableSinceNanos = Long.MIN_VALUE;

  private void scheduleTick() {
    tickDueNanos = scheduler.nanoTime() + pair.health().interval().toNanos();
    tick = scheduler.schedule(pair.health().interval(), this::tick);
  }

  /**
   * When the next health tick is due ({@code Long.MIN_VALUE} before the first is scheduled); a tick
   * far overdue means this agent was stalled.
   */
  private long tickDueNanos = Long.MIN_VALUE;

  /** When this agent was last found waking from a stall, {@code Long.MIN_VALUE} if never. */
  private long wokeFromStallNanos = Long.MIN_VALUE;

  /**
   * Notes a stall of this agent (a GC pause, a frozen VM, SIGSTOP): its health tick is overdue by
   * at least a master-down interval, so what it reads now (adverts queued in its socket, replies of
   * looks) happened long ago and the peer may have taken over meanwhile.
   */
  private void noteStallIfOverdue() {
    if (tickDueNanos == Long.MIN_VALUE) {
      return;
    }
    long now = scheduler.nanoTime();
    long overdue = now - tickDueNanos;
    if (running && overdue >= router.masterDownInterval().toNanos() && wokeFromStallNanos < now) {
      if (wokeFromStallNanos < tickDueNanos) {
        log.accept(
            "group "
                + group.name()
                + ": this agent did not run for "
                + overdue / 1_000_000
                + " ms: what it heard meanwhile is stale until a fresh look at the peer's Redis");
      }
      wokeFromStallNanos = now;
    }
  }

  /**
   * Why a takeover must wait after a stall of this agent: a priority 0 release read from the socket
   * queue may be seconds old, and the peer master again since (simulation seed 7579: a backup
   * stalled 8.5 s woke, took over on the release its peer had sent 7.7 s earlier and took a write
   * through the VIP that the conflict then threw away). Null once a look at the peer's Redis sent
   * after the wake has come back, answered or failed.
   */
  private String staleAfterStall() {
    noteStallIfOverdue();
    if (wokeFromStallNanos == Long.MIN_VALUE
        || okLookStartedNanos >= wokeFromStallNanos
        || failedLookStartedNanos >= wokeFromStallNanos) {
      return null;
    }
    checkPeer(pair.health().timeout());
    return "this agent has just woken from a stall: what it heard meanwhile is stale; looking at"
        + " the peer's Redis first";
  }

  private void tick() {
    if (!running) {
      return;
    }
    noteStallIfOverdue();
    scheduleTick();
    if (!checkInFlight) {
      checkInFlight = true;
      long sent = ++localSent;
      redis.check(pair.health().timeout(), result -> onLocalCheck(result, sent));
    }
    checkPeer(pair.health().timeout());
    scheduleSilenceLook();
    writeHold.enforce();
    if (router.state() != VrrpState.MASTER) {
      detachFromPeerIfUnsafe();
    }
    if (router.state() == VrrpState.MASTER) {
      String refusal = guard.holdRefusal(peerLink.peerFollows(local));
      if (refusal != null) {
        fence(refusal);
      }
    }
    tendWriteKeeper();
  }

  private void checkPeer(Duration timeout) {
    if (peerCheckInFlight) {
      return;
    }
    peerCheckInFlight = true;
    long started = scheduler.nanoTime();
    lookStartedNanos = started;
    peerRedis.check(
        timeout,
        result -> {
          peerCheckInFlight = false;
          // The peer's streams go through the same memory as ours: a stream that added nothing is
          // a fact about the data whichever Redis reports it (simulation seed 1295).
          peer = result.ok() ? lineage.resolve(result.info()) : null;
          peerChecked = true;
          peerCheckedAtNanos = scheduler.nanoTime();
          if (result.ok()) {
            okLookStartedNanos = started;
            okLookDoneNanos = peerCheckedAtNanos;
            okLook = peer;
          } else {
            failedLookStartedNanos = started;
          }
          notePeerServing();
          notePeerReachability(result.ok());
          if (running && router.state() == VrrpState.BACKUP) {
            router.retryTakeover();
          } else if (running && router.state() == VrrpState.MASTER) {
            fenceSilentServingPeer();
          }
        });
  }

  /**
   * Once the peer's first advert is overdue, looks at its Redis at once, with a timeout that ends
   * before the master-down interval does: a host that is gone is then known to be gone when the
   * takeover is due, so a host cut fails over as fast as without the look.
   */
  private void scheduleSilenceLook() {
    silenceLook.cancel();
    if (router.state() != VrrpState.BACKUP) {
      return;
    }
    Duration due = advertInterval.plusMillis(10).minus(router.peerSilence());
    if (due.isNegative()) {
      return;
    }
    silenceLook =
        scheduler.schedule(
            due,
            () -> {
              if (!running || router.state() != VrrpState.BACKUP) {
                return;
              }
              Duration silence = router.peerSilence();
              long firstMissed =
                  scheduler.nanoTime() - silence.toNanos() + advertInterval.toNanos();
              if (silence.compareTo(advertInterval) < 0 || lookStartedNanos >= firstMissed) {
                return;
              }
              Duration left = router.masterDownInterval().minus(silence).minusMillis(10);
              Duration timeout = pair.health().timeout();
              if (left.compareTo(timeout) < 0) {
                timeout = left.compareTo(Duration.ofMillis(50)) < 0 ? Duration.ofMillis(50) : left;
              }
              checkPeer(timeout);
              probePeerHost(timeout);
            });
  }

  /** When the latest probe that found the peer's host accepting connections started. */
  private long hostAnsweredProbeNanos = Long.MIN_VALUE;

  /**
   * Beside the silence look, a few plain TCP connects to the peer's Redis port: on a lossy link one
   * look fails about half the time, ten connects all fail about once in a thousand; a host that is
   * cut off or gone accepts none, so a host cut fails over as fast as before.
   */
  private void probePeerHost(Duration budget) {
    long started = scheduler.nanoTime();
    peerRedis.probeHost(
        budget,
        accepted -> {
          if (accepted && running) {
            hostAnsweredProbeNanos = Math.max(hostAnsweredProbeNanos, started);
          }
        });
  }

  /** What our router last heard from the peer, as the replica rules weigh it. */
  private PeerAdverts peerAdverts() {
    return new PeerAdverts(router.lastMaster() != null, router.peerSilence(), peerSilenceLimit);
  }

  /**
   * Whether the master's adverts went missing and came back lately ({@link #LOSSY_LINK_MEMORY}).
   */
  private boolean linkDropsPackets() {
    boolean lossy = router.advertGapsWithin(LOSSY_LINK_MEMORY) >= LOSSY_LINK_GAPS;
    if (lossy != linkSeenLossy) {
      linkSeenLossy = lossy;
      if (lossy) {
        log.accept(
            "group "
                + group.name()
                + ": the peer's adverts went missing and came back "
                + LOSSY_LINK_GAPS
                + " times within "
                + LOSSY_LINK_MEMORY.toSeconds()
                + " s: silence counts as weak evidence for now");
      }
    }
    return lossy;
  }

  private boolean linkSeenLossy;

  // ---- Health and S5 eligibility ----

  private void onLocalCheck(RedisPort.CheckResult result, long sent) {
    checkInFlight = false;
    if (!running) {
      return;
    }
    boolean wasUp = health.health() == HealthTracker.Health.UP;
    if (result.ok()) {
      RestartQuarantine.Verdict restart =
          RestartQuarantine.decide(
              Optional.ofNullable(local), result.info(), router.state() == VrrpState.MASTER);
      if (restart.restarted()) {
        health.connectionLost();
        log.accept("group " + group.name() + ": Redis restarted (new run id)");
        warnMissingBootLines(result.info());
      }
      noteStreamMoved(result.info());
      local = lineage.resolve(result.info());
      fenceVerdict =
          router.state() == VrrpState.MASTER
              ? WriteFence.decide(
                  local, fenceOpenedOnRunId, fenceOpenedAt >= 0 && sent > fenceOpenedAt)
              : WriteFence.Verdict.NOT_OPENED_YET;
      if (WriteFence.state(local) == WriteFence.State.UNKNOWN && !fenceUnknownLogged) {
        fenceUnknownLogged = true;
        log.accept(
            "group "
                + group.name()
                + ": cannot read min-replicas-to-write of our Redis: no write fence (allow CONFIG"
                + " GET/SET for the agent)");
      }
      localError = null;
      health.record(true);
      if (restart == RestartQuarantine.Verdict.RESTARTED_EMPTY_MAKE_REPLICA) {
        makeRestartedReplica();
      }
    } else {
      localError = result.error();
      health.record(false);
    }
    boolean up = health.health() == HealthTracker.Health.UP;
    if (!up) {
      router.setEligible(false, "Redis on port " + group.port() + " down: " + describeError());
    } else {
      updateEligibility(wasUp);
    }
    writeHold.enforce();
    reconcileRole();
    listener.changed(group.name());
  }

  /**
   * Notes that our Redis, following the peer's, received its stream since the previous check (its
   * offset or stream id moved): it was connected to the peer's Redis in between, so the peer's
   * Redis may count an acknowledgement of ours as proof that we follow it, even when no check of
   * ours saw the link up (a reconnect shorter than a check interval; simulation seed 712730).
   */
  private void noteStreamMoved(ReplicationInfo current) {
    ReplicationInfo before = lastRaw;
    long previousCheck = lastRawNanos;
    lastRaw = current;
    lastRawNanos = scheduler.nanoTime();
    // Only the peer's stream moves a Redis configured on it (our own REPLICAOF changes nothing
    // until the first sync, which is the peer's stream too).
    if (before == null
        || !before.runId().equals(current.runId())
        || !peerLink.configured(current)) {
      return;
    }
    if (before.replOffset() != current.replOffset() || !before.replId().equals(current.replId())) {
      // The bytes arrived after the previous check read the offset: that is all we know.
      streamMovedNanos = previousCheck;
      peerServedNanos = lastRawNanos;
    }
  }

  private void onConnectionLost(String reason) {
    if (!running) {
      return;
    }
    health.connectionLost();
    peerChecked = false;
    localError = reason;
    router.setEligible(false, "Redis on port " + group.port() + " connection lost: " + reason);
    listener.changed(group.name());
  }

  private void updateEligibility(boolean wasUp) {
    if (router.state() == VrrpState.MASTER) {
      return; // S5 gates becoming master, not staying master.
    }
    PromotionGate.Verdict verdict =
        PromotionGate.decide(
            local,
            peerLink.streaming(local),
            Optional.ofNullable(peer),
            peerChecked,
            Optional.ofNullable(okLook));
    if (!verdict.eligible()) {
      String refusal = verdict.explanation();
      if (!refusal.equals(dataRefusal)) {
        log.accept("group " + group.name() + ": not eligible as master: " + refusal);
      }
      dataRefusal = refusal;
      router.setEligible(false, refusal);
    } else {
      dataRefusal = null;
      router.setEligible(
          true, wasUp ? "Redis eligible again" : "Redis on port " + group.port() + " up");
    }
  }

  /** S4: a master that lost its proof drops the VIP and stops being master. */
  private void fence(String reason) {
    // No priority 0 release: without the proof, our replica may lack acknowledged writes, and the
    // peer must not take over before its Redis has them (simulation seeds 1538, 2336).
    router.withdraw("fenced: " + reason);
  }

  // ---- Roles, level-triggered ----

  /**
   * One command at a time until Redis has the role and the write fence the VRRP state implies: a
   * master's Redis is a master with its fence open, anybody else's has its fence closed (first) and
   * follows the peer unless that would lose data.
   */
  private void reconcileRole() {
    if (commandInFlight || local == null) {
      return;
    }
    VrrpState state = router.state();
    if (state == VrrpState.INITIALIZE) {
      return;
    }
    if (state != VrrpState.MASTER && WriteFence.needsChange(local, WriteFence.Setting.CLOSED)) {
      // Before anything else, and even before rise good checks: a Redis that restarted without
      // the fence in redis.conf must stop taking writes at once.
      closeOurFence(this::reconcileRole);
      return;
    }
    if (health.health() != HealthTracker.Health.UP) {
      return;
    }
    if (state == VrrpState.MASTER) {
      if (writeHold.releaseForMaster()) {
        return;
      }
      if (fenceVerdict.fenced()) {
        String why =
            fenceVerdict == WriteFence.Verdict.MADE_REPLICA
                ? "our Redis was made a replica"
                : "our Redis's write fence was closed";
        log.accept("group " + group.name() + ": fenced by the peer: " + why + "; stepping down");
        fenceVerdict = WriteFence.Verdict.NOT_OPENED_YET;
        router.stepDown("fenced by the peer: " + why);
        return;
      }
      WriteFence.Setting fence = masterFence();
      if (!local.isMaster() || WriteFence.needsChange(local, fence)) {
        becomeWritableMaster(fence);
      } else if (!vip.held()) {
        vip.add();
        listener.changed(group.name());
      }
      return;
    }
    boolean configured = peerLink.configured(local);
    // A Redis that booted as the peer's replica from its redis.conf (the README's replicaof line)
    // never got the replication login follow sets first (masteruser, masterauth,
    // tls-replication): follow once per process; REPLICAOF to the master it has changes nothing
    // else.
    if (!configured || !local.runId().equals(followedRunId)) {
      if (followRefused()) {
        if (configured) {
          killClientsIfDemoted();
        }
        return;
      }
      commandInFlight = true;
      String host = peerLink.peerHost();
      String runId = local.runId();
      redis.follow(
          host,
          group.port(),
          error -> {
            commandInFlight = false;
            if (error != null) {
              logRoleFailure("group " + group.name() + ": REPLICAOF " + host + " failed: " + error);
              return;
            }
            lastRoleFailure = null;
            followedRunId = runId;
            log.accept(
                "group "
                    + group.name()
                    + (configured ? ": Redis, a replica of " : ": Redis now replica of ")
                    + host
                    + ":"
                    + group.port()
                    + (configured ? " since its start, follows it with our login (" : " (")
                    + followReason
                    + ")");
            markRole(false);
            killClientsIfDemoted();
            listener.changed(group.name());
          });
    } else {
      killClientsIfDemoted();
    }
  }

  // ---- redistls: a role or fence command Redis refuses is asked for at every check
  // (level-triggered) and answered at once by the port while it backs off; log each failure once,
  // not every check. ----

  private String lastRoleFailure;

  private void logRoleFailure(String line) {
    if (!line.equals(lastRoleFailure)) {
      lastRoleFailure = line;
      log.accept(line);
    }
  }

  /**
   * The write fence of our Redis while this node is master. Without an arbiter nothing but this
   * agent makes the node legitimate: open. With one, always guarded: a replica must acknowledge, so
   * a master cut off from its peer stops taking writes within {@link WriteFence#GUARDED_CLOSE} even
   * when this agent stalls or dies before it fences itself ({@link io.redisha.arbiter.FenceTiming}
   * keeps that below the fence time). While the node holds the arbiter's key and the peer's replica
   * does not follow, that replica is the agent's own ({@link #tendWriteKeeper}).
   */
  private WriteFence.Setting masterFence() {
    return guard.arbitrated() ? WriteFence.Setting.GUARDED : WriteFence.Setting.OPEN;
  }

  /**
   * Keeps our guarded Redis writable while this node is master on the arbiter's word alone: our
   * dead-man replica acknowledges at every tick, but only while Redis, stopping at most {@link
   * WriteFence#GUARDED_CLOSE} after the last acknowledgement, stops before the arbiter may give the
   * key to the peer (a tick to spare). A key held with a stale "open" fence was the hole: a master
   * whose agent died while it held the key kept taking writes after the peer took over (simulation
   * seeds 1011517, 1019278). Released as soon as the peer's replica follows or the key is gone.
   */
  private void tendWriteKeeper() {
    boolean needed =
        router.state() == VrrpState.MASTER
            && guard.arbitrated()
            && guard.holdsArbiter()
            && local != null
            && local.isMaster()
            && !peerLink.peerFollows(local);
    if (!needed) {
      if (keeperInUse) {
        keeperInUse = false;
        redis.releaseKeeper();
        log.accept("group " + group.name() + ": our dead-man replica released");
      }
      return;
    }
    long until =
        guard.peerMayHoldFromNanos()
            - WriteFence.GUARDED_CLOSE.toNanos()
            - pair.health().interval().toNanos();
    if (until > scheduler.nanoTime()) {
      if (!keeperInUse) {
        keeperInUse = true;
        log.accept(
            "group "
                + group.name()
                + ": master on the arbiter's key without the peer's replica: our own dead-man"
                + " replica keeps the guarded Redis writable while the key covers it");
      }
      redis.keepWrites(until);
    }
  }

  /**
   * Opens (or guards) our write fence, then REPLICAOF NO ONE, then adds the VIP: this node is
   * master now. On a Redis that is master already, only the fence changes.
   */
  private void becomeWritableMaster(WriteFence.Setting fence) {
    commandInFlight = true;
    long sent = ++localSent;
    String runId = local.runId();
    boolean fenceKnown = WriteFence.state(local) != WriteFence.State.UNKNOWN;
    if (fenceKnown && !local.isMaster()) {
      openFenceAndPromote(fence, sent, runId);
      return;
    }
    redis.setWriteFence(
        fence,
        fenceError -> {
          if (fenceError != null && fenceKnown) {
            commandInFlight = false;
            logRoleFailure(
                "group "
                    + group.name()
                    + ": setting the write fence to "
                    + fence.name().toLowerCase(Locale.ROOT)
                    + " failed: "
                    + fenceError);
            return;
          }
          if (router.state() != VrrpState.MASTER) {
            commandInFlight = false;
            reconcileRole(); // stepped down meanwhile: close it again
            return;
          }
          fenceOpenedAt = sent;
          fenceOpenedOnRunId = Optional.of(runId);
          markFence(fence);
          if (local.isMaster()) {
            commandInFlight = false;
            if (vip.held() && !demotePeer) {
              listener.changed(group.name()); // a guarded fence opened or back: nothing else
            } else {
              onPromoted();
            }
            return;
          }
          redis.promote(
              error -> {
                commandInFlight = false;
                if (error != null) {
                  logRoleFailure("group " + group.name() + ": REPLICAOF NO ONE failed: " + error);
                  return;
                }
                lastRoleFailure = null;
                log.accept("group " + group.name() + ": Redis promoted to master");
                markRole(true);
                onPromoted();
              });
        });
  }

  /**
   * The usual takeover, a replica with a readable fence: both commands in one exchange, one round
   * trip to Redis and one hop through its worker fewer than fence then promote, on the path every
   * failover's write gap waits for. REPLICAOF NO ONE can have run although the fence did not open
   * (a closed fence then refuses every write, and the next check finds it and opens it); the router
   * can have left MASTER meanwhile, and {@link #onPromoted} then puts the role back at once.
   */
  private void openFenceAndPromote(WriteFence.Setting fence, long sent, String runId) {
    redis.openFenceAndPromote(
        fence,
        error -> {
          commandInFlight = false;
          if (error != null) {
            logRoleFailure(
                "group "
                    + group.name()
                    + ": setting the write fence to "
                    + fence.name().toLowerCase(Locale.ROOT)
                    + " and REPLICAOF NO ONE failed: "
                    + error);
            return;
          }
          lastRoleFailure = null;
          fenceOpenedAt = sent;
          fenceOpenedOnRunId = Optional.of(runId);
          markFence(fence);
          log.accept("group " + group.name() + ": Redis promoted to master");
          markRole(true);
          onPromoted();
        });
  }

  private void onPromoted() {
    if (router.state() == VrrpState.MASTER) {
      // A takeover on the arbiter's word: writes flow once the keeper acknowledges.
      tendWriteKeeper();
      vip.add();
      if (demotePeer) {
        demoteFencedPeer();
      }
    } else {
      reconcileRole();
    }
    listener.changed(group.name());
  }

  /** Closes our Redis's write fence; {@code then} runs once it is closed. */
  private void closeOurFence(Runnable then) {
    commandInFlight = true;
    redis.setWriteFence(
        WriteFence.Setting.CLOSED,
        error -> {
          commandInFlight = false;
          if (error != null) {
            logRoleFailure("group " + group.name() + ": closing the write fence failed: " + error);
            return;
          }
          lastRoleFailure = null;
          markFence(WriteFence.Setting.CLOSED);
          then.run();
        });
  }

  /** Whether REPLICAOF the peer must wait ({@link ReplicaFollow}); logs each new refusal once. */
  private boolean followRefused() {
    ReplicaFollow.Verdict verdict =
        ReplicaFollow.decide(
            local,
            Optional.ofNullable(peer),
            peerAdverts(),
            Optional.ofNullable(detachedFromEmpty));
    String refusal = verdict.follow() ? null : verdict.explanation();
    if (refusal != null && !refusal.equals(followRefusal)) {
      log.accept("group " + group.name() + ": not following the peer yet: " + refusal);
    }
    followRefusal = refusal;
    followReason = verdict.explanation();
    return refusal != null;
  }

  /** One line when a Redis restarted without the README's redis.conf lines ({@link BootLines}). */
  private void warnMissingBootLines(ReplicationInfo restarted) {
    BootLines.missing(restarted, peerLink.peerHost(), group.port())
        .ifPresent(
            lines ->
                log.accept(
                    "group "
                        + group.name()
                        + ": WARNING our Redis restarted without '"
                        + lines
                        + "' in its redis.conf (README: redis.conf on each VM): until the agent"
                        + " decides, it may take writes or feed an empty data set to the peer's"
                        + " replica"));
  }

  /** {@link RestartQuarantine}: point a restarted empty master at the peer at once. */
  private void makeRestartedReplica() {
    if (commandInFlight) {
      return;
    }
    commandInFlight = true;
    String runId = local == null ? null : local.runId();
    redis.follow(
        peerLink.peerHost(),
        group.port(),
        error -> {
          commandInFlight = false;
          if (error == null) {
            followedRunId = runId;
            log.accept("group " + group.name() + ": restarted empty Redis made replica at once");
            markRole(false);
          }
        });
  }

  /** {@link ReplicaDetach}: REPLICAOF NO ONE, without the VIP, to keep our Redis's data. */
  private void detachFromPeerIfUnsafe() {
    if (commandInFlight || local == null || health.health() != HealthTracker.Health.UP) {
      return;
    }
    ReplicaDetach.Verdict verdict =
        ReplicaDetach.decide(
            local,
            peerLink.configured(local),
            Optional.ofNullable(peer),
            peerChecked,
            peerAdverts());
    if (!verdict.detach()) {
      return;
    }
    detachedFromEmpty =
        verdict.reason() == ReplicaDetach.Reason.PEER_RESTARTED_EMPTY && peer != null
            ? peer.runId()
            : null;
    // Closed first: the detached Redis is a master that must take no write without the VIP.
    closeOurFence(
        () -> {
          commandInFlight = true;
          redis.promote(
              error -> {
                commandInFlight = false;
                if (error == null) {
                  log.accept(
                      "group "
                          + group.name()
                          + ": "
                          + verdict.explanation()
                          + ": detached our Redis to keep its data");
                  markRole(true);
                }
                // The router may have taken over while the detach was on its way (both follow
                // from the same silence): go on at once rather than at the next check.
                reconcileRole();
              });
        });
  }

  private void killClientsIfDemoted() {
    if (!clientsToKill) {
      return;
    }
    clientsToKill = false;
    redis.killNormalClients(
        error -> {
          if (error != null) {
            log.accept("group " + group.name() + ": CLIENT KILL failed: " + error);
          }
        });
  }

  /**
   * In a planned switchover we handed over: the peer's advert as master arrived while our Redis
   * does not follow it yet. Reconcile now rather than at the next check (up to a health interval
   * later), since the switchover keeps writes paused until our Redis is a replica. The same
   * level-triggered rules decide. In FAULT too: right after the hand-over, a check that lands
   * before the fresh look at the peer's Redis makes us ineligible (S5), and waiting for the next
   * check there kept the writes paused 100 ms longer (bench, 1 switchover in 20).
   */
  private void followNewMasterAtOnce() {
    if (running
        && vipKeptForSwitchover
        && router.state() != VrrpState.MASTER
        && router.state() != VrrpState.INITIALIZE
        && local != null
        && !peerLink.configured(local)) {
      reconcileRole();
    }
  }

  /** Notes a role we just set, until the next check reads it back. */
  private void markRole(boolean master) {
    if (local == null || master == local.isMaster()) {
      return;
    }
    local =
        new ReplicationInfo(
            master ? ReplicationInfo.Role.MASTER : ReplicationInfo.Role.REPLICA,
            local.runId(),
            local.uptimeSeconds(),
            local.replId(),
            local.replId2(),
            local.replOffset(),
            local.secondReplOffset(),
            local.keys(),
            master ? Optional.empty() : Optional.of(peerLink.notYetLinked()),
            List.of(),
            local.minReplicasToWrite());
  }

  /** Notes the write fence we just set, until the next check reads it back. */
  private void markFence(WriteFence.Setting setting) {
    if (local == null || local.minReplicasToWrite().isEmpty()) {
      return;
    }
    local =
        new ReplicationInfo(
            local.role(),
            local.runId(),
            local.uptimeSeconds(),
            local.replId(),
            local.replId2(),
            local.replOffset(),
            local.secondReplOffset(),
            local.keys(),
            local.masterLink(),
            local.replicas(),
            OptionalInt.of(setting.minReplicasToWrite()));
  }

  // ---- Two masters (a split brain heals) ----

  /**
   * The peer claims the master role while we hold it: {@link MasterConflict} decides who keeps it,
   * on a look at the peer's Redis taken after the conflict began.
   */
  private ConflictPolicy.Decision onPeerMaster(VrrpAdvertisement advert, Inet4Address source) {
    long now = scheduler.nanoTime();
    if (MasterConflict.startsConflict(lastConflictNanos, now)) {
      conflictSinceNanos = now;
      scheduleReannounceAfterConflict();
    }
    lastConflictNanos = now;
    MasterConflict.Verdict verdict =
        MasterConflict.decide(
            Optional.ofNullable(local),
            Optional.ofNullable(peer),
            peerCheckedAtNanos,
            conflictSinceNanos,
            now,
            guard.arbitrated() && guard.holdsArbiter());
    if (verdict.lookAtPeer()) {
      checkPeer(pair.health().timeout());
    }
    ConflictPolicy.Decision decision =
        switch (verdict.outcome()) {
          case KEEP -> ConflictPolicy.Decision.HOLD;
          case YIELD -> ConflictPolicy.Decision.YIELD;
          case BY_PRIORITY -> ConflictPolicy.Decision.RFC;
        };
    logConflict(decision, source, verdict.explanation());
    return decision;
  }

  /**
   * Once the other master has gone quiet (it yielded) and we are still master, announce the VIP
   * again: while both claimed it, clients may have learnt the other's address.
   */
  private void scheduleReannounceAfterConflict() {
    long quiet = conflictQuietNanos();
    scheduler.schedule(
        Duration.ofNanos(quiet),
        () -> {
          if (router.state() != VrrpState.MASTER) {
            return;
          }
          if (scheduler.nanoTime() - lastConflictNanos >= quiet) {
            vip.reannounce();
          } else {
            scheduleReannounceAfterConflict();
          }
        });
  }

  /** How long the other master must stay unheard before we announce the VIP again: 3 adverts. */
  private long conflictQuietNanos() {
    return 3 * pair.vrrp().intervalCentis() * 10_000_000L;
  }

  private void logConflict(ConflictPolicy.Decision decision, Inet4Address source, String why) {
    String line = decision + ": " + why;
    if (line.equals(lastConflictLine)) {
      return;
    }
    lastConflictLine = line;
    log.accept(
        "group "
            + group.name()
            + ": split brain: peer "
            + source.getHostAddress()
            + " is master too; "
            + switch (decision) {
              case HOLD -> "keeping the role";
              case YIELD -> "yielding";
              case RFC -> "VRRP priority decides";
            }
            + " ("
            + why
            + ")");
  }

  // ---- S11 and a clean start: entry points of the agent runtime ----

  /**
   * The interface lost its link (S11): the group goes to FAULT at once whatever its health (a
   * master first tries a priority 0 advert), the VIP is removed, and our Redis is held from taking
   * writes until the node is master again or, once the link is back, follows the peer.
   *
   * @param reason what the kernel said, for example {@code carrier lost on eth0}
   */
  public void linkLost(String reason) {
    writeHold.hold(reason, true);
    router.linkLost(reason);
    vipKeptForSwitchover = false;
    vip.remove();
    writeHold.enforce();
    listener.changed(group.name());
  }

  /**
   * The interface carries traffic again: the group rejoins as a backup once its Redis is eligible
   * under the normal rules, judged on a fresh look at the peer's Redis, so S5 holds and the
   * master-down timer runs from then.
   */
  public void linkRestored(String reason) {
    writeHold.linkBack();
    router.linkRestored(reason);
    listener.changed(group.name());
  }

  /**
   * Called once before {@link #start} by a freshly started agent. A predecessor may have left this
   * node's Redis a writable master (the runtime has already removed the VIPs it left): until VRRP
   * makes this node master, or our Redis follows the peer, its writes are held, and that is the
   * first command it gets; if it is a master, its clients are cut once so that none keeps writing
   * to it.
   */
  public void startClean() {
    clientsToCutAtStart = true;
    writeHold.hold("agent started, VRRP has not decided yet", false);
    writeHold.enforce();
  }

  private boolean clientsToCutAtStart;

  /**
   * While the node must not run a writable master (its link is down, or it has just started and
   * VRRP has not decided), our Redis's writes wait: {@code CLIENT PAUSE WRITE}, renewed while the
   * hold lasts and bounded, so a Redis whose agent died takes writes again by itself. A write that
   * waits is dropped if its client gives up; reads go on. The hold ends when this node becomes
   * master (lifted before the VIP is added) or, with the link up, once our Redis is a replica,
   * which refuses writes by itself. While the link is down a replica is held too: no replication
   * reaches it then, and the replica rules may detach it to keep its data.
   */
  private final class WriteHold {
    private static final Duration BOUND = Duration.ofSeconds(2);
    private static final long RENEW_NANOS = Duration.ofMillis(500).toNanos();

    /** Why writes are held, or null when they are not. */
    private String reason;

    private boolean whileLinkDown;
    private boolean inFlight;
    private boolean sent;
    private long sentNanos;

    /** Whether a pause of ours may hold Redis now, and until when it does at most. */
    private boolean paused;

    private long untilNanos;

    void hold(String why, boolean linkDown) {
      if (reason == null) {
        sent = false;
      }
      reason = why;
      whileLinkDown |= linkDown;
    }

    void linkBack() {
      whileLinkDown = false;
    }

    /** Whether writes are held, or a pause of ours may still be in effect. */
    boolean active() {
      return reason != null || inFlight || mayBeInEffect();
    }

    private boolean mayBeInEffect() {
      return paused && scheduler.nanoTime() - untilNanos < 0;
    }

    /** Sends or renews the pause while it is wanted; ends the hold once it may. */
    void enforce() {
      if (reason == null) {
        return;
      }
      cutClientsAtStart();
      if (router.state() == VrrpState.MASTER) {
        return; // lifted by releaseForMaster before the VIP is added
      }
      if (!whileLinkDown && local != null && !local.isMaster()) {
        end("our Redis is a replica");
        return;
      }
      long now = scheduler.nanoTime();
      if (inFlight || (sent && now - sentNanos < RENEW_NANOS)) {
        return;
      }
      inFlight = true;
      String why = reason;
      redis.pauseWrites(
          BOUND,
          error -> {
            inFlight = false;
            if (error != null) {
              if (!sent) {
                log.accept("group " + group.name() + ": holding Redis writes failed: " + error);
              }
              return;
            }
            if (!sent) {
              log.accept("group " + group.name() + ": Redis writes held (" + why + ")");
            }
            sent = true;
            sentNanos = now;
            paused = true;
            untilNanos = scheduler.nanoTime() + BOUND.toNanos();
            if (reason == null) {
              unpause("the hold ended meanwhile");
            }
          });
    }

    /**
     * The node is master: lifts a pause of ours before the VIP is added. Returns true while the
     * lift is on its way; reconciling goes on when it is done.
     */
    boolean releaseForMaster() {
      if (reason == null && (inFlight || !mayBeInEffect())) {
        return inFlight;
      }
      reason = null;
      whileLinkDown = false;
      if (inFlight) {
        return true;
      }
      if (!mayBeInEffect()) {
        return false;
      }
      commandInFlight = true;
      paused = false;
      redis.unpause(
          error -> {
            commandInFlight = false;
            if (error != null) {
              log.accept("group " + group.name() + ": CLIENT UNPAUSE failed: " + error);
            } else {
              log.accept("group " + group.name() + ": Redis writes no longer held (master now)");
            }
            reconcileRole();
          });
      return true;
    }

    private void end(String why) {
      reason = null;
      if (!inFlight && mayBeInEffect()) {
        unpause(why);
      }
    }

    private void unpause(String why) {
      paused = false;
      inFlight = true;
      redis.unpause(
          error -> {
            inFlight = false;
            log.accept(
                "group "
                    + group.name()
                    + ": Redis writes no longer held ("
                    + why
                    + (error == null ? "" : "; CLIENT UNPAUSE failed: " + error)
                    + ")");
            if (router.state() == VrrpState.MASTER) {
              reconcileRole();
            }
          });
    }
  }

  /** Once, at the first look after a start: a master's clients may be a predecessor's writers. */
  private void cutClientsAtStart() {
    if (!clientsToCutAtStart || local == null) {
      return;
    }
    clientsToCutAtStart = false;
    if (local.isMaster()) {
      redis.killNormalClients(
          error -> {
            if (error != null) {
              log.accept("group " + group.name() + ": CLIENT KILL failed: " + error);
            }
          });
    }
  }

  // ---- Transitions and report ----

  private void onTransition(VrrpState from, VrrpState to, String reason) {
    log.accept("group " + group.name() + ": " + from + " -> " + to + ": " + reason);
    lastTransition =
        new AgentReport.Transition(
            ReportedVrrpState.of(from),
            ReportedVrrpState.of(to),
            reason,
            Instant.ofEpochMilli(scheduler.epochMillis()).toString());
    silenceLook.cancel();
    lastEvidence = null;
    fenceVerdict = WriteFence.Verdict.NOT_OPENED_YET;
    if (to == VrrpState.BACKUP && firstBackupNanos == Long.MIN_VALUE) {
      firstBackupNanos = scheduler.nanoTime();
    }
    if (to == VrrpState.MASTER) {
      demotePeer = fencedPeerRunId != null && scheduler.nanoTime() - fencedAtNanos < FENCE_VALID;
      fencedPeerRunId = null;
      if (router.peerReleased()
          && health.health() == HealthTracker.Health.UP
          && local != null
          && !writeHold.active()) {
        // The peer gave the role up itself (priority 0): announce the VIP now, before our Redis is
        // promoted, so clients leave the old host two round trips to Redis sooner; one that
        // arrives meanwhile gets an error (READONLY) and retries instead of a black hole.
        vip.add();
      }
      reconcileRole();
    } else if (from == VrrpState.MASTER) {
      fenceOpenedAt = -1;
      fenceOpenedOnRunId = Optional.empty();
      peerChecked = false;
      clientsToKill = true;
      if (switchover != null && to == VrrpState.BACKUP) {
        // A planned handover: our Redis is paused, so keeping the VIP a little longer takes no
        // write; it lets the clients' connections be cut while their FIN can still reach them,
        // and the switchover removes it once the peer serves (see releaseSwitchoverVip).
        vipKeptForSwitchover = true;
      } else {
        // At once, even when our Redis is dead: a supervisor may restart it empty within
        // milliseconds, and clients must not find that empty master behind the VIP. (Keeping the
        // VIP until the peer announced, so that reconnecting clients were refused rather than
        // black-holed, relied on a write fence in redis.conf: FaultScenariosNoneIT's empty restart
        // at 0 ms lost an acknowledged write to the restarted Redis through the kept VIP.)
        vip.remove();
      }
      reconcileRole();
    }
    listener.transition(group.name(), from, to, reason);
    listener.changed(group.name());
  }

  private String describeError() {
    return localError == null ? "failing checks" : localError;
  }

  /** This group's part of the agent report. */
  public AgentReport.GroupReport report() {
    Long lag = null;
    if (local != null && !local.isMaster() && local.masterLink().isPresent() && peer != null) {
      lag = Math.max(0, peer.replOffset() - local.masterLink().get().replicaOffset());
    }
    return new AgentReport.GroupReport(
        group.name(),
        ReportedVrrpState.of(router.state()),
        local == null || health.health() != HealthTracker.Health.UP
            ? RedisRole.UNKNOWN
            : local.isMaster() ? RedisRole.MASTER : RedisRole.REPLICA,
        health.health() == HealthTracker.Health.UP,
        vip.held(),
        local == null ? null : local.replOffset(),
        local == null ? null : local.replId(),
        lag,
        router.transitions(),
        lastTransition,
        guard.describe() + (dataRefusal == null ? "" : "; " + dataRefusal),
        null,
        router.fault());
  }

  // ---- Planned switchover (S7), driven by Switchover ----

  /**
   * Starts a planned switchover of this group to the peer; may be called from any thread. The
   * future completes when it is done, refused or aborted.
   */
  public CompletableFuture<Switchover.Outcome> switchover() {
    return switchover(Switchover.Limits.DEFAULT);
  }

  /** {@link #switchover()} with explicit limits. */
  public CompletableFuture<Switchover.Outcome> switchover(Switchover.Limits limits) {
    CompletableFuture<Switchover.Outcome> result = new CompletableFuture<>();
    scheduler.execute(
        () -> {
          if (switchover != null) {
            result.complete(
                new Switchover.Outcome(
                    false, "refused: a switchover is already running", Duration.ZERO));
            return;
          }
          switchover = new Switchover(group.name(), new SwitchoverSide(), scheduler, limits, log);
          switchover.start(
              outcome -> {
                switchover = null;
                listener.changed(group.name());
                result.complete(outcome);
              });
        });
    return result;
  }

  /** Null when a switchover may start now, else why not. */
  private String switchoverRefusal() {
    if (!running) {
      return "the group is stopped";
    }
    if (router.state() != VrrpState.MASTER) {
      return "this node is " + router.state() + ", not MASTER";
    }
    if (health.health() != HealthTracker.Health.UP || local == null || !local.isMaster()) {
      return "our Redis is not a healthy master";
    }
    if (!peerLink.peerFollows(local)) {
      return "the peer's Redis is not following ours";
    }
    if (pair.vrrp().preempt() && router.priority() > PairValidation.DEFAULT_PRIORITY) {
      return "preempt is on and this node is the preferred master: the role would come back";
    }
    return null;
  }

  /**
   * Ends a planned handover: unless we are master again, cut the clients of our (paused) Redis
   * while the VIP still reaches them, so they reconnect at once to the new master, then drop the
   * VIP. {@code then} runs when both are done.
   */
  private void releaseSwitchoverVip(Runnable then) {
    if (!vipKeptForSwitchover || router.state() == VrrpState.MASTER) {
      vipKeptForSwitchover = false;
      then.run();
      return;
    }
    redis.killNormalClients(
        error -> {
          vipKeptForSwitchover = false;
          if (router.state() != VrrpState.MASTER) {
            vip.remove();
          }
          then.run();
        });
  }

  /** The part of this controller a switchover may use. */
  private final class SwitchoverSide implements Switchover.MasterSide {
    @Override
    public String refusal() {
      return switchoverRefusal();
    }

    @Override
    public boolean isMaster() {
      return router.state() == VrrpState.MASTER;
    }

    @Override
    public void pauseWrites(Duration bound, Consumer<String> done) {
      redis.pauseWrites(bound, done);
    }

    @Override
    public void unpauseWrites(Consumer<String> done) {
      redis.unpause(done);
    }

    @Override
    public void readOurs(Duration timeout, Consumer<ReplicationInfo> done) {
      redis.check(timeout, result -> done.accept(result.info()));
    }

    @Override
    public void readPeers(Duration timeout, Consumer<ReplicationInfo> done) {
      peerRedis.check(timeout, result -> done.accept(result.info()));
    }

    @Override
    public void handOver(String reason) {
      router.stepDown(reason);
    }

    @Override
    public void cutClients(Consumer<String> done) {
      redis.killNormalClients(done);
    }

    @Override
    public void releaseVip(Runnable then) {
      releaseSwitchoverVip(then);
    }
  }

  // ---- No takeover on weak evidence, fencing the peer's Redis ----

  /** The router's takeover gate: the evidence first, then the split-brain guard. */
  private String takeoverRefusal() {
    String stale = staleAfterStall();
    if (stale != null) {
      return stale;
    }
    String starting = bootRaceRefusal();
    if (starting != null) {
      return starting;
    }
    forgetFenceIfPeerSpoke();
    TakeoverEvidence.Verdict verdict = TakeoverEvidence.decide(observed(), stallLimit);
    if (verdict.reason() == TakeoverEvidence.Reason.LOOKING) {
      checkPeer(pair.health().timeout());
      retryWhenLookOverdue();
      if (guard.answeringSinceNanos() == Long.MAX_VALUE) {
        // Failed looks count again once the arbiter answers us; nothing else may ask it now.
        guard.probeArbiter();
      }
    }
    String refusal =
        switch (verdict.decision()) {
          case WAIT -> verdict.explanation();
          case FENCE_FIRST -> fencePeer(verdict.explanation());
          case FENCED -> guard.takeoverRefusal(peerView(true));
          case GUARD_DECIDES -> guard.takeoverRefusal(peerView(false));
        };
    if (refusal != null && verdict.reason() != lastEvidence) {
      log.accept("group " + group.name() + ": not taking over: " + refusal);
    }
    lastEvidence = refusal == null ? null : verdict.reason();
    return refusal;
  }

  /** When this node first became backup since its agent started, {@code Long.MIN_VALUE} before. */
  private long firstBackupNanos = Long.MIN_VALUE;

  private boolean bootRaceLogged;

  /**
   * Why a node the election would not choose waits before its first takeover on silence ({@link
   * BootRace}), or null.
   */
  private String bootRaceRefusal() {
    boolean heardPeer = router.lastMaster() != null || router.peerReleased();
    // An agent that did not run heard nothing meanwhile (a stall of both at boot, seen under CI
    // load): it listens again from its wake.
    long since = Math.max(firstBackupNanos, wokeFromStallNanos);
    Duration listened =
        firstBackupNanos == Long.MIN_VALUE
            ? Duration.ZERO
            : Duration.ofNanos(scheduler.nanoTime() - since);
    String refusal = BootRace.refusal(heardPeer, peerOutranks(), listened, stallLimit).orElse(null);
    if (refusal != null && !bootRaceLogged) {
      bootRaceLogged = true;
      log.accept("group " + group.name() + ": not taking over yet: " + refusal);
    }
    return refusal;
  }

  /**
   * Whether the VRRP election chooses the peer over this node: it is the preferred master, or
   * neither is and its address is the higher.
   */
  private boolean peerOutranks() {
    if (group.preferredMaster() != null) {
      return group.preferredMaster().equals(pair.link().peerNode());
    }
    return Arrays.compareUnsigned(
            pair.link().peerAddress().getAddress(), pair.link().localAddress().getAddress())
        > 0;
  }

  private SplitBrainGuard.PeerView peerView(boolean fenced) {
    return new SplitBrainGuard.PeerView(
        router.peerSilence(), router.peerReleased(), sincePeerServedOurRedis(), fenced);
  }

  /** What {@link TakeoverEvidence} weighs, from the looks and checks since the adverts stopped. */
  private TakeoverEvidence.Observed observed() {
    long now = scheduler.nanoTime();
    Duration silence = router.peerSilence();
    long lastHeard = now - silence.toNanos();
    long firstMissed = lastHeard + advertInterval.toNanos();
    long recent = peerSilenceLimit.toNanos();
    boolean okIsLatest = okLookStartedNanos > failedLookStartedNanos;
    Optional<ReplicationInfo> answeredSinceAdvert =
        okLook != null && okIsLatest && okLookStartedNanos > lastHeard
            ? Optional.of(okLook)
            : Optional.empty();
    Optional<ReplicationInfo> lastAnswerSinceMissed =
        okLook != null && okLookStartedNanos >= firstMissed
            ? Optional.of(okLook)
            : Optional.empty();
    Optional<ReplicationInfo> answered =
        okLook != null
                && okLookStartedNanos >= firstMissed
                && (okIsLatest || now - okLookDoneNanos <= recent)
            ? Optional.of(okLook)
            : Optional.empty();
    boolean streamMoved = streamMovedNanos >= firstMissed && now - streamMovedNanos <= recent;
    boolean released = router.peerReleased() && silence.compareTo(advertInterval) <= 0;
    // A look that failed while the arbiter did not answer us either may have failed because this
    // node was the one cut off (simulation etcd seed 3798: a backup isolated 8.9 s took over 111
    // ms after the heal on a look sent before it, while the peer's Redis served again).
    long answering = guard.answeringSinceNanos();
    boolean lookFailed =
        (failedLookStartedNanos > lastHeard && failedLookStartedNanos >= answering)
            || (lookOverdue(lastHeard, now) && lookStartedNanos >= answering);
    TakeoverEvidence.FenceProgress fence =
        peerFence != null
            ? TakeoverEvidence.FenceProgress.IN_PROGRESS
            : fencedPeerRunId != null && now - fencedAtNanos < FENCE_VALID
                ? TakeoverEvidence.FenceProgress.DONE
                : TakeoverEvidence.FenceProgress.NONE;
    return new TakeoverEvidence.Observed(
        released,
        silence,
        Optional.ofNullable(local),
        answeredSinceAdvert,
        lastAnswerSinceMissed,
        answered,
        streamMoved,
        lookFailed,
        local != null && peerLink.streaming(local),
        fence,
        linkDropsPackets(),
        hostAnsweredProbeNanos >= firstMissed);
  }

  /**
   * How long a look at the peer's Redis may go unanswered before the takeover gate counts it as
   * failed: as long as the look sent at the first missed advert has before the master-down interval
   * ends, so a host that is gone is known to be gone when the takeover is due, whatever look was on
   * its way then (a look of the health loop may have started just before the silence look was due,
   * and its own timeout ends later).
   */
  private long lookBudgetNanos() {
    long budget = router.masterDownInterval().minus(advertInterval).minusMillis(20).toNanos();
    return Math.max(budget, Duration.ofMillis(50).toNanos());
  }

  /** A look started after the peer's last advert is on its way and over its budget. */
  private boolean lookOverdue(long lastHeard, long now) {
    return peerCheckInFlight
        && lookStartedNanos > lastHeard
        && now - lookStartedNanos >= lookBudgetNanos();
  }

  /** Asks the takeover gate again once the look on its way is over its budget. */
  private void retryWhenLookOverdue() {
    overdueLook.cancel();
    long lastHeard = scheduler.nanoTime() - router.peerSilence().toNanos();
    if (!peerCheckInFlight
        || lookStartedNanos <= lastHeard
        || lookStartedNanos < guard.answeringSinceNanos()) {
      return; // nothing to learn from that look: the next one starts once it is over
    }
    long due = lookStartedNanos + lookBudgetNanos() - scheduler.nanoTime();
    overdueLook =
        scheduler.schedule(
            Duration.ofNanos(Math.max(0, due)),
            () -> {
              if (running && router.state() == VrrpState.BACKUP) {
                router.retryTakeover();
              }
            });
  }

  /**
   * A fence proves the peer's agent away only while it stays silent: an advert heard since the
   * fence began means that agent runs (it may have reopened its fence as master and taken writes
   * since the read that found the fence closed), so the fence no longer allows a takeover
   * (simulation seed 13698: the peer's restarted agent took the Lease and the role over a lossy
   * link while our fence was on its way; our late read still showed the fence closed, we took over
   * on it, and the writes it took as master were lost).
   */
  private void forgetFenceIfPeerSpoke() {
    if (fencedPeerRunId == null) {
      return;
    }
    long lastHeard = scheduler.nanoTime() - router.peerSilence().toNanos();
    if (router.lastMaster() != null && lastHeard > fenceStartedNanos) {
      log.accept(
          "group "
              + group.name()
              + ": the peer advertised after our fence began: its agent runs, the fence no longer"
              + " counts");
      fencedPeerRunId = null;
    }
  }

  /** Starts fencing the peer's Redis (once); the refusal to show meanwhile. */
  private String fencePeer(String why) {
    long now = scheduler.nanoTime();
    if (now < fenceRetryAtNanos) {
      return why + "; the last fence failed (" + fenceFailure + "), trying again later";
    }
    log.accept("group " + group.name() + ": " + why);
    peerFence =
        new PeerFence(
            new PeerFence.Sides() {
              @Override
              public void setPeerFence(boolean closed, Consumer<String> done) {
                // Given back as its agent would have it: guarded when an arbiter may make a master
                // without its replica, so the peer's stalled master is not left open.
                peerRedis.setWriteFence(
                    closed
                        ? WriteFence.Setting.CLOSED
                        : guard.arbitrated() ? WriteFence.Setting.GUARDED : WriteFence.Setting.OPEN,
                    done);
              }

              @Override
              public void readOurs(Duration timeout, Consumer<ReplicationInfo> done) {
                redis.check(timeout, result -> done.accept(result.info()));
              }

              @Override
              public void readPeers(Duration timeout, Consumer<ReplicationInfo> done) {
                peerRedis.check(timeout, result -> done.accept(result.info()));
              }
            },
            scheduler,
            Switchover.Limits.DEFAULT.catchUp(),
            FENCE_POLL);
    fenceStartedNanos = now;
    peerFence.start(this::fenceEnded);
    return why;
  }

  private void fenceEnded(PeerFence.Outcome outcome) {
    peerFence = null;
    if (!running) {
      return;
    }
    if (outcome.fenced()) {
      fencedPeerRunId = outcome.peerRunId();
      fencedAtNanos = scheduler.nanoTime();
      log.accept("group " + group.name() + ": " + outcome.reason() + "; taking over");
      router.retryTakeover();
    } else {
      fenceFailure = outcome.reason();
      fenceRetryAtNanos = scheduler.nanoTime() + stallLimit.toNanos();
      log.accept(
          "group " + group.name() + ": fencing the peer's Redis failed: " + outcome.reason());
    }
  }

  /**
   * A master whose peer has been silent for the stall limit while the peer's Redis takes writes:
   * the peer's agent died or stalled as master (its VIP and open fence left behind), and clients
   * that still reach that host write into a Redis whose writes will be lost. Close its fence and
   * cut its clients.
   */
  private void fenceSilentServingPeer() {
    if (peer == null
        || !peer.acceptsWrites()
        || demotingPeer
        || router.peerSilence().compareTo(stallLimit) < 0
        || !peerReachableForADownInterval()) {
      return;
    }
    demotingPeer = true;
    log.accept(
        "group "
            + group.name()
            + ": the peer's agent is silent for "
            + router.peerSilence().toMillis()
            + " ms and its Redis takes writes while we are master: fencing it");
    peerRedis.setWriteFence(
        WriteFence.Setting.CLOSED,
        error -> {
          if (error != null) {
            demotingPeer = false;
            log.accept("group " + group.name() + ": fencing the peer's Redis failed: " + error);
            return;
          }
          demotePeer = false;
          demoteFencedPeer();
        });
  }

  /**
   * Whether the peer's Redis has answered every look for a master-down interval: its agent's
   * silence then means a stalled agent. Right after a partition heals the silence means nothing
   * yet: the peer, master on its side with the writes of the cut, is heard within that interval,
   * and the conflict of two masters decides on their data.
   */
  private boolean peerReachableForADownInterval() {
    return peerReachableSinceNanos != Long.MIN_VALUE
        && scheduler.nanoTime() - peerReachableSinceNanos >= router.masterDownInterval().toNanos();
  }

  /**
   * After a takeover over a fenced peer: cut the clients of its Redis so they reconnect through the
   * VIP. Its Redis stays a master with its write fence closed (it takes no write) until its own
   * agent, back, makes it follow. No REPLICAOF from here: on a lossy link a command whose caller
   * gave up may still arrive seconds later, when that Redis may have become the master again with
   * writes ours lacks, and a REPLICAOF would then throw them away (simulation seed 15096: a
   * REPLICAOF that timed out arrived 2 s late and wiped 3 acknowledged writes).
   */
  private void demoteFencedPeer() {
    demotePeer = false;
    demotingPeer = false;
    peerRedis.killNormalClients(ignored -> {});
  }

  // ---- What the split-brain guard weighs ----

  /** Notes when the peer's Redis was last seen serving ours as its master. */
  /**
   * A master that reaches the peer's Redis again after at least a master-down interval without it
   * announces the VIP again once the peer is quiet: the partition healed, and the peer, master on
   * its side meanwhile, may have yielded before we heard any advert of it (so no conflict began
   * here), leaving clients with its address for a VIP it no longer holds.
   */
  private void notePeerReachability(boolean reached) {
    long now = scheduler.nanoTime();
    if (!reached) {
      peerReachableSinceNanos = Long.MIN_VALUE;
      if (peerUnreachableSinceNanos == Long.MIN_VALUE) {
        peerUnreachableSinceNanos = now;
      }
      return;
    }
    if (peerReachableSinceNanos == Long.MIN_VALUE) {
      peerReachableSinceNanos = now;
    }
    long since = peerUnreachableSinceNanos;
    peerUnreachableSinceNanos = Long.MIN_VALUE;
    if (since != Long.MIN_VALUE
        && running
        && router.state() == VrrpState.MASTER
        && now - since >= router.masterDownInterval().toNanos()) {
      log.accept(
          "group "
              + group.name()
              + ": the peer's Redis answers again after "
              + (now - since) / 1_000_000
              + " ms: announcing the VIP again once the peer is quiet");
      long quiet = conflictQuietNanos();
      scheduler.schedule(
          Duration.ofNanos(quiet),
          () -> {
            // A conflict meanwhile announces once it is over (scheduleReannounceAfterConflict).
            if (running
                && router.state() == VrrpState.MASTER
                && scheduler.nanoTime() - lastConflictNanos >= quiet) {
              vip.reannounce();
            }
          });
    }
  }

  /**
   * Notes a look that found our Redis streaming from the peer's, a master that takes writes: the
   * peer may keep its role on our acknowledgements. One whose fence is closed takes none and keeps
   * no role on them (etcd seed 19: the peer's agent, restarted as backup, left its Redis a master
   * we had fenced, ours following it; our node held the key and waited for that master forever).
   */
  private void notePeerServing() {
    if (peer != null
        && peer.isMaster()
        && WriteFence.state(peer) != WriteFence.State.CLOSED
        && local != null
        && peerLink.streaming(local)) {
      peerServedNanos = scheduler.nanoTime();
    }
  }

  private Duration sincePeerServedOurRedis() {
    return peerServedNanos == Long.MIN_VALUE
        ? null
        : Duration.ofNanos(scheduler.nanoTime() - peerServedNanos);
  }
}

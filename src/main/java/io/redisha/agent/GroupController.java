package io.redisha.agent;

import io.redisha.api.AgentReport;
import io.redisha.api.RedisRole;
import io.redisha.api.ReportedVrrpState;
import io.redisha.arbiter.SplitBrainGuard;
import io.redisha.clock.Scheduler;
import io.redisha.clock.Scheduler.Cancellable;
import io.redisha.pair.PairSettings;
import io.redisha.pair.PairValidation;
import io.redisha.redis.HealthTracker;
import io.redisha.redis.MasterConflict;
import io.redisha.redis.PeerAdverts;
import io.redisha.redis.PeerLink;
import io.redisha.redis.PromotionGate;
import io.redisha.redis.ReplicaDetach;
import io.redisha.redis.ReplicaFollow;
import io.redisha.redis.ReplicationInfo;
import io.redisha.redis.RestartQuarantine;
import io.redisha.vrrp.VrrpAdvertisement;
import io.redisha.vrrp.VrrpRouter;
import io.redisha.vrrp.VrrpRouter.ConflictPolicy;
import io.redisha.vrrp.VrrpRouterConfig;
import io.redisha.vrrp.VrrpState;
import java.net.Inet4Address;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
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
 * </ul>
 */
public final class GroupController {

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
  private boolean clientsToKill;
  private String dataRefusal;
  private String followRefusal;
  private Cancellable tick = Cancellable.NONE;
  private boolean running;
  private AgentReport.Transition lastTransition;
  private Switchover switchover;
  private boolean vipKeptForSwitchover;
  private final WriteHold writeHold = new WriteHold();

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
            });
    router.setTakeoverGate(
        () ->
            guard.takeoverRefusal(
                new SplitBrainGuard.PeerView(
                    router.peerSilence(), router.peerReleased(), sincePeerServedOurRedis())));
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
      // Clients still connected through the VIP would hang on this host: cut them so they
      // reconnect through the VIP, which now leads to the peer.
      redis.killNormalClients(error -> {});
    }
    guard.close();
  }

  private void scheduleTick() {
    tick = scheduler.schedule(pair.health().interval(), this::tick);
  }

  private void tick() {
    if (!running) {
      return;
    }
    scheduleTick();
    if (!checkInFlight) {
      checkInFlight = true;
      redis.check(pair.health().timeout(), this::onLocalCheck);
    }
    checkPeer();
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
  }

  private void checkPeer() {
    if (peerCheckInFlight) {
      return;
    }
    peerCheckInFlight = true;
    peerRedis.check(
        pair.health().timeout(),
        result -> {
          peerCheckInFlight = false;
          peer = result.ok() ? result.info() : null;
          peerChecked = true;
          peerCheckedAtNanos = scheduler.nanoTime();
          notePeerServing();
        });
  }

  /** What our router last heard from the peer, as the replica rules weigh it. */
  private PeerAdverts peerAdverts() {
    return new PeerAdverts(router.lastMaster() != null, router.peerSilence(), peerSilenceLimit);
  }

  // ---- Health and S5 eligibility ----

  private void onLocalCheck(RedisPort.CheckResult result) {
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
      }
      local = result.info();
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
            local, peerLink.streaming(local), Optional.ofNullable(peer), peerChecked);
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
    router.setEligible(false, "fenced: " + reason);
  }

  // ---- Roles, level-triggered ----

  /** One command at a time until Redis has the role the VRRP state implies. */
  private void reconcileRole() {
    if (commandInFlight || local == null || health.health() != HealthTracker.Health.UP) {
      return;
    }
    VrrpState state = router.state();
    if (state == VrrpState.INITIALIZE) {
      return;
    }
    if (state == VrrpState.MASTER) {
      if (writeHold.releaseForMaster()) {
        return;
      }
      if (!local.isMaster()) {
        commandInFlight = true;
        redis.promote(
            error -> {
              commandInFlight = false;
              if (error != null) {
                log.accept("group " + group.name() + ": REPLICAOF NO ONE failed: " + error);
                return;
              }
              log.accept("group " + group.name() + ": Redis promoted to master");
              markRole(true);
              if (router.state() == VrrpState.MASTER) {
                vip.add();
              }
              listener.changed(group.name());
            });
      } else if (!vip.held()) {
        vip.add();
        listener.changed(group.name());
      }
      return;
    }
    if (!peerLink.configured(local)) {
      if (followRefused()) {
        return;
      }
      commandInFlight = true;
      String host = peerLink.peerHost();
      redis.follow(
          host,
          group.port(),
          error -> {
            commandInFlight = false;
            if (error != null) {
              log.accept("group " + group.name() + ": REPLICAOF " + host + " failed: " + error);
              return;
            }
            log.accept(
                "group " + group.name() + ": Redis now replica of " + host + ":" + group.port());
            markRole(false);
            killClientsIfDemoted();
            listener.changed(group.name());
          });
    } else {
      killClientsIfDemoted();
    }
  }

  /** Whether REPLICAOF the peer must wait ({@link ReplicaFollow}); logs each new refusal once. */
  private boolean followRefused() {
    ReplicaFollow.Verdict verdict =
        ReplicaFollow.decide(local, Optional.ofNullable(peer), peerAdverts());
    String refusal = verdict.follow() ? null : verdict.explanation();
    if (refusal != null && !refusal.equals(followRefusal)) {
      log.accept("group " + group.name() + ": not following the peer yet: " + refusal);
    }
    followRefusal = refusal;
    return refusal != null;
  }

  /** {@link RestartQuarantine}: point a restarted empty master at the peer at once. */
  private void makeRestartedReplica() {
    if (commandInFlight) {
      return;
    }
    commandInFlight = true;
    redis.follow(
        peerLink.peerHost(),
        group.port(),
        error -> {
          commandInFlight = false;
          if (error == null) {
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
            List.of());
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
            now);
    if (verdict.lookAtPeer()) {
      checkPeer();
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
    long quiet = 3 * pair.vrrp().intervalCentis() * 10_000_000L;
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
   * The interface carries traffic again: the group rejoins as a backup (when its Redis is eligible)
   * under the normal rules, so S5 holds and the master-down timer runs from now.
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
    if (to == VrrpState.MASTER) {
      reconcileRole();
    } else if (from == VrrpState.MASTER) {
      peerChecked = false;
      clientsToKill = true;
      if (switchover != null && to == VrrpState.BACKUP) {
        // A planned handover: our Redis is paused, so keeping the VIP a little longer takes no
        // write; it lets the clients' connections be cut while their FIN can still reach them,
        // and the switchover removes it once the peer serves (see releaseSwitchoverVip).
        vipKeptForSwitchover = true;
      } else {
        // At once, even when our Redis is dead: a supervisor may restart it empty within
        // milliseconds, and clients must not find that empty master behind the VIP.
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

  // ---- What the split-brain guard weighs ----

  /** Notes when the peer's Redis was last seen serving ours as its master. */
  private void notePeerServing() {
    if (peer != null && peer.isMaster() && local != null && peerLink.streaming(local)) {
      peerServedNanos = scheduler.nanoTime();
    }
  }

  private Duration sincePeerServedOurRedis() {
    return peerServedNanos == Long.MIN_VALUE
        ? null
        : Duration.ofNanos(scheduler.nanoTime() - peerServedNanos);
  }
}

package io.redisha.agent;

import io.redisha.api.AgentReport;
import io.redisha.api.RedisRole;
import io.redisha.api.ReportedVrrpState;
import io.redisha.arbiter.SplitBrainGuard;
import io.redisha.clock.Scheduler;
import io.redisha.clock.Scheduler.Cancellable;
import io.redisha.pair.PairSettings;
import io.redisha.pair.PairValidation;
import io.redisha.redis.DataGuard;
import io.redisha.redis.HealthTracker;
import io.redisha.redis.ReplicationInfo;
import io.redisha.redis.ReplicationInfo.MasterLink;
import io.redisha.vrrp.VrrpAdvertisement;
import io.redisha.vrrp.VrrpRouter;
import io.redisha.vrrp.VrrpRouterConfig;
import io.redisha.vrrp.VrrpState;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * One Redis group on one node: its virtual router, its VIP and its Redis, kept consistent. Pure
 * apart from its ports; every method runs on the scheduler's thread.
 *
 * <p>The rules, in the order they matter:
 *
 * <ul>
 *   <li>Health: {@code fall} failed checks, a lost connection or a restarted Redis make the node
 *       ineligible at once (VRRP FAULT: a master releases with priority 0, so the peer takes over
 *       without waiting for the master-down interval); {@code rise} good checks bring it back.
 *   <li>S5: a node whose Redis is not following the peer may become eligible only when {@link
 *       DataGuard} finds that it holds everything the peer's Redis has; otherwise it follows the
 *       peer and waits until it does.
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

  private ReplicationInfo local;
  private String localError = "not checked yet";
  private ReplicationInfo peer;
  private boolean peerChecked;
  private long peerCheckedAtNanos = -1;
  private long conflictSinceNanos = -1;
  private long lastConflictNanos = -1;
  private boolean checkInFlight;
  private boolean peerCheckInFlight;
  private boolean commandInFlight;
  private boolean clientsToKill;
  private String dataRefusal;
  private Cancellable tick = Cancellable.NONE;
  private boolean running;
  private AgentReport.Transition lastTransition;

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
    if (router.state() != VrrpState.MASTER) {
      detachFromSilentPeer();
    }
    if (router.state() == VrrpState.MASTER) {
      String refusal = guard.holdRefusal(peerFollowing());
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

  /**
   * Two masters meet (a split brain heals): the side whose Redis holds everything the other's has
   * keeps the role, the other yields, so the writes taken during the split survive when only one
   * side took any. When both took writes, or the data cannot be compared, RFC precedence decides.
   * Waits up to {@link #CONFLICT_HOLD_NANOS} for a fresh look at the peer's Redis.
   */
  private VrrpRouter.ConflictPolicy.Decision onPeerMaster(
      VrrpAdvertisement advert, java.net.Inet4Address source) {
    long now = scheduler.nanoTime();
    if (lastConflictNanos < 0 || now - lastConflictNanos > CONFLICT_HOLD_NANOS) {
      conflictSinceNanos = now;
      scheduleReannounceAfterConflict();
    }
    lastConflictNanos = now;
    boolean fresh = peer != null && peerCheckedAtNanos > conflictSinceNanos && local != null;
    if (!fresh) {
      if (now - conflictSinceNanos < CONFLICT_HOLD_NANOS) {
        checkPeer();
        return conflict(VrrpRouter.ConflictPolicy.Decision.HOLD, source, "looking at its Redis");
      }
      return conflict(
          VrrpRouter.ConflictPolicy.Decision.RFC, source, "its Redis cannot be compared");
    }
    boolean weHoldTheirs = DataGuard.decide(local, Optional.of(peer)).mayBecomeMaster();
    boolean theyHoldOurs = DataGuard.decide(peer, Optional.of(local)).mayBecomeMaster();
    if (weHoldTheirs && !theyHoldOurs) {
      return conflict(
          VrrpRouter.ConflictPolicy.Decision.HOLD, source, "our Redis holds all of its data");
    }
    if (theyHoldOurs && !weHoldTheirs) {
      return conflict(
          VrrpRouter.ConflictPolicy.Decision.YIELD, source, "its Redis holds all of ours");
    }
    if (!weHoldTheirs) {
      // Both took writes (or Redis's own replication PINGs) after parting: keep the side that
      // added more, so the fewest acknowledged writes are thrown away.
      long[] beyond = DataGuard.bytesBeyondFork(local, peer);
      if (beyond != null && beyond[0] != beyond[1]) {
        String why = "since the split we added " + beyond[0] + " bytes, the peer " + beyond[1];
        return conflict(
            beyond[0] > beyond[1]
                ? VrrpRouter.ConflictPolicy.Decision.HOLD
                : VrrpRouter.ConflictPolicy.Decision.YIELD,
            source,
            why);
      }
    }
    return conflict(VrrpRouter.ConflictPolicy.Decision.RFC, source, "data equal or unrelated");
  }

  /**
   * Once the other master has gone quiet (it yielded) and we are still master, announce the VIP
   * again: while both claimed it, clients may have learnt the other's address.
   */
  private void scheduleReannounceAfterConflict() {
    long quiet = 3 * pair.vrrp().intervalCentis() * 10_000_000L;
    scheduler.schedule(
        java.time.Duration.ofNanos(quiet),
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

  private VrrpRouter.ConflictPolicy.Decision conflict(
      VrrpRouter.ConflictPolicy.Decision decision, java.net.Inet4Address source, String why) {
    String line = decision + ": " + why;
    if (!line.equals(lastConflictLine)) {
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
    return decision;
  }

  private String lastConflictLine;

  private static final long CONFLICT_HOLD_NANOS = 2_000_000_000L;

  private void onLocalCheck(RedisPort.CheckResult result) {
    checkInFlight = false;
    if (!running) {
      return;
    }
    boolean wasUp = health.health() == HealthTracker.Health.UP;
    if (result.ok()) {
      if (local != null && !local.runId().equals(result.info().runId())) {
        health.connectionLost();
        log.accept("group " + group.name() + ": Redis restarted (new run id)");
      }
      boolean restarted = local != null && !local.runId().equals(result.info().runId());
      local = result.info();
      localError = null;
      health.record(true);
      if (restarted) {
        quarantineRestarted();
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
    String refusal = null;
    if (!followsPeer(local) && !peerChecked) {
      refusal = "waiting for a fresh look at the peer's Redis";
    } else if (!followsPeer(local)) {
      DataGuard.Verdict verdict = DataGuard.decide(local, Optional.ofNullable(peer));
      if (!verdict.mayBecomeMaster()) {
        refusal = "Redis " + verdict.reason() + ": " + verdict.explanation();
      }
    }
    if (refusal != null) {
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

  /** Whether {@code info} is a replica of the peer's Redis for this group. */
  private boolean followsPeer(ReplicationInfo info) {
    if (info == null || info.isMaster()) {
      return false;
    }
    Optional<MasterLink> link = info.masterLink();
    return link.isPresent()
        && link.get().host().equals(pair.link().peerAddress().getHostAddress())
        && link.get().port() == group.port()
        && link.get().up() // configured is not enough: an unsynced replica may be empty (seed 1625)
        && !link.get().syncInProgress();
  }

  /** Whether the peer's Redis is connected to ours as a replica that acknowledged recently. */
  private boolean peerFollowing() {
    if (local == null || !local.isMaster()) {
      return false;
    }
    String peerIp = pair.link().peerAddress().getHostAddress();
    return local.replicas().stream()
        .anyMatch(r -> r.ip().equals(peerIp) && r.online() && r.lagSeconds() <= 1);
  }

  /** S4: a master that lost its proof drops the VIP and stops being master. */
  private void fence(String reason) {
    router.setEligible(false, "fenced: " + reason);
  }

  /** Level-triggered: one command at a time until Redis has the role the VRRP state implies. */
  private void reconcileRole() {
    if (commandInFlight || local == null || health.health() != HealthTracker.Health.UP) {
      return;
    }
    VrrpState state = router.state();
    if (state == VrrpState.INITIALIZE) {
      return;
    }
    if (state == VrrpState.MASTER) {
      if (!local.isMaster()) {
        commandInFlight = true;
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
    if (!followsPeerConfigured(local)) {
      if (followRefused()) {
        return;
      }
      commandInFlight = true;
      String host = pair.link().peerAddress().getHostAddress();
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

  // ---- redistls: a role command Redis refuses is asked for at every check (level-triggered) and
  // answered at once by the port while it backs off; log each failure once, not every check. ----

  private String lastRoleFailure;

  private void logRoleFailure(String line) {
    if (!line.equals(lastRoleFailure)) {
      lastRoleFailure = line;
      log.accept(line);
    }
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

  /** Whether Redis is configured as replica of the peer, whatever its link state. */
  private boolean followsPeerConfigured(ReplicationInfo info) {
    return !info.isMaster()
        && info.masterLink()
            .map(
                l ->
                    l.host().equals(pair.link().peerAddress().getHostAddress())
                        && l.port() == group.port())
            .orElse(false);
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
            master
                ? Optional.empty()
                : Optional.of(
                    new MasterLink(
                        pair.link().peerAddress().getHostAddress(), group.port(), false, false, 0)),
            List.of());
  }

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
        guard.describe() + (dataRefusal == null ? "" : "; " + dataRefusal));
  }

  // ---- Planned switchover (S7), driven by Switchover; owned by the safety work. ----

  private Switchover switchover;

  /**
   * Starts a planned switchover of this group to the peer; may be called from any thread. The
   * future completes when it is done, refused or aborted.
   */
  public java.util.concurrent.CompletableFuture<Switchover.Outcome> switchover() {
    return switchover(Switchover.Limits.DEFAULT);
  }

  /** {@link #switchover()} with explicit limits. */
  public java.util.concurrent.CompletableFuture<Switchover.Outcome> switchover(
      Switchover.Limits limits) {
    java.util.concurrent.CompletableFuture<Switchover.Outcome> result =
        new java.util.concurrent.CompletableFuture<>();
    scheduler.execute(
        () -> {
          if (switchover != null) {
            result.complete(
                new Switchover.Outcome(
                    false, "refused: a switchover is already running", java.time.Duration.ZERO));
            return;
          }
          switchover = new Switchover(this, scheduler, limits, log);
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
  String switchoverRefusal() {
    if (!running) {
      return "the group is stopped";
    }
    if (router.state() != VrrpState.MASTER) {
      return "this node is " + router.state() + ", not MASTER";
    }
    if (health.health() != HealthTracker.Health.UP || local == null || !local.isMaster()) {
      return "our Redis is not a healthy master";
    }
    if (!peerFollowing()) {
      return "the peer's Redis is not following ours";
    }
    if (pair.vrrp().preempt() && router.priority() > PairValidation.DEFAULT_PRIORITY) {
      return "preempt is on and this node is the preferred master: the role would come back";
    }
    return null;
  }

  RedisPort localRedis() {
    return redis;
  }

  RedisPort peerRedisPort() {
    return peerRedis;
  }

  /** Whether this node is VRRP master of the group. */
  boolean isMaster() {
    return router.state() == VrrpState.MASTER;
  }

  /** Hands the master role to the peer with a priority 0 advert. */
  void handOver(String reason) {
    router.stepDown(reason);
  }

  private boolean vipKeptForSwitchover;

  /**
   * Ends a planned handover: unless we are master again, cut the clients of our (paused) Redis
   * while the VIP still reaches them, so they reconnect at once to the new master, then drop the
   * VIP. {@code then} runs when both are done.
   */
  void releaseSwitchoverVip(Runnable then) {
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

  // ---- S5 on the replica side (found by the simulation, seeds 265 and 290). ----

  private String followRefusal;

  /**
   * Whether REPLICAOF the peer must wait: Redis resynchronises by itself whenever the peer becomes
   * reachable, so a node that is not master must not point its Redis at a peer that would wipe its
   * data (an empty restarted Redis, or a replica). It follows when the peer is master by VRRP (the
   * pair has decided), when the peer's Redis is a master holding everything ours has, or when ours
   * has nothing to lose. Otherwise our Redis stays as it is, without the VIP.
   */
  private boolean followRefused() {
    String refusal = null;
    boolean peerIsVrrpMaster =
        router.lastMaster() != null
            && router
                    .peerSilence()
                    .compareTo(java.time.Duration.ofMillis(pair.vrrp().intervalCentis() * 30L))
                < 0;
    boolean nothingToLose = local.keys().isPresent() && local.keys().getAsLong() == 0;
    if (!peerIsVrrpMaster && !nothingToLose) {
      if (peer == null) {
        refusal = "the peer is neither heard as master nor reachable";
      } else if (!peer.isMaster()) {
        refusal = "the peer's Redis is not a master";
      } else if (!DataGuard.decide(peer, Optional.of(local)).mayBecomeMaster()) {
        refusal =
            "the peer's Redis lacks data ours has: "
                + DataGuard.decide(peer, Optional.of(local)).explanation();
      }
    }
    if (refusal != null && !refusal.equals(followRefusal)) {
      log.accept("group " + group.name() + ": not following the peer yet: " + refusal);
    }
    followRefusal = refusal;
    return refusal != null;
  }

  /**
   * A Redis that came back as a new process without keys is a writable master that the peer's
   * replica will resynchronise from (and be wiped by) as soon as it reconnects. Point it at the
   * peer at once, without waiting for {@code rise} good checks (seed 1625 family).
   */
  private void quarantineRestarted() {
    boolean emptyMaster =
        local.isMaster() && local.keys().isPresent() && local.keys().getAsLong() == 0;
    if (!emptyMaster || commandInFlight || router.state() == VrrpState.MASTER) {
      return;
    }
    String host = pair.link().peerAddress().getHostAddress();
    commandInFlight = true;
    redis.follow(
        host,
        group.port(),
        error -> {
          commandInFlight = false;
          if (error == null) {
            log.accept("group " + group.name() + ": restarted empty Redis made replica at once");
            markRole(false);
          }
        });
  }

  /**
   * Our Redis replicates from a peer that has gone silent on VRRP and whose Redis is down or lacks
   * our data: if it comes back empty, our replica would copy the empty dataset. Detach ours
   * (REPLICAOF NO ONE, without the VIP) to keep the data; {@link #followRefused} re-attaches it
   * once the peer is master again or holds everything ours has (seed 2300).
   */
  private void detachFromSilentPeer() {
    if (commandInFlight
        || local == null
        || local.isMaster()
        || health.health() != HealthTracker.Health.UP
        || !followsPeerConfigured(local)
        || local.keys().orElse(1) == 0
        || !peerChecked) {
      return;
    }
    boolean peerSilent =
        router
                .peerSilence()
                .compareTo(java.time.Duration.ofMillis(pair.vrrp().intervalCentis() * 30L))
            >= 0;
    boolean peerLacksData =
        peer == null
            || (peer.isMaster() && !DataGuard.decide(peer, Optional.of(local)).mayBecomeMaster());
    // The classic wipe: the master's Redis came back empty (a supervisor restarted it) and ours,
    // its replica, would resync the empty dataset at its next reconnect (within a second). Detach
    // at once, without waiting for the peer's adverts to stop: the release may have been lost.
    boolean peerRestartedEmpty =
        peer != null && peer.isMaster() && peer.keys().orElse(1) == 0 && local.keys().orElse(1) > 0;
    if (!(peerSilent && peerLacksData) && !peerRestartedEmpty) {
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
                    + (peerRestartedEmpty
                        ? ": the peer's Redis came back empty"
                        : ": peer silent and its Redis "
                            + (peer == null ? "unreachable" : "without our data"))
                    + ": detached our Redis to keep its data");
            markRole(true);
          }
        });
  }

  private long peerServedNanos = Long.MIN_VALUE;

  /** Notes when the peer's Redis was last seen serving ours as its master. */
  private void notePeerServing() {
    if (peer != null && peer.isMaster() && local != null && followsPeer(local)) {
      peerServedNanos = scheduler.nanoTime();
    }
  }

  private java.time.Duration sincePeerServedOurRedis() {
    return peerServedNanos == Long.MIN_VALUE
        ? null
        : java.time.Duration.ofNanos(scheduler.nanoTime() - peerServedNanos);
  }
}

package io.redisha.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.redisha.arbiter.SplitBrainGuard;
import io.redisha.clock.VirtualScheduler;
import io.redisha.pair.PairSettings;
import io.redisha.redis.ReplicationInfo;
import io.redisha.redis.ReplicationInfo.ConnectedReplica;
import io.redisha.redis.ReplicationInfo.MasterLink;
import io.redisha.redis.ReplicationInfo.Role;
import io.redisha.redis.WriteFence;
import io.redisha.vrrp.VrrpAdvertisement;
import io.redisha.vrrp.VrrpState;
import io.redisha.vrrp.VrrpVersion;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Consumer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Issue 16, on a virtual clock: when our Redis process dies on the master, the VIP stays on this
 * host (so reconnecting clients are refused, not black-holed) until the peer announced itself and
 * its Redis answers as master, at most one advert interval, and never once our Redis answers again;
 * a backup that takes the role on a priority-0 release announces the VIP before promoting.
 */
class GroupControllerRedisGoneTest {
  static final String PEER_HOST = "192.0.2.12";
  static final String OUR_HOST = "192.0.2.11";
  static final int PORT = 6379;
  static final String HISTORY = "1111111111111111111111111111111111111111";
  static final Duration ANSWER = Duration.ofNanos(300_000);

  final VirtualScheduler scheduler = new VirtualScheduler();
  final List<String> timeline = new ArrayList<>();
  final List<VrrpAdvertisement> adverts = new ArrayList<>();
  final LocalRedis ours = new LocalRedis();
  final PeerRedis peer = new PeerRedis();
  final Vip vip = new Vip();
  final PairSettings pair = GroupControllerLinkTest.pair();
  SplitBrainGuard guard = SplitBrainGuard.NONE;
  GroupController controller;

  GroupController controller() {
    return new GroupController(
        pair,
        pair.group("a"),
        scheduler,
        ours,
        peer,
        vip,
        guard,
        advert -> {
          adverts.add(advert);
          timeline.add("advert " + advert.priority());
        },
        GroupController.Listener.NONE,
        line -> timeline.add("log " + line));
  }

  void runAsMaster() {
    controller = controller();
    controller.start();
    scheduler.advance(Duration.ofSeconds(2));
    assertThat(controller.router().state()).isEqualTo(VrrpState.MASTER);
    assertThat(vip.held).isTrue();
    timeline.clear();
  }

  void killOurRedis() {
    ours.alive = false;
    ours.events.connectionLost("connection closed");
    scheduler.advance(Duration.ofNanos(1));
  }

  /**
   * Our Redis dies: the VIP goes at once, with the priority-0 release. A supervisor may restart it
   * empty within milliseconds, and a client must not find that empty master behind the VIP.
   */
  @Test
  void whenOurRedisDiesTheVipGoesAtOnce() {
    runAsMaster();

    killOurRedis();

    assertThat(controller.router().state()).isEqualTo(VrrpState.FAULT);
    assertThat(adverts.getLast().priority()).as("the release").isZero();
    assertThat(vip.held).isFalse();
  }

  /**
   * A supervisor restarts our Redis at once without the README's redis.conf lines: one WARNING line
   * names the line that is missing; a Redis that boots as a replica of the peer gets none.
   */
  @Test
  void aRedisRestartedAsAMasterWithoutReplicaofIsNamedInTheLog() {
    runAsMaster();
    killOurRedis();
    ours.restarted = true;
    ours.alive = true;
    scheduler.advance(Duration.ofSeconds(1));

    assertThat(timeline)
        .filteredOn(l -> l.contains("WARNING"))
        .containsExactly(
            "log group a: WARNING our Redis restarted without 'replicaof "
                + PEER_HOST
                + " 6379' in its redis.conf (README: redis.conf on each VM): until the agent decides,"
                + " it may take writes or feed an empty data set to the peer's replica");
  }

  @Test
  void aRedisRestartedAsAReplicaOfThePeerIsNotWarnedAbout() {
    runAsMaster();
    killOurRedis();
    ours.restarted = true;
    ours.master = false;
    ours.alive = true;
    scheduler.advance(Duration.ofSeconds(1));

    assertThat(timeline).anyMatch(l -> l.contains("Redis restarted (new run id)"));
    assertThat(timeline).noneMatch(l -> l.contains("WARNING"));
  }

  @Test
  void aBackupTakingTheRoleOnAReleaseAnnouncesTheVipBeforeThePromotion() {
    controller = controller();
    ours.master = false;
    peer.master = true;
    controller.start();
    for (int i = 0; i < 20; i++) {
      controller.router().receive(advert(200), peerAddress());
      scheduler.advance(Duration.ofMillis(100));
    }
    assertThat(controller.router().state()).isEqualTo(VrrpState.BACKUP);
    assertThat(vip.held).isFalse();
    timeline.clear();

    controller.router().receive(advert(0), peerAddress());

    assertThat(controller.router().state()).isEqualTo(VrrpState.MASTER);
    assertThat(timeline)
        .as("the gratuitous ARP before the first advert")
        .containsSubsequence("VIP add", "advert 150");
    scheduler.advance(Duration.ofMillis(5));
    assertThat(timeline)
        .as("the VIP before the fence and the promotion")
        .containsSubsequence("VIP add", "ours: CONFIG SET fence open", "ours: REPLICAOF NO ONE");
    assertThat(ours.master).isTrue();
  }

  /**
   * A partition heals: the peer, master on its side meanwhile, may yield before we hear any advert
   * of it, so the master announces the VIP again once it reaches the peer's Redis again.
   */
  @Test
  void aMasterThatReachesThePeersRedisAgainAfterAPartitionAnnouncesTheVipAgain() {
    runAsMaster();
    peer.reachable = false;
    scheduler.advance(Duration.ofSeconds(3));
    assertThat(controller.router().state()).isEqualTo(VrrpState.MASTER);
    assertThat(timeline).doesNotContain("VIP reannounce");

    peer.reachable = true;
    scheduler.advance(Duration.ofMillis(200));
    assertThat(timeline).as("only once the peer is quiet").doesNotContain("VIP reannounce");
    scheduler.advance(Duration.ofMillis(300));
    assertThat(timeline).containsOnlyOnce("VIP reannounce");
    assertThat(timeline).anyMatch(l -> l.contains("the peer's Redis answers again after"));
  }

  /**
   * A healed partition: the peer's Redis, master on its side with the writes of the cut, answers
   * before the peer's first advert arrives. Its agent's silence is the partition's, not a stall: no
   * fence, the conflict of two masters decides.
   */
  @Test
  void rightAfterAPartitionHealsASilentPeerWhoseRedisServesIsNotFenced() {
    runAsMaster();
    peer.reachable = false;
    scheduler.advance(Duration.ofSeconds(3));
    peer.master = true;
    peer.reachable = true;
    scheduler.advance(Duration.ofMillis(150));
    for (int i = 0; i < 5; i++) {
      controller.router().receive(advert(100), peerAddress());
      scheduler.advance(Duration.ofMillis(100));
    }
    assertThat(timeline).noneMatch(l -> l.contains("fencing it"));
  }

  /** A peer whose Redis kept answering while its agent went silent is fenced (a stalled agent). */
  @Test
  void aSilentPeerWhoseRedisKeptAnsweringIsFenced() {
    runAsMaster();
    peer.master = true;
    scheduler.advance(Duration.ofSeconds(3));
    assertThat(timeline).anyMatch(l -> l.contains("fencing it"));
  }

  @Test
  void aLookThatFailsForLessThanTheMasterDownIntervalAnnouncesNothing() {
    runAsMaster();
    peer.reachable = false;
    scheduler.advance(Duration.ofMillis(150));
    peer.reachable = true;
    scheduler.advance(Duration.ofSeconds(2));
    assertThat(timeline).doesNotContain("VIP reannounce");
  }

  @Test
  void aTakeoverBySilenceStillAddsTheVipOnlyAfterThePromotion() {
    controller = controller();
    ours.master = false;
    peer.master = true;
    controller.start();
    for (int i = 0; i < 20; i++) {
      scheduler.advance(Duration.ofMillis(100));
      controller.router().receive(advert(200), peerAddress());
    }
    // The peer's host is gone right after its last advert: no look after it finds its Redis (one
    // that did, after a missed advert, would rightly keep us waiting: TakeoverEvidence).
    peer.reachable = false;
    timeline.clear();

    while (controller.router().state() != VrrpState.MASTER) {
      scheduler.advance(Duration.ofMillis(1));
      assertThat(scheduler.nanoTime()).isLessThan(10_000_000_000L);
    }
    scheduler.advance(Duration.ofMillis(5));

    assertThat(timeline).containsSubsequence("ours: REPLICAOF NO ONE", "VIP add");
  }

  /**
   * Issue 13, the key-held agent crash: a master that holds the arbiter's key without its replica
   * keeps its guarded Redis writable through its own dead-man replica, which acknowledges only
   * while Redis (stopping within {@link WriteFence#GUARDED_CLOSE} of the last acknowledgement, a
   * tick to spare) would stop before the peer may hold the key.
   */
  @Nested
  class DeadManReplica {
    final HeldKey key = new HeldKey();

    final class HeldKey implements SplitBrainGuard {
      boolean held = true;
      long peerMayHoldFrom;

      @Override
      public String takeoverRefusal(PeerView peer) {
        return null;
      }

      @Override
      public String holdRefusal(boolean peerFollowing) {
        return null;
      }

      @Override
      public String describe() {
        return "a key of the test";
      }

      @Override
      public boolean arbitrated() {
        return true;
      }

      @Override
      public boolean holdsArbiter() {
        return held;
      }

      @Override
      public long peerMayHoldFromNanos() {
        return held ? peerMayHoldFrom : Long.MIN_VALUE;
      }
    }

    /** A master whose peer's replica is cut off, holding the key for {@code validFor} more. */
    void cutOffMasterHoldingTheKey(Duration validFor) {
      guard = key;
      key.peerMayHoldFrom = Long.MAX_VALUE;
      runAsMaster();
      peer.reachable = false;
      key.peerMayHoldFrom = scheduler.nanoTime() + validFor.toNanos();
      scheduler.advance(Duration.ofMillis(300));
    }

    List<Long> acknowledgedUntil() {
      return timeline.stream()
          .filter(l -> l.startsWith("ours: keeper ACK until "))
          .map(l -> Long.parseLong(l.substring("ours: keeper ACK until ".length())))
          .toList();
    }

    @Test
    void acknowledgesOnlyWhileRedisWouldStopBeforeThePeerMayHoldTheKey() {
      cutOffMasterHoldingTheKey(Duration.ofMillis(3700));
      long bound =
          key.peerMayHoldFrom
              - WriteFence.GUARDED_CLOSE.toNanos()
              - pair.health().interval().toNanos();
      assertThat(acknowledgedUntil()).isNotEmpty().allSatisfy(u -> assertThat(u).isEqualTo(bound));

      timeline.clear();
      key.peerMayHoldFrom = scheduler.nanoTime() + Duration.ofMillis(3050).toNanos();
      scheduler.advance(Duration.ofMillis(500));
      assertThat(acknowledgedUntil()).as("a key too short to cover Redis's close").isEmpty();
    }

    @Test
    void isReleasedWhenThePeersReplicaFollowsAgainOrTheKeyIsGone() {
      cutOffMasterHoldingTheKey(Duration.ofMillis(3700));
      assertThat(acknowledgedUntil()).isNotEmpty();

      peer.reachable = true;
      scheduler.advance(Duration.ofMillis(500));
      assertThat(timeline).contains("ours: keeper released");
      timeline.clear();
      scheduler.advance(Duration.ofMillis(500));
      assertThat(acknowledgedUntil()).as("the replica follows").isEmpty();

      peer.reachable = false;
      key.peerMayHoldFrom = scheduler.nanoTime() + Duration.ofMillis(3700).toNanos();
      scheduler.advance(Duration.ofMillis(500));
      assertThat(acknowledgedUntil()).as("cut off again").isNotEmpty();
      key.held = false;
      timeline.clear();
      scheduler.advance(Duration.ofMillis(500));
      assertThat(timeline).contains("ours: keeper released");
      assertThat(acknowledgedUntil()).as("the key is gone").isEmpty();
    }

    @Test
    void withoutAnArbiterTheFenceIsOpenAndNoKeeperIsUsed() {
      runAsMaster();
      peer.reachable = false;
      scheduler.advance(Duration.ofSeconds(1));
      assertThat(timeline).noneMatch(l -> l.startsWith("ours: keeper"));
    }
  }

  VrrpAdvertisement advert(int priority) {
    try {
      return new VrrpAdvertisement(
          VrrpVersion.V3,
          51,
          priority,
          10,
          List.of((Inet4Address) InetAddress.getByName("192.0.2.100")),
          null);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static Inet4Address peerAddress() {
    try {
      return (Inet4Address) InetAddress.getByName(PEER_HOST);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Our Redis: a master with data, replicated by the peer's, until it dies. */
  final class LocalRedis implements RedisPort {
    boolean alive = true;
    boolean master = true;
    boolean restarted;
    Events events = reason -> {};

    ReplicationInfo info() {
      boolean linked = peer.reachable && !peer.master;
      return new ReplicationInfo(
          master ? Role.MASTER : Role.REPLICA,
          restarted ? "run-ours-2" : "run-ours",
          100,
          HISTORY,
          ReplicationInfo.NO_REPL_ID,
          restarted ? 0 : 1000,
          -1,
          OptionalLong.of(restarted ? 0 : 10),
          master
              ? Optional.empty()
              : Optional.of(new MasterLink(PEER_HOST, PORT, peer.reachable, false, 1000)),
          master && linked
              ? List.of(new ConnectedReplica(PEER_HOST, PORT, "online", 1000, 0))
              : List.of());
    }

    private void command(String name, Runnable effect, Consumer<String> done) {
      timeline.add("ours: " + name);
      scheduler.schedule(
          ANSWER,
          () -> {
            if (!alive) {
              done.accept("connection refused");
              return;
            }
            effect.run();
            done.accept(null);
          });
    }

    @Override
    public void check(Duration timeout, Consumer<CheckResult> done) {
      scheduler.schedule(
          ANSWER,
          () ->
              done.accept(
                  alive
                      ? new CheckResult(info(), null)
                      : new CheckResult(null, "connection refused")));
    }

    @Override
    public void promote(Consumer<String> done) {
      command("REPLICAOF NO ONE", () -> master = true, done);
    }

    @Override
    public void follow(String host, int port, Consumer<String> done) {
      command("REPLICAOF " + host + " " + port, () -> master = false, done);
    }

    @Override
    public void setWriteFence(WriteFence.Setting setting, Consumer<String> done) {
      command("CONFIG SET fence " + setting.name().toLowerCase(Locale.ROOT), () -> {}, done);
    }

    @Override
    public void killNormalClients(Consumer<String> done) {
      command("CLIENT KILL TYPE normal", () -> {}, done);
    }

    @Override
    public void keepWrites(long untilNanos) {
      timeline.add("ours: keeper ACK until " + untilNanos);
    }

    @Override
    public void releaseKeeper() {
      timeline.add("ours: keeper released");
    }

    @Override
    public void pauseWrites(Duration duration, Consumer<String> done) {
      command("CLIENT PAUSE", () -> {}, done);
    }

    @Override
    public void unpause(Consumer<String> done) {
      command("CLIENT UNPAUSE", () -> {}, done);
    }

    @Override
    public void setEvents(Events events) {
      this.events = events;
    }

    @Override
    public void close() {}
  }

  /** The peer's Redis as our agent reads it: a replica of ours until it answers as master. */
  final class PeerRedis implements RedisPort {
    boolean reachable = true;
    boolean master;

    @Override
    public void check(Duration timeout, Consumer<CheckResult> done) {
      if (!reachable) {
        scheduler.schedule(timeout, () -> done.accept(new CheckResult(null, "timed out")));
        return;
      }
      ReplicationInfo info =
          master
              ? new ReplicationInfo(
                  Role.MASTER,
                  "run-peer",
                  100,
                  "2222222222222222222222222222222222222222",
                  HISTORY,
                  1500,
                  1001,
                  OptionalLong.of(12),
                  Optional.empty(),
                  List.of())
              : new ReplicationInfo(
                  Role.REPLICA,
                  "run-peer",
                  100,
                  HISTORY,
                  ReplicationInfo.NO_REPL_ID,
                  1000,
                  -1,
                  OptionalLong.of(10),
                  Optional.of(new MasterLink(OUR_HOST, PORT, true, false, 1000)),
                  List.of());
      scheduler.schedule(ANSWER, () -> done.accept(new CheckResult(info, null)));
    }

    @Override
    public void promote(Consumer<String> done) {
      done.accept("not the peer's agent");
    }

    @Override
    public void follow(String host, int port, Consumer<String> done) {
      done.accept("not the peer's agent");
    }

    @Override
    public void setWriteFence(WriteFence.Setting setting, Consumer<String> done) {
      done.accept("not the peer's agent");
    }

    @Override
    public void killNormalClients(Consumer<String> done) {
      done.accept("not the peer's agent");
    }

    @Override
    public void pauseWrites(Duration duration, Consumer<String> done) {
      done.accept("not the peer's agent");
    }

    @Override
    public void unpause(Consumer<String> done) {
      done.accept("not the peer's agent");
    }

    @Override
    public void setEvents(Events events) {}

    @Override
    public void close() {}
  }

  final class Vip implements VipPort {
    boolean held;

    @Override
    public void add() {
      if (!held) {
        timeline.add("VIP add");
      }
      held = true;
    }

    @Override
    public void remove() {
      if (held) {
        timeline.add("VIP remove");
      }
      held = false;
    }

    @Override
    public void reannounce() {
      timeline.add("VIP reannounce");
    }

    @Override
    public boolean held() {
      return held;
    }
  }
}

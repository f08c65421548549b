package io.redisha.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.redisha.arbiter.SplitBrainGuard;
import io.redisha.clock.VirtualScheduler;
import io.redisha.pair.PairFile;
import io.redisha.pair.PairSettings;
import io.redisha.pair.PairValidation;
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
import org.junit.jupiter.api.Test;

/**
 * S11 and a clean start in one group's controller, on a virtual clock with fakes of both Redis
 * servers and the VIP that record every command in one timeline: a lost link puts the group in
 * FAULT at once (priority 0 if it was master, VIP removed, our Redis's writes held, whatever its
 * health says meanwhile); the link back makes it a backup that becomes master only by the normal
 * rules; a fresh agent holds a predecessor's master before anything else.
 */
class GroupControllerLinkTest {
  static final String OUR_HOST = "192.0.2.11";
  static final String PEER_HOST = "192.0.2.12";
  static final int PORT = 6379;
  static final String HISTORY = "1111111111111111111111111111111111111111";

  final VirtualScheduler scheduler = new VirtualScheduler();
  final List<String> timeline = new ArrayList<>();
  final List<VrrpAdvertisement> adverts = new ArrayList<>();
  final List<VrrpState> states = new ArrayList<>();
  final FakeRedis ours = new FakeRedis("ours");
  final FakePeerRedis peer = new FakePeerRedis();
  final FakeVip vip = new FakeVip();
  final PairSettings pair = pair();
  GroupController controller;

  static PairSettings pair() {
    try {
      return PairValidation.resolve(
          PairFile.parse(
              """
              nodes:
              - {name: vm-a, address: 192.0.2.11}
              - {name: vm-b, address: 192.0.2.12}
              interface: eth0
              vrrp: {version: 3, advertIntervalMillis: 100}
              healthCheck: {intervalMillis: 100, timeoutMillis: 250, fall: 2, rise: 2}
              instances:
              - {name: a, port: 6379, vip: 192.0.2.100/24, virtualRouterId: 51, preferredMaster: vm-a}
              """,
              "test",
              "pair"),
          "vm-a",
          "test");
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  GroupController controller() {
    return new GroupController(
        pair,
        pair.group("a"),
        scheduler,
        ours,
        peer,
        vip,
        SplitBrainGuard.NONE,
        advert -> {
          adverts.add(advert);
          timeline.add("advert " + advert.priority());
        },
        new GroupController.Listener() {
          @Override
          public void transition(String group, VrrpState from, VrrpState to, String reason) {
            states.add(to);
            timeline.add(from + " -> " + to);
          }

          @Override
          public void changed(String group) {}
        },
        line -> timeline.add("log " + line));
  }

  /** Master_Down_Interval of vm-a (priority 150): 3 adverts and its skew. */
  long masterDownNanos() {
    return Duration.ofMillis(300).toNanos() + (256 - 150) * Duration.ofMillis(100).toNanos() / 256;
  }

  /** Our node master of a, its Redis a master with data and the peer's a replica of it. */
  void runAsMaster() {
    controller = controller();
    controller.start();
    scheduler.advance(Duration.ofSeconds(2));
    assertThat(controller.router().state()).isEqualTo(VrrpState.MASTER);
    assertThat(vip.held).isTrue();
  }

  /**
   * Advances in 5 ms steps, checking at each that the group holds no VIP and that our Redis is no
   * writable master (a master whose writes are not held); returns when {@code until} holds.
   */
  void advanceWhileHeld(Duration duration) {
    long end = scheduler.nanoTime() + duration.toNanos();
    while (scheduler.nanoTime() < end) {
      scheduler.advance(Duration.ofMillis(5));
      assertThat(vip.held).as("VIP at %d ms", scheduler.nanoTime() / 1_000_000).isFalse();
      assertThat(ours.writable())
          .as("our Redis writable at %d ms; %s", scheduler.nanoTime() / 1_000_000, timeline)
          .isFalse();
    }
  }

  @Test
  void aMasterThatLosesItsLinkFaultsAtOnceReleasesHoldsItsRedisAndComesBackOnlyByTheRules() {
    runAsMaster();
    timeline.clear();
    states.clear();
    peer.reachable = false; // the link is down: nothing of the peer is seen

    controller.linkLost("link down on eth0");

    assertThat(controller.router().state()).isEqualTo(VrrpState.FAULT);
    assertThat(vip.held).isFalse();
    assertThat(adverts.getLast().priority()).as("release, sent in the same step").isZero();
    assertThat(timeline)
        .startsWith("advert 0", "log group a: MASTER -> FAULT: link down on eth0", "VIP remove");
    scheduler.advance(Duration.ofMillis(1));
    assertThat(ours.commands).last().isEqualTo("CLIENT PAUSE 2000 WRITE");
    assertThat(ours.writable()).isFalse();

    // Our Redis passes every check meanwhile: the link alone keeps the group in FAULT.
    advanceWhileHeld(Duration.ofSeconds(5));
    assertThat(controller.router().state()).isEqualTo(VrrpState.FAULT);
    assertThat(states).doesNotContain(VrrpState.BACKUP);
    assertThat(adverts.getLast().priority()).as("nothing sent in FAULT").isZero();
    assertThat(controller.report().fault()).isEqualTo("link down on eth0");
    assertThat(controller.report().holdsVip()).isFalse();
    assertThat(ours.commands.stream().filter(c -> c.startsWith("CLIENT PAUSE")).count())
        .as("the pause is renewed while the link is down")
        .isGreaterThanOrEqualTo(10);

    states.clear();
    timeline.clear();
    controller.linkRestored("link up on eth0");
    long back = scheduler.nanoTime();
    assertThat(controller.router().state()).isEqualTo(VrrpState.BACKUP);
    assertThat(controller.report().fault()).isNull();
    while (controller.router().state() != VrrpState.MASTER) {
      assertThat(vip.held).isFalse();
      assertThat(ours.writable()).isFalse();
      scheduler.advance(Duration.ofMillis(1));
      assertThat(scheduler.nanoTime() - back).as("became master at all").isLessThan(2_000_000_000L);
    }
    assertThat(scheduler.nanoTime() - back)
        .as("master only when the peer was silent for the whole Master_Down_Interval")
        .isGreaterThanOrEqualTo(masterDownNanos());
    scheduler.advance(Duration.ofMillis(50));
    assertThat(vip.held).isTrue();
    assertThat(ours.writable()).isTrue();
    assertThat(timeline.indexOf("ours: CLIENT UNPAUSE"))
        .as("the hold is lifted before the VIP is added: %s", timeline)
        .isNotNegative()
        .isLessThan(timeline.indexOf("VIP add"));
  }

  @Test
  void aReplicaOnTheIsolatedHostIsHeldEvenWhenTheReplicaRulesDetachIt() {
    controller = controller();
    ours.followPeer();
    peer.master = true;
    controller.start();
    peerAdvertsFor(Duration.ofSeconds(2));
    assertThat(controller.router().state()).isEqualTo(VrrpState.BACKUP);
    peer.reachable = false;

    controller.linkLost("carrier lost on eth0");
    scheduler.advance(Duration.ofMillis(1));

    assertThat(controller.router().state()).isEqualTo(VrrpState.FAULT);
    advanceWhileHeld(Duration.ofSeconds(5));
    assertThat(ours.commands)
        .as("the replica rules detached it, silent peer and unreachable Redis")
        .contains("REPLICAOF NO ONE");
    assertThat(controller.router().state()).isEqualTo(VrrpState.FAULT);
    assertThat(controller.report().fault()).isEqualTo("carrier lost on eth0");

    peer.reachable = true;
    controller.linkRestored("link up on eth0");
    states.clear();
    peerAdvertsFor(Duration.ofSeconds(3));
    assertThat(states).doesNotContain(VrrpState.MASTER);
    assertThat(controller.router().state()).isEqualTo(VrrpState.BACKUP);
    assertThat(ours.master).as("follows the peer that is master by VRRP").isFalse();
    assertThat(ours.commands).last().isEqualTo("CLIENT UNPAUSE");
    assertThat(ours.pausedUntil).isLessThanOrEqualTo(scheduler.nanoTime());
  }

  @Test
  void aFreshAgentHoldsAPredecessorsMasterBeforeAnythingAndLetsGoOnceItFollowsThePeer() {
    controller = controller();
    peer.master = true; // the peer took over while this node's agent was dead
    controller.startClean();
    controller.start();
    scheduler.advance(Duration.ofMillis(1));
    assertThat(ours.commands).first().isEqualTo("CLIENT PAUSE 2000 WRITE");
    assertThat(ours.writable()).isFalse();

    for (int i = 0; i < 30; i++) {
      controller.router().receive(peerAdvert(), peerAddress());
      advanceWhileHeld(Duration.ofMillis(100));
    }

    assertThat(controller.router().state()).isEqualTo(VrrpState.BACKUP);
    assertThat(ours.master).isFalse();
    assertThat(ours.commands)
        .containsSubsequence(
            "CLIENT PAUSE 2000 WRITE",
            "CLIENT KILL TYPE normal",
            "REPLICAOF " + PEER_HOST + " " + PORT,
            "CLIENT UNPAUSE");
    assertThat(ours.commands.stream().filter(c -> c.equals("CLIENT KILL TYPE normal")).count())
        .isEqualTo(1);
  }

  @Test
  void aFreshAgentWhosePeerIsGoneBecomesMasterAfterTheIntervalAndLiftsTheHoldFirst() {
    controller = controller();
    peer.reachable = false;
    controller.startClean();
    controller.start();
    while (controller.router().state() != VrrpState.MASTER) {
      scheduler.advance(Duration.ofMillis(1));
      assertThat(ours.writable()).isFalse();
      assertThat(vip.held).isFalse();
      assertThat(scheduler.nanoTime()).isLessThan(5_000_000_000L);
    }
    scheduler.advance(Duration.ofMillis(50));
    assertThat(vip.held).isTrue();
    assertThat(ours.writable()).isTrue();
    assertThat(timeline.indexOf("ours: CLIENT UNPAUSE")).isLessThan(timeline.indexOf("VIP add"));
  }

  void peerAdvertsFor(Duration duration) {
    for (long i = 0; i < duration.toMillis() / 100; i++) {
      controller.router().receive(peerAdvert(), peerAddress());
      scheduler.advance(Duration.ofMillis(100));
    }
  }

  VrrpAdvertisement peerAdvert() {
    try {
      return new VrrpAdvertisement(
          VrrpVersion.V3,
          51,
          100,
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

  /** Our node's Redis: a master with data until told otherwise; every command in the timeline. */
  final class FakeRedis implements RedisPort {
    final String name;
    final List<String> commands = new ArrayList<>();
    boolean master = true;
    long offset = 1000;
    long pausedUntil = Long.MIN_VALUE;

    FakeRedis(String name) {
      this.name = name;
    }

    void followPeer() {
      master = false;
    }

    boolean writable() {
      return master && scheduler.nanoTime() >= pausedUntil;
    }

    ReplicationInfo info() {
      return new ReplicationInfo(
          master ? Role.MASTER : Role.REPLICA,
          "run-ours",
          100,
          HISTORY,
          ReplicationInfo.NO_REPL_ID,
          offset,
          -1,
          OptionalLong.of(10),
          master
              ? Optional.empty()
              : Optional.of(new MasterLink(PEER_HOST, PORT, peer.reachable, false, offset)),
          master && peer.reachable && !peer.master
              ? List.of(new ConnectedReplica(PEER_HOST, PORT, "online", offset, 0))
              : List.of());
    }

    private void later(String command, Runnable effect, Consumer<String> done) {
      commands.add(command);
      timeline.add(name + ": " + command);
      scheduler.schedule(
          Duration.ofNanos(300_000),
          () -> {
            effect.run();
            done.accept(null);
          });
    }

    @Override
    public void check(Duration timeout, Consumer<CheckResult> done) {
      scheduler.schedule(
          Duration.ofNanos(300_000), () -> done.accept(new CheckResult(info(), null)));
    }

    @Override
    public void promote(Consumer<String> done) {
      later("REPLICAOF NO ONE", () -> master = true, done);
    }

    @Override
    public void follow(String host, int port, Consumer<String> done) {
      later("REPLICAOF " + host + " " + port, () -> master = false, done);
    }

    @Override
    public void killNormalClients(Consumer<String> done) {
      later("CLIENT KILL TYPE normal", () -> {}, done);
    }

    @Override
    public void pauseWrites(Duration duration, Consumer<String> done) {
      later(
          "CLIENT PAUSE " + duration.toMillis() + " WRITE",
          () -> pausedUntil = Math.max(pausedUntil, scheduler.nanoTime() + duration.toNanos()),
          done);
    }

    @Override
    public void setWriteFence(WriteFence.Setting setting, Consumer<String> done) {
      later(
          "CONFIG SET min-replicas-to-write (fence "
              + setting.name().toLowerCase(Locale.ROOT)
              + ")",
          () -> {},
          done);
    }

    @Override
    public void unpause(Consumer<String> done) {
      later("CLIENT UNPAUSE", () -> pausedUntil = Long.MIN_VALUE, done);
    }

    @Override
    public void setEvents(Events events) {}

    @Override
    public void close() {}
  }

  /** The peer's Redis as our agent sees it: a replica of ours, or master; unreachable when cut. */
  final class FakePeerRedis implements RedisPort {
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
                  ours.offset + 500,
                  ours.offset + 1,
                  OptionalLong.of(12),
                  Optional.empty(),
                  List.of())
              : new ReplicationInfo(
                  Role.REPLICA,
                  "run-peer",
                  100,
                  HISTORY,
                  ReplicationInfo.NO_REPL_ID,
                  ours.offset,
                  -1,
                  OptionalLong.of(10),
                  Optional.of(new MasterLink(OUR_HOST, PORT, true, false, ours.offset)),
                  List.of());
      scheduler.schedule(Duration.ofNanos(300_000), () -> done.accept(new CheckResult(info, null)));
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
    public void killNormalClients(Consumer<String> done) {
      done.accept("not the peer's agent");
    }

    @Override
    public void pauseWrites(Duration duration, Consumer<String> done) {
      done.accept("not the peer's agent");
    }

    @Override
    public void setWriteFence(WriteFence.Setting setting, Consumer<String> done) {
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

  final class FakeVip implements VipPort {
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
    public void reannounce() {}

    @Override
    public boolean held() {
      return held;
    }
  }
}

package io.redisha.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.redisha.clock.VirtualScheduler;
import io.redisha.redis.ReplicationInfo;
import io.redisha.redis.ReplicationInfo.MasterLink;
import io.redisha.redis.ReplicationInfo.Role;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * S7 against a fake of the group on a virtual clock: the order is pause, wait until the replica has
 * every byte, move the role, wait until the peer serves, lift the pause; and every other ending
 * lifts the pause without losing a write.
 */
class SwitchoverTest {
  private static final String STREAM = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
  private static final Switchover.Limits LIMITS =
      new Switchover.Limits(Duration.ofMillis(100), Duration.ofMillis(100), Duration.ofMillis(2));

  private final VirtualScheduler scheduler = new VirtualScheduler();
  private final FakeGroup group = new FakeGroup();
  private final List<Switchover.Outcome> outcomes = new ArrayList<>();
  private final List<String> log = new ArrayList<>();

  private Switchover.Outcome run() {
    new Switchover("a", group, scheduler, LIMITS, log::add).start(outcomes::add);
    scheduler.advance(Duration.ofSeconds(5));
    assertThat(outcomes).as("done is called once").hasSize(1);
    return outcomes.get(0);
  }

  @Test
  void pausesWaitsUntilTheReplicaHasEveryByteMovesTheRoleThenLiftsThePause() {
    group.replicaBytesPerRead = 30;

    Switchover.Outcome outcome = run();

    assertThat(outcome.switched()).isTrue();
    assertThat(outcome.reason()).isEqualTo("switched over to the peer");
    assertThat(group.calls.getFirst()).isEqualTo("pause 700 ms");
    int handOver = group.calls.indexOf("hand over");
    assertThat(group.calls.lastIndexOf("hand over")).isEqualTo(handOver);
    // Before the hand-over only offsets were read, until the replica had applied every byte.
    assertThat(group.calls.subList(1, handOver))
        .containsExactly(
            "read ours: master",
            "read peer's: applied 930 of 1000",
            "read ours: master",
            "read peer's: applied 960 of 1000",
            "read ours: master",
            "read peer's: applied 990 of 1000",
            "read ours: master",
            "read peer's: applied 1000 of 1000");
    assertThat(group.pausedAtHandOver).isTrue();
    // After it the pause stays until the peer's Redis is master and ours a replica: a peer that is
    // master already is not enough while ours would still acknowledge writes.
    List<String> afterHandOver = group.calls.subList(handOver + 1, group.calls.size());
    assertThat(afterHandOver)
        .containsSequence("read ours: master", "read peer's: master", "read ours: replica")
        .endsWith("read ours: replica", "read peer's: master", "release VIP", "unpause")
        .doesNotContain("cut clients");
    assertThat(afterHandOver.indexOf("release VIP"))
        .isGreaterThan(afterHandOver.indexOf("read ours: replica"));
    assertThat(group.paused).isFalse();
    assertThat(outcome.pause())
        .isEqualTo(Duration.ofNanos(group.unpausedAt - group.pauseRequestedAt));
    assertThat(log).anyMatch(line -> line.contains("replica has every byte (offset 1000)"));
  }

  @Test
  void abortsAndLiftsThePauseWhenTheReplicaDoesNotCatchUp() {
    group.replicaBytesPerRead = 0;

    Switchover.Outcome outcome = run();

    assertThat(outcome.switched()).isFalse();
    assertThat(outcome.reason())
        .isEqualTo(
            "aborted: the replica did not catch up within 100 ms: replica at 900, master at 1000");
    assertThat(group.calls).doesNotContain("hand over").endsWith("release VIP", "unpause");
    assertThat(group.master).as("the role stays").isTrue();
    assertThat(group.paused).isFalse();
    assertThat(outcome.pause()).isBetween(Duration.ofMillis(100), Duration.ofMillis(110));
  }

  @Test
  void abortsWhenTheGroupChangesWhileWaiting() {
    group.replicaBytesPerRead = 0;
    scheduler.schedule(Duration.ofMillis(10), () -> group.refusal = "this node is FAULT");

    Switchover.Outcome outcome = run();

    assertThat(outcome.switched()).isFalse();
    assertThat(outcome.reason())
        .isEqualTo("aborted: the group changed while waiting: this node is FAULT");
    assertThat(group.calls).doesNotContain("hand over").endsWith("release VIP", "unpause");
    assertThat(outcome.pause()).isLessThan(Duration.ofMillis(20));
  }

  @Test
  void isRefusedBeforeAnythingIsPaused() {
    group.refusal = "the peer's Redis is not following ours";

    Switchover.Outcome outcome = run();

    assertThat(outcome.switched()).isFalse();
    assertThat(outcome.reason()).isEqualTo("refused: the peer's Redis is not following ours");
    assertThat(outcome.pause()).isEqualTo(Duration.ZERO);
    assertThat(group.calls).isEmpty();
  }

  @Test
  void aFailedPauseMovesNothing() {
    group.pauseError = "ERR unknown command";

    Switchover.Outcome outcome = run();

    assertThat(outcome.switched()).isFalse();
    assertThat(outcome.reason()).isEqualTo("CLIENT PAUSE failed: ERR unknown command");
    assertThat(outcome.pause()).isEqualTo(Duration.ZERO);
    assertThat(group.calls).containsExactly("pause 700 ms");
  }

  @Test
  void whenThePeerDoesNotTakeOverTheClientsAreCutBeforeThePauseIsLifted() {
    group.replicaBytesPerRead = 100;
    group.peerTakesOver = false;

    Switchover.Outcome outcome = run();

    assertThat(outcome.switched()).isFalse();
    assertThat(outcome.reason())
        .isEqualTo(
            "the peer did not take over within 100 ms (peer's Redis replica, ours master, this"
                + " node not master)");
    int handOver = group.calls.indexOf("hand over");
    assertThat(handOver).isPositive();
    assertThat(group.calls.subList(handOver, group.calls.size()))
        .endsWith("cut clients", "release VIP", "unpause");
    assertThat(outcome.pause()).isBetween(Duration.ofMillis(100), Duration.ofMillis(120));
  }

  @Test
  void whenTheRoleComesBackTheClientsAreKept() {
    group.replicaBytesPerRead = 100;
    group.peerTakesOver = false;
    group.roleComesBack = true;

    Switchover.Outcome outcome = run();

    assertThat(outcome.switched()).isFalse();
    assertThat(outcome.reason()).endsWith("this node master again)");
    assertThat(group.calls).doesNotContain("cut clients").endsWith("release VIP", "unpause");
    assertThat(outcome.pause()).isLessThan(Duration.ofMillis(100));
  }

  @Test
  void aFailedUnpauseIsReported() {
    group.replicaBytesPerRead = 100;
    group.unpauseError = "connection reset";

    Switchover.Outcome outcome = run();

    assertThat(outcome.switched()).isTrue();
    assertThat(outcome.reason())
        .isEqualTo("switched over to the peer; CLIENT UNPAUSE failed: connection reset");
  }

  @Test
  void missingNamesWhatTheReplicaLacks() {
    ReplicationInfo master = info(Role.MASTER, STREAM, 1000, Optional.empty());
    ReplicationInfo caughtUp = replica(STREAM, 1000, true);

    assertThat(Switchover.missing(master, caughtUp)).isNull();
    assertThat(Switchover.missing(null, caughtUp)).isEqualTo("our Redis did not answer");
    assertThat(Switchover.missing(replica(STREAM, 1000, true), caughtUp))
        .isEqualTo("our Redis is no longer master");
    assertThat(Switchover.missing(master, null)).isEqualTo("the peer's Redis did not answer");
    assertThat(Switchover.missing(master, info(Role.MASTER, STREAM, 1000, Optional.empty())))
        .isEqualTo("the peer's Redis is not linked to ours");
    assertThat(Switchover.missing(master, replica(STREAM, 1000, false)))
        .isEqualTo("the peer's Redis is not linked to ours");
    assertThat(Switchover.missing(master, replica(STREAM, 990, true)))
        .isEqualTo("replica at 990, master at 1000");
    assertThat(Switchover.missing(master, replica("b".repeat(40), 1000, true)))
        .isEqualTo("replica at 1000, master at 1000");
  }

  private static ReplicationInfo replica(String replId, long applied, boolean linkUp) {
    return info(
        Role.REPLICA,
        replId,
        applied,
        Optional.of(new MasterLink("192.0.2.1", 6379, linkUp, false, applied)));
  }

  private static ReplicationInfo info(
      Role role, String replId, long offset, Optional<MasterLink> link) {
    return new ReplicationInfo(
        role,
        "run-1",
        60,
        replId,
        ReplicationInfo.NO_REPL_ID,
        offset,
        -1,
        OptionalLong.of(10),
        link,
        List.of());
  }

  /**
   * The group as a switchover sees it: our Redis a master at offset 1000 (writes paused, so it
   * stays there), the peer's a replica that applies {@link #replicaBytesPerRead} more bytes each
   * time it is read. After the hand-over the peer takes the role 5 ms later unless told not to, and
   * our Redis becomes its replica 4 ms after that. Every answer comes 1 ms after the call.
   */
  private final class FakeGroup implements Switchover.MasterSide {
    final List<String> calls = new ArrayList<>();
    String refusal;
    String pauseError;
    String unpauseError;
    long replicaBytesPerRead;
    boolean peerTakesOver = true;
    boolean roleComesBack;

    boolean master = true;
    boolean paused;
    boolean pausedAtHandOver;
    long pauseRequestedAt = -1;
    long unpausedAt = -1;
    private final long masterOffset = 1000;
    private long applied = 900;
    private boolean peerIsMaster;
    private boolean oursIsReplica;

    private void later(Runnable answer) {
      scheduler.schedule(Duration.ofMillis(1), answer);
    }

    @Override
    public String refusal() {
      return refusal;
    }

    @Override
    public boolean isMaster() {
      return master;
    }

    @Override
    public void pauseWrites(Duration bound, Consumer<String> done) {
      calls.add("pause " + bound.toMillis() + " ms");
      pauseRequestedAt = scheduler.nanoTime();
      later(
          () -> {
            paused = pauseError == null;
            done.accept(pauseError);
          });
    }

    @Override
    public void unpauseWrites(Consumer<String> done) {
      calls.add("unpause");
      later(
          () -> {
            paused = false;
            unpausedAt = scheduler.nanoTime();
            done.accept(unpauseError);
          });
    }

    @Override
    public void readOurs(Duration timeout, Consumer<ReplicationInfo> done) {
      calls.add(oursIsReplica ? "read ours: replica" : "read ours: master");
      ReplicationInfo answer =
          oursIsReplica
              ? replica(STREAM, masterOffset, true)
              : info(Role.MASTER, STREAM, masterOffset, Optional.empty());
      later(() -> done.accept(answer));
    }

    @Override
    public void readPeers(Duration timeout, Consumer<ReplicationInfo> done) {
      if (peerIsMaster) {
        calls.add("read peer's: master");
        later(() -> done.accept(info(Role.MASTER, STREAM, masterOffset, Optional.empty())));
        return;
      }
      applied = Math.min(masterOffset, applied + replicaBytesPerRead);
      calls.add("read peer's: applied " + applied + " of " + masterOffset);
      ReplicationInfo answer = replica(STREAM, applied, true);
      later(() -> done.accept(answer));
    }

    @Override
    public void handOver(String reason) {
      calls.add("hand over");
      pausedAtHandOver = paused;
      master = false;
      scheduler.schedule(
          Duration.ofMillis(5),
          () -> {
            if (peerTakesOver) {
              peerIsMaster = true;
            } else if (roleComesBack) {
              master = true;
            }
          });
      // Our agent turns our Redis into a replica of the new master a little after it took over.
      scheduler.schedule(Duration.ofMillis(9), () -> oursIsReplica = peerTakesOver);
    }

    @Override
    public void cutClients(Consumer<String> done) {
      calls.add("cut clients");
      later(() -> done.accept(null));
    }

    @Override
    public void releaseVip(Runnable then) {
      calls.add("release VIP");
      later(then);
    }
  }
}

package io.redisha.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.redisha.clock.VirtualScheduler;
import io.redisha.redis.ReplicationInfo;
import io.redisha.redis.ReplicationInfo.MasterLink;
import io.redisha.redis.WriteFence;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** {@link PeerFence} against a fake pair of Redis servers on a virtual clock. */
class PeerFenceTest {
  private static final String STREAM = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";

  private final VirtualScheduler clock = new VirtualScheduler();
  private final List<String> commands = new ArrayList<>();
  private String fenceError;
  private boolean peerReachable = true;
  private boolean peerMaster = true;
  private boolean fenceHolds = true;
  private int peerFence = WriteFence.OPEN;
  private long peerOffset = 5000;
  private long oursApplied = 4990;
  private long catchUpPerRead = 5;
  private PeerFence.Outcome outcome;

  private final PeerFence.Sides sides =
      new PeerFence.Sides() {
        @Override
        public void setPeerFence(boolean closed, Consumer<String> done) {
          commands.add(closed ? "close" : "open");
          clock.schedule(
              Duration.ofMillis(1),
              () -> {
                if (fenceError == null) {
                  peerFence = closed && fenceHolds ? WriteFence.CLOSED : WriteFence.OPEN;
                }
                done.accept(fenceError);
              });
        }

        @Override
        public void readOurs(Duration timeout, Consumer<ReplicationInfo> done) {
          oursApplied = Math.min(peerOffset, oursApplied + catchUpPerRead);
          ReplicationInfo ours =
              new ReplicationInfo(
                  ReplicationInfo.Role.REPLICA,
                  "run-ours",
                  60,
                  STREAM,
                  ReplicationInfo.NO_REPL_ID,
                  oursApplied,
                  -1,
                  OptionalLong.of(10),
                  Optional.of(new MasterLink("192.0.2.1", 6379, true, false, oursApplied)),
                  List.of());
          clock.schedule(Duration.ofMillis(1), () -> done.accept(ours));
        }

        @Override
        public void readPeers(Duration timeout, Consumer<ReplicationInfo> done) {
          ReplicationInfo peer =
              peerReachable
                  ? new ReplicationInfo(
                          peerMaster ? ReplicationInfo.Role.MASTER : ReplicationInfo.Role.REPLICA,
                          "run-peer",
                          60,
                          STREAM,
                          ReplicationInfo.NO_REPL_ID,
                          peerOffset,
                          -1,
                          OptionalLong.of(10),
                          peerMaster
                              ? Optional.empty()
                              : Optional.of(new MasterLink("192.0.2.2", 6379, true, false, 0)),
                          List.of())
                      .withMinReplicasToWrite(peerFence)
                  : null;
          clock.schedule(Duration.ofMillis(1), () -> done.accept(peer));
        }
      };

  private void run() {
    new PeerFence(sides, clock, Duration.ofSeconds(1), Duration.ofMillis(2))
        .start(result -> outcome = result);
    clock.advance(Duration.ofSeconds(3));
  }

  @Test
  void closesThePeersFenceThenWaitsUntilOursHasEveryByte() {
    run();

    assertThat(outcome.fenced()).isTrue();
    assertThat(outcome.peerRunId()).isEqualTo("run-peer");
    assertThat(outcome.reason())
        .isEqualTo("the peer's Redis is fenced and ours has every byte it has");
    assertThat(commands).containsExactly("close");
    assertThat(oursApplied).isEqualTo(peerOffset);
  }

  @Test
  void opensTheFenceAgainWhenOursDoesNotCatchUpInTime() {
    catchUpPerRead = 0;

    run();

    assertThat(outcome.fenced()).isFalse();
    assertThat(outcome.reason())
        .startsWith(
            "our Redis did not catch up with the fenced one within 1000 ms (replica at 4990")
        .endsWith("its fence is open again");
    assertThat(commands).containsExactly("close", "open");
    assertThat(peerFence).isEqualTo(WriteFence.OPEN);
  }

  @Test
  void aFailedCloseEndsAtOnce() {
    fenceError = "ERR CONFIG is disabled";

    run();

    assertThat(outcome.fenced()).isFalse();
    assertThat(outcome.reason())
        .isEqualTo("closing the peer's write fence failed: ERR CONFIG is disabled");
  }

  @Test
  void aPeerThatStopsAnsweringKeepsTheFence() {
    peerReachable = false;

    run();

    assertThat(outcome.fenced()).isFalse();
    assertThat(outcome.reason()).isEqualTo("the peer's Redis stopped answering while being fenced");
    assertThat(commands).containsExactly("close");
  }

  @Test
  void aPeerThatBecameAReplicaOrWhoseFenceDidNotHoldIsNoFence() {
    peerMaster = false;
    run();
    assertThat(outcome.reason()).isEqualTo("the peer's Redis became a replica meanwhile");

    peerMaster = true;
    fenceHolds = false;
    outcome = null;
    run();
    assertThat(outcome.fenced()).isFalse();
    assertThat(outcome.reason()).isEqualTo("the peer's write fence did not stay closed");
  }
}

package io.redisha.vrrp;

import static io.redisha.vrrp.VrrpCodecTest.PEER;
import static io.redisha.vrrp.VrrpCodecTest.SOURCE;
import static io.redisha.vrrp.VrrpCodecTest.VIP;
import static org.assertj.core.api.Assertions.assertThat;

import io.redisha.clock.VirtualScheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The RFC 5798 state machine on a virtual clock; we are 192.0.2.2, the peer is 192.0.2.1. */
class VrrpRouterTest {
  final VirtualScheduler clock = new VirtualScheduler();
  final List<VrrpAdvertisement> sent = new ArrayList<>();
  final List<String> transitions = new ArrayList<>();

  VrrpRouter router(VrrpVersion version, int priority, boolean preempt, boolean immediate) {
    int interval = version == VrrpVersion.V3 ? 10 : 100;
    String password = version == VrrpVersion.V2 ? "s3cr3t" : null;
    VrrpRouterConfig config =
        new VrrpRouterConfig(
            version,
            51,
            priority,
            interval,
            password,
            List.of(VIP),
            PEER,
            preempt,
            Duration.ZERO,
            immediate);
    return new VrrpRouter(
        config,
        clock,
        new VrrpRouter.Output() {
          @Override
          public void send(VrrpAdvertisement advertisement) {
            sent.add(advertisement);
          }

          @Override
          public void transition(VrrpState from, VrrpState to, String reason) {
            transitions.add(from + "->" + to + ": " + reason);
          }
        });
  }

  static VrrpAdvertisement advert(VrrpVersion version, int priority, int intervalCentis) {
    return new VrrpAdvertisement(
        version,
        51,
        priority,
        intervalCentis,
        List.of(VIP),
        version == VrrpVersion.V2 ? "s3cr3t" : null);
  }

  @Test
  void backupTakesOverAfterMasterDownIntervalOfSilence() {
    VrrpRouter router = router(VrrpVersion.V3, 100, false, true);
    router.start();
    assertThat(router.state()).isEqualTo(VrrpState.BACKUP);
    // Master_Down_Interval = 3 * 100 ms + (256 - 100) * 100 ms / 256 = 360.9375 ms
    assertThat(router.masterDownNanos()).isEqualTo(360_937_500L);
    clock.advanceTo(360_937_499L);
    assertThat(router.state()).isEqualTo(VrrpState.BACKUP);
    clock.advanceTo(360_937_500L);
    assertThat(router.state()).isEqualTo(VrrpState.MASTER);
    assertThat(sent).hasSize(1);
    assertThat(sent.getFirst().priority()).isEqualTo(100);
    assertThat(transitions.getLast()).isEqualTo("BACKUP->MASTER: no master heard for 360 ms");

    clock.advance(Duration.ofMillis(1000));
    assertThat(sent).hasSize(11); // one advert per 100 ms interval
  }

  @Test
  void v2TimersUseWholeSecondsAndRfc3768SkewTime() {
    VrrpRouter router = router(VrrpVersion.V2, 100, false, true);
    router.start();
    assertThat(router.skewNanos()).isEqualTo(156L * 1_000_000_000L / 256);
    assertThat(router.masterDownNanos()).isEqualTo(3_000_000_000L + 609_375_000L);
  }

  @Test
  void advertsFromTheMasterKeepTheBackupWaiting() {
    VrrpRouter router = router(VrrpVersion.V3, 100, false, true);
    router.start();
    for (int i = 0; i < 50; i++) {
      clock.advance(Duration.ofMillis(100));
      router.receive(advert(VrrpVersion.V3, 150, 10), SOURCE);
    }
    assertThat(router.state()).isEqualTo(VrrpState.BACKUP);
    assertThat(router.lastMaster()).isEqualTo(SOURCE);
    clock.advance(Duration.ofMillis(340));
    assertThat(router.state()).isEqualTo(VrrpState.BACKUP);
    clock.advance(Duration.ofMillis(21));
    assertThat(router.state()).isEqualTo(VrrpState.MASTER);
    assertThat(transitions.getLast()).isEqualTo("BACKUP->MASTER: peer silent for 360 ms");
  }

  @Test
  void v3BackupLearnsTheMastersInterval() {
    VrrpRouter router = router(VrrpVersion.V3, 100, false, true);
    router.start();
    router.receive(advert(VrrpVersion.V3, 150, 100), SOURCE); // master advertises every second
    clock.advance(Duration.ofMillis(2000));
    assertThat(router.state()).isEqualTo(VrrpState.BACKUP);
    clock.advance(Duration.ofMillis(1700));
    assertThat(router.state()).isEqualTo(VrrpState.MASTER);
  }

  @Test
  void priorityZeroMakesThePairBackupTakeOverAtOnce() {
    VrrpRouter router = router(VrrpVersion.V3, 100, false, true);
    router.start();
    router.receive(advert(VrrpVersion.V3, 150, 10), SOURCE);
    router.receive(advert(VrrpVersion.V3, 0, 10), SOURCE);
    assertThat(router.state()).isEqualTo(VrrpState.MASTER);
    assertThat(transitions.getLast())
        .isEqualTo("BACKUP->MASTER: peer 192.0.2.1 released the master role (priority 0)");
  }

  @Test
  void priorityZeroWaitsSkewTimeWhenConfiguredLikeTheRfc() {
    VrrpRouter router = router(VrrpVersion.V3, 100, false, false);
    router.start();
    router.receive(advert(VrrpVersion.V3, 150, 10), SOURCE);
    router.receive(advert(VrrpVersion.V3, 0, 10), SOURCE);
    clock.advance(Duration.ofNanos(router.skewNanos() - 1));
    assertThat(router.state()).isEqualTo(VrrpState.BACKUP);
    clock.advance(Duration.ofNanos(1));
    assertThat(router.state()).isEqualTo(VrrpState.MASTER);
  }

  @Test
  void addressOwnerStartsAsMaster() {
    VrrpRouter router = router(VrrpVersion.V3, 255, false, true);
    router.start();
    assertThat(router.state()).isEqualTo(VrrpState.MASTER);
    assertThat(sent.getFirst().priority()).isEqualTo(255);
  }

  @Test
  void masterYieldsToHigherPriorityAndToEqualPriorityWithHigherAddress() {
    VrrpRouter router = becomeMaster(100, false);
    router.receive(advert(VrrpVersion.V3, 90, 10), SOURCE);
    assertThat(router.state()).isEqualTo(VrrpState.MASTER);
    router.receive(advert(VrrpVersion.V3, 100, 10), SOURCE); // 192.0.2.1 < 192.0.2.2: we keep it
    assertThat(router.state()).isEqualTo(VrrpState.MASTER);
    router.receive(advert(VrrpVersion.V3, 100, 10), VrrpCodecTest.ip("192.0.2.3"));
    assertThat(router.state()).isEqualTo(VrrpState.BACKUP);
    assertThat(transitions.getLast()).contains("equal priority and a higher address");

    VrrpRouter other = becomeMaster(100, false);
    other.receive(advert(VrrpVersion.V3, 101, 10), SOURCE);
    assertThat(other.state()).isEqualTo(VrrpState.BACKUP);
    assertThat(transitions.getLast())
        .isEqualTo("MASTER->BACKUP: peer 192.0.2.1 advertises priority 101 > 100");
  }

  @Test
  void masterAnswersPriorityZeroWithAnAdvertAtOnce() {
    VrrpRouter router = becomeMaster(100, false);
    int before = sent.size();
    router.receive(advert(VrrpVersion.V3, 0, 10), SOURCE);
    assertThat(sent).hasSize(before + 1);
    assertThat(router.state()).isEqualTo(VrrpState.MASTER);
  }

  @Test
  void preemptingBackupIgnoresLowerPriorityMaster() {
    VrrpRouter router = router(VrrpVersion.V3, 200, true, true);
    router.start();
    for (int i = 0; i < 4; i++) {
      clock.advance(Duration.ofMillis(100));
      router.receive(advert(VrrpVersion.V3, 100, 10), SOURCE);
    }
    assertThat(router.state()).isEqualTo(VrrpState.MASTER);
  }

  @Test
  void nonPreemptingBackupFollowsLowerPriorityMaster() {
    VrrpRouter router = router(VrrpVersion.V3, 200, false, true);
    router.start();
    for (int i = 0; i < 40; i++) {
      clock.advance(Duration.ofMillis(100));
      router.receive(advert(VrrpVersion.V3, 100, 10), SOURCE);
    }
    assertThat(router.state()).isEqualTo(VrrpState.BACKUP);
  }

  @Test
  void preemptDelayHoldsPreemptionAfterStart() {
    VrrpRouterConfig config =
        new VrrpRouterConfig(
            VrrpVersion.V3,
            51,
            200,
            10,
            null,
            List.of(VIP),
            PEER,
            true,
            Duration.ofSeconds(2),
            true);
    VrrpRouter router = new VrrpRouter(config, clock, recorder());
    router.start();
    for (int i = 0; i < 19; i++) {
      clock.advance(Duration.ofMillis(100));
      router.receive(advert(VrrpVersion.V3, 100, 10), SOURCE);
    }
    assertThat(router.state()).isEqualTo(VrrpState.BACKUP);
    for (int i = 0; i < 5; i++) {
      clock.advance(Duration.ofMillis(100));
      router.receive(advert(VrrpVersion.V3, 100, 10), SOURCE);
    }
    assertThat(router.state()).isEqualTo(VrrpState.MASTER);
  }

  @Test
  void shutdownOfAMasterSendsPriorityZero() {
    VrrpRouter router = becomeMaster(100, false);
    router.shutdown("agent stopping");
    assertThat(sent.getLast().priority()).isZero();
    assertThat(router.state()).isEqualTo(VrrpState.INITIALIZE);
    int count = sent.size();
    clock.advance(Duration.ofSeconds(5));
    assertThat(sent).hasSize(count);
  }

  @Test
  void ineligibleMasterReleasesAndStaysSilentUntilEligibleAgain() {
    VrrpRouter router = becomeMaster(100, false);
    router.setEligible(false, "redis down");
    assertThat(router.state()).isEqualTo(VrrpState.FAULT);
    assertThat(sent.getLast().priority()).isZero();
    int count = sent.size();
    clock.advance(Duration.ofSeconds(5));
    assertThat(sent).hasSize(count);
    assertThat(router.state()).isEqualTo(VrrpState.FAULT);

    router.setEligible(true, "redis up");
    assertThat(router.state()).isEqualTo(VrrpState.BACKUP);
    assertThat(transitions.getLast()).isEqualTo("FAULT->BACKUP: redis up");
  }

  @Test
  void aWithdrawingMasterGoesToFaultWithoutARelease() {
    VrrpRouter router = becomeMaster(100, false);
    int count = sent.size();
    router.withdraw("fenced: no proof");
    assertThat(router.state()).isEqualTo(VrrpState.FAULT);
    assertThat(transitions.getLast()).isEqualTo("MASTER->FAULT: fenced: no proof");
    assertThat(sent).as("no priority 0 advert").hasSize(count);
    clock.advance(Duration.ofSeconds(5));
    assertThat(sent).hasSize(count);
    assertThat(router.state()).isEqualTo(VrrpState.FAULT);

    router.setEligible(true, "redis up");
    assertThat(router.state()).isEqualTo(VrrpState.BACKUP);
  }

  @Test
  void ineligibleBeforeStartEntersFault() {
    VrrpRouter router = router(VrrpVersion.V3, 100, false, true);
    router.setEligible(false, "redis behind peer");
    router.start();
    assertThat(router.state()).isEqualTo(VrrpState.FAULT);
    clock.advance(Duration.ofSeconds(2));
    assertThat(router.state()).isEqualTo(VrrpState.FAULT);
    assertThat(sent).isEmpty();
  }

  @Test
  void takeoverGateCanHoldTheBackup() {
    VrrpRouter router = router(VrrpVersion.V3, 100, false, true);
    String[] refusal = {"no lease"};
    router.setTakeoverGate(() -> refusal[0]);
    router.start();
    clock.advance(Duration.ofSeconds(3));
    assertThat(router.state()).isEqualTo(VrrpState.BACKUP);
    refusal[0] = null;
    clock.advance(Duration.ofMillis(100));
    assertThat(router.state()).isEqualTo(VrrpState.MASTER);
  }

  @Test
  void aRefusedTakeoverIsAskedAgainAtOnceWhenTheGateIsReady() {
    VrrpRouter router = router(VrrpVersion.V3, 100, false, true);
    String[] refusal = {"looking at the peer's Redis"};
    int[] asked = {0};
    router.setTakeoverGate(
        () -> {
          asked[0]++;
          return refusal[0];
        });
    router.retryTakeover();
    assertThat(asked[0]).as("not started: nothing to retry").isZero();
    router.start();
    router.retryTakeover();
    assertThat(asked[0]).as("master-down not run out yet").isZero();
    clock.advanceTo(router.masterDownNanos());
    assertThat(router.state()).isEqualTo(VrrpState.BACKUP);
    assertThat(asked[0]).isEqualTo(1);
    clock.advance(Duration.ofMillis(30));
    refusal[0] = null;
    router.retryTakeover();
    assertThat(router.state()).isEqualTo(VrrpState.MASTER);
    assertThat(asked[0]).isEqualTo(2);
    assertThat(transitions.getLast()).isEqualTo("BACKUP->MASTER: no master heard for 360 ms");
    router.retryTakeover();
    assertThat(asked[0]).as("a master does not ask").isEqualTo(2);
  }

  @Test
  void anAdvertHeardAfterARefusalCancelsTheRetry() {
    VrrpRouter router = router(VrrpVersion.V3, 100, false, true);
    String[] refusal = {"the peer's Redis serves"};
    router.setTakeoverGate(() -> refusal[0]);
    router.start();
    clock.advanceTo(router.masterDownNanos());
    router.receive(advert(VrrpVersion.V3, 150, 10), SOURCE);
    refusal[0] = null;
    router.retryTakeover();
    assertThat(router.state()).isEqualTo(VrrpState.BACKUP);
    assertThat(router.masterDownInterval()).isEqualTo(Duration.ofNanos(router.masterDownNanos()));
  }

  @Test
  void stepDownHandsTheRoleOverWithPriorityZero() {
    VrrpRouter router = becomeMaster(100, false);
    router.stepDown("switchover to vm-a");
    assertThat(router.state()).isEqualTo(VrrpState.BACKUP);
    assertThat(sent.getLast().priority()).isZero();
    router.receive(advert(VrrpVersion.V3, 100, 10), SOURCE);
    clock.advance(Duration.ofMillis(300));
    assertThat(router.state()).isEqualTo(VrrpState.BACKUP);
  }

  @Test
  void conflictPolicyCanHoldOrYieldAgainstThePriorities() {
    VrrpRouter holder = becomeMaster(100, false);
    holder.setConflictPolicy((advert, source) -> VrrpRouter.ConflictPolicy.Decision.HOLD);
    holder.receive(advert(VrrpVersion.V3, 200, 10), SOURCE);
    assertThat(holder.state()).isEqualTo(VrrpState.MASTER);

    VrrpRouter yielder = becomeMaster(200, false);
    yielder.setConflictPolicy((advert, source) -> VrrpRouter.ConflictPolicy.Decision.YIELD);
    yielder.receive(advert(VrrpVersion.V3, 100, 10), SOURCE);
    assertThat(yielder.state()).isEqualTo(VrrpState.BACKUP);
    assertThat(transitions.getLast()).contains("is master too and holds more data");
  }

  private VrrpRouter becomeMaster(int priority, boolean preempt) {
    VrrpRouter router = router(VrrpVersion.V3, priority, preempt, true);
    router.start();
    clock.advance(Duration.ofSeconds(1));
    assertThat(router.state()).isEqualTo(VrrpState.MASTER);
    return router;
  }

  private VrrpRouter.Output recorder() {
    return new VrrpRouter.Output() {
      @Override
      public void send(VrrpAdvertisement advertisement) {
        sent.add(advertisement);
      }

      @Override
      public void transition(VrrpState from, VrrpState to, String reason) {
        transitions.add(from + "->" + to + ": " + reason);
      }
    };
  }

  @Test
  void aMasterHeardAgainAfterAMissedAdvertMarksTheLinkAsDroppingPackets() {
    VrrpRouter router = router(VrrpVersion.V3, 100, false, true);
    router.start();
    for (int i = 0; i < 5; i++) {
      router.receive(advert(VrrpVersion.V3, 150, 10), SOURCE);
      clock.advance(Duration.ofMillis(100));
    }
    assertThat(router.advertGapsWithin(Duration.ofSeconds(5))).as("every advert arrived").isZero();

    clock.advance(Duration.ofMillis(100)); // one advert lost: 200 ms between two
    router.receive(advert(VrrpVersion.V3, 150, 10), SOURCE);
    clock.advance(Duration.ofMillis(300)); // two more lost
    router.receive(advert(VrrpVersion.V3, 150, 10), SOURCE);
    clock.advance(Duration.ofMillis(40));

    assertThat(router.advertGapsWithin(Duration.ofSeconds(5))).isEqualTo(2);
    assertThat(router.advertGapsWithin(Duration.ofMillis(100))).isEqualTo(1);
    assertThat(router.state()).isEqualTo(VrrpState.BACKUP);
  }

  @Test
  void aLateAdvertIsNotAMissedOne() {
    VrrpRouter router = router(VrrpVersion.V3, 100, false, true);
    router.start();
    router.receive(advert(VrrpVersion.V3, 150, 10), SOURCE);
    clock.advance(Duration.ofMillis(170)); // within 1.8 intervals: late, not lost
    router.receive(advert(VrrpVersion.V3, 150, 10), SOURCE);

    assertThat(router.advertGapsWithin(Duration.ofSeconds(5))).isZero();
  }
}

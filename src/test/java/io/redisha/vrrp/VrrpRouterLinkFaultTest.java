package io.redisha.vrrp;

import static io.redisha.vrrp.VrrpCodecTest.PEER;
import static io.redisha.vrrp.VrrpCodecTest.VIP;
import static org.assertj.core.api.Assertions.assertThat;

import io.redisha.clock.VirtualScheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * FAULT for a lost link (S11) on a virtual clock: entered at once from any state and held whatever
 * the health says; left only to BACKUP, with the master-down timer from that moment.
 */
class VrrpRouterLinkFaultTest {
  final VirtualScheduler clock = new VirtualScheduler();
  final List<VrrpAdvertisement> sent = new ArrayList<>();
  final List<String> transitions = new ArrayList<>();

  VrrpRouter router(int priority) {
    return new VrrpRouter(
        new VrrpRouterConfig(
            VrrpVersion.V3, 51, priority, 10, null, List.of(VIP), PEER, false, Duration.ZERO, true),
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

  @Test
  void aMasterSendsPriorityZeroStopsAndStaysInFaultWhateverItsHealthSays() {
    VrrpRouter router = router(100);
    router.start();
    clock.advance(Duration.ofMillis(400));
    assertThat(router.state()).isEqualTo(VrrpState.MASTER);
    int before = sent.size();

    router.linkLost("link down on eth0");

    assertThat(router.state()).isEqualTo(VrrpState.FAULT);
    assertThat(sent).hasSize(before + 1);
    assertThat(sent.getLast().priority()).isZero();
    assertThat(transitions.getLast()).isEqualTo("MASTER->FAULT: link down on eth0");
    assertThat(router.fault()).isEqualTo("link down on eth0");

    router.setEligible(false, "Redis down");
    router.setEligible(true, "Redis up");
    clock.advance(Duration.ofSeconds(10));
    assertThat(router.state()).isEqualTo(VrrpState.FAULT);
    assertThat(sent).as("no advert in FAULT").hasSize(before + 1);
    assertThat(router.fault()).as("the link's reason comes first").isEqualTo("link down on eth0");

    router.linkLost("interface gone on eth0");
    assertThat(router.fault()).isEqualTo("interface gone on eth0");
    assertThat(transitions.getLast()).isEqualTo("MASTER->FAULT: link down on eth0");
  }

  @Test
  void theLinkBackMakesABackupWhoseMasterDownTimerStartsThen() {
    VrrpRouter router = router(254);
    router.start();
    clock.advance(Duration.ofMillis(400));
    router.linkLost("carrier lost on eth0");
    clock.advance(Duration.ofSeconds(5));

    router.linkRestored("link up on eth0");
    long back = clock.nanoTime();

    assertThat(router.state()).as("never straight to MASTER").isEqualTo(VrrpState.BACKUP);
    assertThat(router.fault()).isNull();
    clock.advanceTo(back + router.masterDownNanos() - 1);
    assertThat(router.state()).isEqualTo(VrrpState.BACKUP);
    clock.advanceTo(back + router.masterDownNanos());
    assertThat(router.state()).isEqualTo(VrrpState.MASTER);
  }

  @Test
  void aHeardMasterKeepsTheReturningNodeBackup() {
    VrrpRouter router = router(100);
    router.start();
    router.linkLost("link down on eth0");
    router.linkRestored("link up on eth0");
    for (int i = 0; i < 20; i++) {
      router.receive(VrrpRouterTest.advert(VrrpVersion.V3, 100, 10), PEER);
      clock.advance(Duration.ofMillis(100));
    }
    assertThat(router.state()).isEqualTo(VrrpState.BACKUP);
  }

  @Test
  void theLinkBackLeavesAnIneligibleNodeInFaultWithTheHealthsReason() {
    VrrpRouter router = router(100);
    router.start();
    router.linkLost("link down on eth0");
    router.setEligible(false, "Redis on port 6379 down");
    router.linkRestored("link up on eth0");
    assertThat(router.state()).isEqualTo(VrrpState.FAULT);
    assertThat(router.fault()).isEqualTo("Redis on port 6379 down");
    router.setEligible(true, "Redis up");
    assertThat(router.state()).isEqualTo(VrrpState.BACKUP);
  }

  @Test
  void aLinkLostBeforeTheStartStartsInFault() {
    VrrpRouter router = router(255);
    router.linkLost("link down on eth0");
    router.start();
    assertThat(router.state()).isEqualTo(VrrpState.FAULT);
    assertThat(transitions).containsExactly("INITIALIZE->FAULT: link down on eth0");
    assertThat(sent).isEmpty();
  }
}

package io.redisha.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.redisha.api.AgentReport.CloudRouting;
import io.redisha.clock.VirtualScheduler;
import io.redisha.cloud.VipEvent;
import io.redisha.cloud.VipHook;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The hook decorator on a virtual clock: calls follow the VIP, failures are retried with a doubling
 * backoff, a newer request replaces an older one, a failing cloud never moves the VIP, and a call
 * that never returns blocks nothing.
 */
class HookedVipTest {
  final VirtualScheduler scheduler = new VirtualScheduler();
  final List<String> log = new ArrayList<>();
  final List<Runnable> pendingCalls = new ArrayList<>();
  int changes;

  /** A VIP that only records whether it is held. */
  static final class FakeVip implements VipPort {
    boolean held;
    int adds;
    int removes;

    @Override
    public void add() {
      adds++;
      held = true;
    }

    @Override
    public void remove() {
      removes++;
      held = false;
    }

    @Override
    public void reannounce() {}

    @Override
    public boolean held() {
      return held;
    }
  }

  /** A hook whose answers are scripted: null means success, text means that error. */
  static final class ScriptedHook implements VipHook {
    final Deque<String> answers = new ArrayDeque<>();
    final List<String> calls = new ArrayList<>();

    @Override
    public String provider() {
      return "aws";
    }

    @Override
    public void call(VipEvent event) throws Exception {
      calls.add(event.state() + " " + event.reason());
      String answer = answers.isEmpty() ? null : answers.poll();
      if (answer != null) {
        throw new Exception(answer);
      }
    }
  }

  final FakeVip vip = new FakeVip();
  final ScriptedHook hook = new ScriptedHook();

  /** Calls run when the test says so, as if on another thread. */
  HookedVip hooked() {
    return new HookedVip(
        vip,
        hook,
        "a",
        "vm-a",
        "192.0.2.100",
        scheduler,
        pendingCalls::add,
        Duration.ofSeconds(4),
        log::add,
        () -> changes++);
  }

  void runCalls() {
    List<Runnable> now = new ArrayList<>(pendingCalls);
    pendingCalls.clear();
    now.forEach(Runnable::run);
    scheduler.advance(Duration.ZERO);
  }

  @Test
  void becomingMasterCallsOnceAndReportsSuccess() {
    HookedVip hooked = hooked();
    hooked.add();
    hooked.add();
    assertThat(hooked.status().result()).isEqualTo(CloudRouting.Result.PENDING);
    runCalls();
    assertThat(hook.calls).containsExactly("MASTER became master");
    assertThat(hooked.status())
        .extracting(CloudRouting::provider, CloudRouting::state, CloudRouting::result)
        .containsExactly("aws", CloudRouting.Request.MASTER, CloudRouting.Result.SUCCEEDED);
    assertThat(changes).isEqualTo(2);
  }

  @Test
  void failuresAreRetriedWithADoublingBackoffAndNeverTouchTheVip() {
    hook.answers.addAll(List.of("HTTP 500", "HTTP 500", "HTTP 500", "HTTP 500"));
    HookedVip hooked = hooked();
    hooked.add();
    List<Long> waits = new ArrayList<>();
    for (int attempt = 1; attempt <= 4; attempt++) {
      runCalls();
      assertThat(hooked.status().result()).isEqualTo(CloudRouting.Result.FAILED);
      assertThat(hooked.status().attempts()).isEqualTo(attempt);
      assertThat(hooked.status().error()).isEqualTo("HTTP 500");
      long before = scheduler.nanoTime();
      scheduler.advanceTo(scheduler.nextDue());
      waits.add(Duration.ofNanos(scheduler.nanoTime() - before).toMillis());
    }
    assertThat(waits).containsExactly(500L, 1000L, 2000L, 4000L);
    runCalls();
    assertThat(hooked.status().result()).isEqualTo(CloudRouting.Result.SUCCEEDED);
    assertThat(hooked.status().attempts()).isEqualTo(5);
    assertThat(vip.held).isTrue();
    assertThat(vip.adds).isEqualTo(1);
    assertThat(vip.removes).isZero();
    assertThat(log)
        .anyMatch(l -> l.contains("aws MASTER call failed (attempt 1), retrying in 500 ms"));
  }

  @Test
  void steppingDownReplacesAPendingMasterRequestAndReleasingGivesUpAfterFiveAttempts() {
    HookedVip hooked = hooked();
    hooked.add();
    hooked.remove();
    assertThat(pendingCalls).hasSize(1);
    runCalls();
    // The MASTER call finished after the node stepped down: the BACKUP request goes out next.
    assertThat(pendingCalls).hasSize(1);
    hook.answers.addAll(List.of("e1", "e2", "e3", "e4", "e5", "e6"));
    for (int i = 0; i < 6 && !pendingCalls.isEmpty(); i++) {
      runCalls();
      if (scheduler.nextDue() != Long.MAX_VALUE) {
        scheduler.advanceTo(scheduler.nextDue());
      }
    }
    assertThat(hook.calls)
        .containsExactly(
            "MASTER became master",
            "BACKUP stepped down",
            "BACKUP stepped down",
            "BACKUP stepped down",
            "BACKUP stepped down",
            "BACKUP stepped down");
    assertThat(hooked.status().state()).isEqualTo(CloudRouting.Request.BACKUP);
    assertThat(hooked.status().result()).isEqualTo(CloudRouting.Result.FAILED);
    assertThat(hooked.status().attempts()).isEqualTo(HookedVip.RELEASE_ATTEMPTS);
    assertThat(log).anyMatch(l -> l.contains("release failed 5 times, giving up"));
  }

  @Test
  void aCallThatNeverReturnsBlocksNeitherTheVipNorTheAgent() {
    HookedVip hooked = hooked();
    hooked.add();
    hooked.remove();
    hooked.add();
    assertThat(vip.adds).isEqualTo(2);
    assertThat(vip.removes).isEqualTo(1);
    assertThat(hooked.held()).isTrue();
    assertThat(pendingCalls).hasSize(1);
    assertThat(hooked.status().result()).isEqualTo(CloudRouting.Result.PENDING);
  }

  @Test
  void backoffIsCapped() {
    assertThat(HookedVip.backoff(1, Duration.ofSeconds(30))).isEqualTo(Duration.ofMillis(500));
    assertThat(HookedVip.backoff(7, Duration.ofSeconds(30))).isEqualTo(Duration.ofSeconds(30));
    assertThat(HookedVip.backoff(60, Duration.ofSeconds(30))).isEqualTo(Duration.ofSeconds(30));
  }
}

package io.redisha.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.redisha.arbiter.Protection;
import io.redisha.sim.Fault.Kind;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Both agents start at the same moment (the bench's simultaneous boot): each waits one master-down
 * interval as backup, and the preferred node's lead is only RFC 5798's skew, 20 ms between
 * priorities 150 and 100 at 100 ms adverts. When its first advert takes longer than that to be read
 * by the other agent (a loaded host; here a slow link), the other agent takes over on silence too:
 * two masters take writes through the VIP until the adverts meet, and the one that yields loses the
 * writes it took (CI, BenchQuickIT: "boot run 1 lost 2 acknowledged writes").
 */
class BootRaceSimulationTest {

  private static final long RESTART_MILLIS = 18_000;

  /**
   * Group a is moved to vm-b (its Redis master, vm-a's a replica of it), both agents die and start
   * again at once while adverts take up to 100 ms: without protection nothing but the adverts
   * decides, and no acknowledged write may be lost.
   */
  @Test
  void agentsStartingTogetherLeaveOneMasterAndLoseNoWrite() {
    List<String> failures = new ArrayList<>();
    String firstTrace = null;
    for (long seed = 1; seed <= 20; seed++) {
      List<Fault> faults =
          List.of(
              new Fault(Kind.SWITCHOVER, 10_000, 0, Fault.MASTER, "a", 0),
              new Fault(Kind.AGENT_CRASH, 14_000, RESTART_MILLIS - 14_000, 0, null, 0),
              new Fault(Kind.AGENT_CRASH, 14_000, RESTART_MILLIS - 14_000, 1, null, 0),
              new Fault(Kind.DELAY, RESTART_MILLIS - 500, 3_000, 0, null, 100));
      SimWorld world = Simulation.runSchedule(seed, Scenario.AGENT_FAULT, Protection.NONE, faults);
      List<String> problems = new ArrayList<>();
      if (world.checker.violation() != null) {
        problems.add(world.checker.violation());
      }
      for (String group : SimWorld.GROUPS) {
        long lost = world.checker.lostWrites(group);
        if (lost > 0) {
          problems.add(lost + " acknowledged writes of group " + group + " lost");
        }
      }
      if (!problems.isEmpty()) {
        failures.add("seed " + seed + ": " + String.join("; ", problems));
        if (firstTrace == null) {
          firstTrace = String.join("\n", world.trace());
        }
      }
    }
    String trace = firstTrace;
    assertThat(failures).as(() -> "first failure's trace:\n" + trace).isEmpty();
  }
}

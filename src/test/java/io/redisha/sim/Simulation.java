package io.redisha.sim;

import io.redisha.arbiter.Protection;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Runs schedules, and shrinks a failing one to the shortest list of faults that still fails. */
final class Simulation {

  /**
   * A failing schedule.
   *
   * @param seed the seed that generated it and drives the world's randomness
   * @param scenario its scenario
   * @param faults the shrunk fault list
   * @param violation what the checker saw
   * @param trace the last events before the violation
   */
  record Failure(
      long seed, Scenario scenario, List<Fault> faults, String violation, List<String> trace) {
    String report() {
      StringBuilder text =
          new StringBuilder()
              .append("simulation failed: seed ")
              .append(seed)
              .append(", scenario ")
              .append(scenario)
              .append("\n  ")
              .append(violation)
              .append("\n  shortest fault schedule (")
              .append(faults.size())
              .append("):");
      faults.forEach(f -> text.append("\n    ").append(f));
      text.append("\n  last events:");
      trace.forEach(t -> text.append("\n    ").append(t));
      text.append("\n  replay: add ").append(seed).append("L to SimulationTest.RECORDED_SEEDS");
      return text.toString();
    }
  }

  private Simulation() {}

  /**
   * The scenario a seed runs. Three seeds in four run the first five scenarios, spread evenly by
   * {@code seed mod 5} exactly as before those were joined by the agent and link faults, so every
   * recorded seed replays the schedule it once failed; the fourth runs {@link Scenario#AGENT_FAULT}
   * or {@link Scenario#NODE_CHAOS}.
   */
  static Scenario scenarioOf(long seed) {
    long five = Math.floorDiv(seed, 5);
    if (Math.floorMod(five, 4) == 3) {
      return Math.floorMod(Math.floorDiv(seed, 20), 2) == 0
          ? Scenario.AGENT_FAULT
          : Scenario.NODE_CHAOS;
    }
    return Scenario.CLASSIC.get((int) Math.floorMod(seed, 5));
  }

  static List<Fault> faultsOf(long seed) {
    return scenarioOf(seed).generate(new Random(seed));
  }

  /** Runs one seed with Lease protection; null when every rule held, else the shrunk failure. */
  static Failure run(long seed) {
    return run(seed, Protection.LEASE);
  }

  static Failure run(long seed, Protection protection) {
    return run(seed, protection, RedisBoot.fromProperty());
  }

  /** Runs one seed with each Redis booting as {@code boot} says. */
  static Failure run(long seed, Protection protection, RedisBoot boot) {
    Scenario scenario = scenarioOf(seed);
    List<Fault> faults = faultsOf(seed);
    SimWorld world = new SimWorld(seed, scenario, protection, faults, boot);
    String violation = world.run();
    if (violation == null) {
      return null;
    }
    return shrink(seed, scenario, protection, boot, faults, violation, world.trace());
  }

  /** Runs an explicit schedule; the violation or null. */
  static SimWorld runSchedule(
      long seed, Scenario scenario, Protection protection, List<Fault> faults) {
    SimWorld world = new SimWorld(seed, scenario, protection, faults);
    world.run();
    return world;
  }

  private static Failure shrink(
      long seed,
      Scenario scenario,
      Protection protection,
      RedisBoot boot,
      List<Fault> faults,
      String violation,
      List<String> trace) {
    String rule = rule(violation);
    List<Fault> best = new ArrayList<>(faults);
    String bestViolation = violation;
    List<String> bestTrace = trace;
    boolean progress = true;
    while (progress) {
      progress = false;
      for (int i = 0; i < best.size(); i++) {
        for (boolean drop : new boolean[] {true, false}) {
          List<Fault> candidate = new ArrayList<>(best);
          if (drop) {
            candidate.remove(i);
          } else if (candidate.get(i).durationMillis() >= 200) {
            candidate.set(i, candidate.get(i).shorter());
          } else {
            continue;
          }
          SimWorld world = new SimWorld(seed, scenario, protection, candidate, boot);
          String result = world.run();
          if (result != null && rule(result).equals(rule)) {
            best = candidate;
            bestViolation = result;
            bestTrace = world.trace();
            progress = true;
            break;
          }
        }
        if (progress) {
          break;
        }
      }
    }
    return new Failure(seed, scenario, best, bestViolation, bestTrace);
  }

  private static String rule(String violation) {
    int colon = violation.indexOf(": ");
    String rest = violation.substring(colon + 2);
    int end = rest.indexOf(':');
    return end < 0 ? rest : rest.substring(0, end);
  }
}

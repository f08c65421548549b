package io.redisha.sim;

import io.redisha.arbiter.Protection;

/** Prints one seed's run: java -cp ... io.redisha.sim.SimDebug SEED [None]. */
final class SimDebug {
  public static void main(String[] args) {
    long seed = Long.parseLong(args[0]);
    Protection protection = args.length > 1 ? Protection.NONE : Protection.LEASE;
    SimWorld world =
        Simulation.runSchedule(
            seed, Simulation.scenarioOf(seed), protection, Simulation.faultsOf(seed));
    System.out.println("scenario " + world.scenario + " faults " + world.faults);
    System.out.println("violation " + world.checker.violation());
    for (String group : SimWorld.GROUPS) {
      System.out.println(
          "group "
              + group
              + " acked "
              + world.acked.get(group).size()
              + " lost "
              + world.checker.lostWrites(group)
              + " holder "
              + world.vipTarget(group));
    }
    world.trace().forEach(System.out::println);
  }
}

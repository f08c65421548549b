package io.redisha.sim;

import io.redisha.arbiter.Protection;

/**
 * Prints one seed's run: java -cp ... io.redisha.sim.SimDebug SEED [None|Lease|Etcd [SCENARIO
 * KIND,AT,DURATION,NODE,GROUP,RATE...]], the last form for an explicit schedule.
 */
final class SimDebug {
  public static void main(String[] args) {
    long seed = Long.parseLong(args[0]);
    Protection protection =
        args.length < 2
            ? Protection.LEASE
            : switch (args[1]) {
              case "None" -> Protection.NONE;
              case "Etcd" -> Protection.ETCD;
              default -> Protection.LEASE;
            };
    java.util.List<Fault> faults = Simulation.faultsOf(seed);
    Scenario scenario = Simulation.scenarioOf(seed);
    if (args.length > 2) {
      // SEED PROTECTION SCENARIO KIND,AT,DURATION,NODE,GROUP,RATE ...
      scenario = Scenario.valueOf(args[2]);
      faults = new java.util.ArrayList<>();
      for (int i = 3; i < args.length; i++) {
        String[] f = args[i].split(",");
        faults.add(
            new Fault(
                Fault.Kind.valueOf(f[0]),
                Long.parseLong(f[1]),
                Long.parseLong(f[2]),
                Integer.parseInt(f[3]),
                f[4].equals("-") ? null : f[4],
                Double.parseDouble(f[5])));
      }
    }
    SimWorld world = Simulation.runSchedule(seed, scenario, protection, faults);
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

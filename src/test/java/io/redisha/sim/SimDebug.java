package io.redisha.sim;

import io.redisha.arbiter.Protection;

/**
 * Prints one seed's run: java -cp ... io.redisha.sim.SimDebug SEED [None|Lease|Etcd [SCENARIO
 * KIND,AT,DURATION,NODE,GROUP,RATE...]], the last form for an explicit schedule, where {@code #I}
 * stands for the seed's own fault I exactly and {@code #Ih} for it with its duration halved.
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
      java.util.List<Fault> own = Simulation.faultsOf(seed);
      for (int i = 3; i < args.length; i++) {
        if (args[i].startsWith("#")) {
          // #I is the seed's own fault I, exact; each trailing h halves its duration (shrinking)
          String ref = args[i].substring(1);
          Fault fault = own.get(Integer.parseInt(ref.replace("h", "")));
          for (int h = ref.indexOf('h'); h >= 0 && h < ref.length(); h++) {
            fault = fault.shorter();
          }
          faults.add(fault);
          continue;
        }
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
      int holder = world.vipTarget(group);
      if (holder >= 0) {
        java.util.Set<Long> held = new java.util.HashSet<>(world.redis(holder, group).log);
        world.acked.get(group).entrySet().stream()
            .filter(e -> !held.contains(e.getKey()))
            .sorted(java.util.Map.Entry.comparingByKey())
            .forEach(
                e ->
                    System.out.println(
                        "  lost write "
                            + e.getKey()
                            + " acked by "
                            + world.nodeName(e.getValue())));
      }
      for (int node = 0; node < 2; node++) {
        SimRedis server = world.redis(node, group);
        System.out.println(
            "  redis "
                + world.nodeName(node)
                + "/"
                + group
                + (server.alive ? " " + server.info() : " dead"));
      }
    }
    world.trace().forEach(System.out::println);
  }
}

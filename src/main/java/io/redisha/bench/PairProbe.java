package io.redisha.bench;

import io.redisha.lab.LabNetwork;
import io.redisha.lab.PairLab;
import io.redisha.lab.RespClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Looks at a pair from outside, the same way whatever HA system runs it: which host holds each
 * group's VIP on its interface, and what each Redis says about its role ({@code INFO replication},
 * asked inside the host so a cut-off host still answers).
 */
final class PairProbe {
  private final PairLab lab;

  PairProbe(PairLab lab) {
    this.lab = lab;
  }

  /**
   * One Redis server's replication view.
   *
   * @param role {@code master}, {@code slave}, or {@code down} when it does not answer
   * @param masterHost the address it replicates from, or null
   * @param linkUp whether its replication link is up
   * @param runId its run id, or null
   */
  record RedisView(String role, String masterHost, boolean linkUp, String runId) {
    @Override
    public String toString() {
      return switch (role) {
        case "slave" -> "replica" + (linkUp ? "" : "(link down)");
        default -> role;
      };
    }
  }

  /**
   * One group as seen from outside.
   *
   * @param group group name
   * @param vipHolders hosts that have the VIP on eth0
   * @param redis each host's Redis
   * @param vipAnswer the run id of the Redis that answered through the VIP from the client host, or
   *     null when none answered
   */
  record GroupState(
      String group, List<String> vipHolders, Map<String, RedisView> redis, String vipAnswer) {
    /** The host holding the VIP, or null when none or both do. */
    String holder() {
      return vipHolders.size() == 1 ? vipHolders.get(0) : null;
    }

    /**
     * One VIP holder running a master, the other host's Redis replicating from it with its link up.
     */
    boolean settled(LabNetwork network) {
      String holder = holder();
      if (holder == null
          || !"master".equals(redis.get(holder).role())
          || vipAnswer == null
          || !vipAnswer.equals(redis.get(holder).runId())) {
        return false;
      }
      RedisView replica = redis.get(PairLab.other(holder));
      return "slave".equals(replica.role())
          && replica.linkUp()
          && network.address(holder).getHostAddress().equals(replica.masterHost());
    }

    @Override
    public String toString() {
      return group
          + ": VIP on "
          + (vipHolders.isEmpty() ? "nobody" : String.join("+", vipHolders))
          + ", vm-a "
          + redis.get(PairLab.VM_A)
          + ", vm-b "
          + redis.get(PairLab.VM_B)
          + ", client reaches "
          + reachedHost();
    }

    private String reachedHost() {
      if (vipAnswer == null) {
        return "nobody";
      }
      for (Map.Entry<String, RedisView> entry : redis.entrySet()) {
        if (vipAnswer.equals(entry.getValue().runId())) {
          return entry.getKey();
        }
      }
      return "an unknown Redis";
    }
  }

  /** Every group's state now. */
  Map<String, GroupState> look() {
    Map<String, String> addresses = new LinkedHashMap<>();
    for (String host : List.of(PairLab.VM_A, PairLab.VM_B)) {
      addresses.put(
          host, lab.network().exec(host, "ip", "-4", "-o", "addr", "show", "dev", "eth0").output());
    }
    Map<String, GroupState> states = new LinkedHashMap<>();
    for (PairLab.Group group : lab.groups()) {
      List<String> holders = new ArrayList<>();
      Map<String, RedisView> redis = new LinkedHashMap<>();
      for (String host : List.of(PairLab.VM_A, PairLab.VM_B)) {
        if (addresses.get(host).contains(" " + group.vip() + "/")) {
          holders.add(host);
        }
        redis.put(host, redisView(host, group.port()));
      }
      states.put(group.name(), new GroupState(group.name(), holders, redis, vipAnswer(group)));
    }
    return states;
  }

  private RedisView redisView(String host, int port) {
    LabNetwork.ExecResult result =
        lab.network()
            .exec(host, "redis-cli", "-p", Integer.toString(port), "INFO", "server", "replication");
    return parseReplication(result.succeeded() ? result.output() : "");
  }

  /** The run id of the Redis that answers through the group's VIP from the client host. */
  private String vipAnswer(PairLab.Group group) {
    try {
      return lab.network()
          .inNamespace(
              PairLab.CLIENT,
              () -> {
                try (RespClient client = new RespClient(group.vip(), group.port(), 50, 500)) {
                  Object reply = client.command("INFO", "server");
                  return reply == null ? null : parseReplication(reply.toString()).runId();
                } catch (java.io.IOException e) {
                  return null;
                }
              });
    } catch (Exception e) {
      return null;
    }
  }

  static RedisView parseReplication(String info) {
    String role = "down";
    String masterHost = null;
    boolean linkUp = false;
    String runId = null;
    for (String line : info.split("\r?\n")) {
      int colon = line.indexOf(':');
      if (colon < 0) {
        continue;
      }
      String key = line.substring(0, colon);
      String value = line.substring(colon + 1).strip();
      switch (key) {
        case "role" -> role = value;
        case "master_host" -> masterHost = value;
        case "master_link_status" -> linkUp = value.equals("up");
        case "run_id" -> runId = value;
        default -> {}
      }
    }
    return new RedisView(role, masterHost, linkUp, runId);
  }

  /** Whether every group is settled. */
  boolean allSettled(Map<String, GroupState> states) {
    return states.values().stream().allMatch(s -> s.settled(lab.network()));
  }

  /**
   * Polls every 100 ms until every group is settled; returns the last state seen, settled or not.
   */
  Map<String, GroupState> awaitSettled(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    Map<String, GroupState> states = look();
    while (!allSettled(states) && System.nanoTime() < deadline) {
      Thread.sleep(100);
      states = look();
    }
    return states;
  }

  /** The run id of the Redis on {@code host}:{@code port}, or null. */
  String runId(String host, int port) {
    String info =
        lab.network()
            .exec(host, "redis-cli", "-p", Integer.toString(port), "INFO", "server")
            .output();
    for (String line : info.split("\r?\n")) {
      if (line.startsWith("run_id:")) {
        return line.substring("run_id:".length()).strip();
      }
    }
    return null;
  }
}

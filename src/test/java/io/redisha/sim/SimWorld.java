package io.redisha.sim;

import io.redisha.agent.GroupController;
import io.redisha.agent.Switchover;
import io.redisha.arbiter.FenceTiming;
import io.redisha.arbiter.LeaseGuard;
import io.redisha.arbiter.LeasePort;
import io.redisha.arbiter.Protection;
import io.redisha.arbiter.SplitBrainGuard;
import io.redisha.clock.VirtualScheduler;
import io.redisha.kube.PairResources;
import io.redisha.net.Ipv4Cidr;
import io.redisha.pair.PairSettings;
import io.redisha.vrrp.AdvertisementFilter;
import io.redisha.vrrp.AdvertisementFilter.Accepted;
import io.redisha.vrrp.ChecksumMode;
import io.redisha.vrrp.DropCounters;
import io.redisha.vrrp.VrrpAdvertisement;
import io.redisha.vrrp.VrrpCodec;
import io.redisha.vrrp.VrrpRouter;
import io.redisha.vrrp.VrrpVersion;
import java.net.Inet4Address;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Two nodes with two Redis groups each, run by the real {@link GroupController}s (with the real
 * VRRP state machine, codec, advertisement filter, health rules, S5 data guard and split-brain
 * guard) on a virtual clock, over a simulated link, Redis, API server and VIPs, with a client
 * writing through each VIP. Each node's agent runs on its own {@link AgentScheduler}, so it can
 * stall or crash while its Redis serves. One instance runs one schedule.
 */
final class SimWorld {
  static final List<String> GROUPS = List.of("a", "b");
  static final long SETTLE_MILLIS = 20_000;
  private static final long WRITE_EVERY_NANOS = 20_000_000L;
  private static final long CRON_EVERY_NANOS = 100_000_000L;
  static int TRACE = Integer.getInteger("sim.trace", 60);

  final long seed;
  final Scenario scenario;
  final Protection protection;
  final List<Fault> faults;
  final VirtualScheduler scheduler = new VirtualScheduler();
  final Random random;
  final SimNetwork network;
  final SimApiServer api;
  final SimEtcd etcd;
  final FenceTiming timing;
  final SafetyChecker checker;

  /** What redis.conf makes of each Redis process at boot. */
  final RedisBoot boot;

  private final Inet4Address[] ips = new Inet4Address[2];
  private final PairSettings[] pairs = new PairSettings[2];
  private final Map<String, SimRedis[]> redis = new LinkedHashMap<>();
  private final Map<String, SimPorts.Vip[]> vips = new LinkedHashMap<>();
  private final Map<String, GroupController[]> controllers = new LinkedHashMap<>();
  private final AgentScheduler[] agents = new AgentScheduler[2];
  private final Map<Fault, Integer> faultTargets = new IdentityHashMap<>();
  private final Map<Fault, AgentScheduler> stalled = new IdentityHashMap<>();
  private final Map<Fault, Integer> crashed = new IdentityHashMap<>();
  private final Map<Integer, AdvertisementFilter> filters = new HashMap<>();
  private final ArrayDeque<String> trace = new ArrayDeque<>();
  private final Map<String, Long> writeIds = new HashMap<>();
  final Map<String, Map<Long, Integer>> acked = new HashMap<>();
  final List<Switchover.Outcome> switchovers = new ArrayList<>();
  private long ids;
  private long announcements;

  SimWorld(long seed, Scenario scenario, Protection protection, List<Fault> faults) {
    this(seed, scenario, protection, faults, RedisBoot.fromProperty());
  }

  SimWorld(
      long seed, Scenario scenario, Protection protection, List<Fault> faults, RedisBoot boot) {
    this.seed = seed;
    this.scenario = scenario;
    this.protection = protection;
    this.faults = List.copyOf(faults);
    this.random = new Random(seed * 31 + 7);
    this.boot = boot;
    this.network = new SimNetwork(random, seed * 131 + 17);
    this.api = new SimApiServer(this);
    this.etcd = new SimEtcd(this, seed);
    for (int node = 0; node < 2; node++) {
      ips[node] = Ipv4Cidr.parseAddress("192.0.2." + (11 + node));
    }
    for (int node = 0; node < 2; node++) {
      pairs[node] = pair(node);
    }
    this.timing = pairs[0].guardSettings().timing();
    this.checker = new SafetyChecker(this);
    for (String group : GROUPS) {
      int port = group.equals("a") ? 6379 : 6389;
      redis.put(
          group,
          new SimRedis[] {
            new SimRedis(this, 0, group, ips[0].getHostAddress(), port),
            new SimRedis(this, 1, group, ips[1].getHostAddress(), port)
          });
      vips.put(
          group,
          new SimPorts.Vip[] {new SimPorts.Vip(this, 0, group), new SimPorts.Vip(this, 1, group)});
      acked.put(group, new HashMap<>());
      writeIds.put(group, 0L);
    }
    for (int node = 0; node < 2; node++) {
      Map<Integer, AdvertisementFilter.RouterRule> rules = new HashMap<>();
      for (PairSettings.Group group : pairs[node].groups()) {
        rules.put(
            group.virtualRouterId(),
            new AdvertisementFilter.RouterRule(
                pairs[node].vrrp().intervalCentis(), null, List.of(group.vip().address())));
      }
      filters.put(
          node,
          new AdvertisementFilter(
              ips[1 - node],
              255,
              VrrpVersion.V3,
              ChecksumMode.PSEUDO_HEADER,
              rules,
              new DropCounters()));
    }
  }

  private PairSettings pair(int node) {
    List<PairSettings.Group> groups = new ArrayList<>();
    for (String name : GROUPS) {
      boolean a = name.equals("a");
      int preferred = a ? 0 : 1;
      groups.add(
          new PairSettings.Group(
              name,
              a ? 6379 : 6389,
              Ipv4Cidr.parse(a ? "192.0.2.100/24" : "192.0.2.101/24"),
              a ? 51 : 52,
              nodeName(preferred),
              node == preferred ? 150 : 100,
              PairSettings.Auth.NONE));
    }
    return new PairSettings(
        "sim",
        new PairSettings.Link(nodeName(node), ips[node], nodeName(1 - node), ips[1 - node], "eth0"),
        new PairSettings.Vrrp(
            VrrpVersion.V3, 10, ChecksumMode.PSEUDO_HEADER, 255, false, Duration.ZERO),
        new PairSettings.Garp(5, Duration.ZERO, Duration.ofSeconds(5), Duration.ZERO),
        new PairSettings.Health(Duration.ofMillis(100), Duration.ofMillis(250), 2, 2),
        new PairSettings.Redis(null),
        new PairSettings.SplitBrain(protection, null),
        null,
        groups);
  }

  // ---- accessors for the parts ----

  long now() {
    return scheduler.nanoTime();
  }

  String newId(String prefix) {
    // The counter first: reports show the first 8 characters of a replication id.
    return String.format("%08x%032x", ++ids, 0);
  }

  SimRedis redis(int node, String group) {
    return redis.get(group)[node];
  }

  SimPorts.Vip vip(int node, String group) {
    return vips.get(group)[node];
  }

  GroupController controller(int node, String group) {
    return controllers.get(group)[node];
  }

  String nodeName(int node) {
    return node == 0 ? "vm-a" : "vm-b";
  }

  /** Whether the agent of {@code node} runs (neither crashed nor stalled). */
  boolean agentRunning(int node) {
    return agents[node] != null && !agents[node].stalled();
  }

  String nodeIp(int node) {
    return ips[node].getHostAddress();
  }

  long nextAnnouncement() {
    return ++announcements;
  }

  void event(String text) {
    if (trace.size() == TRACE) {
      trace.removeFirst();
    }
    trace.addLast(String.format("%9.3f s  %s", now() / 1e9, text));
  }

  List<String> trace() {
    return List.copyOf(trace);
  }

  void promoted(SimRedis server) {
    event("redis " + nodeName(server.node) + "/" + server.group + " promoted");
    checker.promoted(server);
  }

  void fullSync(SimRedis replica, SimRedis source) {
    event(
        "redis "
            + nodeName(replica.node)
            + "/"
            + replica.group
            + " full sync from "
            + nodeName(source.node)
            + " ("
            + replica.log.size()
            + " -> "
            + source.log.size()
            + " writes)");
    checker.fullSync(replica, source);
  }

  void leaseChanged(String name, LeasePort.LeaseRecord lease) {
    event("lease " + name + " holder " + lease.holder() + " rv " + lease.resourceVersion());
  }

  // ---- running ----

  /** Runs the schedule; returns the first violation, or null. */
  String run() {
    long faultsEnd = 0;
    for (Fault fault : faults) {
      faultsEnd = Math.max(faultsEnd, fault.atMillis() + fault.durationMillis());
    }
    long endNanos =
        Math.max(Scenario.FAULTS_UNTIL_MILLIS, faultsEnd) * 1_000_000L + SETTLE_MILLIS * 1_000_000L;
    checker.healedAt(faultsEnd * 1_000_000L);
    for (int node = 0; node < 2; node++) {
      int n = node;
      long offset = random.nextInt(500) * 1_000_000L;
      scheduler.schedule(Duration.ofNanos(offset), () -> startNode(n));
    }
    for (Fault fault : faults) {
      scheduler.schedule(Duration.ofMillis(fault.atMillis()), () -> begin(fault));
      if (fault.durationMillis() > 0) {
        scheduler.schedule(
            Duration.ofMillis(fault.atMillis() + fault.durationMillis()), () -> end(fault));
      }
    }
    if (protection == Protection.ETCD) {
      etcd.schedule();
    }
    scheduler.schedule(Duration.ofMillis(Scenario.FAULTS_FROM_MILLIS - 2_000), this::startWriters);
    cron();
    try {
      while (checker.violation() == null) {
        long next = scheduler.nextDue();
        if (next > endNanos) {
          break;
        }
        scheduler.advanceTo(next);
        checker.afterStep();
      }
      if (checker.violation() == null) {
        checker.atEnd();
      }
    } catch (RuntimeException e) {
      checker.fail("exception: " + e);
      e.printStackTrace();
    }
    return checker.violation();
  }

  /**
   * Starts the agent of {@code node} on a fresh scheduler. A restarted agent first brings the node
   * to what its state implies ("a restart starts clean", AgentRuntime's part): the VIPs its
   * predecessor left are removed; its controllers then close the write fence of their Redis at the
   * first check, as for any node that is not master.
   */
  private void startNode(int node) {
    AgentScheduler agent = new AgentScheduler(scheduler);
    agents[node] = agent;
    for (String group : GROUPS) {
      vip(node, group).remove();
    }
    for (PairSettings.Group group : pairs[node].groups()) {
      String name = group.name();
      SimRedis local = redis(node, name);
      SplitBrainGuard guard =
          switch (protection) {
            case NONE -> SplitBrainGuard.NONE;
            case LEASE ->
                new LeaseGuard(
                    nodeName(node),
                    timing,
                    agent,
                    api.port(
                        node,
                        PairResources.groupLeaseName(pairs[node].pairName(), group.name()),
                        agent),
                    text -> event(nodeName(node) + "/" + name + ": " + text));
            case ETCD ->
                etcd.guard(
                    node,
                    pairs[node].pairName(),
                    group.name(),
                    agent,
                    text -> event(nodeName(node) + "/" + name + ": " + text));
          };
      GroupController controller =
          new GroupController(
              pairs[node],
              group,
              agent,
              new SimPorts.LocalRedis(this, agent, local),
              new SimPorts.PeerRedis(this, agent, node, redis(1 - node, name)),
              vip(node, name),
              guard,
              advert -> send(node, advert),
              GroupController.Listener.NONE,
              text -> event(nodeName(node) + ": " + text));
      controllers.computeIfAbsent(name, k -> new GroupController[2])[node] = controller;
      controller.start();
    }
  }

  /** An advert leaves {@code from} as a real datagram and passes the peer's filter (S8). */
  private void send(int from, VrrpAdvertisement advert) {
    byte[] message = VrrpCodec.encode(advert, ChecksumMode.PSEUDO_HEADER, ips[from], ips[1 - from]);
    byte[] datagram = new byte[20 + message.length];
    datagram[0] = 0x45;
    datagram[2] = (byte) (datagram.length >> 8);
    datagram[3] = (byte) datagram.length;
    datagram[8] = (byte) 255;
    datagram[9] = 112;
    System.arraycopy(ips[from].getAddress(), 0, datagram, 12, 4);
    System.arraycopy(ips[1 - from].getAddress(), 0, datagram, 16, 4);
    System.arraycopy(message, 0, datagram, 20, message.length);
    int copies = network.duplicateDatagram() ? 2 : 1;
    for (int i = 0; i < copies; i++) {
      if (!network.up(from, 1 - from) || network.dropDatagram()) {
        continue;
      }
      scheduler.schedule(network.delay(), () -> deliver(1 - from, datagram));
    }
  }

  /** The datagram reaches the node's socket; its agent reads it when it runs. */
  private void deliver(int to, byte[] datagram) {
    if (!network.up(1 - to, to) || agents[to] == null) {
      return;
    }
    agents[to].execute(() -> receive(to, datagram));
  }

  private void receive(int to, byte[] datagram) {
    if (filters.get(to).check(datagram, datagram.length) instanceof Accepted accepted) {
      for (GroupController[] pair : controllers.values()) {
        GroupController controller = pair[to];
        if (controller != null
            && controller.group().virtualRouterId() == accepted.advertisement().virtualRouterId()) {
          VrrpRouter router = controller.router();
          router.receive(accepted.advertisement(), accepted.source());
        }
      }
    }
  }

  private void cron() {
    for (SimRedis[] pair : redis.values()) {
      for (SimRedis server : pair) {
        server.cron();
      }
    }
    scheduler.schedule(Duration.ofNanos(CRON_EVERY_NANOS), this::cron);
  }

  private void startWriters() {
    for (String group : GROUPS) {
      write(group);
    }
  }

  /** The client writes one new key through the VIP, as often as a busy application does. */
  private void write(String group) {
    scheduler.schedule(Duration.ofNanos(WRITE_EVERY_NANOS), () -> write(group));
    int target = vipTarget(group);
    if (target < 0) {
      return;
    }
    long id = writeIds.merge(group, 1L, Long::sum);
    scheduler.schedule(
        network.delay(),
        () -> {
          if (!network.clientReaches(target) || !vip(target, group).held) {
            return;
          }
          redis(target, group)
              .write(
                  id,
                  ok ->
                      scheduler.schedule(
                          network.delay(),
                          () -> {
                            if (ok && network.clientReaches(target)) {
                              acked.get(group).put(id, target);
                              checker.acked(group, target, id);
                            }
                          }));
        });
  }

  /** Where the client's packets for the VIP go: the node that announced it last, if reachable. */
  int vipTarget(String group) {
    int best = -1;
    for (int node = 0; node < 2; node++) {
      SimPorts.Vip vip = vip(node, group);
      if (vip.held
          && network.clientReaches(node)
          && (best < 0 || vip.announced > vip(best, group).announced)) {
        best = node;
      }
    }
    return best;
  }

  /** The node a fault hits: {@link Fault#MASTER} is resolved when it begins. */
  private int target(Fault fault) {
    if (fault.node() != Fault.MASTER) {
      return fault.node();
    }
    int holder = vipTarget(fault.group() == null ? "a" : fault.group());
    return holder < 0 ? 0 : holder;
  }

  private void begin(Fault scheduled) {
    int node = target(scheduled);
    event(
        "FAULT begins: "
            + scheduled
            + (scheduled.node() == Fault.MASTER ? " (" + nodeName(node) + ")" : ""));
    checker.faultBegins(scheduled);
    faultTargets.put(scheduled, node);
    Fault fault =
        new Fault(
            scheduled.kind(),
            scheduled.atMillis(),
            scheduled.durationMillis(),
            node,
            scheduled.group(),
            scheduled.rate());
    switch (fault.kind()) {
      case PAIR_CUT -> network.pairCuts++;
      case DROP -> network.dropRate = Math.max(network.dropRate, fault.rate());
      case DELAY ->
          network.extraDelayNanos =
              Math.max(network.extraDelayNanos, (long) (fault.rate() * 1_000_000));
      case DUPLICATE -> network.duplicateRate = Math.max(network.duplicateRate, fault.rate());
      case API_CUT -> network.apiCuts[fault.node()]++;
      case ISOLATE -> network.isolations[fault.node()]++;
      case REDIS_CRASH -> redis(fault.node(), fault.group()).crash();
      case REDIS_RESTART_EMPTY -> redis(fault.node(), fault.group()).restartEmpty();
      case REDIS_LAG ->
          redis(fault.node(), fault.group()).lagFor(Duration.ofMillis(fault.durationMillis()));
      case SWITCHOVER -> requestSwitchover(fault.group());
      case AGENT_STALL -> {
        AgentScheduler agent = agents[node];
        if (agent != null) {
          agent.stall();
          stalled.put(scheduled, agent);
          event("agent " + nodeName(node) + " stalled");
        }
      }
      case AGENT_CRASH -> {
        AgentScheduler agent = agents[node];
        if (agent != null) {
          agent.crash();
          agents[node] = null;
          // The kernel closes the dead process's sockets: its dead-man replicas go at once.
          for (String group : GROUPS) {
            redis(node, group).keeperGone();
          }
          crashed.put(scheduled, node);
          event("agent " + nodeName(node) + " killed (VIPs and Redis roles left as they were)");
        }
      }
      case LOSSY -> network.lossRate = Math.max(network.lossRate, fault.rate());
    }
  }

  private void end(Fault scheduled) {
    event("FAULT ends: " + scheduled);
    int node = faultTargets.getOrDefault(scheduled, scheduled.node());
    switch (scheduled.kind()) {
      case PAIR_CUT -> network.pairCuts--;
      case DROP -> network.dropRate = 0;
      case DELAY -> network.extraDelayNanos = 0;
      case DUPLICATE -> network.duplicateRate = 0;
      case API_CUT -> network.apiCuts[node]--;
      case ISOLATE -> network.isolations[node]--;
      case REDIS_CRASH -> {
        SimRedis server = redis(node, scheduled.group());
        if (!server.alive) {
          server.restartEmpty();
        }
      }
      case LOSSY -> network.lossRate = 0;
      case AGENT_STALL -> {
        AgentScheduler agent = stalled.remove(scheduled);
        if (agent != null) {
          event("agent " + nodeName(node) + " runs again");
          agent.resume();
        }
      }
      case AGENT_CRASH -> {
        Integer dead = crashed.remove(scheduled);
        if (dead != null && agents[dead] == null) {
          event("agent " + nodeName(dead) + " started again");
          startNode(dead);
        }
      }
      default -> {}
    }
  }

  private void requestSwitchover(String group) {
    int master = vipTarget(group);
    if (master < 0) {
      event("switchover of " + group + " skipped: no master");
      return;
    }
    checker.switchoverStarted(group);
    controller(master, group)
        .switchover()
        .thenAccept(
            outcome -> {
              switchovers.add(outcome);
              event("switchover of " + group + ": " + outcome);
              checker.switchoverEnded(group, outcome);
            });
  }
}

package io.redisha.cli;

import io.redisha.agent.NetVip;
import io.redisha.agent.VrrpEndpoint;
import io.redisha.clock.ExecutorScheduler;
import io.redisha.net.NetlinkAddressManager;
import io.redisha.net.PacketArpAnnouncer;
import io.redisha.net.RawVrrpSocket;
import io.redisha.pair.InvalidPairException;
import io.redisha.pair.PairFile;
import io.redisha.pair.PairSettings;
import io.redisha.pair.PairValidation;
import io.redisha.vrrp.AdvertisementFilter;
import io.redisha.vrrp.AdvertisementFilter.RouterRule;
import io.redisha.vrrp.DropCounters;
import io.redisha.vrrp.VrrpAdvertisement;
import io.redisha.vrrp.VrrpRouter;
import io.redisha.vrrp.VrrpRouterConfig;
import io.redisha.vrrp.VrrpState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;

/**
 * {@code redisha vrrp --config pair.yaml --node vm-a [--priority N] [--state-file F]}: runs the
 * VRRP of every group of a pair file without Redis, holding each VIP while master, so a person can
 * watch it beside keepalived. Prints one line per transition; on SIGTERM or Ctrl-C it sends
 * priority 0 and removes the VIPs.
 */
final class VrrpDemoCommand {
  private VrrpDemoCommand() {}

  static int run(String[] argv) throws Exception {
    Args args;
    PairSettings settings;
    try {
      args = Args.parse(argv, Set.of("config", "node", "priority", "state-file"), Set.of());
      Path config = Path.of(args.require("config"));
      settings =
          PairValidation.resolve(PairFile.load(config), args.require("node"), config.toString());
    } catch (IllegalArgumentException | InvalidPairException e) {
      System.err.println("redisha vrrp: " + e.getMessage());
      return 2;
    }
    int priorityOverride = args.intValue("priority", 0);
    Path stateFile = args.get("state-file") == null ? null : Path.of(args.get("state-file"));

    ExecutorScheduler scheduler = new ExecutorScheduler("vrrp");
    RawVrrpSocket socket =
        RawVrrpSocket.open(settings.link().interfaceName(), settings.link().localAddress(), 255);
    NetlinkAddressManager addresses = NetlinkAddressManager.open();
    PacketArpAnnouncer arp = PacketArpAnnouncer.open(settings.link().interfaceName());
    DropCounters drops = new DropCounters();
    Map<Integer, RouterRule> rules = new HashMap<>();
    for (PairSettings.Group group : settings.groups()) {
      rules.put(
          group.virtualRouterId(),
          new RouterRule(
              settings.vrrp().intervalCentis(),
              settings.vrrp().password(),
              List.of(group.vip().address())));
    }
    AdvertisementFilter filter =
        new AdvertisementFilter(
            settings.link().peerAddress(),
            settings.vrrp().minTtl(),
            settings.vrrp().version(),
            settings.vrrp().checksumMode(),
            rules,
            drops);
    VrrpEndpoint endpoint =
        new VrrpEndpoint(
            socket,
            scheduler,
            settings.link().localAddress(),
            settings.link().peerAddress(),
            settings.vrrp().checksumMode(),
            () -> filter);
    Map<String, VrrpState> states = new HashMap<>();
    List<VrrpRouter> routers = new ArrayList<>();
    List<NetVip> vips = new ArrayList<>();
    for (PairSettings.Group group : settings.groups()) {
      NetVip vip =
          new NetVip(
              settings.link().interfaceName(),
              group.vip(),
              addresses,
              arp,
              settings.garp(),
              scheduler);
      vips.add(vip);
      VrrpRouterConfig routerConfig =
          settings.routerConfig(group, priorityOverride > 0 ? priorityOverride : group.priority());
      VrrpRouter router =
          new VrrpRouter(
              routerConfig,
              scheduler,
              new VrrpRouter.Output() {
                @Override
                public void send(VrrpAdvertisement advertisement) {
                  endpoint.send(advertisement);
                }

                @Override
                public void transition(VrrpState from, VrrpState to, String reason) {
                  if (to == VrrpState.MASTER) {
                    vip.add();
                  } else if (from == VrrpState.MASTER) {
                    vip.remove();
                  }
                  System.out.printf(
                      "%s group %s: %s -> %s: %s%n", Instant.now(), group.name(), from, to, reason);
                  states.put(group.name(), to);
                  writeState(stateFile, states);
                }
              });
      routers.add(router);
      endpoint.register(group.virtualRouterId(), router);
    }
    System.out.printf(
        "redisha vrrp: node %s (%s), peer %s, VRRPv%d every %d ms on %s, groups %s%n",
        settings.link().localNode(),
        settings.link().localAddress().getHostAddress(),
        settings.link().peerAddress().getHostAddress(),
        settings.vrrp().version().number(),
        settings.vrrp().intervalCentis() * 10,
        settings.link().interfaceName(),
        settings.groups().stream().map(PairSettings.Group::name).toList());

    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  scheduler.runAndWait(
                      () -> {
                        for (VrrpRouter router : routers) {
                          router.shutdown("stopping");
                        }
                        vips.forEach(NetVip::remove);
                      });
                  System.out.println(Instant.now() + " released: priority 0 sent, VIPs removed");
                  endpoint.close();
                  System.out.println(
                      "redisha vrrp: stopped; dropped packets: " + describeDrops(drops));
                  stopped.countDown();
                }));
    endpoint.start();
    scheduler.runAndWait(() -> routers.forEach(VrrpRouter::start));
    stopped.await();
    return 0;
  }

  static String describeDrops(DropCounters drops) {
    String text =
        drops.snapshot().entrySet().stream()
            .filter(e -> e.getValue() > 0)
            .map(e -> e.getKey().label() + "=" + e.getValue())
            .collect(Collectors.joining(" "));
    return text.isEmpty() ? "none" : text;
  }

  private static void writeState(Path stateFile, Map<String, VrrpState> states) {
    if (stateFile == null) {
      return;
    }
    String text =
        states.entrySet().stream()
            .map(e -> e.getKey() + " " + e.getValue())
            .sorted()
            .collect(Collectors.joining("\n", "", "\n"));
    try {
      Path temp = stateFile.resolveSibling(stateFile.getFileName() + ".tmp");
      Files.writeString(temp, text);
      Files.move(temp, stateFile, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      System.err.println("redisha vrrp: cannot write " + stateFile + ": " + e.getMessage());
    }
  }
}

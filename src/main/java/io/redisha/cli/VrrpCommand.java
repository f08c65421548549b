package io.redisha.cli;

import io.redisha.agent.NetVip;
import io.redisha.agent.VrrpEndpoint;
import io.redisha.clock.ExecutorScheduler;
import io.redisha.net.InterfaceInfo;
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
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code redisha vrrp --config pair.yaml --node vm-a [--priority N] [--state-file F]}: runs the
 * VRRP of every group of a pair file without Redis, holding each VIP while master, so a person can
 * watch it beside keepalived. Prints one line per transition; on SIGTERM or Ctrl-C it sends
 * priority 0 and removes the VIPs.
 */
@Command(
    name = "vrrp",
    synopsisHeading = "%nUsage: ",
    sortOptions = false,
    header = "run only the VRRP of a pair file's groups, without Redis (a demo beside keepalived)",
    description = {
      "",
      "Runs the VRRP of every group in FILE for node NAME, holding each group's VIP while master"
          + " and printing one line per transition. Put keepalived on the other host (unicast,"
          + " same router ids, VIPs and password) and watch them elect each other. On SIGTERM or"
          + " Ctrl-C it sends priority 0 and removes the VIPs.",
      "",
      "Needs root, or CAP_NET_RAW and CAP_NET_ADMIN."
    },
    optionListHeading = "%nOptions:%n",
    footerHeading = "%n",
    footer = {
      "Exit codes: 0 stopped; 1 failed to start (missing interface or capability); 2 usage error"
          + " or invalid pair file."
    })
final class VrrpCommand implements Callable<Integer> {
  private final Streams streams;

  @Option(
      names = "--config",
      required = true,
      paramLabel = "FILE",
      description = "The pair file (or a whole RedisHAPair resource).")
  Path config;

  @Option(
      names = "--node",
      required = true,
      paramLabel = "NAME",
      description = "This node: one of the names under nodes in FILE.")
  String node;

  @Option(
      names = "--priority",
      paramLabel = "N",
      converter = Converters.WholeNumber.class,
      description =
          "VRRP priority of every group, 1 to 254, instead of the file's (150 for the"
              + " preferredMaster, else 100).")
  Integer priority;

  @Option(
      names = "--state-file",
      paramLabel = "FILE",
      description = "Keep each group's state in this file, one 'GROUP STATE' line per group.")
  Path stateFile;

  @Option(
      names = {"-h", "--help"},
      usageHelp = true,
      description = "Show this help.")
  boolean help;

  @Spec CommandSpec spec;

  VrrpCommand(Streams streams) {
    this.streams = streams;
  }

  @Override
  public Integer call() throws Exception {
    if (priority != null && (priority < 1 || priority > 254)) {
      throw new ParameterException(
          spec.commandLine(), "--priority: must be 1 to 254, not " + priority);
    }
    PairSettings settings;
    try {
      settings = PairValidation.resolve(PairFile.load(config), node, config.toString());
    } catch (InvalidPairException e) {
      streams.err().println("redisha vrrp: " + e.getMessage());
      return Main.USAGE_ERROR;
    }
    int priorityOverride = priority == null ? 0 : priority;
    PrintStream out = streams.out();
    PrintStream err = streams.err();

    RawVrrpSocket socket;
    NetlinkAddressManager addresses;
    PacketArpAnnouncer arp;
    try {
      // An absent interface is found with a datagram socket, before any raw socket exists.
      InterfaceInfo.lookup(settings.link().interfaceName());
      socket =
          RawVrrpSocket.open(settings.link().interfaceName(), settings.link().localAddress(), 255);
      try {
        addresses = NetlinkAddressManager.open();
      } catch (IOException | RuntimeException e) {
        socket.close();
        throw e;
      }
      try {
        arp = PacketArpAnnouncer.open(settings.link().interfaceName());
      } catch (IOException | RuntimeException e) {
        addresses.close();
        socket.close();
        throw e;
      }
    } catch (IOException | RuntimeException e) {
      err.println("redisha vrrp: " + StartFailures.network(settings, config.toString(), e));
      return Main.FAILED;
    }
    ExecutorScheduler scheduler = new ExecutorScheduler("vrrp");
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
                  out.printf(
                      "%s group %s: %s -> %s: %s%n", Instant.now(), group.name(), from, to, reason);
                  states.put(group.name(), to);
                  writeState(stateFile, states, err);
                }
              });
      routers.add(router);
      endpoint.register(group.virtualRouterId(), router);
    }
    out.printf(
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
                  out.println(Instant.now() + " released: priority 0 sent, VIPs removed");
                  endpoint.close();
                  out.println("redisha vrrp: stopped; dropped packets: " + describeDrops(drops));
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

  private static void writeState(Path stateFile, Map<String, VrrpState> states, PrintStream err) {
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
      Files.move(temp, stateFile, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      err.println("redisha vrrp: cannot write " + stateFile + ": " + e.getMessage());
    }
  }
}

package io.redisha.agent;

import io.redisha.api.AgentReport;
import io.redisha.arbiter.SplitBrainGuard;
import io.redisha.clock.ExecutorScheduler;
import io.redisha.net.AddressManager;
import io.redisha.net.ArpAnnouncer;
import io.redisha.net.ConnectRefusal;
import io.redisha.net.LinkState;
import io.redisha.net.LinkWatch;
import io.redisha.net.VrrpTransport;
import io.redisha.pair.InvalidPairException;
import io.redisha.pair.PairFile;
import io.redisha.pair.PairSettings;
import io.redisha.pair.PairValidation;
import io.redisha.redis.LettuceRedisNodes;
import io.redisha.redis.RedisAccess;
import io.redisha.redis.RedisEndpoint;
import io.redisha.redis.RedisNode;
import io.redisha.vrrp.AdvertisementFilter;
import io.redisha.vrrp.AdvertisementFilter.RouterRule;
import io.redisha.vrrp.AdvertisementSigner;
import io.redisha.vrrp.DropCounters;
import io.redisha.vrrp.HmacReplayGuard;
import io.redisha.vrrp.HmacSequence;
import io.redisha.vrrp.VrrpAdvertisement;
import io.redisha.vrrp.VrrpRouter;
import io.redisha.vrrp.VrrpRouterConfig;
import io.redisha.vrrp.VrrpState;
import java.io.IOException;
import java.net.Inet4Address;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node's agent: the groups of the pair file, their VRRP on one raw socket, their Redis and
 * VIPs, the report, and reloads of the pair file. All state changes run on one scheduler thread.
 *
 * <p>It follows the pair's interface (S11): while the kernel says the interface cannot carry
 * traffic (link down, carrier lost, gone), every group is in FAULT, holds no VIP and keeps its
 * Redis from taking writes; when it can again, the groups rejoin as backups. It starts clean: VIPs
 * of its groups that a previous agent left on the interface are removed, and its Redis is held from
 * taking writes, before anything else runs.
 */
public final class AgentRuntime implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger("redisha.agent");
  private static final Duration REOPEN_RETRY = Duration.ofSeconds(1);

  /**
   * Opens a socket bound to the pair's interface; called again when the interface is re-created.
   */
  @FunctionalInterface
  public interface SocketOpener<T> {
    T open() throws IOException;
  }

  /**
   * The node's edges on the pair's interface.
   *
   * @param vrrp opens the VRRP socket
   * @param arp opens the gratuitous ARP socket
   * @param addresses adds and removes the VIPs, by interface name
   * @param links follows the interface's link state
   * @param refusals refuses connects to a VIP just released (see {@link NetVip}), or null for none
   */
  public record NetworkEdges(
      SocketOpener<? extends VrrpTransport> vrrp,
      SocketOpener<? extends ArpAnnouncer> arp,
      AddressManager addresses,
      LinkWatch.Factory links,
      NetVip.ConnectRefusals refusals) {
    /** Edges that refuse nothing after a release. */
    public NetworkEdges(
        SocketOpener<? extends VrrpTransport> vrrp,
        SocketOpener<? extends ArpAnnouncer> arp,
        AddressManager addresses,
        LinkWatch.Factory links) {
      this(vrrp, arp, addresses, links, null);
    }
  }

  /** Builds the split-brain guard of a group. */
  public interface GuardFactory {
    SplitBrainGuard create(
        PairSettings pair, PairSettings.Group group, ExecutorScheduler scheduler);

    GuardFactory NONE = (pair, group, scheduler) -> SplitBrainGuard.NONE;
  }

  private final Path configFile;
  private final boolean restartForPairChanges;
  private final String nodeName;
  private final ExecutorScheduler scheduler;
  private final NetworkEdges network;
  private final AddressManager addresses;
  private final CurrentArp arp;
  private final ReportSink reportSink;
  private final GuardFactory guards;
  private final LettuceRedisNodes redisNodes = new LettuceRedisNodes(Duration.ofMillis(500));
  private final DropCounters drops = new DropCounters();

  /** The refusals of connects to released VIPs answering now, kept across reloads (NetVip). */
  private final Map<Inet4Address, ConnectRefusal> answeringRefusals = new ConcurrentHashMap<>();

  /**
   * auth_hmac sequence numbers of this process: every signer of every reload draws from it, so our
   * numbers keep growing across reloads and runtimes (and, being clock based, across restarts).
   */
  private static final HmacSequence SEQUENCE = new HmacSequence(Clock.systemUTC());

  /** The peer's last accepted sequence numbers, kept for the agent's lifetime across reloads. */
  private final HmacReplayGuard replayGuard = new HmacReplayGuard();

  /** The running groups; read and changed only on the scheduler thread. */
  private final Map<String, RunningGroup> groups = new LinkedHashMap<>();

  /** Each group's part of the report last published; scheduler thread. */
  private Map<String, AgentReport.GroupReport> reportedGroups = Map.of();

  /**
   * A copy of {@link #groups} that is never changed, replaced on the scheduler thread after every
   * change: the HTTP thread reads this one, so it neither waits for the scheduler nor meets a map
   * in the middle of a change.
   */
  private volatile Map<String, RunningGroup> publishedGroups = Map.of();

  private final Map<String, HookedVip> hookedVips = new LinkedHashMap<>();

  /** Priorities a group's router takes once this node is its master; scheduler thread only. */
  private final Map<String, Integer> deferredPriorities = new LinkedHashMap<>();

  private final java.util.concurrent.ExecutorService hookCalls =
      java.util.concurrent.Executors.newThreadPerTaskExecutor(
          Thread.ofVirtual().name("vip-hook-", 0).factory());
  private final VrrpEndpoint endpoint;
  private final List<RecentTransition> recent = new ArrayList<>();
  private volatile PairSettings settings;
  private volatile String configHash;

  /** Why the last change of the pair file was refused or is only partly applied, or null. */
  private volatile String reloadProblem;

  /** Why the pair file cannot be read now, or null. */
  private volatile String pairFileProblem;

  /** Why the operator's generation file beside the pair file cannot be used, or null. */
  private volatile String generationProblem;

  private volatile Long configGeneration;

  /** When the scheduler last ran the periodic pair-file check (every second), monotonic nanos. */
  private volatile long schedulerTickNanos = System.nanoTime();

  private volatile AgentReport report;
  private volatile boolean stopped;

  /** The pair's interface; set once at start. */
  private LinkWatch linkWatch;

  /** The interface index the VRRP and ARP sockets were opened on; scheduler thread only. */
  private int socketsIndex;

  /** The last link state applied, and since when; scheduler thread only. */
  private LinkState linkState;

  private Instant linkSince;

  /** Why every group is in FAULT for the link, or null; scheduler thread only. */
  private String linkFault;

  private boolean reopenRetryScheduled;

  private record RunningGroup(
      GroupController controller, LettuceRedisPort local, LettuceRedisPort peer) {}

  private AgentRuntime(
      Path configFile,
      boolean restartForPairChanges,
      PairSettings settings,
      String configHash,
      ExecutorScheduler scheduler,
      NetworkEdges network,
      VrrpTransport transport,
      ArpAnnouncer arp,
      ReportSink reportSink,
      GuardFactory guards) {
    this.configFile = configFile;
    this.restartForPairChanges = restartForPairChanges;
    this.nodeName = settings.link().localNode();
    this.settings = settings;
    this.configHash = configHash;
    this.scheduler = scheduler;
    this.network = network;
    this.addresses = network.addresses();
    this.arp = new CurrentArp(arp);
    this.reportSink = reportSink;
    this.guards = guards;
    buildAuth(settings);
    this.endpoint =
        new VrrpEndpoint(
            transport,
            scheduler,
            settings.link().localAddress(),
            settings.link().peerAddress(),
            settings.vrrp().checksumMode(),
            this::filter,
            () -> currentSigner);
  }

  /**
   * Starts the agent for {@code settings} on its {@code network} edges: opens the link watch of the
   * pair's interface, then the sockets; removes the VIPs a previous agent left; then starts the
   * groups, in FAULT when the link is not usable. With {@code restartForPairChanges} (under the
   * operator, which rolls the agents one node at a time for such changes) a reload applies only
   * changes of groups; otherwise it also restarts every group for changed pair settings. A failure
   * closes whatever it opened (except {@code network.addresses()}, the caller's) and is thrown.
   */
  public static AgentRuntime start(
      Path configFile,
      boolean restartForPairChanges,
      PairSettings settings,
      NetworkEdges network,
      ReportSink reportSink,
      GuardFactory guards)
      throws Exception {
    List<String> watched = authFiles(configFile);
    String configHash = hash(configFile, watched) + secretsHash(settings.redis().secretFiles());
    ExecutorScheduler scheduler = new ExecutorScheduler("agent");
    AtomicReference<AgentRuntime> started = new AtomicReference<>();
    List<AutoCloseable> opened = new ArrayList<>();
    AgentRuntime runtime;
    try {
      LinkWatch watch =
          network
              .links()
              .open(
                  settings.link().interfaceName(),
                  state ->
                      scheduler.execute(
                          () -> {
                            AgentRuntime running = started.get();
                            if (running != null) {
                              running.linkChanged(state);
                            }
                          }));
      opened.add(watch);
      VrrpTransport transport = network.vrrp().open();
      opened.add(transport);
      ArpAnnouncer arp = network.arp().open();
      opened.add(arp);
      runtime =
          new AgentRuntime(
              configFile,
              restartForPairChanges,
              settings,
              configHash,
              scheduler,
              network,
              transport,
              arp,
              reportSink,
              guards);
      runtime.linkWatch = watch;
      runtime.watchedFiles = watched;
    } catch (Exception e) {
      for (AutoCloseable resource : opened.reversed()) {
        try {
          resource.close();
        } catch (Exception closing) {
          e.addSuppressed(closing);
        }
      }
      scheduler.close();
      throw e;
    }
    runtime.scheduler.runAndWait(
        () -> {
          started.set(runtime);
          runtime.readConfigGeneration();
          runtime.removeVipsLeftBehind();
          LinkState link = runtime.linkWatch.current();
          runtime.socketsIndex = link.index();
          runtime.applyLink(link);
          for (PairSettings.Group group : settings.groups()) {
            runtime.startGroup(group, true);
          }
          runtime.publish();
        });
    runtime.endpoint.start();
    runtime.scheduleReloadCheck();
    runtime.scheduleHeartbeat();
    return runtime;
  }

  /** Read by the receive thread, replaced on the scheduler thread when the groups change. */
  private volatile AdvertisementFilter currentFilter;

  private AdvertisementFilter filter() {
    return currentFilter;
  }

  /** Signs our adverts; read by the scheduler thread, replaced with the filter. */
  private volatile AdvertisementSigner currentSigner;

  /**
   * Each group's PASS password by router id, as the last reload set it; groups without one map to
   * null. Replaced with the filter.
   */
  private volatile Map<Integer, String> currentPasswords = Map.of();

  /** The password and key files of the pair, watched with the pair file; scheduler thread. */
  private List<String> watchedFiles = List.of();

  /**
   * What the adverts' authentication of {@code pair} needs: the filter (each group's PASS,
   * auth_hmac or none), the signer and the passwords. Rebuilt on every reload around the same drop
   * counters, replay memory and sequence numbers, so a new key or mode takes effect with the next
   * advert and restarts no group.
   */
  private void buildAuth(PairSettings pair) {
    Map<Integer, RouterRule> rules = new LinkedHashMap<>();
    List<VrrpRouterConfig> configs = new ArrayList<>();
    Map<Integer, String> passwords = new HashMap<>();
    for (PairSettings.Group group : pair.groups()) {
      VrrpRouterConfig config = pair.routerConfig(group, group.priority());
      configs.add(config);
      rules.put(group.virtualRouterId(), config.routerRule());
      passwords.put(group.virtualRouterId(), group.auth().password());
    }
    currentFilter =
        new AdvertisementFilter(
            pair.link().peerAddress(),
            pair.vrrp().minTtl(),
            pair.vrrp().version(),
            pair.vrrp().checksumMode(),
            rules,
            drops,
            Clock.systemUTC(),
            replayGuard);
    currentSigner = AdvertisementSigner.of(configs, SEQUENCE);
    currentPasswords = Collections.unmodifiableMap(passwords);
  }

  /**
   * Sends a group's advert with the group's current PASS password: a router builds its adverts with
   * the password it started with, and a reload changes a password without restarting it. A group
   * the last reload removed keeps the password it had.
   */
  private void sendAdvert(VrrpAdvertisement advert) {
    Map<Integer, String> passwords = currentPasswords;
    String password = passwords.get(advert.virtualRouterId());
    if (passwords.containsKey(advert.virtualRouterId())
        && !Objects.equals(password, advert.password())) {
      advert =
          new VrrpAdvertisement(
              advert.version(),
              advert.virtualRouterId(),
              advert.priority(),
              advert.intervalCentis(),
              advert.addresses(),
              password);
    }
    endpoint.send(advert);
  }

  private void startGroup(PairSettings.Group group) {
    startGroup(group, false);
  }

  /**
   * Starts one group; {@code clean} at the agent's start, where a previous agent may have left its
   * Redis a writable master.
   */
  private void startGroup(PairSettings.Group group, boolean clean) {
    PairSettings pair = settings;
    RedisAccess access = pair.redis().access();
    // Our own Redis over loopback, its TLS certificate checked against our node's address.
    String localAddress = pair.link().localAddress().getHostAddress();
    String peerAddress = pair.link().peerAddress().getHostAddress();
    LettuceRedisPort local = new LettuceRedisPort(group.name() + "-local", scheduler);
    RedisEndpoint own = new RedisEndpoint("127.0.0.1", group.port(), access, localAddress);
    local.keeping(own).attach(redisNodes.open(own, Duration.ofSeconds(1), local));
    LettuceRedisPort peer =
        new LettuceRedisPort(group.name() + "-peer", scheduler).probing(peerAddress, group.port());
    peer.attach(
        redisNodes.open(
            new RedisEndpoint(peerAddress, group.port(), access, peerAddress),
            Duration.ofSeconds(1),
            RedisNode.Listener.NONE));
    VipPort vip =
        hooked(
            group,
            new NetVip(
                pair.link().interfaceName(),
                group.vip(),
                addresses,
                arp,
                pair.garp(),
                scheduler,
                network.refusals(),
                group.port(),
                NetVip.refusalWindow(pair.vrrp().interval(), pair.garp()),
                answeringRefusals));
    GroupController controller =
        new GroupController(
            pair,
            group,
            scheduler,
            local,
            peer,
            vip,
            guards.create(pair, group, scheduler),
            this::sendAdvert,
            new GroupController.Listener() {
              @Override
              public void transition(String name, VrrpState from, VrrpState to, String reason) {
                if (to == VrrpState.MASTER) {
                  applyDeferredPriority(name);
                }
                synchronized (recent) {
                  recent.add(
                      new RecentTransition(
                          name + " " + from, to.name(), reason, Instant.now().toString()));
                  if (recent.size() > 50) {
                    recent.removeFirst();
                  }
                }
              }

              @Override
              public void changed(String name) {
                publishIfChanged(name);
              }
            },
            LOG::info);
    groups.put(group.name(), new RunningGroup(controller, local, peer));
    publishGroups();
    endpoint.register(group.virtualRouterId(), controller.router());
    if (clean) {
      controller.startClean();
    }
    if (linkFault != null) {
      controller.linkLost(linkFault);
    }
    controller.start();
    LOG.info(
        "group {}: port {}, VIP {}, router id {}, priority {}",
        group.name(),
        group.port(),
        group.vip(),
        group.virtualRouterId(),
        group.priority());
  }

  /** The group's VIP, wrapped so that the pair's vipHook follows it when there is one. */
  private VipPort hooked(PairSettings.Group group, NetVip vip) {
    PairSettings pair = settings;
    if (pair.vipHook() == null) {
      return vip;
    }
    HookedVip hooked =
        new HookedVip(
            vip,
            io.redisha.cloud.VipHooks.create(pair.vipHook(), pair.link().interfaceName()),
            group.name(),
            nodeName,
            group.vip().address().getHostAddress(),
            scheduler,
            hookCalls,
            pair.vipHook().retryMax(),
            LOG::info,
            this::publish);
    hookedVips.put(group.name(), hooked);
    return hooked;
  }

  private void stopGroup(String name, String reason) {
    RunningGroup running = groups.remove(name);
    if (running == null) {
      return;
    }
    publishGroups();
    deferredPriorities.remove(name);
    endpoint.unregister(running.controller().group().virtualRouterId());
    running.controller().stop(reason);
    hookedVips.remove(name);
    running.local().close();
    running.peer().close();
  }

  private void publishGroups() {
    publishedGroups = Collections.unmodifiableMap(new LinkedHashMap<>(groups));
  }

  private void scheduleReloadCheck() {
    scheduler.schedule(
        Duration.ofSeconds(1),
        () -> {
          if (stopped) {
            return;
          }
          try {
            checkConfigFiles();
          } finally {
            scheduleReloadCheck();
          }
        });
  }

  private void scheduleHeartbeat() {
    scheduler.schedule(
        Duration.ofSeconds(5),
        () -> {
          if (!stopped) {
            publish();
            scheduleHeartbeat();
          }
        });
  }

  /**
   * Runs the reload check now on the agent's thread and waits for it (SIGHUP, {@code systemctl
   * reload}); it also runs every second.
   */
  public void reloadNow() {
    scheduler.runAndWait(this::checkConfigFiles);
  }

  private void checkConfigFiles() {
    schedulerTickNanos = System.nanoTime();
    if (readConfigGeneration()) {
      publish();
    }
    reloadIfChanged();
  }

  /**
   * Re-reads the pair file when its content or that of a Redis secret file it names changed (a
   * Secret mounted by the operator changes in place); a refused file changes nothing.
   */
  private void reloadIfChanged() {
    String hash;
    try {
      hash = hash(configFile, watchedFiles) + secretsHash(settings.redis().secretFiles());
    } catch (IOException e) {
      notePairFileProblem(
          "pair file "
              + configFile
              + ": cannot read it ("
              + describe(e)
              + "); still running the previous pair, fix the file to apply changes");
      return;
    }
    notePairFileProblem(null);
    if (hash.equals(configHash)) {
      return;
    }
    configHash = hash;
    // Watched whether or not the file is accepted: a key file that is missing or bad now (a
    // Secret's new key not mounted yet) makes the reload go through once it is there.
    List<String> watched = authFiles(configFile);
    if (!watched.equals(watchedFiles)) {
      watchedFiles = watched;
      String rehashed = hashOrNull(configFile, watched);
      configHash = rehashed == null ? null : rehashed + secretsHash(settings.redis().secretFiles());
    }
    PairSettings next;
    try {
      // restartForPairChanges is set exactly under --kubernetes (the operator rolls the agents).
      next = PairValidation.resolveAgentFile(configFile, nodeName, restartForPairChanges);
    } catch (InvalidPairException e) {
      reloadProblem = String.join("; ", e.problems());
      LOG.error("reload refused, still running the previous pair: {}", e.getMessage());
      publish();
      return;
    }
    PairSettings current = settings;
    if (!current.link().localAddress().equals(next.link().localAddress())
        || !current.link().peerAddress().equals(next.link().peerAddress())
        || !current.link().interfaceName().equals(next.link().interfaceName())
        || current.vrrp().checksumMode() != next.vrrp().checksumMode()) {
      reloadProblem =
          "nodes, interface or vrrp.v3Checksum changed: takes effect when the agent restarts";
      LOG.warn("reload: {}; still running the previous pair", reloadProblem);
      publish();
      return;
    }
    reloadProblem = null;
    apply(next);
  }

  private void apply(PairSettings next) {
    PairSettings previous = settings;
    if (!previous.redis().equals(next.redis())) {
      // New Redis credentials move nothing: every running group logs in with them (a new
      // connection replaces the old one once it logged in), without a restart or a transition.
      LOG.info("Redis credentials changed: the running groups log in with the new ones");
      for (RunningGroup running : groups.values()) {
        running.local().updateAccess(next.redis().access(), true);
        running.peer().updateAccess(next.redis().access(), false);
      }
      previous = previous.withRedis(next.redis());
      settings = previous;
    }
    if (!previous.sameExceptGroups(next) && restartForPairChanges) {
      reloadProblem =
          "pair settings outside instances changed: they take effect when the agent restarts";
      LOG.info("reload: {}; applying only the changes of groups", reloadProblem);
      next = previous.withGroups(next.groups());
    } else if (!previous.sameExceptGroups(next)) {
      LOG.info("pair settings changed beyond groups: restarting every group");
      for (String name : new ArrayList<>(groups.keySet())) {
        stopGroup(name, "pair settings changed");
      }
      settings = next;
      buildAuth(next);
      next.groups().forEach(this::startGroup);
      publish();
      return;
    }
    // Groups that go are stopped first, so their last adverts carry the authentication they had.
    List<PairSettings.Group> restarts = new ArrayList<>();
    for (String name : new ArrayList<>(groups.keySet())) {
      PairSettings.Group now = next.group(name);
      PairSettings.Group before = previous.group(name);
      if (now == null) {
        LOG.info("group {}: removed from the pair", name);
        stopGroup(name, "group removed");
      } else if (!sameButPreference(before, now)) {
        LOG.info("group {}: changed, restarting it", name);
        stopGroup(name, "group changed");
        restarts.add(now);
      }
    }
    settings = next;
    buildAuth(next);
    for (PairSettings.Group now : restarts) {
      startGroup(now);
    }
    for (String name : new ArrayList<>(groups.keySet())) {
      PairSettings.Group now = next.group(name);
      PairSettings.Group before = previous.group(name);
      if (now == null || before == null || now.equals(before) || restarts.contains(now)) {
        continue;
      }
      if (!now.auth().equals(before.auth())) {
        LOG.info(
            "group {}: authentication now {} (was {}), from the next advert on; no restart",
            name,
            now.auth().describe(),
            before.auth().describe());
      }
      if (!Objects.equals(now.preferredMaster(), before.preferredMaster())
          || now.priority() != before.priority()) {
        preferenceChanged(groups.get(name).controller(), now, next);
      }
    }
    for (PairSettings.Group group : next.groups()) {
      if (!groups.containsKey(group.name())) {
        LOG.info("group {}: added to the pair", group.name());
        startGroup(group);
      }
    }
    publish();
  }

  /**
   * The group's preferred master moved, and with it this node's priority. The router takes the new
   * priority at once, with one exception: with preempt, a node that is not master keeps its lower
   * priority until it becomes master, since a higher one would take the role from the master
   * without the lossless switchover. Lowering is always safe: the peer raises its own only once it
   * is master. A master that lost the preference to the peer then hands the role over.
   */
  private void preferenceChanged(
      GroupController controller, PairSettings.Group now, PairSettings pair) {
    String name = now.name();
    VrrpRouter router = controller.router();
    boolean master = router.state() == VrrpState.MASTER;
    LOG.info("group {}: preferred master now {}", name, now.preferredMaster());
    deferredPriorities.remove(name);
    if (now.priority() > router.priority() && !master && pair.vrrp().preempt()) {
      deferredPriorities.put(name, now.priority());
      LOG.info(
          "group {}: priority {} once this node is master (preempt would take the role without a"
              + " switchover)",
          name,
          now.priority());
    } else if (now.priority() != router.priority()) {
      router.setPriority(now.priority());
      LOG.info("group {}: priority {}", name, now.priority());
    }
    if (master && pair.link().peerNode().equals(now.preferredMaster())) {
      controller
          .switchover()
          .thenAccept(
              outcome ->
                  LOG.info(
                      "group {}: switchover to the preferred master {}: {}",
                      name,
                      now.preferredMaster(),
                      outcome.reason()));
    }
  }

  /** A priority held back by {@link #preferenceChanged} takes effect when the node is master. */
  private void applyDeferredPriority(String name) {
    Integer priority = deferredPriorities.remove(name);
    RunningGroup running = groups.get(name);
    if (priority != null && running != null) {
      running.controller().router().setPriority(priority);
      LOG.info("group {}: master now, priority {}", name, priority);
    }
  }

  private static boolean sameButPreference(PairSettings.Group a, PairSettings.Group b) {
    return a.port() == b.port()
        && a.vip().equals(b.vip())
        && a.virtualRouterId() == b.virtualRouterId();
  }

  /**
   * A group says its report may have changed (it says so after every health check): the agent's
   * report is built and published only when that group's part differs from the one last published,
   * so an idle agent builds one report per heartbeat instead of one per check. Scheduler thread.
   */
  private void publishIfChanged(String name) {
    RunningGroup running = groups.get(name);
    if (running != null && groupReport(running).equals(reportedGroups.get(name))) {
      return;
    }
    publish();
  }

  private AgentReport.GroupReport groupReport(RunningGroup running) {
    AgentReport.GroupReport report = running.controller().report();
    HookedVip hooked = hookedVips.get(report.name());
    report = hooked == null ? report : report.withCloudRouting(hooked.status());
    return report.withRedisRefusal(redisRefusal(running));
  }

  /** Builds the report and hands it to the sink. Runs on the scheduler thread. */
  private void publish() {
    List<AgentReport.GroupReport> reports = new ArrayList<>();
    Map<String, AgentReport.GroupReport> published = new HashMap<>();
    for (RunningGroup running : groups.values()) {
      AgentReport.GroupReport report = groupReport(running);
      reports.add(report);
      published.put(report.name(), report);
    }
    reportedGroups = published;
    AgentReport next =
        new AgentReport(
            settings.pairName(),
            nodeName,
            Instant.now().toString(),
            configGeneration,
            configError(),
            reports,
            linkState == null
                ? null
                : new AgentReport.Link(
                    settings.link().interfaceName(),
                    linkFault == null,
                    linkFault == null ? linkState.reason() : linkFault,
                    linkSince.toString()));
    report = next;
    reportSink.publish(next);
  }

  /**
   * Reads the generation the operator wrote beside the pair file, if there is such a file. Read
   * with the pair file (at start and at every reload check), not at every report: reports follow
   * every health check. A file that is there but does not hold a generation is a config error,
   * never "no generation": the operator would take the agent for up to date.
   *
   * @return whether the generation or the problem with the file changed
   */
  private boolean readConfigGeneration() {
    Path file = configFile.resolveSibling(AgentDefaults.GENERATION_FILE);
    Long generation = null;
    String problem = null;
    try {
      String text = Files.readString(file).strip();
      try {
        generation = Long.parseLong(text);
        if (generation < 0) {
          generation = null;
          problem = "generation file " + file + ": " + text + " is negative";
        }
      } catch (NumberFormatException e) {
        problem =
            "generation file "
                + file
                + ": '"
                + (text.length() > 40 ? text.substring(0, 40) + "..." : text)
                + "' is not a generation number";
      }
    } catch (NoSuchFileException e) {
      // Standalone: no operator, no generation.
    } catch (IOException e) {
      problem = "generation file " + file + ": cannot read it (" + describe(e) + ")";
    }
    boolean newGeneration = !Objects.equals(generation, configGeneration);
    configGeneration = generation;
    if (Objects.equals(problem, generationProblem)) {
      return newGeneration;
    }
    generationProblem = problem;
    if (problem != null) {
      LOG.error("{}; reporting no generation until it is fixed", problem);
    } else {
      LOG.info("generation file {}: readable again", file);
    }
    return true;
  }

  /** Records whether the pair file can be read; logs each new problem once, and its end. */
  private void notePairFileProblem(String problem) {
    if (Objects.equals(problem, pairFileProblem)) {
      return;
    }
    pairFileProblem = problem;
    if (problem != null) {
      LOG.error("{}", problem);
    } else {
      LOG.info("pair file {}: readable again", configFile);
    }
    publish();
  }

  private static String describe(IOException e) {
    return switch (e) {
      case NoSuchFileException missing -> "no such file";
      case AccessDeniedException denied -> "permission denied";
      default -> e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().strip();
    };
  }

  public AgentReport report() {
    return report;
  }

  /**
   * What is wrong with the files the agent runs from (pair file, generation file), or null: the
   * agent then still runs the last pair it accepted.
   */
  public String configError() {
    List<String> problems = new ArrayList<>();
    for (String problem : Arrays.asList(pairFileProblem, generationProblem, reloadProblem)) {
      if (problem != null) {
        problems.add(problem);
      }
    }
    return problems.isEmpty() ? null : String.join("; ", problems);
  }

  public DropCounters drops() {
    return drops;
  }

  /**
   * A transition as {@code /status} lists it.
   *
   * @param from the group and the state before, "a BACKUP"
   * @param to the state after
   */
  public record RecentTransition(String from, String to, String reason, String time) {}

  /** Recent transitions, newest last. */
  public List<RecentTransition> recentTransitions() {
    synchronized (recent) {
      return List.copyOf(recent);
    }
  }

  /** {@code /healthz}: whether the scheduler and the VRRP receive loop make progress. */
  public AgentHealth.Probe liveness() {
    return AgentHealth.liveness(
        System.nanoTime(), schedulerTickNanos, endpoint.receiveLoopNanos(), endpoint.receiving());
  }

  /** {@code /readyz}: whether the pair file is in force and every group checks its Redis. */
  public AgentHealth.Probe readiness() {
    Map<String, Long> done = new LinkedHashMap<>();
    publishedGroups.forEach(
        (name, running) -> done.put(name, running.local().lastCheckDoneAtNanos()));
    Duration interval = settings.health().interval().plus(settings.health().timeout());
    Duration stall = interval.multipliedBy(10);
    return AgentHealth.readiness(
        System.nanoTime(),
        configError(),
        done,
        stall.compareTo(AgentHealth.STALL) < 0 ? AgentHealth.STALL : stall);
  }

  /** Last health-check latency per group, nanoseconds. */
  public Map<String, Long> checkLatencies() {
    Map<String, Long> latencies = new LinkedHashMap<>();
    publishedGroups.forEach(
        (name, running) -> latencies.put(name, running.local().lastCheckNanos()));
    return latencies;
  }

  /**
   * Starts a planned switchover of {@code group} to the peer.
   *
   * @return the outcome, or null when there is no such group
   */
  public CompletableFuture<Switchover.Outcome> switchover(String group) {
    RunningGroup running = publishedGroups.get(group);
    return running == null ? null : running.controller().switchover();
  }

  /**
   * Clean stop. Every group this node is master of first hands over like a planned switchover
   * (writes paused until the peer's replica has every byte, so none is lost), bounded to a few
   * seconds; then every master left sends priority 0 and drops its VIP.
   */
  @Override
  public void close() {
    if (stopped) {
      return;
    }
    List<CompletableFuture<Switchover.Outcome>> handovers = new ArrayList<>();
    scheduler.runAndWait(
        () -> {
          for (RunningGroup running : groups.values()) {
            if (running.controller().router().state() == VrrpState.MASTER) {
              handovers.add(running.controller().switchover());
            }
          }
        });
    for (CompletableFuture<Switchover.Outcome> handover : handovers) {
      try {
        Switchover.Outcome outcome = handover.get(5, TimeUnit.SECONDS);
        LOG.info("stopping: {}", outcome.reason());
      } catch (Exception e) {
        LOG.warn("stopping: handover did not finish: {}", e.toString());
      }
    }
    stopped = true;
    linkWatch.close();
    scheduler.runAndWait(
        () -> {
          for (String name : new ArrayList<>(groups.keySet())) {
            stopGroup(name, "agent stopping");
          }
        });
    endpoint.close();
    redisNodes.close();
    hookCalls.shutdown();
    scheduler.close();
    try {
      addresses.close();
      arp.close();
    } catch (Exception e) {
      LOG.debug("closing network edges: {}", e.getMessage());
    }
  }

  /** What the Redis servers of a group refuse its ports, or null. */
  private static String redisRefusal(RunningGroup running) {
    List<String> refusals = new ArrayList<>();
    for (LettuceRedisPort port : List.of(running.local(), running.peer())) {
      String refusal = port.refusal();
      if (refusal != null) {
        refusals.add(refusal);
      }
    }
    return refusals.isEmpty() ? null : String.join("; ", refusals);
  }

  /**
   * A digest of the Redis secret files; one that cannot be read counts as its own content, so a
   * broken file is noticed (and refused by the reload, naming it).
   */
  private static String secretsHash(List<Path> files) {
    if (files.isEmpty()) {
      return "";
    }
    StringBuilder material = new StringBuilder();
    for (Path file : files) {
      try {
        material.append(':').append(hash(file, List.of()));
      } catch (IOException e) {
        material.append(":unreadable ").append(describe(e));
      }
    }
    return material.toString();
  }

  // ---- A clean start and the link (S11) ----

  /**
   * Removes the VIPs of this pair's groups that are on the interface although no group holds them:
   * a previous agent that was killed left them. This node starts as backup, so it must hold none.
   */
  private void removeVipsLeftBehind() {
    String interfaceName = settings.link().interfaceName();
    for (PairSettings.Group group : settings.groups()) {
      try {
        if (addresses.isPresent(interfaceName, group.vip())) {
          addresses.remove(interfaceName, group.vip());
          LOG.warn(
              "group {}: VIP {} was on {}, left by a previous agent; removed, this node starts as"
                  + " backup",
              group.name(),
              group.vip(),
              interfaceName);
        }
      } catch (IOException e) {
        LOG.error(
            "group {}: cannot check for or remove a VIP {} left on {}: {}",
            group.name(),
            group.vip(),
            interfaceName,
            e.getMessage());
      }
    }
  }

  /** A change the link watch reported, on the scheduler thread. */
  private void linkChanged(LinkState state) {
    if (stopped) {
      return;
    }
    applyLink(state);
    publish();
  }

  /**
   * Puts every group in FAULT while the interface cannot carry traffic (or its sockets, after it
   * was re-created, cannot be opened yet), and brings them back when it can. One log line per
   * change.
   */
  private void applyLink(LinkState state) {
    String interfaceName = settings.link().interfaceName();
    if (linkState == null || linkState.condition() != state.condition()) {
      linkSince = Instant.now();
    }
    linkState = state;
    String problem = null;
    if (!state.usable()) {
      problem = state.reason() + " on " + interfaceName;
    } else if (state.index() != socketsIndex) {
      problem = reopenSockets(state.index());
      if (problem != null) {
        scheduleReopenRetry();
      }
    }
    if (problem != null) {
      if (problem.equals(linkFault)) {
        return;
      }
      if (linkFault == null) {
        LOG.warn(
            "link {}: {}: every group in FAULT (no VIP, Redis writes held) until it is back",
            interfaceName,
            problem);
      } else {
        LOG.warn("link {}: still not usable, now {}", interfaceName, problem);
      }
      linkFault = problem;
      for (RunningGroup running : groups.values()) {
        running.controller().linkLost(problem);
      }
    } else if (linkFault != null) {
      linkFault = null;
      String back = state.reason() + " on " + interfaceName;
      LOG.info("link {}: {} again: the groups rejoin as backups", interfaceName, state.reason());
      for (RunningGroup running : groups.values()) {
        running.controller().linkRestored(back);
      }
    }
  }

  /**
   * The interface was deleted and created again: sockets bound to the old one hear nothing, so the
   * VRRP and ARP sockets are opened anew. Returns null, or why they cannot be yet (the node's
   * address may not be on the new interface yet).
   */
  private String reopenSockets(int index) {
    String interfaceName = settings.link().interfaceName();
    VrrpTransport transport;
    ArpAnnouncer announcer;
    try {
      transport = network.vrrp().open();
    } catch (IOException e) {
      return interfaceName + " re-created, cannot open its VRRP socket yet: " + e.getMessage();
    }
    try {
      announcer = network.arp().open();
    } catch (IOException e) {
      try {
        transport.close();
      } catch (IOException closing) {
        LOG.debug("closing the VRRP socket: {}", closing.getMessage());
      }
      return interfaceName + " re-created, cannot open its ARP socket yet: " + e.getMessage();
    }
    endpoint.replaceTransport(transport);
    arp.replace(announcer);
    socketsIndex = index;
    LOG.info(
        "link {}: re-created (index {}), VRRP and ARP sockets opened on it", interfaceName, index);
    return null;
  }

  private void scheduleReopenRetry() {
    if (reopenRetryScheduled) {
      return;
    }
    reopenRetryScheduled = true;
    scheduler.schedule(
        REOPEN_RETRY,
        () -> {
          reopenRetryScheduled = false;
          if (!stopped && linkFault != null) {
            applyLink(linkWatch.current());
            publish();
          }
        });
  }

  /** The ARP socket in use; replaced when the interface is re-created. */
  private static final class CurrentArp implements ArpAnnouncer {
    private volatile ArpAnnouncer current;

    CurrentArp(ArpAnnouncer first) {
      this.current = first;
    }

    @Override
    public void announce(Inet4Address vip) throws IOException {
      current.announce(vip);
    }

    void replace(ArpAnnouncer next) {
      ArpAnnouncer previous = current;
      current = next;
      try {
        previous.close();
      } catch (IOException e) {
        LOG.debug("closing the replaced ARP socket: {}", e.getMessage());
      }
    }

    @Override
    public void close() throws IOException {
      current.close();
    }
  }

  /**
   * A digest of the pair file and of the password and key files it names: a key rotated in its file
   * is a change too. A file that cannot be read counts as its error.
   */
  static String hash(Path file, List<String> others) throws IOException {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      digest.update(Files.readAllBytes(file));
      for (String other : others) {
        digest.update(("\0" + other + "\0").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        try {
          digest.update(Files.readAllBytes(Path.of(other)));
        } catch (IOException e) {
          digest.update(describe(e).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  private static String hashOrNull(Path file, List<String> others) {
    try {
      return hash(file, others);
    } catch (IOException e) {
      return null;
    }
  }

  /** The password and key files the pair file names, or none when it cannot be read now. */
  private static List<String> authFiles(Path configFile) {
    try {
      return PairValidation.authFiles(PairFile.load(configFile).spec());
    } catch (InvalidPairException e) {
      return List.of();
    }
  }
}

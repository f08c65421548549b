package io.redisha.vrrp;

import io.redisha.clock.ExecutorScheduler;
import io.redisha.lab.LabNetwork;
import io.redisha.net.Ipv4Cidr;
import io.redisha.net.NetlinkAddressManager;
import io.redisha.net.RawVrrpSocket;
import io.redisha.vrrp.AdvertisementFilter.Accepted;
import io.redisha.vrrp.AdvertisementFilter.Dropped;
import io.redisha.vrrp.AdvertisementFilter.RouterRule;
import java.io.IOException;
import java.net.Inet4Address;
import java.nio.channels.ClosedChannelException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Our VRRP, as the agent runs it, on a lab host: the real state machine on a real scheduler, a raw
 * socket in the host's namespace, the filter and signer with each group's auth, the VIP added and
 * removed over netlink. Only the wiring is the test's own (the agent's endpoint does not sign yet),
 * so the interop tests prove the protocol layer against keepalived 2.4.3.
 */
final class OurVrrpNode implements AutoCloseable {
  /** One group: its router and its VIP. */
  record Group(VrrpRouterConfig config, Ipv4Cidr vip) {}

  /** A state change as it happened, on {@link System#nanoTime()}'s clock. */
  record Transition(long nanos, int virtualRouterId, VrrpState from, VrrpState to, String reason) {}

  private final String host;
  private final Inet4Address local;
  private final Inet4Address peer;
  private final ExecutorScheduler scheduler;
  private final RawVrrpSocket socket;
  private final NetlinkAddressManager addresses;
  private final DropCounters drops = new DropCounters();
  private final HmacReplayGuard replay = new HmacReplayGuard();
  private final HmacSequence sequence = new HmacSequence(Clock.systemUTC());
  private final Map<Integer, VrrpRouterConfig> configs = new ConcurrentHashMap<>();
  private final Map<Integer, VrrpRouter> routers = new LinkedHashMap<>();
  private final List<Transition> transitions = Collections.synchronizedList(new ArrayList<>());
  private final AtomicLong accepted = new AtomicLong();
  private final Map<Integer, AtomicLong> sent = new ConcurrentHashMap<>();
  private final Thread receiver;
  private volatile AdvertisementFilter filter;
  private volatile AdvertisementSigner signer;
  private volatile boolean running = true;

  private OurVrrpNode(
      LabNetwork lab, String host, Inet4Address peer, List<Group> groups, int version)
      throws Exception {
    this.host = host;
    this.local = lab.address(host);
    this.peer = peer;
    this.scheduler = new ExecutorScheduler("vrrp-" + host);
    this.socket = lab.inNamespace(host, () -> RawVrrpSocket.open("eth0", local, 255));
    this.addresses = lab.inNamespace(host, NetlinkAddressManager::open);
    for (Group group : groups) {
      configs.put(group.config().virtualRouterId(), group.config());
      sent.put(group.config().virtualRouterId(), new AtomicLong());
    }
    rebuild(VrrpVersion.of(version));
    for (Group group : groups) {
      int vrid = group.config().virtualRouterId();
      routers.put(
          vrid,
          new VrrpRouter(
              group.config(),
              scheduler,
              new VrrpRouter.Output() {
                @Override
                public void send(VrrpAdvertisement advertisement) {
                  sendAdvert(advertisement);
                }

                @Override
                public void transition(VrrpState from, VrrpState to, String reason) {
                  long now = System.nanoTime();
                  transitions.add(new Transition(now, vrid, from, to, reason));
                  System.out.printf(
                      "%s %s vrid %d: %s -> %s: %s%n", Instant.now(), host, vrid, from, to, reason);
                  try {
                    if (to == VrrpState.MASTER) {
                      addresses.add("eth0", group.vip());
                    } else if (from == VrrpState.MASTER) {
                      addresses.remove("eth0", group.vip());
                    }
                  } catch (IOException e) {
                    throw new IllegalStateException("VIP " + group.vip() + " on " + host, e);
                  }
                }
              }));
    }
    this.receiver = Thread.ofPlatform().daemon().name("vrrp-receive-" + host).start(this::receive);
    scheduler.runAndWait(() -> routers.values().forEach(VrrpRouter::start));
  }

  /** Starts the groups on {@code host}, whose peer is {@code peer}. */
  static OurVrrpNode start(
      LabNetwork lab, String host, Inet4Address peer, int version, List<Group> groups)
      throws Exception {
    return new OurVrrpNode(lab, host, peer, groups, version);
  }

  private void rebuild(VrrpVersion version) {
    Map<Integer, RouterRule> rules = new LinkedHashMap<>();
    configs.forEach((vrid, config) -> rules.put(vrid, config.routerRule()));
    filter =
        new AdvertisementFilter(
            peer,
            255,
            version,
            ChecksumMode.PSEUDO_HEADER,
            rules,
            drops,
            Clock.systemUTC(),
            replay);
    signer = AdvertisementSigner.of(configs.values(), sequence);
  }

  /**
   * A reload that changes one group's auth_hmac (a new active key, a new mode): new filter and
   * signer around the same counters, replay memory and sequence; the router runs on untouched.
   */
  void setHmac(int virtualRouterId, HmacAuth hmac) {
    VrrpRouterConfig config = configs.get(virtualRouterId);
    configs.put(virtualRouterId, config.withHmac(hmac));
    rebuild(config.version());
  }

  private void sendAdvert(VrrpAdvertisement advert) {
    byte[] message = signer.encode(advert, ChecksumMode.PSEUDO_HEADER, local, peer);
    try {
      socket.send(peer, message);
      sent.get(advert.virtualRouterId()).incrementAndGet();
    } catch (IOException e) {
      if (running) {
        System.out.println(host + ": sending failed: " + e.getMessage());
      }
    }
  }

  private void receive() {
    while (running) {
      byte[] datagram;
      try {
        datagram = socket.receive(Duration.ofSeconds(1));
      } catch (ClosedChannelException e) {
        return;
      } catch (IOException e) {
        continue;
      }
      if (datagram == null) {
        continue;
      }
      switch (filter.check(datagram, datagram.length)) {
        case Accepted ok -> {
          accepted.incrementAndGet();
          VrrpRouter router = routers.get(ok.advertisement().virtualRouterId());
          scheduler.execute(() -> router.receive(ok.advertisement(), ok.source()));
        }
        case Dropped dropped -> {}
      }
    }
  }

  VrrpState state(int virtualRouterId) {
    VrrpState[] state = new VrrpState[1];
    scheduler.runAndWait(() -> state[0] = routers.get(virtualRouterId).state());
    return state[0];
  }

  List<Transition> transitions() {
    synchronized (transitions) {
      return List.copyOf(transitions);
    }
  }

  /** When {@code virtualRouterId} last entered {@code state}, or -1. */
  long enteredNanos(int virtualRouterId, VrrpState state) {
    long when = -1;
    for (Transition t : transitions()) {
      if (t.virtualRouterId() == virtualRouterId && t.to() == state) {
        when = t.nanos();
      }
    }
    return when;
  }

  DropCounters drops() {
    return drops;
  }

  long accepted() {
    return accepted.get();
  }

  long sent(int virtualRouterId) {
    return sent.get(virtualRouterId).get();
  }

  /** The non-zero drop counts, for messages. */
  String dropSummary() {
    StringBuilder text = new StringBuilder();
    drops
        .snapshot()
        .forEach(
            (reason, count) -> {
              if (count > 0) {
                text.append(reason.label()).append('=').append(count).append(' ');
              }
            });
    return text.append("unsigned_accepted=").append(drops.unsignedAccepted()).toString();
  }

  /** The Shutdown event for every group (a master sends priority 0), then the socket closes. */
  void stop() {
    scheduler.runAndWait(() -> routers.values().forEach(r -> r.shutdown("stopped by the test")));
    close();
  }

  @Override
  public void close() {
    if (!running) {
      return;
    }
    running = false;
    try {
      socket.close();
      addresses.close();
    } catch (IOException e) {
      System.out.println(host + ": closing: " + e.getMessage());
    }
    scheduler.close();
    try {
      receiver.join(2000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

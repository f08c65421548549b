package io.redisha.agent;

import io.redisha.clock.Scheduler;
import io.redisha.clock.Scheduler.Cancellable;
import io.redisha.net.AddressManager;
import io.redisha.net.ArpAnnouncer;
import io.redisha.net.ConnectRefusal;
import io.redisha.net.Ipv4Cidr;
import io.redisha.net.NativeCallException;
import io.redisha.pair.PairSettings;
import java.io.IOException;
import java.net.Inet4Address;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A group's VIP on a real interface: netlink adds and removes it; gratuitous ARP announces it in
 * keepalived's pattern (a burst on becoming master, a second burst later, an optional refresh).
 *
 * <p>After a release, for a bounded window, connects to the VIP's Redis port that still reach this
 * host are refused ({@link io.redisha.net.SynRefuser}): the clients that have not yet heard the new
 * master's gratuitous ARP fail at once and retry instead of waiting out a connect timeout.
 */
public final class NetVip implements VipPort {
  private static final Logger LOG = LoggerFactory.getLogger(NetVip.class);

  /** Prepares the refusal of connects to a VIP, for its next release. */
  @FunctionalInterface
  public interface ConnectRefusals {
    ConnectRefusal prepare(String interfaceName, Inet4Address vip, int port) throws IOException;
  }

  /** The shortest refusal window, long enough for a peer that must first take an arbiter's key. */
  private static final Duration MINIMUM_REFUSAL = Duration.ofSeconds(1);

  /** {@code ENODEV} of linux/errno.h: the interface does not exist (any more). */
  private static final int NO_SUCH_DEVICE = 19;

  /** {@code EPERM} and {@code EACCES} of linux/errno.h: a capability is missing. */
  private static final int NOT_PERMITTED = 1;

  private static final int ACCESS_DENIED = 13;

  private final String interfaceName;
  private final Ipv4Cidr vip;
  private final AddressManager addresses;
  private final ArpAnnouncer arp;
  private final PairSettings.Garp garp;
  private final Scheduler scheduler;
  private final List<Cancellable> announcements = new ArrayList<>();
  private final ConnectRefusals refusals;
  private final int port;
  private final Duration refusalWindow;
  private final Map<Inet4Address, ConnectRefusal> answering;
  private boolean held;
  private ConnectRefusal refusal;
  private boolean refusalUnavailable;

  /** A VIP that refuses nothing after a release (for the VRRP-only command). */
  public NetVip(
      String interfaceName,
      Ipv4Cidr vip,
      AddressManager addresses,
      ArpAnnouncer arp,
      PairSettings.Garp garp,
      Scheduler scheduler) {
    this(
        interfaceName,
        vip,
        addresses,
        arp,
        garp,
        scheduler,
        null,
        0,
        Duration.ZERO,
        new ConcurrentHashMap<>());
  }

  /**
   * A group's VIP.
   *
   * @param refusals prepares the refusal of connects after a release, or null for none
   * @param port the group's Redis port, whose connects are refused after a release
   * @param refusalWindow how long connects are refused after a release
   * @param answering the refusals answering now, by VIP, shared by every NetVip of one runtime: a
   *     group restarted by a reload gets a new NetVip, whose add must still stop the refusal its
   *     predecessor left
   */
  public NetVip(
      String interfaceName,
      Ipv4Cidr vip,
      AddressManager addresses,
      ArpAnnouncer arp,
      PairSettings.Garp garp,
      Scheduler scheduler,
      ConnectRefusals refusals,
      int port,
      Duration refusalWindow,
      Map<Inet4Address, ConnectRefusal> answering) {
    this.interfaceName = interfaceName;
    this.vip = vip;
    this.addresses = addresses;
    this.arp = arp;
    this.garp = garp;
    this.scheduler = scheduler;
    this.refusals = refusals;
    this.port = port;
    this.refusalWindow = refusalWindow;
    this.answering = answering;
  }

  /**
   * How long to refuse connects after a release: until the peer has surely announced itself (its
   * master-down interval is below four advert intervals) and sent its gratuitous ARP burst, with
   * two advert intervals to spare; at least {@link #MINIMUM_REFUSAL}.
   */
  public static Duration refusalWindow(Duration advertInterval, PairSettings.Garp garp) {
    Duration window =
        advertInterval
            .multipliedBy(6)
            .plus(garp.interval().multipliedBy(Math.max(0, garp.count() - 1)));
    return window.compareTo(MINIMUM_REFUSAL) < 0 ? MINIMUM_REFUSAL : window;
  }

  @Override
  public void add() {
    if (!held) {
      // Before the address is back: from here on the kernel answers for the VIP again. (While
      // held, the refusal is the one prepared for the next release, and receives nothing.)
      stopRefusing();
    }
    try {
      addresses.add(interfaceName, vip);
    } catch (IOException e) {
      LOG.error("adding VIP {} on {} failed: {}", vip, interfaceName, e.getMessage());
      return;
    }
    if (!held) {
      held = true;
      burst();
      if (!garp.secondBurstDelay().isZero()) {
        announcements.add(scheduler.schedule(garp.secondBurstDelay(), this::burst));
      }
      if (!garp.refresh().isZero()) {
        scheduleRefresh();
      }
      prepareRefusal();
    }
  }

  private void scheduleRefresh() {
    announcements.add(
        scheduler.schedule(
            garp.refresh(),
            () -> {
              if (held) {
                burst();
                scheduleRefresh();
              }
            }));
  }

  private void burst() {
    if (!held) {
      return;
    }
    for (int i = 0; i < garp.count(); i++) {
      if (i == 0 || garp.interval().isZero()) {
        announce();
      } else {
        announcements.add(scheduler.schedule(garp.interval().multipliedBy(i), this::announce));
      }
    }
  }

  private void announce() {
    if (!held) {
      return;
    }
    try {
      arp.announce(vip.address());
    } catch (IOException e) {
      LOG.warn("gratuitous ARP for {} failed: {}", vip, e.getMessage());
    }
  }

  @Override
  public void reannounce() {
    burst();
  }

  @Override
  public void remove() {
    announcements.forEach(Cancellable::cancel);
    announcements.clear();
    boolean wasHeld = held;
    held = false;
    // Armed before the address goes, so a SYN that arrives just after is queued, not dropped.
    boolean armed = wasHeld && armRefusal();
    try {
      addresses.remove(interfaceName, vip);
    } catch (IOException e) {
      if (armed) {
        stopRefusing();
      }
      if (interfaceGone(e)) {
        // Deleted with its interface: the kernel removed the address with it.
        if (wasHeld) {
          LOG.info("VIP {} went with interface {}", vip, interfaceName);
        }
        return;
      }
      LOG.error("removing VIP {} from {} failed: {}", vip, interfaceName, e.getMessage());
      return;
    }
    if (armed) {
      refusal.answer(refusalWindow);
      answering.put(vip.address(), refusal);
    }
  }

  /** While the VIP is held: a socket that receives nothing until {@link #armRefusal}. */
  private void prepareRefusal() {
    if (refusals == null || refusalUnavailable || refusalWindow.isZero()) {
      return;
    }
    try {
      refusal = refusals.prepare(interfaceName, vip.address(), port);
    } catch (IOException | RuntimeException e) {
      unavailable(e);
    }
  }

  private boolean armRefusal() {
    if (refusal == null) {
      return false;
    }
    try {
      refusal.arm();
      return true;
    } catch (IOException | RuntimeException e) {
      stopRefusing();
      unavailable(e);
      return false;
    }
  }

  private void unavailable(Exception e) {
    if (!missingPermission(e)) {
      // Another cause (the interface went, for one) may be gone by the next release.
      LOG.warn("VIP {}: cannot refuse connects after this release: {}", vip, e.getMessage());
      return;
    }
    // Once: without the capability every later release would fail the same way.
    refusalUnavailable = true;
    LOG.warn(
        "VIP {}: cannot refuse connects after a release ({}); clients that still send to this"
            + " host wait out their connect timeout (the agent needs CAP_NET_RAW for it)",
        vip,
        e.getMessage());
  }

  private static boolean missingPermission(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof NativeCallException call
          && (call.errno() == NOT_PERMITTED || call.errno() == ACCESS_DENIED)) {
        return true;
      }
    }
    return false;
  }

  private void stopRefusing() {
    if (refusal != null) {
      refusal.close();
      answering.remove(vip.address(), refusal);
      refusal = null;
    }
    // One left by an earlier runtime of this group (a reload) must not outlive our own add.
    ConnectRefusal earlier = answering.remove(vip.address());
    if (earlier != null) {
      earlier.close();
    }
  }

  private static boolean interfaceGone(IOException failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof NativeCallException call && call.errno() == NO_SUCH_DEVICE) {
        return true;
      }
    }
    return false;
  }

  @Override
  public boolean held() {
    return held;
  }

  /** For status: the VIP and whether it is on the interface. */
  @Override
  public String toString() {
    return vip + (held ? " held" : " not held");
  }
}

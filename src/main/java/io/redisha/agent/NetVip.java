package io.redisha.agent;

import io.redisha.clock.Scheduler;
import io.redisha.clock.Scheduler.Cancellable;
import io.redisha.net.AddressManager;
import io.redisha.net.ArpAnnouncer;
import io.redisha.net.Ipv4Cidr;
import io.redisha.net.NativeCallException;
import io.redisha.pair.PairSettings;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A group's VIP on a real interface: netlink adds and removes it; gratuitous ARP announces it in
 * keepalived's pattern (a burst on becoming master, a second burst later, an optional refresh).
 */
public final class NetVip implements VipPort {
  private static final Logger LOG = LoggerFactory.getLogger(NetVip.class);

  /** {@code ENODEV} of linux/errno.h: the interface does not exist (any more). */
  private static final int NO_SUCH_DEVICE = 19;

  private final String interfaceName;
  private final Ipv4Cidr vip;
  private final AddressManager addresses;
  private final ArpAnnouncer arp;
  private final PairSettings.Garp garp;
  private final Scheduler scheduler;
  private final List<Cancellable> announcements = new ArrayList<>();
  private boolean held;

  public NetVip(
      String interfaceName,
      Ipv4Cidr vip,
      AddressManager addresses,
      ArpAnnouncer arp,
      PairSettings.Garp garp,
      Scheduler scheduler) {
    this.interfaceName = interfaceName;
    this.vip = vip;
    this.addresses = addresses;
    this.arp = arp;
    this.garp = garp;
    this.scheduler = scheduler;
  }

  @Override
  public void add() {
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
    try {
      addresses.remove(interfaceName, vip);
    } catch (IOException e) {
      if (interfaceGone(e)) {
        // Deleted with its interface: the kernel removed the address with it.
        if (wasHeld) {
          LOG.info("VIP {} went with interface {}", vip, interfaceName);
        }
        return;
      }
      LOG.error("removing VIP {} from {} failed: {}", vip, interfaceName, e.getMessage());
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

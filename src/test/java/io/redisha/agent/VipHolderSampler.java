package io.redisha.agent;

import io.redisha.lab.LabNetwork;
import io.redisha.lab.PairLab;
import io.redisha.net.Ipv4Cidr;
import io.redisha.net.NetlinkAddressManager;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.locks.LockSupport;

/**
 * Looks at the lab hosts' {@code eth0} every few milliseconds (through a netlink socket opened in
 * each host's namespace, so a look costs no process) and keeps, per group, every change of the set
 * of hosts that hold its VIP, with its time. A test then asks what held over a window, as a user
 * watching the addresses would have seen it, not what the agents say.
 */
final class VipHolderSampler implements AutoCloseable {
  private static final long PERIOD_NANOS = 2_000_000;

  /** The hosts holding one VIP from {@code nanos} (System.nanoTime) on. */
  record Change(long nanos, List<String> holders) {}

  private final List<PairLab.Group> groups;
  private final Map<String, NetlinkAddressManager> hosts = new LinkedHashMap<>();
  private final Map<String, List<Change>> changes = new LinkedHashMap<>();
  private final Thread thread;
  private volatile boolean running = true;
  private volatile String failure;

  VipHolderSampler(PairLab lab) throws Exception {
    this.groups = lab.groups();
    LabNetwork network = lab.network();
    for (String host : List.of(PairLab.VM_A, PairLab.VM_B)) {
      hosts.put(host, network.inNamespace(host, NetlinkAddressManager::open));
    }
    for (PairLab.Group group : groups) {
      changes.put(group.name(), new ArrayList<>());
    }
    sample();
    thread = Thread.ofPlatform().daemon().name("vip-holder-sampler").start(this::loop);
  }

  private void loop() {
    while (running) {
      try {
        sample();
      } catch (IOException | RuntimeException e) {
        failure = e.toString();
      }
      LockSupport.parkNanos(PERIOD_NANOS);
    }
  }

  private void sample() throws IOException {
    for (PairLab.Group group : groups) {
      Ipv4Cidr vip = Ipv4Cidr.parse(group.vip() + "/24");
      List<String> holders = new ArrayList<>();
      for (Map.Entry<String, NetlinkAddressManager> host : hosts.entrySet()) {
        if (holds(host.getValue(), vip)) {
          holders.add(host.getKey());
        }
      }
      long now = System.nanoTime();
      synchronized (this) {
        List<Change> list = changes.get(group.name());
        if (list.isEmpty() || !list.getLast().holders().equals(holders)) {
          list.add(new Change(now, List.copyOf(holders)));
        }
      }
    }
  }

  /** Whether the host's {@code eth0} has {@code vip}; a host whose eth0 is gone holds nothing. */
  private static boolean holds(NetlinkAddressManager host, Ipv4Cidr vip) throws IOException {
    try {
      return host.isPresent(LabNetwork.HOST_INTERFACE, vip);
    } catch (IOException e) {
      if (String.valueOf(e.getMessage()).contains("no network interface")) {
        return false;
      }
      throw e;
    }
  }

  /** Who holds the VIP of {@code group} as last seen. */
  synchronized List<String> holders(String group) {
    List<Change> list = changes.get(group);
    return list.isEmpty() ? List.of() : list.getLast().holders();
  }

  /** The holders of {@code group} at {@code nanos}, as sampled. */
  synchronized List<String> holdersAt(String group, long nanos) {
    List<String> holders = List.of();
    for (Change change : changes.get(group)) {
      if (change.nanos() > nanos) {
        break;
      }
      holders = change.holders();
    }
    return holders;
  }

  /**
   * Every holder set of {@code group} seen in {@code [from, to]}, the one in force at {@code from}
   * first.
   */
  synchronized List<Change> during(String group, long from, long to) {
    List<Change> seen = new ArrayList<>();
    seen.add(new Change(from, holdersAt(group, from)));
    for (Change change : changes.get(group)) {
      if (change.nanos() > from && change.nanos() <= to) {
        seen.add(change);
      }
    }
    return seen;
  }

  /**
   * When {@code group} was first seen held by exactly {@code host} at or after {@code from}, in
   * nanoseconds after {@code from}; -1 when not seen.
   */
  synchronized long soleHolderAfter(String group, String host, long from) {
    if (holdersAt(group, from).equals(List.of(host))) {
      return 0;
    }
    for (Change change : changes.get(group)) {
      if (change.nanos() >= from && change.holders().equals(List.of(host))) {
        return change.nanos() - from;
      }
    }
    return -1;
  }

  /**
   * When {@code host} was first seen without the VIP of {@code group} at or after {@code from}, in
   * nanoseconds after {@code from}; -1 when not seen.
   */
  synchronized long releasedAfter(String group, String host, long from) {
    if (!holdersAt(group, from).contains(host)) {
      return 0;
    }
    for (Change change : changes.get(group)) {
      if (change.nanos() >= from && !change.holders().contains(host)) {
        return change.nanos() - from;
      }
    }
    return -1;
  }

  /**
   * When the last stretch of exactly one holder of {@code group} that lasts until {@code to} began,
   * in nanoseconds after {@code from} (0 when it began earlier); -1 when {@code group} does not
   * have exactly one holder at {@code to}.
   */
  synchronized long soleHolderFromAfter(String group, long from, long to) {
    List<Change> seen = during(group, from, to);
    if (seen.getLast().holders().size() != 1) {
      return -1;
    }
    long since = from;
    for (Change change : seen) {
      if (change.holders().size() != 1) {
        since = -1;
      } else if (since < 0) {
        since = change.nanos();
      }
    }
    return since - from;
  }

  /** Why sampling failed, or null. */
  String failure() {
    return failure;
  }

  @Override
  public void close() throws Exception {
    running = false;
    thread.join(2000);
    for (NetlinkAddressManager manager : hosts.values()) {
      manager.close();
    }
  }

  static String describe(List<Change> changes, long origin) {
    StringBuilder text = new StringBuilder();
    for (Change change : changes) {
      text.append(
          String.format(
              "%+d ms %s; ", (change.nanos() - origin) / 1_000_000, holdersText(change.holders())));
    }
    return text.toString();
  }

  private static String holdersText(List<String> holders) {
    return holders.isEmpty() ? "nobody" : String.join("+", Objects.requireNonNull(holders));
  }
}

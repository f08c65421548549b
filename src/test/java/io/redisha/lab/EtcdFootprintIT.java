package io.redisha.lab;

import static org.assertj.core.api.Assertions.assertThat;

import io.redisha.lab.EtcdCluster.Member;
import io.redisha.testing.RequiresHost;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the arbiter of {@code splitBrainProtection: Etcd} costs while the pair is healthy, when the
 * agents make no etcd call at all: a three-member etcd 3.4 cluster with etcd's default heartbeat
 * (100 ms) and election timeout (1 s), each member in a lab host of its own, idle. Resident memory
 * and CPU of each member are read from /proc and printed as {@code FIGURE} lines; nothing about
 * them is asserted (a figure of this machine, not a promise).
 */
@RequiresHost(tools = {"ip", "etcd", "etcdctl"})
class EtcdFootprintIT {
  /** EtcdCluster.start returns once every member answers; its election is over by then. */
  static final long WARM_UP_MILLIS = 5_000;

  /**
   * At 100 clock ticks a second one tick in 20 s is 0.05 % of a core: a member at 0.6 % shows to
   * within a tick of twelve, and the cluster's sum of about 36 ticks to within 3 %.
   */
  static final long MEASURE_MILLIS = 20_000;

  @TempDir Path dir;

  @Test
  void anIdleThreeMemberClusterCostsThisMuch() throws Exception {
    try (LabNetwork network = LabNetwork.create()) {
      network.addHost("ctl", "192.0.2.30/24");
      Map<String, String> hosts = new LinkedHashMap<>();
      for (int i = 1; i <= 3; i++) {
        hosts.put("etcd-" + i, "192.0.2.3" + i);
      }
      try (EtcdCluster etcd = EtcdCluster.start(network, dir.resolve("etcd"), hosts, "ctl")) {
        etcd.ctlAll("put", "/redisha/footprint/a", "{}").requireSuccess();
        Thread.sleep(WARM_UP_MILLIS);
        Map<String, long[]> before = new LinkedHashMap<>();
        for (Member member : etcd.members()) {
          before.put(member.name(), cpuTicks(etcd.pid(member)));
        }
        long start = System.nanoTime();
        Thread.sleep(MEASURE_MILLIS);
        double seconds = (System.nanoTime() - start) / 1e9;
        long ticksPerSecond = clockTicks(network);
        double totalCpu = 0;
        long totalRss = 0;
        for (Member member : etcd.members()) {
          long pid = etcd.pid(member);
          long[] after = cpuTicks(pid);
          long used =
              after[0] + after[1] - before.get(member.name())[0] - before.get(member.name())[1];
          double percent = 100.0 * used / ticksPerSecond / seconds;
          long rssKib = rssKib(pid);
          totalCpu += percent;
          totalRss += rssKib;
          System.out.printf(
              "FIGURE etcd 3.4 member %s idle over %.0f s: RSS %.1f MiB, CPU %.2f %% of a core%n",
              member.name(), seconds, rssKib / 1024.0, percent);
          assertThat(rssKib).as("RSS of %s", member.name()).isPositive();
        }
        System.out.printf(
            "FIGURE idle three-member etcd cluster: RSS %.1f MiB in all, CPU %.2f %% of a core in"
                + " all (heartbeat 100 ms, election timeout 1 s; leader %s)%n",
            totalRss / 1024.0, totalCpu, etcd.leader().name());
      }
    }
  }

  /** utime and stime of {@code pid}, in clock ticks (fields 14 and 15 of /proc/PID/stat). */
  static long[] cpuTicks(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return new long[] {Long.parseLong(fields[11]), Long.parseLong(fields[12])};
  }

  static long rssKib(long pid) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    throw new IllegalStateException("no VmRSS for " + pid);
  }

  static long clockTicks(LabNetwork network) {
    String ticks = network.run("ctl", "getconf", "CLK_TCK").strip();
    return Long.parseLong(List.of(ticks.split("\\s+")).getLast());
  }
}

package io.redisha.bench;

import io.redisha.lab.LabNetwork;
import io.redisha.lab.PairLab;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Three sentinels (vm-a, vm-b and the client host), quorum 2; each group starts with its preferred
 * master as master, the VIP on it, and the other host replicating.
 */
public final class SentinelSystem implements SystemUnderTest {
  private static final List<String> SENTINEL_HOSTS =
      List.of(PairLab.VM_A, PairLab.VM_B, PairLab.CLIENT);
  private final DaemonProcesses sentinels = new DaemonProcesses();
  private PairLab lab;
  private Path dir;

  @Override
  public String name() {
    return "sentinel";
  }

  @Override
  public String description() {
    return "3 sentinels (vm-a, vm-b, client), quorum 2, down-after 1000 ms, VIP moved by a"
        + " client-reconfig-script (ip addr + arping)";
  }

  @Override
  public Set<Fault> faults() {
    return EnumSet.complementOf(EnumSet.of(Fault.BOOT, Fault.SWITCHOVER, Fault.CRASH, Fault.STALL));
  }

  @Override
  public String notApplicable(Fault fault) {
    return switch (fault) {
      case BOOT -> "n/a (fixed master)";
      // a sentinel is one voter of three, not the master's agent: killing it moves nothing
      case CRASH, STALL -> "n/a (no agent on the master's host)";
      default -> "n/a";
    };
  }

  @Override
  public boolean hasThirdVoter() {
    return true;
  }

  @Override
  public boolean cleanStopMovesMaster() {
    return false;
  }

  @Override
  public void start(PairLab lab, Path dir) throws Exception {
    this.lab = lab;
    this.dir = dir;
    LabNetwork network = lab.network();
    Map<String, String> masters = new LinkedHashMap<>();
    for (PairLab.Group group : lab.groups()) {
      String master = group.preferredMaster();
      String masterAddress = network.address(master).getHostAddress();
      masters.put(group.name(), masterAddress);
      network.run(
          PairLab.other(master),
          "redis-cli",
          "-p",
          Integer.toString(group.port()),
          "REPLICAOF",
          masterAddress,
          Integer.toString(group.port()));
      network.run(master, "ip", "addr", "add", group.vip() + "/24", "dev", "eth0");
      network.exec(master, "arping", "-q", "-U", "-c", "1", "-I", "eth0", group.vip());
    }
    for (String host : SENTINEL_HOSTS) {
      Path hostDir = hostDir(host);
      Files.createDirectories(hostDir);
      SentinelConfig config =
          new SentinelConfig(
              network.address(host).getHostAddress(),
              masters,
              lab.groups(),
              hostDir.toAbsolutePath().toString());
      Files.writeString(hostDir.resolve("sentinel.conf"), config.config());
      for (Map.Entry<String, String> script : config.scripts().entrySet()) {
        Path file = hostDir.resolve(script.getKey());
        Files.writeString(file, script.getValue());
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
      }
    }
    for (String host : SENTINEL_HOSTS) {
      startDaemon(host);
    }
    awaitSentinelsKnowEachOther(Duration.ofSeconds(30));
  }

  private void awaitSentinelsKnowEachOther(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    String last = "";
    while (System.nanoTime() < deadline) {
      boolean all = true;
      for (String host : SENTINEL_HOSTS) {
        for (PairLab.Group group : lab.groups()) {
          Map<String, String> fields = masterFields(host, group.name());
          last = host + " " + group.name() + " " + fields;
          if (!"2".equals(fields.get("num-other-sentinels"))
              || !"1".equals(fields.get("num-slaves"))) {
            all = false;
          }
        }
      }
      if (all) {
        return;
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException("sentinels did not find each other and the replicas: " + last);
  }

  private Map<String, String> masterFields(String host, String group) {
    String[] lines =
        lab.network()
            .exec(
                host,
                "redis-cli",
                "-p",
                Integer.toString(SentinelConfig.PORT),
                "SENTINEL",
                "MASTER",
                group)
            .output()
            .split("\n");
    Map<String, String> fields = new HashMap<>();
    for (int i = 0; i + 1 < lines.length; i += 2) {
      fields.put(lines[i].strip(), lines[i + 1].strip());
    }
    return fields;
  }

  private Path hostDir(String host) {
    return dir.resolve("sentinel-" + host);
  }

  @Override
  public synchronized void startDaemon(String host) {
    Path hostDir = hostDir(host).toAbsolutePath();
    sentinels.put(
        host,
        lab.network()
            .start(
                host,
                List.of("redis-server", hostDir.resolve("sentinel.conf").toString(), "--sentinel"),
                hostDir.resolve("sentinel.log")));
  }

  @Override
  public void stopDaemon(String host) throws InterruptedException {
    sentinels.stop(host);
  }

  @Override
  public List<ProcessHandle> daemonProcesses(String host) {
    return sentinels.handles(host);
  }
}

package io.redisha.bench;

import io.redisha.lab.PairLab;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** keepalived on both hosts with the generated configuration and scripts of one flavor. */
public final class KeepalivedSystem implements SystemUnderTest {
  private final KeepalivedConfig.Flavor flavor;
  private final DaemonProcesses daemons = new DaemonProcesses();
  private PairLab lab;
  private Path dir;

  public KeepalivedSystem(KeepalivedConfig.Flavor flavor) {
    this.flavor = flavor;
  }

  @Override
  public String name() {
    return flavor.systemName();
  }

  @Override
  public String description() {
    return flavor.summary();
  }

  @Override
  public Set<Fault> faults() {
    return EnumSet.complementOf(EnumSet.of(Fault.SWITCHOVER));
  }

  @Override
  public String notApplicable(Fault fault) {
    return fault == Fault.SWITCHOVER ? "none" : "n/a";
  }

  @Override
  public void start(PairLab lab, Path dir) throws Exception {
    this.lab = lab;
    this.dir = dir;
    for (String host : List.of(PairLab.VM_A, PairLab.VM_B)) {
      writeFiles(host);
    }
    startDaemon(PairLab.VM_A);
    startDaemon(PairLab.VM_B);
  }

  private void writeFiles(String host) throws IOException {
    Path hostDir = hostDir(host);
    Files.createDirectories(hostDir);
    KeepalivedConfig config =
        new KeepalivedConfig(
            flavor,
            host,
            lab.network().address(host).getHostAddress(),
            lab.network().address(PairLab.other(host)).getHostAddress(),
            lab.groups(),
            hostDir.toAbsolutePath().toString());
    Files.writeString(hostDir.resolve("keepalived.conf"), config.config());
    for (Map.Entry<String, String> script : config.scripts().entrySet()) {
      Path file = hostDir.resolve(script.getKey());
      Files.writeString(file, script.getValue());
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
  }

  private Path hostDir(String host) {
    return dir.resolve(name() + "-" + host);
  }

  @Override
  public synchronized void startDaemon(String host) {
    Path hostDir = hostDir(host).toAbsolutePath();
    Process process =
        lab.network()
            .start(
                host,
                List.of(
                    "keepalived",
                    "--dont-fork",
                    "--log-console",
                    "--log-detail",
                    "--vrrp",
                    "--use-file=" + hostDir.resolve("keepalived.conf"),
                    "--pid=" + hostDir.resolve("keepalived.pid"),
                    "--vrrp_pid=" + hostDir.resolve("vrrp.pid")),
                hostDir.resolve("keepalived.log"));
    daemons.put(host, process);
  }

  @Override
  public void stopDaemon(String host) throws InterruptedException {
    daemons.stop(host);
  }

  @Override
  public List<ProcessHandle> daemonProcesses(String host) {
    return daemons.handles(host);
  }
}

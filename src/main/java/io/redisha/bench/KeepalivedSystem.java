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

  public KeepalivedConfig.Flavor flavor() {
    return flavor;
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
    checkRelease();
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
        lab.network().start(host, command(flavor, hostDir), hostDir.resolve("keepalived.log"));
    daemons.put(host, process);
  }

  /**
   * The command line of keepalived in the foreground, logging to the console: Debian's 2.2.7 for
   * the VRRP process only; the 2.4.3 build (made without the checker) with the flags its README
   * gives.
   */
  static List<String> command(KeepalivedConfig.Flavor flavor, Path hostDir) {
    String conf = hostDir.resolve("keepalived.conf").toString();
    String pid = hostDir.resolve("keepalived.pid").toString();
    String vrrpPid = hostDir.resolve("vrrp.pid").toString();
    if (flavor.needs24()) {
      String binary =
          KeepalivedBinary.find24()
              .orElseThrow(() -> new IllegalStateException(KeepalivedBinary.notFound()))
              .toString();
      return List.of(binary, "-f", conf, "-p", pid, "-r", vrrpPid, "-D", "-l", "-n");
    }
    return List.of(
        "keepalived",
        "--dont-fork",
        "--log-console",
        "--log-detail",
        "--vrrp",
        "--use-file=" + conf,
        "--pid=" + pid,
        "--vrrp_pid=" + vrrpPid);
  }

  /**
   * Checks, from the log of vm-a's keepalived, that the release running is the flavor's: a wrong
   * binary on the PATH would otherwise be measured under the wrong name.
   */
  void checkRelease() throws IOException, InterruptedException {
    Path log = hostDir(PairLab.VM_A).resolve("keepalived.log");
    String wanted = "Keepalived v" + flavor.release();
    long deadline = System.nanoTime() + 10_000_000_000L;
    String text = "";
    while (System.nanoTime() < deadline) {
      text = Files.exists(log) ? Files.readString(log) : "";
      if (text.contains(wanted)) {
        return;
      }
      if (text.contains("Keepalived v")) {
        break;
      }
      Thread.sleep(100);
    }
    int at = text.indexOf("Keepalived v");
    int end = at < 0 ? -1 : text.indexOf('\n', at);
    throw new IllegalStateException(
        name()
            + " should run "
            + wanted
            + " but its log says "
            + (at < 0
                ? "nothing about its version within 10 s"
                : text.substring(at, end < 0 ? text.length() : end)));
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

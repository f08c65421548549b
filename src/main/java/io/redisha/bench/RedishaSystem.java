package io.redisha.bench;

import io.redisha.lab.PairLab;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * redisha's agents on both hosts, started as a user starts them ({@code redisha agent --config
 * pair.yaml --node vm-a}) with the JVM options of {@link AgentJvm}, on the pair file the lab wrote.
 */
public final class RedishaSystem implements SystemUnderTest {
  private final String protection;
  private final List<String> jvmOptions;
  private final Map<String, Process> agents = new HashMap<>();
  private PairLab lab;

  /**
   * @param protection the pair file's {@code splitBrainProtection}
   * @param jvmOptions JVM options of the agents
   */
  public RedishaSystem(String protection, List<String> jvmOptions) {
    this.protection = protection;
    this.jvmOptions = List.copyOf(jvmOptions);
  }

  @Override
  public String name() {
    return "None".equals(protection) ? "redisha" : "redisha-" + protection.toLowerCase();
  }

  @Override
  public String description() {
    return "redisha agents, VRRPv3 100 ms adverts, health check 100 ms fall 2, protection "
        + protection;
  }

  /** The pair-file lines this system adds. */
  public String pairYaml() {
    return "splitBrainProtection: " + protection + "\n";
  }

  @Override
  public boolean hasThirdVoter() {
    return !"None".equals(protection);
  }

  @Override
  public Set<Fault> faults() {
    Set<Fault> faults = EnumSet.allOf(Fault.class);
    if (!AgentJvm.switchoverAvailable()) {
      faults.remove(Fault.SWITCHOVER);
    }
    return faults;
  }

  @Override
  public String notApplicable(Fault fault) {
    return fault == Fault.SWITCHOVER ? "not on main yet" : "n/a";
  }

  @Override
  public void start(PairLab lab, Path dir) {
    this.lab = lab;
    startDaemon(PairLab.VM_A);
    startDaemon(PairLab.VM_B);
  }

  @Override
  public synchronized void startDaemon(String host) {
    agents.put(host, AgentJvm.start(lab, host, jvmOptions, lab.agentLog(host)));
  }

  @Override
  public void stopDaemon(String host) throws InterruptedException {
    Process process;
    synchronized (this) {
      process = agents.remove(host);
    }
    if (process != null) {
      process.destroy();
      process.waitFor();
    }
  }

  @Override
  public synchronized List<ProcessHandle> daemonProcesses(String host) {
    List<ProcessHandle> handles = new ArrayList<>();
    Process process = agents.get(host);
    if (process != null) {
      handles.add(process.toHandle());
    }
    return handles;
  }
}

package io.redisha.bench;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The HA daemon each host runs for a system under test: started, stopped and measured by host. */
final class DaemonProcesses {
  private final Map<String, Process> byHost = new HashMap<>();

  synchronized void put(String host, Process process) {
    byHost.put(host, process);
  }

  /** SIGTERM to the host's daemon, as a service manager stops it, and wait for it to end. */
  void stop(String host) throws InterruptedException {
    Process process;
    synchronized (this) {
      process = byHost.remove(host);
    }
    if (process != null) {
      process.destroy();
      process.waitFor();
    }
  }

  /** The host's daemon process, for footprint measurements; empty when none runs. */
  synchronized List<ProcessHandle> handles(String host) {
    List<ProcessHandle> handles = new ArrayList<>();
    Process process = byHost.get(host);
    if (process != null) {
      handles.add(process.toHandle());
    }
    return handles;
  }
}

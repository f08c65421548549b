package io.redisha.bench;

import io.redisha.lab.LabNetwork;
import io.redisha.lab.PairLab;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * An HA system the benchmark runs on a {@link PairLab}: redisha's agents, keepalived with scripts,
 * or Redis Sentinel. It configures the pair's Redis servers and starts its daemons; the benchmark
 * then injects faults and watches the pair from outside (VIP holders, Redis roles, a client).
 */
public interface SystemUnderTest {

  /** Short name used in tables, JSON and on the command line. */
  String name();

  /** One line saying how it is set up. */
  String description();

  /** The faults this system can take part in; the others are shown as not applicable. */
  Set<Fault> faults();

  /** Why a fault is not applicable, for the table. */
  default String notApplicable(Fault fault) {
    return "n/a";
  }

  /** Configures Redis roles and starts the daemons on the hosts that need them. */
  void start(PairLab lab, Path dir) throws Exception;

  /** Starts this system's daemon on {@code host} again after {@link #stopDaemon}. */
  void startDaemon(String host) throws Exception;

  /** Stops this system's daemon on {@code host} cleanly (SIGTERM) and waits for it to exit. */
  void stopDaemon(String host) throws Exception;

  /** Moves group {@code group}'s master to the other host without losing writes. */
  default void switchover(String group) throws Exception {
    throw new UnsupportedOperationException(name() + " has no planned switchover");
  }

  /** The daemon processes of {@code host}, for the footprint (children are counted too). */
  List<ProcessHandle> daemonProcesses(String host);

  /** Whether stopping the daemon on the master's host moves the master (Sentinel's does not). */
  default boolean cleanStopMovesMaster() {
    return true;
  }

  /**
   * Whether something besides the two hosts votes on who is master (Sentinel's third sentinel,
   * redisha's Lease or etcd key), so that a pair-link cut may cost no acknowledged write.
   */
  default boolean hasThirdVoter() {
    return false;
  }

  // ---- issue 13: the master's HA daemon crashes or stalls ----

  /**
   * SIGKILL of the daemon of {@code host} and of every process it started, all at once, as a crash
   * or the OOM killer ends them: nothing is cleaned up. Waits until they are gone; {@link
   * #startDaemon} starts it again.
   */
  default void killDaemon(String host) throws Exception {
    List<ProcessHandle> family = daemonFamily(host);
    family.forEach(ProcessHandle::destroyForcibly);
    for (ProcessHandle member : family) {
      member.onExit().get(10, TimeUnit.SECONDS);
    }
  }

  /**
   * SIGSTOP of the daemon of {@code host} and of every process it started for {@code duration},
   * then SIGCONT (also when interrupted): a long pause of the daemon while its Redis serves.
   */
  default void stallDaemon(String host, Duration duration) throws Exception {
    List<ProcessHandle> family = daemonFamily(host);
    for (ProcessHandle member : family) {
      LabNetwork.signal(member, "STOP");
    }
    try {
      Thread.sleep(duration);
    } finally {
      for (ProcessHandle member : family) {
        if (member.isAlive()) {
          LabNetwork.signal(member, "CONT");
        }
      }
    }
  }

  private List<ProcessHandle> daemonFamily(String host) {
    List<ProcessHandle> family = new ArrayList<>();
    for (ProcessHandle daemon : daemonProcesses(host)) {
      family.add(daemon);
      family.addAll(daemon.descendants().toList());
    }
    if (family.isEmpty()) {
      throw new IllegalStateException("no " + name() + " daemon runs on " + host);
    }
    return family;
  }

  /** How long the system needs at most to settle after a fault is repaired. */
  default Duration settleTimeout() {
    return Duration.ofSeconds(20);
  }
}

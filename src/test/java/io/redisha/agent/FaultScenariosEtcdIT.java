package io.redisha.agent;

import io.redisha.lab.EtcdCluster;
import io.redisha.lab.LabSession;
import io.redisha.lab.PairLab;
import io.redisha.testing.RequiresHost;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The key-held agent crash of issue 13 on a pair with {@code splitBrainProtection: Etcd}, the lab's
 * three-member etcd 3.4 cluster on hosts of its own: the same guarantee as with the Lease ({@link
 * FaultScenariosLeaseIT}), through the same dead-man replica. The other faults with Etcd are in
 * {@code EtcdProtectionIT}.
 */
@RequiresHost(tools = {"ip", "iptables", "redis-server", "redis-cli", "etcd", "etcdctl"})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FaultScenariosEtcdIT extends FaultScenarios {
  @TempDir Path dir;
  private EtcdCluster etcd;

  @Override
  String protection() {
    return "Etcd";
  }

  @Override
  String protectionYaml() {
    return LabSession.protectionYaml("Etcd");
  }

  @Override
  void prepare(PairLab lab) {
    etcd = LabSession.startEtcd(lab, dir.resolve("etcd-" + System.nanoTime()));
  }

  @Override
  void cleanUp() {
    if (etcd != null) {
      etcd.close();
      etcd = null;
    }
  }

  /** As with the Lease: the fence time, 3 ticks of the peer's stream as proof, the takeover. */
  @Override
  Duration takeoverBound() {
    return arbitratedTakeoverBound();
  }

  @Override
  Path dir() {
    return dir;
  }

  @Test
  void keyHeldCrashFigures() throws Exception {
    assertMeasured(report("key-held-crash"));
  }

  /**
   * A master cut off from its peer that holds the etcd key, whose agent dies: its Redis must stop
   * at once, not take writes after the key ran out and the peer took over.
   */
  @Test
  void aMasterWhoseAgentDiesHoldingTheKeyRefusesWritesAtOnce() throws Exception {
    assertKeyHeldCrashRefusesAtOnce(report("key-held-crash"));
  }
}

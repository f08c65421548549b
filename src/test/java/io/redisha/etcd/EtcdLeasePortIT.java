package io.redisha.etcd;

import static io.redisha.etcd.EtcdLab.field;
import static io.redisha.etcd.EtcdLab.number;
import static org.assertj.core.api.Assertions.assertThat;

import io.redisha.etcd.EtcdLab.Driver;
import io.redisha.lab.EtcdCluster.Member;
import io.redisha.testing.RequiresHost;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link EtcdLeasePort} against a real three-member etcd 3.4 cluster, one member per network
 * namespace on a lab bridge, with the clients as separate JVMs ({@link EtcdPortDriver}) in lab
 * hosts vm-a and vm-b, as agents would run. The tests share the cluster and run in order; each
 * prints its measured figures as {@code FIGURE} lines.
 */
@RequiresHost(tools = {"ip", "etcd", "etcdctl"})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EtcdLeasePortIT {
  static final long CALL_TIMEOUT_MILLIS = 500;
  static final String VM_A = "vm-a";
  static final String VM_B = "vm-b";

  @TempDir static Path dir;
  EtcdLab lab;
  Driver a;
  Driver b;
  final List<String> figures = new ArrayList<>();

  @BeforeAll
  void boot() {
    lab = EtcdLab.create(dir, List.of(VM_A, VM_B));
    try {
      a = lab.driver(VM_A, VM_A, CALL_TIMEOUT_MILLIS);
      b = lab.driver(VM_B, VM_B, CALL_TIMEOUT_MILLIS);
    } catch (RuntimeException | Error e) {
      lab.close();
      throw e;
    }
  }

  @AfterAll
  void tearDown() {
    if (lab != null) {
      lab.close();
    }
    System.out.println("\n" + String.join("\n", figures));
  }

  @Test
  @Order(1)
  void twoContendersCreatingAtOnceGetExactlyOneFoundAndOneConflict() {
    int rounds = 10;
    int aWon = 0;
    long slowest = 0;
    for (int i = 1; i <= rounds; i++) {
      String group = "race-" + i;
      int markA = a.mark();
      int markB = b.mark();
      a.send("create " + group + " " + VM_A);
      b.send("create " + group + " " + VM_B);
      String fromA = a.awaitLine(markA, l -> l.startsWith("create " + group + " "), seconds(30));
      String fromB = b.awaitLine(markB, l -> l.startsWith("create " + group + " "), seconds(30));
      List<String> answers = List.of(fromA, fromB);
      assertThat(answers).as("round %d", i).filteredOn(l -> l.contains(" Found ")).hasSize(1);
      assertThat(answers).as("round %d", i).filteredOn(l -> l.contains(" Conflict ")).hasSize(1);
      String winner = fromA.contains(" Found ") ? VM_A : VM_B;
      aWon += winner.equals(VM_A) ? 1 : 0;
      assertThat(fromA.contains(" Found ") ? fromB : fromA).contains("held_by_" + winner);
      assertThat(b.ask("get " + group, "get " + group + " ")).contains("holder=" + winner);
      assertThat(a.ask("get " + group, "get " + group + " ")).contains("holder=" + winner);
      slowest = Math.max(slowest, Math.max(number(fromA, "ms"), number(fromB, "ms")));
    }
    figure(
        "create from two contenders at once, %d rounds: exactly one Found and one Conflict in"
            + " every round (vm-a won %d, vm-b %d); slowest create %d ms",
        rounds, aWon, rounds - aWon, slowest);
  }

  @Test
  @Order(2)
  void anUpdateBasedOnAStaleRevisionIsAConflict() {
    String created = a.ask("create stale " + VM_A, "create stale ");
    assertThat(created).contains(" Found holder=vm-a ");
    String first = field(created, "rv");
    String renewed = a.ask("update stale " + VM_A + " " + first, "update stale ");
    assertThat(renewed).contains(" Found holder=vm-a ");
    String second = field(renewed, "rv");
    assertThat(Long.parseLong(second)).isGreaterThan(Long.parseLong(first));

    String stale = b.ask("update stale " + VM_B + " " + first, "update stale ");
    assertThat(stale).contains(" Conflict ").contains("revision_" + second + ",_held_by_vm-a");
    assertThat(b.ask("get stale", "get stale ")).contains("holder=vm-a rv=" + second);
    assertThat(b.ask("create stale " + VM_B, "create stale ")).contains(" Conflict ");
    assertThat(b.ask("update ghost " + VM_B + " 5", "update ghost ")).contains(" NotFound ");
    figure(
        "stale revision: vm-b's update based on revision %s after vm-a renewed to %s: %s",
        first, second, stale.substring(0, stale.indexOf(" ms=")));
  }

  @Test
  @Order(3)
  void aLeaderChangeWhileAKeyIsHeldKeepsTheHolderAndNoOneElseEverGetsIt() throws Exception {
    long from = number(a.ask("revision", "revision "), "now") + 1;
    int markA = a.mark();
    int markB = b.mark();
    a.send("master lc");
    b.send("backup lc");
    a.awaitLine(markA, l -> l.startsWith("guard lc log") && l.contains("acquired"), seconds(30));
    b.send("silent lc " + System.nanoTime());
    // vm-b hunts for the key: it has read it (held by vm-a) before the leader moves.
    b.awaitLine(markB, l -> l.startsWith("call lc get Found holder=vm-a"), seconds(30));

    List<String> moves = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Member leader = lab.leader();
      Member target = lab.members.get((lab.members.indexOf(leader) + 1) % lab.members.size());
      long start = System.nanoTime();
      lab.moveLeader(target);
      moves.add(
          leader.name()
              + " -> "
              + target.name()
              + " "
              + (System.nanoTime() - start) / 1_000_000
              + " ms");
      Thread.sleep(1500);
    }
    Thread.sleep(3000);
    b.ask("close lc", "closed lc");
    a.ask("close lc", "closed lc");

    List<String> aCalls = a.linesAfter(markA, "call lc ");
    List<String> aWrites =
        aCalls.stream().filter(l -> l.contains(" create ") || l.contains(" update ")).toList();
    List<String> bCalls = b.linesAfter(markB, "call lc ");
    assertThat(a.linesAfter(markA, "guard lc stepped-down")).as("vm-a stepped down").isEmpty();
    assertThat(b.linesAfter(markB, "guard lc took-over")).as("vm-b took over").isEmpty();
    assertThat(aWrites).as("vm-a's renewals").hasSizeGreaterThan(5);
    assertThat(aWrites).as("vm-a's renewals").allMatch(l -> l.contains(" Found holder=vm-a "));
    assertThat(bCalls)
        .as("vm-b's calls")
        .allMatch(l -> l.startsWith("call lc get Found holder=vm-a"));
    long slowest = aWrites.stream().mapToLong(l -> number(l, "ms")).max().orElse(-1);

    List<String> history = history(a, "lc", from);
    List<String> holders =
        history.stream().filter(l -> l.contains(" Found ")).map(l -> field(l, "holder")).toList();
    assertThat(holders)
        .as("every version of key lc")
        .isNotEmpty()
        .allMatch(h -> h.equals(VM_A) || h.equals("-"));
    figure(
        "etcd leader moved 3 times (%s) while vm-a held key lc without proof: vm-a's %d"
            + " renewals all Found (slowest %d ms), vm-b's %d reads all saw vm-a, %d versions"
            + " of the key all written by vm-a; no step-down, no takeover",
        String.join(", ", moves), aWrites.size(), slowest, bCalls.size(), holders.size());
  }

  @Test
  @Order(4)
  void killingTheMemberInUseFollowerThenLeaderLeavesCallsWorkingThroughTheOthers()
      throws Exception {
    int start = a.mark();
    a.send("renew kill 200");
    String firstRenewal = a.awaitLine(start, l -> l.startsWith("renew kill Found"), seconds(30));
    Member used = byAddress(field(firstRenewal, "via"));
    if (lab.leader().equals(used)) {
      lab.moveLeader(lab.members.get((lab.members.indexOf(used) + 1) % 3));
    }
    Thread.sleep(1000);

    // A follower dies: the port moves on at once (connection refused) and nothing fails.
    int markFollower = a.mark();
    long killed = System.nanoTime();
    lab.kill(used);
    Thread.sleep(4000);
    List<String> afterFollower = a.linesAfter(markFollower, "renew kill ");
    assertThat(afterFollower).hasSizeGreaterThan(5).allMatch(l -> l.contains(" Found holder=vm-a"));
    String firstAfter =
        afterFollower.stream().filter(l -> number(l, "t") > killed).findFirst().orElseThrow();
    long slowestAfterFollower =
        afterFollower.stream().mapToLong(l -> number(l, "ms")).max().orElse(-1);
    assertThat(slowestAfterFollower).isLessThanOrEqualTo(CALL_TIMEOUT_MILLIS + 200);
    figure(
        "kill follower %s (the member vm-a used): %d renewals in the next 4 s all Found,"
            + " slowest %d ms, first %d ms via %s",
        used.name(),
        afterFollower.size(),
        slowestAfterFollower,
        number(firstAfter, "ms"),
        field(firstAfter, "via"));
    lab.start(used);
    lab.awaitHealthy(lab.members);

    // The leader dies: calls fail until the others have elected a new leader, then succeed.
    Thread.sleep(1000);
    List<String> recent = a.linesAfter(markFollower, "renew kill Found");
    Member inUse = byAddress(field(recent.getLast(), "via"));
    lab.moveLeader(inUse);
    Thread.sleep(1000);
    int markLeader = a.mark();
    long leaderKilled = System.nanoTime();
    lab.kill(inUse);
    String recovered =
        a.awaitLine(
            markLeader,
            l -> l.startsWith("renew kill Found") && number(l, "t") > leaderKilled,
            seconds(30));
    long recoveredMillis = (number(recovered, "end") - leaderKilled) / 1_000_000;
    Thread.sleep(3000);
    String stopped = a.ask("stop kill", "stopped kill");
    List<String> afterLeader = a.linesAfter(markLeader, "renew kill ");
    List<String> failedMeanwhile =
        afterLeader.stream().filter(l -> l.contains(" Failed ")).toList();
    long slowestFailure = failedMeanwhile.stream().mapToLong(l -> number(l, "ms")).max().orElse(0);
    List<String> afterRecovery =
        afterLeader.stream().filter(l -> number(l, "t") > number(recovered, "t")).toList();
    Member newLeader = lab.leader();
    figure(
        "kill leader %s (the member vm-a used): first renewal sent after the kill that succeeded"
            + " ended %d ms after it (via %s); %d renewals Failed meanwhile (slowest %d ms, e.g."
            + " %s); new leader %s; %d renewals after that all Found; %s",
        inUse.name(),
        recoveredMillis,
        field(recovered, "via"),
        failedMeanwhile.size(),
        slowestFailure,
        failedMeanwhile.isEmpty()
            ? "-"
            : field(failedMeanwhile.getFirst(), "ms")
                + " ms "
                + failedMeanwhile.getFirst().split(" ")[3],
        newLeader.name(),
        afterRecovery.size(),
        stopped);
    assertThat(recoveredMillis).as("renewals work again after a leader kill").isLessThan(5000);
    assertThat(slowestFailure).isLessThanOrEqualTo(CALL_TIMEOUT_MILLIS + 200);
    assertThat(afterRecovery).allMatch(l -> l.contains(" Found holder=vm-a"));
    assertThat(newLeader).isNotEqualTo(inUse);
    lab.start(inUse);
    lab.awaitHealthy(lab.members);
  }

  @Test
  @Order(5)
  void withEveryMemberCutOffCallsFailWithinTheCallTimeoutAndWorkAgainAfter() throws Exception {
    assertThat(a.ask("get cut", "get cut ")).contains(" NotFound ");
    for (Member member : lab.members) {
      lab.network.isolate(member.name());
    }
    List<String> failures = new ArrayList<>();
    try {
      for (int i = 0; i < 3; i++) {
        failures.add(a.ask("get cut", "get cut "));
      }
      failures.add(a.ask("create cut " + VM_A, "create cut "));
    } finally {
      for (Member member : lab.members) {
        lab.network.reconnect(member.name());
      }
    }
    long healed = System.nanoTime();
    String back;
    while (true) {
      back = a.ask("get cut", "get cut ");
      if (back.contains(" NotFound ") || System.nanoTime() - healed > seconds(30).toNanos()) {
        break;
      }
    }
    long backMillis = (number(back, "end") - healed) / 1_000_000;
    long slowest = failures.stream().mapToLong(l -> number(l, "ms")).max().orElse(-1);
    figure(
        "every member cut off: %d calls Failed after %s ms (call timeout %d ms): %s; after the"
            + " heal the first call that worked ended %d ms later",
        failures.size(),
        failures.stream().map(l -> field(l, "ms")).toList(),
        CALL_TIMEOUT_MILLIS,
        failures.getFirst().split(" ")[3].replace('_', ' '),
        backMillis);
    assertThat(failures).allMatch(l -> l.contains(" Failed no_etcd_member_answered"));
    assertThat(slowest).isLessThanOrEqualTo(CALL_TIMEOUT_MILLIS + 150);
    assertThat(back).contains(" NotFound ");
    lab.awaitHealthy(lab.members);
  }

  @Test
  @Order(6)
  void leaseGuardsOnTheClusterFenceTheCutOffHolderBeforeTheOtherAcquires() throws Exception {
    long from = number(a.ask("revision", "revision "), "now") + 1;
    int markA = a.mark();
    int markB = b.mark();
    a.send("master fence");
    b.send("backup fence");
    a.awaitLine(markA, l -> l.startsWith("guard fence log") && l.contains("acquired"), seconds(30));
    Thread.sleep(2000);

    long cut = System.nanoTime();
    lab.network.isolate(VM_A);
    String took;
    String stepped;
    try {
      b.send("silent fence " + cut);
      took = b.awaitLine(markB, l -> l.startsWith("guard fence took-over"), seconds(40));
      stepped = a.awaitLine(markA, l -> l.startsWith("guard fence stepped-down"), seconds(5));
    } finally {
      lab.network.reconnect(VM_A);
    }
    long tookAt = number(took, "t");
    long steppedAt = number(stepped, "t");
    String lastRenewal =
        a.linesAfter(markA, "call fence ").stream()
            .filter(l -> l.contains(" Found holder=vm-a") && number(l, "t") < cut)
            .reduce((x, y) -> y)
            .orElseThrow();
    String acquired =
        b.awaitLine(
            markB, l -> l.startsWith("call fence ") && l.contains("holder=vm-b"), seconds(5));
    long fence = EtcdPortDriver.TIMING.fenceTime().toMillis();
    figure(
        "vm-a cut off while holding key fence (fence time %d ms, lease %d ms): vm-a's last"
            + " renewal was sent %d ms before the cut, vm-a stepped down %d ms after the cut, vm-b"
            + " took over %d ms after the cut (%d ms after vm-a stepped down) with %s",
        fence,
        EtcdPortDriver.TIMING.leaseDuration().toMillis(),
        (cut - number(lastRenewal, "t")) / 1_000_000,
        (steppedAt - cut) / 1_000_000,
        (tookAt - cut) / 1_000_000,
        (tookAt - steppedAt) / 1_000_000,
        acquired.substring(0, acquired.indexOf(" ms=")));
    assertThat(steppedAt).as("vm-a stepped down before vm-b took over").isLessThan(tookAt);
    assertThat(tookAt - cut).as("vm-b waited the fence time").isGreaterThan(fence * 1_000_000);
    b.ask("close fence", "closed fence");
    a.ask("close fence", "closed fence");

    List<String> holders =
        history(b, "fence", from).stream()
            .filter(l -> l.contains(" Found "))
            .map(l -> field(l, "holder"))
            .filter(h -> !h.equals("-"))
            .distinct()
            .toList();
    assertThat(holders).containsExactly(VM_A, VM_B);
  }

  private List<String> history(Driver driver, String group, long from) {
    int mark = driver.mark();
    driver.send("history " + group + " " + from);
    driver.awaitLine(mark, l -> l.startsWith("history-end " + group), seconds(60));
    List<String> lines = driver.linesAfter(mark, "history " + group + " ");
    System.out.println(String.join("\n", lines));
    return lines;
  }

  private Member byAddress(String authority) {
    String address = authority.substring(0, authority.indexOf(':'));
    return lab.members.stream().filter(m -> m.address().equals(address)).findFirst().orElseThrow();
  }

  private static Duration seconds(long seconds) {
    return Duration.ofSeconds(seconds);
  }

  private void figure(String format, Object... args) {
    String line = "FIGURE " + String.format(format, args);
    figures.add(line);
    System.out.println(line);
  }
}

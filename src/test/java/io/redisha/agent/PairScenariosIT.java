package io.redisha.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.redisha.lab.LabRun;
import io.redisha.lab.PairLab;
import io.redisha.testing.RequiresHost;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lab's scenarios one by one, with real Redis servers and real agents started as a user starts
 * them: after each fault the test checks the master, the VIP holder, the Redis roles, that group b
 * did not move, and that every acknowledged write can still be read.
 */
@RequiresHost(tools = {"ip", "iptables", "redis-server", "redis-cli"})
class PairScenariosIT {
  @TempDir Path dir;
  PairLab lab;
  LabRun run;
  final ByteArrayOutputStream output = new ByteArrayOutputStream();

  @BeforeEach
  void boot() throws Exception {
    lab = PairLab.create(dir, PairLab.DEFAULT_GROUPS, "");
    run = new LabRun(lab, new PrintStream(output, true, StandardCharsets.UTF_8), 2);
    run.simultaneousBoot();
    assertSettledWithVipOnMaster();
    assertThat(run.results()).allMatch(LabRun.Result::passed);
  }

  @AfterEach
  void tearDown() throws Exception {
    if (run != null) {
      run.stopWriters();
    }
    lab.close();
    System.out.println(output.toString(StandardCharsets.UTF_8));
    System.out.println(run == null ? "" : run.table());
  }

  void assertSettledWithVipOnMaster() {
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              for (PairLab.GroupView view : lab.view().values()) {
                assertThat(view.settled()).as(view.toString()).isTrue();
                assertThat(lab.vipHolders(lab.group(view.group())))
                    .as("VIP holder of " + view.group())
                    .containsExactly(view.master());
              }
            });
  }

  void assertEveryRowPassed() {
    assertThat(run.results()).as(run.table()).allMatch(LabRun.Result::passed);
    assertThat(run.results().stream().filter(r -> r.group().equals("b")).toList())
        .as("group b is untouched by every fault of group a")
        .isNotEmpty();
  }

  @Test
  void redisMasterKilledFailsOverOnlyItsGroupAndComesBackAsReplica() throws Exception {
    String before = lab.view().get("a").master();
    run.killRedisMaster("a");
    assertSettledWithVipOnMaster();
    assertThat(lab.view().get("a").master()).isEqualTo(PairLab.other(before));
    assertEveryRowPassed();
  }

  @Test
  void masterHostCutOffHandsOverAndHealsWithoutLosingWrites() throws Exception {
    run.cutMasterHost("a");
    assertSettledWithVipOnMaster();
    assertEveryRowPassed();
  }

  @Test
  void redisRestartedEmptyAtOnceNeverWipesTheReplica() throws Exception {
    String before = lab.view().get("a").master();
    run.restartRedisMasterEmpty("a");
    assertSettledWithVipOnMaster();
    assertThat(lab.view().get("a").master()).isEqualTo(PairLab.other(before));
    assertThat(lab.view().get("a").roles().get(before)).isEqualTo("replica");
    assertEveryRowPassed();
  }

  @Test
  void cleanStopOfTheMasterAgentHandsOverAtOnce() throws Exception {
    run.stopMasterAgent("a");
    assertSettledWithVipOnMaster();
    assertEveryRowPassed();
    assertThat(
            Files.readString(lab.agentLog(PairLab.VM_A))
                + Files.readString(lab.agentLog(PairLab.VM_B)))
        .contains("released the master role (priority 0)");
  }

  @Test
  void aRefusedReloadKeepsTheRunningPairAndAnAddedGroupMovesNothing() throws Exception {
    String master = lab.view().get("a").master();
    JsonNode before = lab.status(master);
    String good = Files.readString(lab.pairFile());

    Files.writeString(lab.pairFile(), good.replace("port: 6389", "port: 6379"));
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(lab.status(master).path("configError").asText())
                    .contains("instances[1].port: 6379 is already used by instances[0]"));
    assertSettledWithVipOnMaster();
    assertThat(lab.view().get("a").master()).isEqualTo(master);

    lab.startRedis(PairLab.VM_A, 6399);
    lab.startRedis(PairLab.VM_B, 6399);
    Files.writeString(
        lab.pairFile(),
        good + "- {name: c, port: 6399, vip: 192.0.2.102/24, virtualRouterId: 53}\n");
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              JsonNode status = lab.status(master);
              assertThat(status.path("configError").isNull()).isTrue();
              assertThat(status.path("groups")).hasSize(3);
            });
    assertSettledWithVipOnMaster();
    JsonNode after = lab.status(master);
    for (int i = 0; i < 2; i++) {
      assertThat(after.path("groups").get(i).path("transitions").asLong())
          .as("group %s did not move", before.path("groups").get(i).path("name").asText())
          .isEqualTo(before.path("groups").get(i).path("transitions").asLong());
    }
    assertThat(lab.metrics(master))
        .contains("redisha_vrrp_state{group=\"c\"")
        .contains("redisha_vrrp_dropped_packets_total{reason=\"wrong_source\"}");
    assertThat(List.of(PairLab.VM_A, PairLab.VM_B)).contains(master);
  }
}

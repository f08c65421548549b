package io.redisha.migrate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.redisha.cli.Main;
import io.redisha.lab.PairLab;
import io.redisha.testing.RequiresHost;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The field note's two hosts, imported with {@code redisha import} and run: two agents from the
 * imported file in network namespaces with real Redis servers, VRRPv2 with PASS auth as keepalived
 * had it. Each group ends with exactly one master that holds its VIP, and the vipHook added to the
 * imported file is called on the master.
 */
@RequiresHost(tools = {"ip", "redis-server", "redis-cli"})
class ImportedPairIT {
  @TempDir Path dir;
  PairLab lab;

  @AfterEach
  void tearDown() throws Exception {
    if (lab != null) {
      for (String host : List.of(PairLab.VM_A, PairLab.VM_B)) {
        Path log = lab.agentLog(host);
        if (Files.exists(log)) {
          System.out.println("--- " + host + "\n" + Files.readString(log));
        }
      }
      lab.close();
    }
  }

  @Test
  void theImportedFieldNotePairRunsWithOneMasterPerGroup() throws Exception {
    Path password = dir.resolve("vrrp-password");
    Files.writeString(password, "redis123\n");
    lab =
        PairLab.create(
            dir.resolve("lab"),
            List.of(
                new PairLab.Group("haredis-6379", 6379, "192.0.2.100", 51, PairLab.VM_A),
                new PairLab.Group("haredis-6389", 6389, "192.0.2.101", 52, PairLab.VM_B)),
            "");
    int code =
        Main.run(
            new String[] {
              "import",
              KeepalivedImportTest.VM_A.toString(),
              "--peer-conf",
              KeepalivedImportTest.VM_B.toString(),
              "--auth-password-file",
              password.toString(),
              "--output",
              lab.pairFile().toString()
            },
            System.out,
            System.err,
            KeepalivedImport.PortQuestion.NOBODY);
    assertThat(code).isZero();
    Path hookLog = dir.resolve("hook.log");
    Files.writeString(
        lab.pairFile(),
        Files.readString(lab.pairFile())
            + "vipHook:\n  provider: Exec\n  command: [/bin/sh, -c, 'echo \"$REDISHA_NODE"
            + " $REDISHA_GROUP $REDISHA_STATE\" >> "
            + hookLog
            + "']\n");
    System.out.println(Files.readString(lab.pairFile()));

    lab.startAgents();

    await()
        .atMost(Duration.ofSeconds(40))
        .untilAsserted(
            () -> {
              for (PairLab.GroupView view : lab.view().values()) {
                assertThat(view.settled()).as(view.toString()).isTrue();
                assertThat(lab.vipHolders(lab.group(view.group())))
                    .as("VIP holder of " + view.group())
                    .containsExactly(view.master());
              }
            });
    for (PairLab.GroupView view : lab.view().values()) {
      String master = view.master();
      await()
          .atMost(Duration.ofSeconds(20))
          .untilAsserted(
              () -> {
                JsonNode routing = null;
                for (JsonNode g : lab.status(master).path("groups")) {
                  if (g.path("name").asText().equals(view.group())) {
                    routing = g.path("cloudRouting");
                  }
                }
                assertThat(routing.path("provider").asText()).isEqualTo("exec");
                assertThat(routing.path("state").asText()).isEqualTo("MASTER");
                assertThat(routing.path("result").asText()).isEqualTo("Succeeded");
                assertThat(Files.readString(hookLog))
                    .contains(master + " " + view.group() + " MASTER");
              });
      assertThat(lab.metrics(master))
          .contains(
              "redisha_cloud_routing_ok{group=\""
                  + view.group()
                  + "\",provider=\"exec\",state=\"MASTER\"} 1");
    }
  }
}

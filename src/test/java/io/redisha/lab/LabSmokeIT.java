package io.redisha.lab;

import static org.assertj.core.api.Assertions.assertThat;

import io.redisha.testing.RequiresHost;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's run command, end to end: {@code redisha lab} as its own process, with its default
 * protection Etcd (a three-member etcd cluster in namespaces of its own).
 */
@RequiresHost(tools = {"ip", "iptables", "redis-server", "redis-cli", "etcd", "etcdctl"})
class LabSmokeIT {
  @TempDir Path dir;

  @Test
  void theLabRunsEveryScenarioAndRemovesEverything() throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(
        List.of(
            "--enable-native-access=ALL-UNNAMED",
            "-cp",
            System.getProperty("java.class.path"),
            "io.redisha.cli.Main",
            "lab",
            "--work-dir",
            dir.resolve("lab").toString()));
    Path log = dir.resolve("lab.log");
    Process lab =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    boolean finished = lab.waitFor(8, TimeUnit.MINUTES);
    if (!finished) {
      lab.destroy();
      lab.waitFor(30, TimeUnit.SECONDS);
    }
    String output = Files.readString(log);
    System.out.println(output);
    assertThat(finished).as("lab finished").isTrue();
    assertThat(lab.exitValue()).as(output).isZero();
    assertThat(output)
        .contains("[1/7] both hosts boot at the same moment")
        .contains("etcd cluster up in")
        .contains("[7/7] stop the agent")
        .contains("summary")
        .contains("all scenarios passed")
        .contains("lab removed");
    // The pair-link cut with Etcd loses nothing; the same cut with None, beside it, loses writes.
    List<String> etcdRows = rows(output, "pair link cut, Etcd");
    List<String> noneRows = rows(output, "pair link cut, None");
    assertThat(etcdRows).hasSize(2).allMatch(row -> lost(row) == 0).allMatch(r -> r.endsWith("ok"));
    assertThat(noneRows).hasSize(2);
    assertThat(noneRows.stream().mapToLong(LabSmokeIT::lost).sum())
        .as("writes lost without an arbiter: %s", noneRows)
        .isPositive();
    String ours = "rha-" + lab.pid() + "-";
    assertThat(LabNetwork.listNamespaces()).noneMatch(name -> name.startsWith(ours));
    assertThat(dir.resolve("lab")).doesNotExist();
  }

  /** The summary's rows of {@code scenario}. */
  static List<String> rows(String output, String scenario) {
    String summary = output.substring(output.lastIndexOf("summary"));
    return summary.lines().filter(line -> line.startsWith(scenario)).toList();
  }

  /** The "lost" column of a summary row: the number before the result. */
  static long lost(String row) {
    String[] words = row.strip().split("\\s+");
    return Long.parseLong(words[words.length - 2]);
  }
}

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

/** The README's run command, end to end: {@code redisha lab} as its own process. */
@RequiresHost(tools = {"ip", "iptables", "redis-server", "redis-cli"})
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
        .contains("[1/5] both hosts boot at the same moment")
        .contains("summary")
        .contains("all scenarios passed")
        .contains("lab removed");
    String ours = "rha-" + lab.pid() + "-";
    assertThat(LabNetwork.listNamespaces()).noneMatch(name -> name.startsWith(ours));
    assertThat(dir.resolve("lab")).doesNotExist();
  }
}

package io.redisha.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.redisha.lab.LabNetwork;
import io.redisha.testing.RequiresHost;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code redisha agent} and {@code redisha vrrp} started in a host of their own (a network
 * namespace with 192.0.2.12 on eth0) with a pair file that cannot run there: each fails with one
 * line that says what to change, exit code 1, and no stack trace.
 */
@RequiresHost(tools = {"ip"})
class StartFailuresIT {
  @TempDir Path dir;
  LabNetwork lab;

  @BeforeEach
  void buildHost() {
    lab = LabNetwork.create();
    lab.addHost("us", "192.0.2.12/24");
  }

  @AfterEach
  void removeHost() {
    lab.close();
  }

  Path pairFile(String interfaceName, String localAddress) throws IOException {
    Path file = dir.resolve("pair.yaml");
    Files.writeString(
        file,
        """
        nodes:
        - {name: us, address: %s}
        - {name: peer, address: 192.0.2.11}
        interface: %s
        instances:
        - {name: a, port: 6379, vip: 192.0.2.100/24, virtualRouterId: 51}
        """
            .formatted(localAddress, interfaceName));
    return file;
  }

  CommandRun runInHost(String command, Path file) throws Exception {
    return lab.inNamespace(
        "us",
        () ->
            command.equals("agent")
                ? CommandRun.of("agent", "--config", file.toString(), "--node", "us")
                : CommandRun.of("vrrp", "--config", file.toString(), "--node", "us"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"agent", "vrrp"})
  void aMissingInterfaceIsOneLine(String command) throws Exception {
    Path file = pairFile("eth9", "192.0.2.12");

    CommandRun run = runInHost(command, file);

    assertThat(run.code()).as(run.toString()).isEqualTo(1);
    assertThat(run.errLines())
        .containsExactly(
            "redisha "
                + command
                + ": no network interface 'eth9' on this host; set interface in "
                + file
                + " to one that 'ip -br link' lists");
  }

  @ParameterizedTest
  @ValueSource(strings = {"agent", "vrrp"})
  void anAddressOfAnotherHostIsOneLine(String command) throws Exception {
    Path file = pairFile("eth0", "192.0.2.13");

    CommandRun run = runInHost(command, file);

    assertThat(run.code()).as(run.toString()).isEqualTo(1);
    assertThat(run.errLines())
        .containsExactly(
            "redisha "
                + command
                + ": address 192.0.2.13 of node us is not on this host; check nodes[].address in "
                + file
                + " and --node");
    assertThat(run.err()).doesNotContain("Exception").doesNotContain("\tat ");
  }
}

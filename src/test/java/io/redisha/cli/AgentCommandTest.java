package io.redisha.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What {@code redisha agent} refuses before it starts anything. The pair file names an interface
 * that does not exist and addresses of no host here, so even an agent that got past its checks
 * could open no raw socket on this machine's network.
 */
class AgentCommandTest {
  @TempDir Path dir;

  Path pairFile(String extra) throws IOException {
    Path file = dir.resolve("pair.yaml");
    Files.writeString(
        file,
        """
        nodes:
        - {name: vm-a, address: 203.0.113.1}
        - {name: vm-b, address: 203.0.113.2}
        interface: rha-absent0
        instances:
        - {name: a, port: 6379, vip: 203.0.113.100/24, virtualRouterId: 51}
        """
            + extra);
    return file;
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "65536", "-1", "http", "9736x"})
  void aBadHttpPortIsAUsageError(String port) throws IOException {
    CommandRun run =
        CommandRun.of(
            "agent", "--config", pairFile("").toString(), "--node", "vm-a", "--http-port", port);

    assertThat(run.code()).as(run.toString()).isEqualTo(2);
    assertThat(run.errLines())
        .singleElement()
        .asString()
        .startsWith("redisha agent: --http-port: ")
        .endsWith("; see redisha agent --help");
  }

  @Test
  void aBusyHttpPortFailsWithOneLineBeforeAnythingStarts() throws IOException {
    try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      int port = busy.getLocalPort();

      CommandRun run =
          CommandRun.of(
              "agent",
              "--config",
              pairFile("").toString(),
              "--node",
              "vm-a",
              "--http-port",
              Integer.toString(port));

      assertThat(run.code()).as(run.toString()).isEqualTo(1);
      // The port is bound before the interface is even looked up: the missing interface of this
      // pair file is never reached.
      assertThat(run.errLines())
          .containsExactly(
              "redisha agent: cannot listen on 127.0.0.1:"
                  + port
                  + ": address already in use; pick another --http-port");
      assertThat(run.err()).doesNotContain("Exception").doesNotContain("\tat ");
      assertThat(run.out()).isEmpty();
    }
  }

  @Test
  void anInvalidPairFileIsRefusedWithItsFields() throws IOException {
    Path file = pairFile("- {name: b, port: 6379, vip: 203.0.113.100/24, virtualRouterId: 51}\n");

    CommandRun run = CommandRun.of("agent", "--config", file.toString(), "--node", "vm-a");

    assertThat(run.code()).as(run.toString()).isEqualTo(2);
    assertThat(run.err())
        .startsWith("redisha agent: " + file + " is invalid:")
        .contains("instances[1].port: 6379 is already used by instances[0]");
  }

  @Test
  void leaseProtectionNeedsTheKubernetesApi() throws IOException {
    CommandRun run =
        CommandRun.of(
            "agent",
            "--config",
            pairFile("splitBrainProtection: Lease\n").toString(),
            "--node",
            "vm-a");

    assertThat(run.code()).as(run.toString()).isEqualTo(2);
    assertThat(run.errLines())
        .singleElement()
        .asString()
        .contains("splitBrainProtection: Lease needs the Kubernetes API");
  }

  @Test
  void anEtcdKeyFileThatIsNoKeyIsAUsageErrorOfOneLineNamingTheField() throws IOException {
    Path cert = Files.writeString(dir.resolve("etcd.crt"), "not a certificate\n");
    Path key =
        Files.writeString(
            dir.resolve("etcd.key"),
            "-----BEGIN RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY-----\n");
    Path config =
        pairFile(
            "splitBrainProtection: Etcd\netcd: {endpoints: ['https://203.0.113.50:2379'],"
                + " certFile: "
                + cert
                + ", keyFile: "
                + key
                + "}\n");

    CommandRun run = CommandRun.of("agent", "--config", config.toString(), "--node", "vm-a");

    assertThat(run.code()).as(run.toString()).isEqualTo(2);
    assertThat(run.errLines())
        .singleElement()
        .asString()
        .startsWith("redisha agent: " + config + ": etcd.")
        .containsAnyOf("etcd.certFile", "etcd.keyFile");
    assertThat(run.err()).doesNotContain("Exception").doesNotContain("\tat ");
  }

  @Test
  void anUnreadableEtcdPasswordFileIsRefusedNamingTheField() throws IOException {
    Path config =
        pairFile(
            "splitBrainProtection: Etcd\netcd: {endpoints: ['http://203.0.113.50:2379'],"
                + " username: redisha, passwordFile: "
                + dir.resolve("absent")
                + "}\n");

    CommandRun run = CommandRun.of("agent", "--config", config.toString(), "--node", "vm-a");

    assertThat(run.code()).as(run.toString()).isEqualTo(2);
    assertThat(run.err()).contains("etcd.passwordFile: cannot read " + dir.resolve("absent"));
    assertThat(run.err()).doesNotContain("Exception").doesNotContain("\tat ");
  }
}

package io.redisha.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeNameTest {
  @TempDir Path dir;

  @Test
  void theNodeFileBesideThePairFileNamesThisNode() throws IOException {
    Files.writeString(dir.resolve("node"), "# this host\n\n  vm-b  \n");
    assertThat(NodeName.beside(dir.resolve("pair.yaml"))).isEqualTo("vm-b");
  }

  @Test
  void anEmptyNodeFileIsAnError() throws IOException {
    Files.writeString(dir.resolve("node"), "# nothing\n");
    assertThatThrownBy(() -> NodeName.beside(dir.resolve("pair.yaml")))
        .hasMessageContaining("holds no node name");
  }

  @Test
  void withoutANodeFileTheHostNameWithoutItsDomain() throws IOException {
    String host = InetAddress.getLocalHost().getHostName();
    assertThat(NodeName.beside(dir.resolve("pair.yaml")))
        .isEqualTo(host.contains(".") ? host.substring(0, host.indexOf('.')) : host)
        .doesNotContain(".");
  }
}

package io.redisha.cli;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** This host's node name when {@code --node} is not given. */
final class NodeName {
  private NodeName() {}

  /**
   * The first non-empty line of the file {@code node} beside {@code pairFile} (for the packaged
   * service {@code /etc/redisha/node}), else the host name without its domain.
   */
  static String beside(Path pairFile) throws IOException {
    Path parent = pairFile.toAbsolutePath().getParent();
    Path file = parent == null ? Path.of("node") : parent.resolve("node");
    if (Files.isRegularFile(file)) {
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        if (!line.isBlank() && !line.strip().startsWith("#")) {
          return line.strip();
        }
      }
      throw new IOException(file + " holds no node name");
    }
    String host = InetAddress.getLocalHost().getHostName();
    int dot = host.indexOf('.');
    return dot > 0 ? host.substring(0, dot) : host;
  }
}

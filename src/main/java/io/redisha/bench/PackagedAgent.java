package io.redisha.bench;

import io.redisha.lab.LabNetwork;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The agent as the Debian package runs it: {@code /usr/bin/redisha} with the package's trimmed Java
 * runtime and JVM settings. Either installed ({@code /usr/bin/redisha} and {@code
 * /usr/lib/redisha/runtime} exist), or a {@code redisha_*_amd64.deb} unpacked into the work
 * directory with {@code dpkg-deb -x} (nothing installed on the machine), its launcher pointed at
 * the unpacked files.
 *
 * @param launcher the command before the agent's own arguments
 * @param origin where it came from, for the table
 */
record PackagedAgent(List<String> launcher, String origin) {
  static final Path INSTALLED_LAUNCHER = Path.of("/usr/bin/redisha");
  static final Path INSTALLED_RUNTIME = Path.of("/usr/lib/redisha/runtime");
  private static final String LIBRARY_DIR = "/usr/lib/redisha";

  /** The installed package, if any. */
  static Optional<PackagedAgent> installed() {
    if (!Files.isExecutable(INSTALLED_LAUNCHER) || !Files.isDirectory(INSTALLED_RUNTIME)) {
      return Optional.empty();
    }
    String version = command("dpkg-query", "-W", "-f=${Version}", "redisha");
    return Optional.of(
        new PackagedAgent(
            List.of(INSTALLED_LAUNCHER.toString()),
            "installed " + INSTALLED_LAUNCHER + (version.isEmpty() ? "" : ", package " + version)));
  }

  /** {@code deb} unpacked into {@code dir}, its launcher rewritten to the unpacked files. */
  static PackagedAgent unpacked(Path deb, Path dir) throws IOException {
    if (!Files.isRegularFile(deb) || !deb.getFileName().toString().endsWith(".deb")) {
      throw new IllegalArgumentException(
          "--agent-package: " + deb + " is not a .deb file (build one with ./mvnw package)");
    }
    Path root = dir.resolve("package-root").toAbsolutePath();
    Files.createDirectories(root);
    String unpack = command("dpkg-deb", "-x", deb.toAbsolutePath().toString(), root.toString());
    Path launcher = root.resolve("usr/bin/redisha");
    if (!Files.isRegularFile(launcher)
        || !Files.isDirectory(root.resolve("usr/lib/redisha/runtime"))) {
      throw new IllegalArgumentException(
          "--agent-package: "
              + deb
              + " holds no usr/bin/redisha with usr/lib/redisha/runtime"
              + (unpack.isEmpty() ? "" : " (" + unpack.strip() + ")"));
    }
    String script = Files.readString(launcher);
    if (!script.contains(LIBRARY_DIR)) {
      throw new IllegalArgumentException(
          "--agent-package: the launcher of " + deb + " does not run " + LIBRARY_DIR);
    }
    Path rewritten = root.resolve("redisha-unpacked");
    Files.writeString(rewritten, script.replace(LIBRARY_DIR, root + LIBRARY_DIR));
    Files.setPosixFilePermissions(rewritten, PosixFilePermissions.fromString("rwxr-xr-x"));
    String version = command("dpkg-deb", "-f", deb.toAbsolutePath().toString(), "Version").strip();
    return new PackagedAgent(
        List.of(rewritten.toString()),
        "unpacked from " + deb.getFileName() + (version.isEmpty() ? "" : ", version " + version));
  }

  /**
   * Whether the launcher keeps a class-data archive in its state directory ({@code
   * STATE_DIRECTORY}): the archive is written when the first agent stops and mapped from the next
   * start on, so the steady state is measured after one such start.
   */
  boolean writesStateArchive() {
    try {
      return Files.readString(Path.of(launcher.getLast())).contains("STATE_DIRECTORY");
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Starts the packaged agent of {@code host} on {@code pairFile}, with {@code stateDir} as its
   * state directory (one per lab host, as each VM has its own {@code /var/lib/redisha}).
   */
  Process start(
      LabNetwork network, String host, Path pairFile, int httpPort, Path stateDir, Path log) {
    try {
      Files.createDirectories(stateDir);
    } catch (IOException e) {
      throw new IllegalStateException("cannot create " + stateDir + ": " + e.getMessage(), e);
    }
    List<String> command = new ArrayList<>();
    command.addAll(List.of("env", "STATE_DIRECTORY=" + stateDir.toAbsolutePath()));
    command.addAll(launcher);
    command.addAll(
        List.of(
            "agent",
            "--config",
            pairFile.toAbsolutePath().toString(),
            "--node",
            host,
            "--http-port",
            Integer.toString(httpPort)));
    return network.start(host, command, log);
  }

  /** Runs a local command (no network) and returns its output, "" when it fails. */
  private static String command(String... command) {
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      process.getOutputStream().close();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        return "";
      }
      return process.exitValue() == 0 ? output : "";
    } catch (IOException e) {
      return "";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    }
  }
}

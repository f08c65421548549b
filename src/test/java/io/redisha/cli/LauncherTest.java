package io.redisha.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code ./redisha} launcher script, run from another directory against a copy of the
 * repository whose {@code java}, {@code mvnw} and {@code dpkg-query} only record where they ran:
 * commands run in the caller's directory, the build and the tests in the repository root.
 */
class LauncherTest {
  @TempDir Path tmp;
  Path root;
  Path caller;
  Path record;
  Path javaHome;
  Path fakeBin;

  @BeforeEach
  void copyTheLauncher() throws IOException {
    root = Files.createDirectories(tmp.resolve("repo"));
    caller = Files.createDirectories(tmp.resolve("elsewhere/vm-a"));
    record = tmp.resolve("record.txt");
    Files.copy(Path.of("redisha"), root.resolve("redisha"));
    Files.writeString(root.resolve("pom.xml"), "<project/>\n");
    Files.createDirectories(root.resolve("src/main/java"));
    Files.createDirectories(root.resolve("target"));
    Files.writeString(root.resolve("target/redisha.jar"), "");
    script(root.resolve("mvnw"), "echo \"mvnw cwd=$(pwd) args=$*\" >> " + record);
    javaHome = tmp.resolve("jdk");
    script(
        javaHome.resolve("bin/java"),
        "if [ \"$1\" = -version ]; then echo 'openjdk version \"25.0.1\"' >&2; exit 0; fi\n"
            + "echo \"java cwd=$(pwd) args=$*\" >> "
            + record);
    fakeBin = tmp.resolve("bin");
    script(fakeBin.resolve("dpkg-query"), "printf 'install ok installed'");
  }

  void jarIsUpToDate(boolean upToDate) throws IOException {
    FileTime old = FileTime.from(Instant.now().minusSeconds(3600));
    FileTime now = FileTime.from(Instant.now());
    for (Path source : List.of(root.resolve("pom.xml"), root.resolve("src/main/java"))) {
      Files.setLastModifiedTime(source, upToDate ? old : now);
    }
    Files.setLastModifiedTime(root.resolve("target/redisha.jar"), upToDate ? now : old);
  }

  static void script(Path file, String body) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, "#!/usr/bin/env bash\n" + body + "\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  List<String> launch(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("bash", root.resolve("redisha").toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(caller.toFile());
    builder.environment().put("JAVA_HOME", javaHome.toString());
    builder.environment().put("PATH", fakeBin + ":" + System.getenv("PATH"));
    builder.redirectErrorStream(true);
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(output).isZero();
    return Files.exists(record) ? Files.readAllLines(record) : List.of();
  }

  @Test
  void aCommandRunsInTheCallersDirectory() throws Exception {
    jarIsUpToDate(true);

    List<String> ran =
        launch("import", "keepalived.conf", "--peer-conf", "../vm-b/keepalived.conf");

    assertThat(ran)
        .containsExactly(
            "java cwd="
                + caller.toRealPath()
                + " args=--enable-native-access=ALL-UNNAMED -jar "
                + root.toRealPath()
                + "/target/redisha.jar import keepalived.conf --peer-conf ../vm-b/keepalived.conf");
  }

  @Test
  void theBuildRunsInTheRootAndTheCommandStillInTheCallersDirectory() throws Exception {
    jarIsUpToDate(false);

    List<String> ran = launch("validate", "--config", "pair.yaml");

    assertThat(ran).hasSize(2);
    assertThat(ran.get(0)).startsWith("mvnw cwd=" + root.toRealPath() + " args=-B -q package");
    assertThat(ran.get(1))
        .startsWith("java cwd=" + caller.toRealPath() + " ")
        .endsWith("redisha.jar validate --config pair.yaml");
  }

  @Test
  void testRunsTheMavenBuildFromTheRoot() throws Exception {
    jarIsUpToDate(true);

    List<String> ran = launch("test", "-DskipITs");

    assertThat(ran).containsExactly("mvnw cwd=" + root.toRealPath() + " args=-B verify -DskipITs");
  }

  @Test
  void noCommandAndHelpListTheCommands() throws Exception {
    jarIsUpToDate(true);

    launch();
    List<String> ran = launch("help");

    assertThat(ran).hasSize(2).allSatisfy(line -> assertThat(line).endsWith("redisha.jar help"));
  }
}

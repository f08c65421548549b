package io.redisha.migrate;

import static org.assertj.core.api.Assertions.assertThat;

import io.redisha.pair.PairFile;
import io.redisha.testing.RequiresHost;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code redisha import} as its own process, the way an admin runs it on a VM: from whatever
 * directory the shell is in, with relative paths, and with files the importing user cannot read.
 */
class ImportProcessTest {
  /** An owner no one here is, so that a mode-000 file is unreadable even to mapped root. */
  private static final String STRANGER = "12345:12345";

  @TempDir Path dir;

  record Result(int code, String out, String err) {}

  /** Runs {@code redisha import args} in {@code cwd}, behind {@code wrapper} when not empty. */
  static Result importIn(Path cwd, List<String> wrapper, String... args) throws Exception {
    List<String> command = new ArrayList<>(wrapper);
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-XX:+UseSerialGC");
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add("io.redisha.cli.Main");
    command.add("import");
    command.addAll(List.of(args));
    Path out = Files.createTempFile("import-out", ".txt");
    Path err = Files.createTempFile("import-err", ".txt");
    try {
      Process process =
          new ProcessBuilder(command)
              .directory(cwd.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
              .redirectOutput(out.toFile())
              .redirectError(err.toFile())
              .start();
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
        throw new AssertionError("redisha import did not finish in 60 s: " + command);
      }
      return new Result(
          process.exitValue(),
          Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> walk = Files.walk(from)) {
      for (Path source : walk.toList()) {
        Path target = to.resolve(from.relativize(source).toString());
        if (Files.isDirectory(source)) {
          Files.createDirectories(target);
        } else {
          Files.copy(source, target);
        }
      }
    }
  }

  @Test
  void relativePathsResolveAgainstTheShellsDirectoryAndIncludesAgainstTheIncludingFile()
      throws Exception {
    Path samples = dir.resolve("copies");
    copyTree(KeepalivedImportTest.SAMPLES, samples);

    Result fieldNote =
        importIn(
            dir,
            List.of(),
            "copies/field-note/vm-a/keepalived.conf",
            "--peer-conf",
            "copies/field-note/vm-b/keepalived.conf",
            "--output",
            "pair.yaml");
    assertThat(fieldNote.code()).as(fieldNote.err()).isZero();
    String pair = Files.readString(dir.resolve("pair.yaml"));
    assertThat(pair)
        .contains("# Imported by `redisha import` from copies/field-note/vm-a/keepalived.conf")
        .contains("port 6379 from track_script chk_redis_6379: PORT=6379 in")
        .contains("--config pair.yaml --node vm-a");
    assertThat(PairFile.parse(pair, "pair.yaml", "pair").spec().getInstances()).hasSize(2);
    assertThat(fieldNote.err())
        .contains("copies/field-note/vm-a/keepalived.conf:9: script_user")
        .doesNotContain(dir.toString());

    // conf.d/... inside copies/includes/keepalived.conf is relative to that file, not to the
    // shell's directory, and so is the include of conf.d/ inside conf.d/.
    Files.writeString(
        samples.resolve("includes/conf.d/global.conf"),
        "include ../scripts/none-*.conf\n",
        java.nio.file.StandardOpenOption.APPEND);
    Result includes =
        importIn(
            samples.resolve("includes/conf.d"),
            List.of(),
            "../keepalived.conf",
            "--port",
            "redis_b=7001");
    assertThat(includes.code()).as(includes.err()).isZero();
    assertThat(includes.out())
        .contains("port 7000 from notify: notify.sh: redis-cli -p $1 ($1=7000)")
        .contains("port: 7001");
    assertThat(includes.err())
        .contains("warning: ../keepalived.conf:4: include conf.d/optional/*.conf matches no file")
        .contains("warning: global.conf:15: include ../scripts/none-*.conf matches no file");
  }

  @Test
  void aNonUtf8FileIsOneLineWithTheRelativePathLineColumnAndByte() throws Exception {
    StringBuilder text = new StringBuilder();
    for (int i = 1; i < 12; i++) {
      text.append("! line ").append(i).append('\n');
    }
    text.append("    auth_pass mot-de-p\u00e9sse\n");
    Files.createDirectories(dir.resolve("vm-a"));
    Files.write(
        dir.resolve("vm-a/keepalived.conf"), text.toString().getBytes(StandardCharsets.ISO_8859_1));

    Result result = importIn(dir, List.of(), "vm-a/keepalived.conf");
    assertThat(result.code()).isEqualTo(2);
    assertThat(result.out()).isEmpty();
    assertThat(result.err())
        .isEqualTo(
            "redisha import: refused: vm-a/keepalived.conf:12: not UTF-8 (byte 0xE9 at column 23);"
                + " convert it with iconv -f latin1 -t utf-8\n");
  }

  @Test
  @RequiresHost(tools = {"unshare", "chown"})
  void anIncludeMatchTheImporterCannotReadIsOneLineAndExitTwoLikeAnyRefusal() throws Exception {
    Path confd = Files.createDirectories(dir.resolve("conf.d"));
    Files.writeString(
        confd.resolve("a.conf"), ImportRefusalTest.instance("redis_a", 51, "192.0.2.100/24"));
    Path secret = confd.resolve("secret.conf");
    Files.writeString(secret, ImportRefusalTest.instance("redis_s", 52, "192.0.2.101/24"));
    Path conf = dir.resolve("keepalived.conf");
    Files.writeString(conf, "! groups\ninclude conf.d/*.conf\n");
    // In a user namespace root keeps its powers only over files of the users mapped into it, so a
    // mode-000 file of an unmapped owner is unreadable there as to any non-root importer.
    List<String> unprivileged = List.of("unshare", "--user", "--map-root-user");
    Result readable = importIn(dir, unprivileged, "keepalived.conf", "--port", "redis_a=6379");
    assertThat(readable.code()).as(readable.err()).isEqualTo(2);
    assertThat(readable.err()).contains("cannot tell the Redis port of vrrp_instance redis_s");

    chownAndLock(secret);
    Result result = importIn(dir, unprivileged, "keepalived.conf", "--port", "redis_a=6379");
    assertThat(result.code()).as(result.err()).isEqualTo(2);
    assertThat(result.out()).isEmpty();
    assertThat(result.err().lines().toList())
        .containsExactly(
            "redisha import: refused: keepalived.conf:2: include conf.d/*.conf:"
                + " conf.d/secret.conf: permission denied; keepalived, running as root, reads it:"
                + " run the import as root (sudo) or make the file readable");

    // A directory the glob has to list is the same.
    Path sub = Files.createDirectories(confd.resolve("private"));
    Files.move(secret, sub.resolve("secret.conf"));
    chownAndLock(sub);
    Files.writeString(conf, "include conf.d/*/*.conf\ninclude conf.d/a.conf\n");
    Result listing = importIn(dir, unprivileged, "keepalived.conf", "--port", "redis_a=6379");
    assertThat(listing.code()).as(listing.err()).isEqualTo(2);
    assertThat(listing.err().lines().toList())
        .containsExactly(
            "redisha import: refused: keepalived.conf:1: include conf.d/*/*.conf: cannot list"
                + " conf.d/private: permission denied; keepalived, running as root, reads it:"
                + " run the import as root (sudo) or make the file readable");

    // And the file named on the command line.
    chownAndLock(conf);
    Result main = importIn(dir, unprivileged, "keepalived.conf");
    assertThat(main.code()).isEqualTo(2);
    assertThat(main.err().lines().toList())
        .containsExactly(
            "redisha import: refused: cannot read keepalived.conf: permission denied; keepalived,"
                + " running as root, reads it: run the import as root (sudo) or make the file"
                + " readable");
  }

  private static void chownAndLock(Path path) throws Exception {
    Process chown = new ProcessBuilder("chown", STRANGER, path.toString()).inheritIO().start();
    assertThat(chown.waitFor()).isZero();
    Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("---------"));
  }
}

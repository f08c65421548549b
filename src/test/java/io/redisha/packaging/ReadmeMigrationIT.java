package io.redisha.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import io.redisha.testing.RequiresHost;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * README's "The migration, step by step", steps 1 to 3, run to the letter on vm-a: the commands of
 * the README's {@code sh} blocks, unchanged, in a shell of their own mount namespace whose {@code
 * /etc}, {@code /usr} and {@code /var} are overlays that vanish with it (so {@code apt-get install}
 * of the build's package, the {@code redisha} user, {@code /etc/redisha} and the field note's
 * keepalived files at {@code /etc/keepalived} never reach the machine). vm-b does not exist here:
 * {@code scp vm-b:PATH} is a stand-in that copies the field note's vm-b files. Steps 4 to 6 need
 * systemd and a second host; {@code DebPackageIT} runs the installed agent as the unit does.
 */
@RequiresHost(tools = {"unshare", "mount", "apt-get", "dpkg"})
class ReadmeMigrationIT {
  private static final Path FIELD_NOTE = Path.of("src/test/resources/keepalived/field-note");
  private static final Pattern SH_BLOCK =
      Pattern.compile("```sh\\n(.*?)```", Pattern.DOTALL | Pattern.MULTILINE);

  @TempDir Path dir;

  @Test
  void stepsOneToThreeOfTheMigrationRunAsWritten() throws Exception {
    List<String> blocks = migrationBlocks(Files.readString(Path.of("README.md")));
    assertThat(blocks).as("README's steps 1-3 hold three sh blocks").hasSize(3);
    Path deb = DebPackageIT.builtPackage().toAbsolutePath();
    assertThat(blocks.getFirst())
        .as("step 1 installs the package the build makes")
        .contains("./" + deb.getFileName());

    Path bin = Files.createDirectories(dir.resolve("bin"));
    Path scp = bin.resolve("scp");
    Files.writeString(
        scp,
        """
        #!/bin/sh
        # scp vm-b:PATH DEST, with vm-b's files from the field note
        set -e
        source=${1#vm-b:}
        [ "$source" != "$1" ] || { echo "scp stand-in: only vm-b:PATH" >&2; exit 1; }
        cp "$VM_B_ROOT$source" "$2"
        """);
    scp.toFile().setExecutable(true);

    StringBuilder script = new StringBuilder();
    script.append("set -eu\n");
    // The overlays: everything the steps write lands in the test's directory.
    for (String tree : List.of("etc", "usr", "var")) {
      script.append(
          String.format(
              "mkdir -p %1$s/%2$s-up %1$s/%2$s-work && mount -t overlay overlay"
                  + " -o lowerdir=/%2$s,upperdir=%1$s/%2$s-up,workdir=%1$s/%2$s-work /%2$s%n",
              dir.toAbsolutePath(), tree));
    }
    // The stand-in goes where PATH finds it first, inside the /usr overlay: the test's own
    // directory is under /tmp, which the steps get fresh.
    script.append("install -m 755 " + scp.toAbsolutePath() + " /usr/local/bin/scp\n");
    script.append("mount -t tmpfs tmpfs /tmp\n");
    script.append("rm -rf /etc/keepalived /etc/redisha\n");
    script.append("cp -r " + FIELD_NOTE.resolve("vm-a").toAbsolutePath() + " /etc/keepalived\n");
    script.append(
        "mkdir -p /tmp/vm-b/etc && cp -r "
            + FIELD_NOTE.resolve("vm-b").toAbsolutePath()
            + " /tmp/vm-b/etc/keepalived\n");
    script.append("export VM_B_ROOT=/tmp/vm-b PATH=/usr/local/bin:$PATH\n");
    script.append("cd " + deb.getParent() + "\n");
    for (int step = 0; step < blocks.size(); step++) {
      script.append("echo '== README step " + (step + 1) + "'\n");
      script.append(blocks.get(step));
    }
    script.append("echo '== after'\n");
    script.append("stat -c '%U:%G %a %n' /etc/redisha/pair.yaml /etc/redisha/vrrp-password\n");
    script.append("id -u redisha\n");
    Path file = dir.resolve("readme-steps.sh");
    Files.writeString(file, script.toString());

    Process process =
        new ProcessBuilder(
                "unshare", "--mount", "--propagation", "private", "bash", file.toString())
            .redirectErrorStream(true)
            .start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(300, TimeUnit.SECONDS)).isTrue();
    System.out.print(output);
    assertThat(process.exitValue()).as("README steps 1-3:%n%s", output).isZero();
    assertThat(output)
        .contains("/etc/redisha/pair.yaml: valid (pair pair, nodes vm-a and vm-b, 2 groups")
        .contains("root:redisha 640 /etc/redisha/pair.yaml")
        .contains("root:redisha 640 /etc/redisha/vrrp-password");
  }

  /** The sh blocks of "The migration, step by step" before step 4. */
  static List<String> migrationBlocks(String readme) {
    int start = readme.indexOf("### The migration, step by step");
    int end = readme.indexOf("4. **Replace keepalived on vm-a", start);
    assertThat(start).as("README has the migration section").isNotNegative();
    assertThat(end).as("README's migration has a step 4").isGreaterThan(start);
    List<String> blocks = new ArrayList<>();
    Matcher matcher = SH_BLOCK.matcher(readme.substring(start, end));
    while (matcher.find()) {
      // The blocks sit in a numbered list: drop the list's indentation.
      blocks.add(matcher.group(1).replaceAll("(?m)^ {3}", ""));
    }
    return blocks;
  }
}

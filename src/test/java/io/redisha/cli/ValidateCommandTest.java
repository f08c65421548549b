package io.redisha.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code redisha validate} on the pair files the README shows, read from README.md itself so the
 * documentation cannot drift from what the agent accepts, and on broken variants of them.
 */
class ValidateCommandTest {
  private static final Pattern YAML_BLOCK = Pattern.compile("```yaml\\n(.*?)```", Pattern.DOTALL);
  private static final Pattern SECRET_FILE =
      Pattern.compile(
          "(authPasswordFile|passwordFile|secretFile|caFile|certFile|keyFile):\\s*([^\\s,}]+)");

  @TempDir Path dir;

  /** One YAML document of a README block, by what it is. */
  record Example(int block, String yaml) {
    boolean truncated() {
      return yaml.lines().anyMatch(line -> line.strip().equals("..."));
    }

    boolean pairFile() {
      return yaml.lines().anyMatch(line -> line.startsWith("nodes:"));
    }

    boolean resource() {
      return yaml.lines().anyMatch(line -> line.equals("kind: RedisHAPair"));
    }
  }

  static List<Example> readmeExamples() throws IOException {
    String readme = Files.readString(Path.of("README.md"));
    List<Example> examples = new ArrayList<>();
    Matcher block = YAML_BLOCK.matcher(readme);
    for (int n = 1; block.find(); n++) {
      for (String document : block.group(1).split("(?m)^---$")) {
        examples.add(new Example(n, document.strip() + "\n"));
      }
    }
    return examples;
  }

  /**
   * The example with each password and key file it names pointed at a file of the test's own (a key
   * of 32 bytes for an auth_hmac key's {@code secretFile}; the etcd TLS files, which the agent
   * opens later, too).
   */
  Path write(String name, String yaml) throws IOException {
    Map<String, Path> secrets = new LinkedHashMap<>();
    Map<Path, String> contents = new LinkedHashMap<>();
    Matcher secret = SECRET_FILE.matcher(yaml);
    StringBuilder text = new StringBuilder();
    while (secret.find()) {
      Path file =
          secrets.computeIfAbsent(
              secret.group(2), path -> dir.resolve("secret-" + (secrets.size() + 1)));
      contents.put(
          file, secret.group(1).equals("secretFile") ? "hex:" + "ab".repeat(32) : "s3cr3t\n");
      secret.appendReplacement(text, Matcher.quoteReplacement(secret.group(1) + ": " + file));
    }
    secret.appendTail(text);
    for (Map.Entry<Path, String> file : contents.entrySet()) {
      Files.writeString(file.getKey(), file.getValue());
    }
    Path pairFile = dir.resolve(name);
    Files.writeString(pairFile, text.toString());
    return pairFile;
  }

  @Test
  void theReadmesPairFilesAreValidForBothNodes() throws IOException {
    List<Example> pairFiles =
        readmeExamples().stream().filter(e -> e.pairFile() && !e.truncated()).toList();
    assertThat(pairFiles).as("complete pair files in README.md").hasSizeGreaterThanOrEqualTo(2);

    for (Example example : pairFiles) {
      Path file = write("readme-" + example.block() + ".yaml", example.yaml());
      CommandRun run = CommandRun.of("validate", "--config", file.toString());

      assertThat(run.code()).as("README yaml block %d\n%s", example.block(), run).isZero();
      assertThat(run.err()).isEmpty();
      assertThat(run.out())
          .startsWith(file + ": valid (pair readme-" + example.block() + ", nodes vm-a and vm-b, ")
          .endsWith(")\n");
      for (String node : List.of("vm-a", "vm-b")) {
        assertThat(CommandRun.of("validate", "--config", file.toString(), "--node", node).code())
            .isZero();
      }
    }
  }

  @Test
  void theFirstReadmeExampleReadsAsItsFieldsSay() throws IOException {
    Example first = readmeExamples().stream().filter(Example::pairFile).findFirst().orElseThrow();
    Path file = write("pair.yaml", first.yaml());

    assertThat(CommandRun.of("validate", "--config", file.toString(), "--node", "vm-b").out())
        .isEqualTo(
            file
                + ": valid (pair pair, nodes vm-a and vm-b, 2 groups: cache (port 6379, VIP"
                + " 10.0.0.100/24, router id 51), queue (port 6389, VIP 10.0.0.101/24, router id"
                + " 52))\n");
  }

  @Test
  void theReadmesResourceIsForTheOperatorAndTheAgentSaysWhy() throws IOException {
    List<Example> resources =
        readmeExamples().stream().filter(e -> e.resource() && !e.truncated()).toList();
    assertThat(resources).as("RedisHAPair resources in README.md").isNotEmpty();

    for (Example example : resources) {
      Path file = write("resource-" + example.block() + ".yaml", example.yaml());
      CommandRun run = CommandRun.of("validate", "--config", file.toString());

      assertThat(run.code()).as(run.toString()).isEqualTo(2);
      assertThat(run.out()).isEmpty();
      // Node addresses come from the nodes' InternalIPs and secrets from the operator.
      assertThat(run.err())
          .startsWith(file + " is invalid:\n")
          .contains("nodes[0].address: required outside Kubernetes");
    }
  }

  @Test
  void aWholeResourceIsReadLikeAPairFile() throws IOException {
    Example first = readmeExamples().stream().filter(Example::pairFile).findFirst().orElseThrow();
    String spec = first.yaml().lines().map(line -> "  " + line).reduce("", (a, b) -> a + b + "\n");
    Path file =
        write(
            "resource.yaml",
            "apiVersion: redisha.io/v1alpha1\nkind: RedisHAPair\nmetadata: {name: cache}\nspec:\n"
                + spec);

    CommandRun run = CommandRun.of("validate", "--config", file.toString());

    assertThat(run.code()).as(run.toString()).isZero();
    assertThat(run.out()).startsWith(file + ": valid (pair cache, nodes vm-a and vm-b, 2 groups:");
  }

  @Test
  void aBadFileIsRefusedWithEveryProblemAndItsField() throws IOException {
    Example first = readmeExamples().stream().filter(Example::pairFile).findFirst().orElseThrow();
    Path file =
        write(
            "bad.yaml",
            first
                .yaml()
                .replace("port: 6389", "port: 6379")
                .replace("virtualRouterId: 52", "virtualRouterId: 256"));

    CommandRun run = CommandRun.of("validate", "--config", file.toString());

    assertThat(run.code()).as(run.toString()).isEqualTo(2);
    assertThat(run.out()).isEmpty();
    assertThat(run.err())
        .startsWith(file + " is invalid:\n")
        .contains("instances[1].port: 6379 is already used by instances[0]")
        .contains("instances[1].virtualRouterId:");
  }

  @Test
  void passwordFilesAreRead() throws IOException {
    Example first = readmeExamples().stream().filter(Example::pairFile).findFirst().orElseThrow();
    Path file = write("pair.yaml", first.yaml());
    Files.delete(dir.resolve("secret-1"));

    CommandRun run = CommandRun.of("validate", "--config", file.toString(), "--node", "vm-a");

    assertThat(run.code()).as(run.toString()).isEqualTo(2);
    assertThat(run.err()).contains("vrrp.authPasswordFile:");
  }

  @Test
  void anUnknownNodeOrAMissingFileIsRefused() throws IOException {
    Example first = readmeExamples().stream().filter(Example::pairFile).findFirst().orElseThrow();
    Path file = write("pair.yaml", first.yaml());

    CommandRun stranger = CommandRun.of("validate", "--config", file.toString(), "--node", "vm-c");
    assertThat(stranger.code()).isEqualTo(2);
    assertThat(stranger.err()).contains("nodes: this node 'vm-c' (--node) is not one of");

    CommandRun missing = CommandRun.of("validate", "--config", dir.resolve("none.yaml").toString());
    assertThat(missing.code()).isEqualTo(2);
    assertThat(missing.err()).contains("none.yaml").contains("cannot read the file");
  }
}

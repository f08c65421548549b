package io.redisha.arbiter;

import static io.redisha.arbiter.LeaseProtectionIT.awaitSettledWithVipOnMaster;
import static io.redisha.arbiter.LeaseProtectionIT.masters;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.redisha.lab.LabNetwork;
import io.redisha.lab.PairLab;
import io.redisha.testing.RequiresHost;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * README's "Running the three etcd members for a pair" and "Two VMs with an existing etcd", run
 * from README's own text: its openssl commands make the certificates, its {@code /etc/default/etcd}
 * variables start three real etcd members (each in a network namespace of its own), its check
 * command must find them healthy, its etcdctl commands make the user and turn auth on, and its pair
 * file (with TLS, client certificate and password) passes {@code redisha validate} and runs two
 * real agents beside real Redis. A pair-link cut then makes each master take its group's key: the
 * user, the role, the certificates and the password work together as README says.
 *
 * <p>What differs from a reader's hosts, and only that: README's addresses become this machine's
 * test addresses (10.0.1.1N becomes 192.0.2.4N; 10.0.0.1, .2, .100, .101 become 192.0.2.11, .12,
 * .100, .101), {@code /etc/etcd}, {@code /var/lib/etcd} and {@code /etc/redisha} become directories
 * of the test, etcd runs from the variables as Debian's unit runs it ({@code EnvironmentFile}, then
 * {@code etcd}) rather than under systemd, and {@code etcdctl user add} reads its password from
 * standard input ({@code --interactive=false}) where README's reader types it.
 */
@RequiresHost(tools = {"ip", "redis-server", "redis-cli", "etcd", "etcdctl", "openssl"})
class ReadmeEtcdIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern YAML_BLOCK = Pattern.compile("```yaml\\n(.*?)```", Pattern.DOTALL);
  private static final Pattern CHECK = Pattern.compile("Check: `([^`]*)`", Pattern.DOTALL);
  private static final Pattern USER_ADD =
      Pattern.compile("^(etcdctl user add \\S+)(.*)$", Pattern.MULTILINE);
  private static final List<String> MEMBERS = List.of("etcd-1", "etcd-2", "etcd-3");
  private static final String ROOT_PASSWORD = "root-secret-of-the-test";
  private static final String AGENT_PASSWORD = "redisha-secret-of-the-test";

  @TempDir Path dir;

  @Test
  void theMembersTheUserAndThePairFileWorkAsReadmeWritesThem() throws Exception {
    String readme = Files.readString(Path.of("README.md"));
    String running =
        section(readme, "#### Running the three etcd members for a pair", "#### Two VMs with an");
    String existing = section(readme, "#### Two VMs with an existing etcd", "**Three members");

    Path pki = Files.createDirectories(dir.resolve("etcd-pki"));
    Path agentFiles = Files.createDirectories(dir.resolve("etc-redisha"));

    // Step 1: the certificates, with README's commands.
    String certificates = addresses(indentedBlockAfter(running, "1. **Certificates**"));
    assertThat(certificates).contains("openssl req -x509");
    bash(pki, certificates);
    for (String member : MEMBERS) {
      Path etc = Files.createDirectories(memberRoot(member).resolve("etc-etcd"));
      for (String file : List.of("ca.pem", member + ".pem", member + "-key.pem")) {
        Files.copy(pki.resolve(file), etc.resolve(file));
      }
      Files.setPosixFilePermissions(
          etc.resolve(member + "-key.pem"), PosixFilePermissions.fromString("rw-------"));
    }
    Files.copy(pki.resolve("ca.pem"), agentFiles.resolve("etcd-ca.crt"));
    Files.copy(pki.resolve("etcd-client.crt"), agentFiles.resolve("etcd-client.crt"));
    Files.copy(pki.resolve("etcd-client.key"), agentFiles.resolve("etcd-client.key"));
    Files.setPosixFilePermissions(
        agentFiles.resolve("etcd-client.key"), PosixFilePermissions.fromString("rw-------"));

    List<PairLab.Group> groups =
        List.of(
            new PairLab.Group("cache", 6379, "192.0.2.100", 51, PairLab.VM_A),
            new PairLab.Group("queue", 6389, "192.0.2.101", 52, PairLab.VM_B));
    try (PairLab lab = PairLab.create(dir.resolve("lab"), groups, "")) {
      LabNetwork network = lab.network();
      // Step 2: each member from README's /etc/default/etcd, with its own name and address.
      String etcd1 = indentedBlockAfter(running, "`/etc/default/etcd` on etcd-1");
      assertThat(etcd1).contains("ETCD_NAME=etcd-1");
      for (int i = 1; i <= MEMBERS.size(); i++) {
        String member = MEMBERS.get(i - 1);
        network.addHost(member, "192.0.2.4" + i + "/24");
        Path defaults = memberRoot(member).resolve("default-etcd");
        Files.writeString(defaults, memberPaths(member, addresses(memberVariables(etcd1, i))));
        network.start(
            member,
            List.of("bash", "-c", "set -a; . " + defaults + "; set +a; exec etcd"),
            memberRoot(member).resolve("etcd.log"));
      }
      Matcher check = CHECK.matcher(running);
      assertThat(check.find()).as("README's health check command").isTrue();
      String health = addresses(check.group(1).replaceAll("\\s+", " "));
      await()
          .atMost(Duration.ofSeconds(90))
          .pollInterval(Duration.ofSeconds(1))
          .untilAsserted(
              () -> {
                LabNetwork.ExecResult result =
                    network.exec(PairLab.CLIENT, "bash", "-c", "cd " + pki + " && " + health);
                assertThat(result.succeeded()).as(result.output()).isTrue();
                assertThat(result.output().split("is healthy", -1)).hasSize(4);
              });

      // Step 3: the user and the role, then auth on; etcdctl as README's variables set it.
      String userSteps = indentedBlockAfter(running, "3. **The user**");
      assertThat(userSteps).contains("etcdctl auth enable");
      Matcher userAdd = USER_ADD.matcher(userSteps);
      StringBuilder steps = new StringBuilder();
      while (userAdd.find()) {
        String password = userAdd.group(1).endsWith(" root") ? ROOT_PASSWORD : AGENT_PASSWORD;
        userAdd.appendReplacement(
            steps,
            Matcher.quoteReplacement(
                "printf '%s\\n' '"
                    + password
                    + "' | "
                    + userAdd.group(1)
                    + " --interactive=false"));
      }
      userAdd.appendTail(steps);
      String ctlVariables =
          "export ETCDCTL_ENDPOINTS=https://192.0.2.41:2379 ETCDCTL_CACERT="
              + pki.resolve("ca.pem")
              + " ETCDCTL_CERT="
              + pki.resolve("ctl.pem")
              + " ETCDCTL_KEY="
              + pki.resolve("ctl-key.pem")
              + "\n";
      LabNetwork.ExecResult userResult =
          network.exec(PairLab.CLIENT, "bash", "-euc", ctlVariables + steps);
      assertThat(userResult.succeeded()).as(userResult.output()).isTrue();
      assertThat(userResult.output()).contains("Authentication Enabled");
      Path passwordFile = agentFiles.resolve("etcd-password");
      Files.writeString(passwordFile, AGENT_PASSWORD + "\n");
      Files.setPosixFilePermissions(passwordFile, PosixFilePermissions.fromString("rw-------"));

      // Step 4: README's pair file, validated, then the agents on it.
      Matcher yaml = YAML_BLOCK.matcher(existing);
      assertThat(yaml.find()).as("README's pair file with an etcd block").isTrue();
      String pairYaml =
          addresses(yaml.group(1)).replace("/etc/redisha/", agentFiles.toString() + "/");
      assertThat(pairYaml).contains("splitBrainProtection: Etcd").contains("certFile:");
      Path pairFile = agentFiles.resolve("pair.yaml");
      Files.writeString(pairFile, pairYaml);
      String validation = validate(pairFile);
      assertThat(validation)
          .contains(pairFile + ": valid (pair pair, nodes vm-a and vm-b, 2 groups");

      lab.usePairFile(pairFile);
      lab.startAgents();
      awaitSettledWithVipOnMaster(lab);
      Map<String, String> mastersBefore = masters(lab);

      // A pair-link cut: each master keeps its role only by taking its group's key, which needs
      // the user's password, its role on /redisha/ and the client certificate.
      network.partition(PairLab.VM_A, PairLab.VM_B);
      Map<String, String> holders = new LinkedHashMap<>();
      try {
        await()
            .atMost(Duration.ofSeconds(30))
            .pollInterval(Duration.ofMillis(500))
            .untilAsserted(
                () -> {
                  for (PairLab.Group group : groups) {
                    holders.put(group.name(), keyHolder(network, pki, group.name()));
                  }
                  assertThat(holders).isEqualTo(mastersBefore);
                });
        assertThat(masters(lab)).as("one master per group during the cut").isEqualTo(mastersBefore);
      } finally {
        network.heal(PairLab.VM_A, PairLab.VM_B);
      }
      awaitSettledWithVipOnMaster(lab);
      assertThat(masters(lab)).isEqualTo(mastersBefore);
      for (String host : List.of(PairLab.VM_A, PairLab.VM_B)) {
        assertThat(Files.readString(lab.agentLog(host)))
            .as("agent log of %s", host)
            .doesNotContain("permission denied")
            .doesNotContain("authentication failed");
      }
      System.out.printf(
          "FIGURE README etcd steps: 3 members healthy, auth on, pair file valid, key holders"
              + " during a pair-link cut %s%n",
          holders);
    }
  }

  private Path memberRoot(String member) throws Exception {
    return Files.createDirectories(dir.resolve(member));
  }

  /** The text of README between the heading {@code from} and the next {@code to}. */
  static String section(String readme, String from, String to) {
    int start = readme.indexOf(from);
    assertThat(start).as("README has %s", from).isNotNegative();
    int end = readme.indexOf(to, start + from.length());
    assertThat(end).as("README's %s ends at %s", from, to).isGreaterThan(start);
    return readme.substring(start, end);
  }

  /**
   * The first indented code block after the line holding {@code marker}: its lines without the
   * indentation of its first line.
   */
  static String indentedBlockAfter(String text, String marker) {
    int at = text.indexOf(marker);
    assertThat(at).as("README has %s", marker).isNotNegative();
    List<String> lines = text.substring(at).lines().toList();
    int first = 1;
    while (first < lines.size()
        && !(lines.get(first - 1).isBlank() && indent(lines.get(first)) >= 7)) {
      first++;
    }
    assertThat(first).as("a code block after %s", marker).isLessThan(lines.size());
    int indent = indent(lines.get(first));
    StringBuilder block = new StringBuilder();
    for (int i = first; i < lines.size(); i++) {
      String line = lines.get(i);
      if (!line.isBlank() && indent(line) < indent) {
        break;
      }
      block.append(line.isBlank() ? "" : line.substring(indent)).append('\n');
    }
    return block.toString().strip() + "\n";
  }

  private static int indent(String line) {
    int spaces = 0;
    while (spaces < line.length() && line.charAt(spaces) == ' ') {
      spaces++;
    }
    return spaces;
  }

  /** README's example addresses as this machine's test addresses. */
  static String addresses(String text) {
    Matcher vm =
        Pattern.compile("\\b10\\.0\\.0\\.(\\d+)\\b").matcher(text.replace("10.0.1.1", "192.0.2.4"));
    StringBuilder out = new StringBuilder();
    while (vm.find()) {
      String host =
          switch (vm.group(1)) {
            case "1" -> "11";
            case "2" -> "12";
            default -> vm.group(1);
          };
      vm.appendReplacement(out, "192.0.2." + host);
    }
    vm.appendTail(out);
    return out.toString();
  }

  /**
   * etcd-1's variables for member {@code i}: "on the others, their own name and address" (the
   * cluster's list and token stay as they are).
   */
  static String memberVariables(String etcd1, int i) {
    StringBuilder out = new StringBuilder();
    for (String line : etcd1.lines().toList()) {
      boolean shared = line.startsWith("ETCD_INITIAL_CLUSTER=") || line.startsWith("ETCD_TRUSTED");
      out.append(
              shared
                  ? line
                  : line.replace("etcd-1", "etcd-" + i).replace("10.0.1.11", "10.0.1.1" + i))
          .append('\n');
    }
    return out.toString();
  }

  /** A member's /etc/etcd and /var/lib/etcd inside the test's directory. */
  private String memberPaths(String member, String variables) throws Exception {
    Path root = memberRoot(member);
    return variables
        .replace("/var/lib/etcd/default", root.resolve("data").toString())
        .replace("/etc/etcd/", root.resolve("etc-etcd") + "/");
  }

  private static void bash(Path workDir, String script) throws Exception {
    Process process =
        new ProcessBuilder("bash", "-euc", script)
            .directory(workDir.toFile())
            .redirectErrorStream(true)
            .start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as("README's commands:%n%s%n%s", script, output).isZero();
  }

  /** {@code redisha validate --config FILE}, as a process of its own, like README's reader. */
  private static String validate(Path pairFile) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(
        List.of(
            "-cp",
            System.getProperty("java.class.path"),
            "io.redisha.cli.Main",
            "validate",
            "--config",
            pairFile.toString()));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as("redisha validate:%n%s", output).isZero();
    return output;
  }

  /** Who holds /redisha/pair/GROUP, read with etcdctl as root (its certificate). */
  private static String keyHolder(LabNetwork network, Path pki, String group) throws Exception {
    LabNetwork.ExecResult result =
        network.exec(
            PairLab.CLIENT,
            "etcdctl",
            "--endpoints=https://192.0.2.41:2379,https://192.0.2.42:2379,https://192.0.2.43:2379",
            "--cacert=" + pki.resolve("ca.pem"),
            "--cert=" + pki.resolve("ctl.pem"),
            "--key=" + pki.resolve("ctl-key.pem"),
            "get",
            "/redisha/pair/" + group,
            "--print-value-only");
    String value = result.output().strip();
    if (!result.succeeded() || value.isEmpty()) {
      return "nobody";
    }
    JsonNode record = JSON.readTree(value);
    return record.path("holder").asText("nobody");
  }
}

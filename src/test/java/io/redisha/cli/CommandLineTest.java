package io.redisha.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.redisha.migrate.KeepalivedImport;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/** Every command answers --help, and a usage error is one line with exit code 2. */
class CommandLineTest {
  static final List<String> COMMANDS =
      List.of("agent", "validate", "vrrp", "lab", "bench", "import", "operator", "test");

  /** The options each command declares, read from the command tree itself. */
  static Stream<Arguments> commandsAndOptions() {
    PrintStream nowhere = new PrintStream(OutputStream.nullOutputStream());
    CommandLine tree =
        Main.commandLine(new Streams(nowhere, nowhere), KeepalivedImport.PortQuestion.NOBODY);
    return COMMANDS.stream()
        .map(
            name ->
                Arguments.of(
                    name,
                    tree.getSubcommands().get(name).getCommandSpec().options().stream()
                        .map(OptionSpec::longestName)
                        .toList()));
  }

  @ParameterizedTest(name = "redisha {0} --help")
  @MethodSource("commandsAndOptions")
  void everyCommandAnswersHelpWithItsOptions(String command, List<String> options) {
    // picocli reports a help text it cannot format (a bare '%') on System.err, not on the run's
    // streams, and then prints the text unformatted.
    PrintStream systemErr = System.err;
    ByteArrayOutputStream picocliWarnings = new ByteArrayOutputStream();
    CommandRun run;
    try {
      System.setErr(new PrintStream(picocliWarnings, true, StandardCharsets.UTF_8));
      run = CommandRun.of(command, "--help");
    } finally {
      System.setErr(systemErr);
    }

    assertThat(picocliWarnings.toString(StandardCharsets.UTF_8)).isEmpty();
    assertThat(run.code()).as(run.toString()).isZero();
    assertThat(run.err()).isEmpty();
    assertThat(run.out()).contains("Usage: ").contains(options);
    assertThat(run.out().lines().count()).as(run.out()).isGreaterThan(8);
    assertThat(CommandRun.of(command, "-h").out()).isEqualTo(run.out());
    assertThat(CommandRun.of("help", command).out()).isEqualTo(run.out());
  }

  @Test
  void commandOptionsAreWhatTheCommandsTookBefore() {
    assertThat(commandsAndOptions().map(a -> a.get()[0] + " " + a.get()[1]))
        .containsExactly(
            "agent [--config, --node, --api-token-file, --probe-port, --http-address, --http-port,"
                + " --kubernetes, --help]",
            "validate [--config, --node, --help]",
            "vrrp [--config, --node, --priority, --state-file, --help]",
            "lab [--protection, --scenarios, --keep, --work-dir, --save-logs, --help]",
            "bench [--quick, --runs, --systems, --faults, --out, --idle-seconds, --clients,"
                + " --runs-baselines, --footprint-groups, --footprint-daemons, --agent-package,"
                + " --lease-api-server, --work-dir, --help]",
            "import [--peer-conf, --scripts-dir, --port, --format, --nodes, --name, --namespace,"
                + " --auth-password-file, --output, --help]",
            "operator [--http-port, --namespaces, --agent-image, --admin-config, --leader-election-namespace,"
                + " --no-leader-election, --help]",
            "test [--help]");
  }

  @ParameterizedTest
  @ValueSource(strings = {"help", "--help", "-h", ""})
  void helpListsEveryCommandIncludingTheLaunchersTest(String arg) {
    CommandRun run = arg.isEmpty() ? CommandRun.of() : CommandRun.of(arg);

    assertThat(run.code()).as(run.toString()).isZero();
    List<String> listed =
        run.out()
            .lines()
            .dropWhile(line -> !line.equals("Commands:"))
            .skip(1)
            .takeWhile(line -> !line.isBlank())
            .filter(line -> line.startsWith("  ") && !line.startsWith("   "))
            .map(line -> line.strip().split(" ")[0])
            .toList();
    assertThat(listed)
        .containsExactly(
            "agent", "validate", "vrrp", "lab", "bench", "import", "operator", "test", "help");
    assertThat(run.out()).contains("./redisha launcher script");
  }

  @ParameterizedTest(name = "redisha {0} --no-such-option")
  @MethodSource("commands")
  void anUnknownOptionIsOneLineNamingItWithExitCode2(String command) {
    CommandRun run = CommandRun.of(command, "--no-such-option");

    assertThat(run.code()).as(run.toString()).isEqualTo(2);
    assertThat(run.out()).isEmpty();
    assertThat(run.errLines())
        .containsExactly(
            "redisha "
                + command
                + ": unknown option --no-such-option; see redisha "
                + command
                + " --help");
  }

  static Stream<String> commands() {
    return COMMANDS.stream().filter(c -> !c.equals("test"));
  }

  @Test
  void usageErrorsNameTheOptionOnOneLine() {
    assertThat(CommandRun.of("agent").errLines())
        .containsExactly("redisha agent: --config: required; see redisha agent --help");
    assertThat(CommandRun.of("agent", "--node", "vm-a", "--config").errLines())
        .containsExactly("redisha agent: --config: missing value; see redisha agent --help");
    assertThat(CommandRun.of("bench", "--runs", "many").errLines())
        .containsExactly("redisha bench: --runs: not a number: many; see redisha bench --help");
    assertThat(CommandRun.of("bench", "--runs", "1001").errLines())
        .containsExactly(
            "redisha bench: --runs: must be between 0 (footprint only) and 1000, not 1001; see"
                + " redisha bench --help");
    assertThat(CommandRun.of("bench", "--systems", "redisha,heartbeat").errLines().getFirst())
        .startsWith("redisha bench: --systems: unknown system 'heartbeat'; known: redisha,");
    assertThat(CommandRun.of("bench", "--systems", "redisha-lease").errLines())
        .containsExactly(
            "redisha bench: --systems: redisha-lease needs --lease-api-server: the command of a"
                + " Kubernetes API server for its agents; see redisha bench --help");
    assertThat(CommandRun.of("bench", "--lease-api-server", " ").errLines())
        .containsExactly(
            "redisha bench: --lease-api-server: give the command line of the API server, not"
                + " nothing; see redisha bench --help");
    assertThat(CommandRun.of("bench", "--faults", "kill,meteor").errLines().getFirst())
        .startsWith("redisha bench: --faults: unknown fault 'meteor'; known: kill,");
    assertThat(CommandRun.of("lab", "--protection", "Lease").errLines())
        .containsExactly(
            "redisha lab: --protection: must be Etcd or None, not 'Lease'; see redisha lab"
                + " --help");
    assertThat(CommandRun.of("lab", "--scenarios", "kill,flood").errLines())
        .containsExactly(
            "redisha lab: --scenarios: unknown scenario 'flood'; known:"
                + " kill,cut,pair-cut,empty,stop,link-down,carrier,crash,stall,lossy,empty-now; see"
                + " redisha lab --help");
    assertThat(CommandRun.of("lab", "--scenario", "lossy,flood").errLines())
        .containsExactly(
            "redisha lab: --scenarios: unknown scenario 'flood'; known:"
                + " kill,cut,pair-cut,empty,stop,link-down,carrier,crash,stall,lossy,empty-now; see"
                + " redisha lab --help");
    assertThat(CommandRun.of("vrrp", "--config", "p.yaml", "--node", "a", "--priority", "255"))
        .extracting(CommandRun::code, CommandRun::errLines)
        .containsExactly(
            2,
            List.of(
                "redisha vrrp: --priority: must be 1 to 254, not 255; see redisha vrrp --help"));
    assertThat(CommandRun.of("agent", "--config", "a", "--config", "b", "--node", "x").errLines())
        .containsExactly("redisha agent: --config: given more than once; see redisha agent --help");
    for (String[] args :
        List.of(
            new String[] {"bench", "--runs", "many"},
            new String[] {"lab", "--protection", "Lease"},
            new String[] {"vrrp", "--config", "p.yaml", "--node", "a", "--priority", "0"})) {
      assertThat(CommandRun.of(args).code()).isEqualTo(2);
    }
  }

  @Test
  void anUnknownCommandPointsToHelp() {
    CommandRun run = CommandRun.of("failover");

    assertThat(run.code()).isEqualTo(2);
    assertThat(run.errLines())
        .containsExactly("redisha: unknown command 'failover'; see redisha help");
    CommandRun help = CommandRun.of("help", "failover");
    assertThat(help.code()).isEqualTo(2);
    assertThat(help.errLines())
        .containsExactly("redisha: unknown command 'failover'; see redisha help");
  }

  @Test
  void testIsTheLaunchersAndSaysSo() {
    CommandRun run = CommandRun.of("test");

    assertThat(run.code()).isEqualTo(2);
    assertThat(run.errLines()).singleElement().asString().contains("./redisha test");
  }
}

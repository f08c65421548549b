package io.redisha.cli;

import io.redisha.migrate.KeepalivedImport;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import picocli.CommandLine;

/**
 * Entry point of the redisha command: the picocli tree of every command. The commands parse their
 * options here and call the plain entries of their packages, which know nothing of a command line.
 */
public final class Main {
  /** Exit code of a usage error or of input that cannot run (a bad option, an invalid file). */
  public static final int USAGE_ERROR = 2;

  /** Exit code of a failure at run time (a busy port, a missing capability). */
  public static final int FAILED = 1;

  private Main() {}

  public static void main(String[] args) {
    int code = run(args, System.out, System.err);
    // A command that returns 0 may do so from inside a shutdown hook's wait (agent, vrrp,
    // operator); System.exit there would block, and 0 is what the JVM exits with anyway.
    if (code != 0) {
      System.exit(code);
    }
  }

  /**
   * Runs one command line and returns its exit code; output goes to {@code out} and {@code err}.
   */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    return run(args, out, err, ImportCommand.terminalQuestion(err));
  }

  /**
   * Runs one command line; {@code redisha import} asks {@code question} for Redis ports its scripts
   * do not tell (instead of the terminal).
   */
  public static int run(
      String[] args, PrintStream out, PrintStream err, KeepalivedImport.PortQuestion question) {
    return commandLine(new Streams(out, err), question).execute(args);
  }

  /** The command tree, in the order {@code redisha help} lists it. */
  static CommandLine commandLine(Streams streams, KeepalivedImport.PortQuestion question) {
    CommandLine line = new CommandLine(new RedishaCommand(streams));
    line.addSubcommand(new AgentCommand(streams));
    line.addSubcommand(new ValidateCommand(streams));
    line.addSubcommand(new VrrpCommand(streams));
    line.addSubcommand(new LabCommand(streams));
    line.addSubcommand(new BenchCommand(streams));
    line.addSubcommand(new ImportCommand(streams, question));
    line.addSubcommand(new OperatorCommand());
    line.addSubcommand(new TestCommand(streams));
    CommandLine helpCommand = new CommandLine(new CommandLine.HelpCommand());
    helpCommand
        .getCommandSpec()
        .usageMessage()
        .header("this list of commands; redisha help COMMAND: the options of COMMAND");
    line.addSubcommand(helpCommand);
    line.setExpandAtFiles(false);
    line.setOut(writer(streams.out()));
    line.setErr(writer(streams.err()));
    line.setParameterExceptionHandler(
        (problem, args) -> {
          String command = problem.getCommandLine().getCommandSpec().qualifiedName(" ");
          String help =
              problem.getCommandLine().getSubcommands().isEmpty()
                  ? command + " --help"
                  : command + " help";
          streams.err().println(command + ": " + UsageErrors.describe(problem) + "; see " + help);
          return USAGE_ERROR;
        });
    line.setExecutionExceptionHandler(
        (problem, command, parseResult) -> {
          streams
              .err()
              .println(
                  command.getCommandSpec().qualifiedName(" ")
                      + ": "
                      + StartFailures.oneLine(problem));
          return FAILED;
        });
    return line;
  }

  private static PrintWriter writer(PrintStream stream) {
    Charset charset = stream.charset();
    return new PrintWriter(new OutputStreamWriter(stream, charset), true);
  }
}

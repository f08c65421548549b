package io.redisha.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code redisha} without a command: the list of commands. */
@Command(
    name = "redisha",
    synopsisHeading = "Usage: ",
    sortOptions = false,
    customSynopsis = "redisha COMMAND [OPTIONS]",
    description = {
      "",
      "A virtual IP that always points at the Redis master of a pair of plain VMs, with fast, safe,"
          + " automatic failover: the node agent (standalone or under the Kubernetes operator),"
          + " the operator, and the tools around them."
    },
    commandListHeading = "%nCommands:%n",
    footerHeading = "%n",
    footer = {
      "Run 'redisha COMMAND --help' (or 'redisha help COMMAND') for a command's options.",
      "Paths are taken relative to the directory you run the command in.",
      "",
      "Exit codes: 0 done, 1 failed while running, 2 usage error or input that cannot run"
          + " (redisha import also uses 3: imported, but the two hosts' files do not mirror each"
          + " other)."
    })
final class RedishaCommand implements Callable<Integer> {
  private final Streams streams;

  @Spec CommandSpec spec;

  @Option(
      names = {"-h", "--help"},
      usageHelp = true,
      hidden = true,
      description = "Show this list of commands.")
  boolean help;

  RedishaCommand(Streams streams) {
    this.streams = streams;
  }

  @Override
  public Integer call() {
    spec.commandLine().usage(streams.out());
    return 0;
  }
}

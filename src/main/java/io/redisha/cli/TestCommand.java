package io.redisha.cli;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Unmatched;

/**
 * {@code redisha test} is the launcher script's: it runs the Maven build of a clone, which the jar
 * does not have. Listed here so {@code redisha help} shows every command a user can type.
 */
@Command(
    name = "test",
    synopsisHeading = "%nUsage: ",
    sortOptions = false,
    customSynopsis = "./redisha test [MAVEN OPTIONS]",
    description = {
      "",
      "Run the whole test suite (unit and integration tests) of a clone of the repository. Run by"
          + " the launcher script in the clone, not by the jar. As root it installs the Debian"
          + " packages the tests need when they are missing; then it runs the Maven build"
          + " (mvnw -B verify) in the repository root, with MAVEN OPTIONS added; for example"
          + " -DskipITs runs the unit tests only."
    },
    optionListHeading = "%nOptions:%n",
    header = "the whole test suite (run by the ./redisha launcher script: ./mvnw -B verify)")
final class TestCommand implements Callable<Integer> {
  private final Streams streams;

  @Option(
      names = {"-h", "--help"},
      usageHelp = true,
      description = "Show this help.")
  boolean help;

  @Unmatched List<String> mavenOptions;

  TestCommand(Streams streams) {
    this.streams = streams;
  }

  @Override
  public Integer call() {
    streams
        .err()
        .println(
            "redisha test: the tests run from a clone of the repository: ./redisha test (it runs"
                + " ./mvnw -B verify there)");
    return Main.USAGE_ERROR;
  }
}

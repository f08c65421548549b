package io.redisha.cli;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import picocli.CommandLine.MissingParameterException;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.OverwrittenOptionException;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.TypeConversionException;
import picocli.CommandLine.UnmatchedArgumentException;

/** One line per usage error, naming the option first: {@code --http-port: not a number: x}. */
final class UsageErrors {
  /** What picocli's {@code help} says of a command it does not know. */
  private static final Pattern UNKNOWN_SUBCOMMAND = Pattern.compile("Unknown subcommand '(.*)'\\.");

  private UsageErrors() {}

  static String describe(ParameterException problem) {
    // picocli checks required options before it reports what it did not understand; the unknown
    // option comes first here, since it is often the misspelt required one.
    List<String> unmatched =
        problem instanceof UnmatchedArgumentException u
            ? u.getUnmatched()
            : problem.getCommandLine().getUnmatchedArguments();
    if (!unmatched.isEmpty()) {
      String first = unmatched.getFirst();
      if (first.startsWith("-")) {
        return "unknown option " + first;
      }
      if (!problem.getCommandLine().getSubcommands().isEmpty()) {
        return "unknown command '" + first + "'";
      }
      return "unexpected argument '" + first + "'";
    }
    if (problem instanceof OverwrittenOptionException overwritten) {
      return name(overwritten.getOverwritten()) + ": given more than once";
    }
    if (problem instanceof MissingParameterException missing) {
      String message = String.valueOf(missing.getMessage());
      List<ArgSpec> specs = missing.getMissing();
      if (message.startsWith("Missing required option")
          || message.startsWith("Missing required parameter:")
          || message.startsWith("Missing required parameters:")) {
        return specs.size() == 1
            ? name(specs.getFirst()) + ": required"
            : "required: "
                + specs.stream().map(UsageErrors::name).collect(Collectors.joining(", "));
      }
      if (!specs.isEmpty()) {
        return name(specs.getFirst()) + ": missing value";
      }
    }
    if (problem.getCause() instanceof TypeConversionException conversion
        && problem.getArgSpec() != null) {
      return name(problem.getArgSpec()) + ": " + conversion.getMessage();
    }
    Matcher unknownCommand = UNKNOWN_SUBCOMMAND.matcher(String.valueOf(problem.getMessage()));
    if (unknownCommand.matches()) {
      return "unknown command '" + unknownCommand.group(1) + "'";
    }
    return oneLine(problem.getMessage());
  }

  private static String name(ArgSpec spec) {
    if (spec instanceof OptionSpec option) {
      return option.longestName();
    }
    if (spec instanceof PositionalParamSpec positional) {
      return positional.paramLabel();
    }
    return spec.toString();
  }

  static String oneLine(String text) {
    return text == null ? "" : text.strip().replaceAll("\\s*\\R\\s*", "; ");
  }
}

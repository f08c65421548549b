package io.redisha.cli;

import io.redisha.migrate.ImportFiles;
import io.redisha.migrate.KeepalivedImport;
import java.io.Console;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code redisha import keepalived.conf}: the pair file that replaces a keepalived setup. */
@Command(
    name = "import",
    synopsisHeading = "%nUsage: ",
    sortOptions = false,
    customSynopsis = "redisha import KEEPALIVED.CONF [OPTIONS]",
    header =
        "turn a keepalived.conf into a pair file: redisha import /etc/keepalived/keepalived.conf",
    description = {
      "",
      "Reads KEEPALIVED.CONF (following include, comments, quoting) and prints the pair file (or"
          + " RedisHAPair resource) that replaces keepalived and its scripts for Redis. The Redis"
          + " port of each vrrp_instance comes from its scripts; when they do not tell it, the"
          + " command asks on the terminal, or, without one, stops and names the instance"
          + " (give it with --port). Whatever is not taken over becomes a warning naming its file"
          + " and line."
    },
    parameterListHeading = "%nArguments:%n",
    optionListHeading = "%nOptions:%n",
    footerHeading = "%n",
    footer = {
      "Example: redisha import vm-a/keepalived.conf --peer-conf vm-b/keepalived.conf > pair.yaml",
      "",
      "Exit codes: 0 imported; 1 the output cannot be written; 2 usage error, or a file is refused"
          + " (with its file and line); 3"
          + " imported, but the two hosts' files do not mirror each other (every mismatch is"
          + " listed)."
    })
final class ImportCommand implements Callable<Integer> {
  private final Streams streams;
  private final KeepalivedImport.PortQuestion question;

  @Parameters(
      paramLabel = "KEEPALIVED.CONF",
      arity = "0..1",
      description = "This host's keepalived.conf.")
  Path conf;

  @Option(
      names = "--peer-conf",
      paramLabel = "FILE",
      description =
          "The other host's keepalived.conf: check that both mirror each other and take the"
              + " priorities and node names from both.")
  Path peerConf;

  @Option(
      names = "--scripts-dir",
      paramLabel = "DIR",
      description =
          "Where copies of the scripts are. Default: their paths, then the directory of"
              + " KEEPALIVED.CONF.")
  Path scriptsDir;

  @Option(
      names = "--port",
      paramLabel = "INSTANCE=PORT",
      description = "The Redis port of an instance the scripts do not tell (repeat for more).")
  List<String> ports;

  @Option(
      names = "--format",
      paramLabel = "pair|resource",
      defaultValue = "pair",
      description =
          "A standalone pair file or a RedisHAPair resource (with authSecretRef and the"
              + " kubectl create secret line to run). Default: ${DEFAULT-VALUE}.")
  String format;

  @Option(
      names = "--nodes",
      paramLabel = "THIS,PEER",
      description =
          "Node names. Default: the router_id values when they differ, else node-<address>;"
              + " Kubernetes node names for --format resource.")
  String nodes;

  @Option(
      names = "--name",
      paramLabel = "NAME",
      defaultValue = "redis",
      description = "Pair name. Default: ${DEFAULT-VALUE}.")
  String name;

  @Option(
      names = "--namespace",
      paramLabel = "NS",
      defaultValue = "default",
      description = "Namespace of the resource. Default: ${DEFAULT-VALUE}.")
  String namespace;

  @Option(
      names = "--auth-password-file",
      paramLabel = "PATH",
      defaultValue = ImportFiles.DEFAULT_AUTH_PASSWORD_FILE,
      description = "Where the agent reads the VRRP password. Default: ${DEFAULT-VALUE}.")
  String authPasswordFile;

  @Option(
      names = "--output",
      paramLabel = "FILE",
      description = "Write there instead of standard output.")
  Path output;

  @Option(
      names = {"-h", "--help"},
      usageHelp = true,
      description = "Show this help.")
  boolean help;

  @Spec CommandSpec spec;

  ImportCommand(Streams streams, KeepalivedImport.PortQuestion question) {
    this.streams = streams;
    this.question = question;
  }

  @Override
  public Integer call() {
    if (conf == null) {
      throw usage("name the keepalived.conf to import");
    }
    ImportFiles.Format chosen =
        switch (format) {
          case "pair" -> ImportFiles.Format.PAIR;
          case "resource" -> ImportFiles.Format.RESOURCE;
          default -> throw usage("--format must be pair or resource, not '" + format + "'");
        };
    List<String> nodeNames = null;
    if (nodes != null) {
      nodeNames = List.of(nodes.split(",", -1));
      if (nodeNames.size() != 2 || nodeNames.stream().anyMatch(String::isBlank)) {
        throw usage("--nodes needs two names, this host's first: --nodes vm-a,vm-b");
      }
    }
    Map<String, Integer> instancePorts = new LinkedHashMap<>();
    for (String value : ports == null ? new ArrayList<String>() : ports) {
      int at = value.lastIndexOf('=');
      if (at <= 0) {
        throw usage("--port needs INSTANCE=PORT, for example --port HARedis_6379=6379");
      }
      try {
        instancePorts.put(value.substring(0, at), port(value.substring(at + 1)));
      } catch (IllegalArgumentException e) {
        throw usage(e.getMessage());
      }
    }
    return ImportFiles.run(
        new ImportFiles.Options(
            conf,
            peerConf,
            scriptsDir,
            output,
            chosen,
            nodeNames,
            name,
            namespace,
            authPasswordFile,
            instancePorts),
        streams.out(),
        streams.err(),
        question);
  }

  private ParameterException usage(String message) {
    return new ParameterException(spec.commandLine(), message);
  }

  private static int port(String text) {
    try {
      int port = Integer.parseInt(text);
      if (port >= 1 && port <= 65535) {
        return port;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException("--port: '" + text + "' is not a port (1 to 65535)");
  }

  /** Asks on the terminal; without one (a pipe, a CI job) nobody can be asked. */
  static KeepalivedImport.PortQuestion terminalQuestion(PrintStream err) {
    Console console = System.console();
    if (console == null || !console.isTerminal()) {
      return KeepalivedImport.PortQuestion.NOBODY;
    }
    return (instance, where, candidates) -> {
      err.println("The scripts of " + where + " do not tell its Redis port.");
      candidates.forEach((port, source) -> err.println("  " + port + ": " + source));
      for (int attempt = 0; attempt < 3; attempt++) {
        String line = console.readLine("Redis port of %s: ", instance);
        if (line == null) {
          return OptionalInt.empty();
        }
        try {
          return OptionalInt.of(port(line.strip()));
        } catch (IllegalArgumentException e) {
          err.println(e.getMessage());
        }
      }
      return OptionalInt.empty();
    };
  }
}

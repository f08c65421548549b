package io.redisha.migrate;

import java.io.Console;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * {@code redisha import keepalived.conf}: prints the pair file (or RedisHAPair resource) that
 * replaces a keepalived + scripts setup for Redis. Exit code 0 when imported, 1 when the file is
 * refused, 2 for a usage error or a file it cannot read, 3 when imported but the peer's file does
 * not mirror this one.
 */
public final class ImportCommand {
  static final String USAGE =
      """
      usage: redisha import KEEPALIVED.CONF [options]

        --peer-conf FILE          the other host's keepalived.conf: check that both mirror each
                                  other and take the priorities and node names from both
        --scripts-dir DIR         where copies of the scripts are (default: their paths, then the
                                  directory of KEEPALIVED.CONF)
        --port INSTANCE=PORT      the Redis port of an instance the scripts do not tell (repeat)
        --format pair|resource    a standalone pair file (default) or a RedisHAPair resource
        --nodes THIS,PEER         node names (default: node-<address>; Kubernetes node names for
                                  --format resource)
        --name NAME               pair name (default redis)
        --namespace NS            namespace of the resource (default default)
        --auth-password-file PATH where the agent reads the VRRP password (default
                                  /etc/redisha/vrrp-password)
        --output FILE             write there instead of standard output
      """;

  private ImportCommand() {}

  /** Runs the command from the CLI, asking on the terminal when there is one. */
  public static int run(String[] args) {
    return run(args, System.out, System.err, terminalQuestion(System.err));
  }

  /** Runs the command with explicit streams and a way to ask for ports. */
  public static int run(
      String[] args, PrintStream out, PrintStream err, KeepalivedImport.PortQuestion question) {
    Path conf = null;
    Path peerConf = null;
    Path scriptsDir = null;
    Path output = null;
    PairYaml.Format format = PairYaml.Format.PAIR;
    List<String> nodes = null;
    String name = "redis";
    String namespace = "default";
    String authFile = "/etc/redisha/vrrp-password";
    Map<String, Integer> ports = new LinkedHashMap<>();
    try {
      for (int i = 0; i < args.length; i++) {
        String arg = args[i];
        if (!arg.startsWith("--")) {
          if (conf != null) {
            throw new IllegalArgumentException("one keepalived.conf at a time (got " + arg + ")");
          }
          conf = Path.of(arg);
          continue;
        }
        String option = arg;
        String value;
        int eq = arg.indexOf('=');
        if (eq > 0) {
          option = arg.substring(0, eq);
          value = arg.substring(eq + 1);
        } else if (option.equals("--help")) {
          out.print(USAGE);
          return 0;
        } else if (i + 1 < args.length) {
          value = args[++i];
        } else {
          throw new IllegalArgumentException(option + " needs a value");
        }
        switch (option) {
          case "--peer-conf" -> peerConf = Path.of(value);
          case "--scripts-dir" -> scriptsDir = Path.of(value);
          case "--output" -> output = Path.of(value);
          case "--name" -> name = value;
          case "--namespace" -> namespace = value;
          case "--auth-password-file" -> authFile = value;
          case "--nodes" -> {
            nodes = List.of(value.split(",", -1));
            if (nodes.size() != 2 || nodes.stream().anyMatch(String::isBlank)) {
              throw new IllegalArgumentException(
                  "--nodes needs two names, this host's first: --nodes vm-a,vm-b");
            }
          }
          case "--format" ->
              format =
                  switch (value) {
                    case "pair" -> PairYaml.Format.PAIR;
                    case "resource" -> PairYaml.Format.RESOURCE;
                    default ->
                        throw new IllegalArgumentException(
                            "--format must be pair or resource, not '" + value + "'");
                  };
          case "--port" -> {
            int at = value.lastIndexOf('=');
            if (at <= 0) {
              throw new IllegalArgumentException(
                  "--port needs INSTANCE=PORT, for example --port HARedis_6379=6379");
            }
            ports.put(value.substring(0, at), port(value.substring(at + 1)));
          }
          default -> throw new IllegalArgumentException("unknown option " + option);
        }
      }
      if (conf == null) {
        throw new IllegalArgumentException("name the keepalived.conf to import");
      }
    } catch (IllegalArgumentException e) {
      err.println("redisha import: " + e.getMessage());
      err.print(USAGE);
      return 2;
    }

    KeepalivedConfig local;
    KeepalivedConfig peer = null;
    try {
      local = KeepalivedConfig.read(conf);
      if (peerConf != null) {
        peer = KeepalivedConfig.read(peerConf);
      }
    } catch (KeepalivedSyntaxException e) {
      err.println("redisha import: refused: " + e.getMessage());
      return e.unreadable() ? 2 : 1;
    }
    Path confDir = conf.toAbsolutePath().getParent();
    RedisPortFinder.ScriptFiles scripts =
        scriptsDir == null
            ? RedisPortFinder.ScriptFiles.under(confDir, true)
            : RedisPortFinder.ScriptFiles.under(scriptsDir.toAbsolutePath(), false);
    KeepalivedImport.Options options =
        new KeepalivedImport.Options(
            name,
            nodes,
            ports,
            format == PairYaml.Format.PAIR ? authFile : null,
            question,
            scripts);
    KeepalivedImport.Result result;
    try {
      result = KeepalivedImport.run(local, peer, options);
    } catch (ImportException e) {
      err.println("redisha import: refused:");
      e.problems().forEach(p -> err.println("  " + p));
      return 1;
    }
    List<String> sources = new ArrayList<>();
    sources.add(conf.toString());
    if (peerConf != null) {
      sources.add(peerConf + " (peer)");
    }
    String text = PairYaml.render(result, format, name, namespace, sources);
    if (output != null) {
      text = text.replace("--config pair.yaml", "--config " + output.getFileName());
      try {
        Files.writeString(output, text, StandardCharsets.UTF_8);
      } catch (IOException e) {
        err.println("redisha import: cannot write " + output + ": " + e.getMessage());
        return 1;
      }
    } else {
      out.print(text);
    }
    for (String warning : result.warnings()) {
      err.println("warning: " + warning);
    }
    if (!result.mirrorProblems().isEmpty()) {
      err.println("redisha import: the two hosts' files do not mirror each other:");
      result.mirrorProblems().forEach(p -> err.println("  " + p));
      return 3;
    }
    return 0;
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

package io.redisha.migrate;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The import behind {@code redisha import}: reads a keepalived.conf (and the peer's), prints or
 * writes the pair file (or RedisHAPair resource) that replaces it, and reports what was not taken
 * over. Exit code 0 when imported, 1 when a file is refused, 3 when imported but the peer's file
 * does not mirror this one.
 */
public final class ImportFiles {
  /** What the import prints. */
  public enum Format {
    /** a pair file for the standalone agent */
    PAIR,
    /** a RedisHAPair resource for the operator */
    RESOURCE
  }

  /** The default path of the VRRP password file the pair file points at. */
  public static final String DEFAULT_AUTH_PASSWORD_FILE = "/etc/redisha/vrrp-password";

  /** Exit code of a file that cannot be imported, as for every input that cannot run. */
  public static final int REFUSED = 2;

  /**
   * What to import.
   *
   * @param conf this host's keepalived.conf
   * @param peerConf the other host's keepalived.conf, or null
   * @param scriptsDir where copies of the scripts are, or null for their own paths and then the
   *     directory of {@code conf}
   * @param output where to write the result, or null for {@code out}
   * @param format a standalone pair file or a RedisHAPair resource
   * @param nodes this host's and the peer's node names, or null to derive them
   * @param name the pair's name
   * @param namespace the resource's namespace
   * @param authPasswordFile where the agent reads the VRRP password (pair files only)
   * @param ports Redis ports of instances the scripts do not tell, by instance name
   */
  public record Options(
      Path conf,
      Path peerConf,
      Path scriptsDir,
      Path output,
      Format format,
      List<String> nodes,
      String name,
      String namespace,
      String authPasswordFile,
      Map<String, Integer> ports) {
    public Options {
      Objects.requireNonNull(conf, "conf");
      Objects.requireNonNull(format, "format");
      if (nodes != null && (nodes.size() != 2 || nodes.stream().anyMatch(String::isBlank))) {
        throw new IllegalArgumentException("nodes: two names, this host's first, not " + nodes);
      }
      nodes = nodes == null ? null : List.copyOf(nodes);
      ports = Map.copyOf(ports);
    }
  }

  private ImportFiles() {}

  /** Imports {@code options.conf()}; asks {@code question} for ports the scripts do not tell. */
  public static int run(
      Options options, PrintStream out, PrintStream err, KeepalivedImport.PortQuestion question) {
    Path conf = options.conf();
    Path peerConf = options.peerConf();
    Path scriptsDir = options.scriptsDir();
    Path output = options.output();
    Format format = options.format();
    String name = options.name();
    String namespace = options.namespace();
    KeepalivedConfig local;
    KeepalivedConfig peer = null;
    try {
      local = KeepalivedConfig.read(conf);
      if (peerConf != null) {
        peer = KeepalivedConfig.read(peerConf);
      }
    } catch (KeepalivedSyntaxException e) {
      err.println("redisha import: refused: " + e.getMessage());
      return REFUSED;
    }
    Path confDir = conf.toAbsolutePath().getParent();
    RedisPortFinder.ScriptFiles scripts =
        scriptsDir == null
            ? RedisPortFinder.ScriptFiles.under(confDir, true)
            : RedisPortFinder.ScriptFiles.under(scriptsDir.toAbsolutePath(), false);
    KeepalivedImport.Options importOptions =
        new KeepalivedImport.Options(
            name,
            options.nodes(),
            new LinkedHashMap<>(options.ports()),
            format == Format.PAIR ? options.authPasswordFile() : null,
            question,
            scripts);
    KeepalivedImport.Result result;
    try {
      result = KeepalivedImport.run(local, peer, importOptions);
    } catch (ImportException e) {
      err.println("redisha import: refused:");
      e.problems().forEach(p -> err.println("  " + p));
      return REFUSED;
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
}

package io.redisha.cli;

import io.redisha.api.NodeSpec;
import io.redisha.pair.InvalidPairException;
import io.redisha.pair.PairFile;
import io.redisha.pair.PairSettings;
import io.redisha.pair.PairValidation;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code redisha validate --config FILE [--node N]}: the agent's own checks of a pair file, without
 * starting anything.
 */
@Command(
    name = "validate",
    synopsisHeading = "%nUsage: ",
    sortOptions = false,
    header =
        "check a pair file (or a RedisHAPair resource) as the agent would, without starting it",
    description = {
      "",
      "Loads FILE and resolves it for a node exactly as 'redisha agent' does at start: every rule"
          + " of the pair file (the same as the CRD's), the node's own address and its peer's, and"
          + " the password files it names, which are read. Opens no socket and changes nothing,"
          + " so it is safe to run beside a running agent, for example before copying a changed"
          + " file into place.",
      "",
      "Without --node the file is resolved for each of its two nodes."
    },
    optionListHeading = "%nOptions:%n",
    footerHeading = "%n",
    footer = {
      "Prints 'FILE: valid (pair NAME, nodes A and B, N groups: ...)' and exits 0, or prints every"
          + " problem, each naming its field (for example 'instances[1].port: 6379 is already used"
          + " by instances[0]'), and exits 2.",
      "",
      "Example: redisha validate --config /etc/redisha/pair.yaml --node vm-a"
    })
final class ValidateCommand implements Callable<Integer> {
  private final Streams streams;

  @Option(
      names = "--config",
      required = true,
      paramLabel = "FILE",
      description = "The pair file or RedisHAPair resource to check.")
  Path config;

  @Option(
      names = "--node",
      paramLabel = "N",
      description = "Resolve for this node only (the name given to the agent's --node).")
  String node;

  @Option(
      names = {"-h", "--help"},
      usageHelp = true,
      description = "Show this help.")
  boolean help;

  ValidateCommand(Streams streams) {
    this.streams = streams;
  }

  @Override
  public Integer call() {
    String source = config.toString();
    PairFile.Loaded loaded;
    try {
      loaded = PairFile.load(config);
    } catch (InvalidPairException e) {
      streams.err().println(e.getMessage());
      return Main.USAGE_ERROR;
    }
    Set<String> problems = new LinkedHashSet<>();
    List<PairSettings> resolved = new ArrayList<>();
    for (String target : node != null ? List.of(node) : nodeNames(loaded)) {
      try {
        resolved.add(PairValidation.resolve(loaded, target, source));
      } catch (InvalidPairException e) {
        problems.addAll(e.problems());
      }
    }
    if (!problems.isEmpty()) {
      streams.err().println(new InvalidPairException(source, List.copyOf(problems)).getMessage());
      return Main.USAGE_ERROR;
    }
    PairSettings first = resolved.getFirst();
    List<String> nodes = nodeNames(loaded);
    List<PairSettings.Group> groups = first.groups();
    streams
        .out()
        .printf(
            "%s: valid (pair %s, nodes %s and %s, %d group%s: %s)%n",
            source,
            first.pairName(),
            nodes.get(0),
            nodes.get(1),
            groups.size(),
            groups.size() == 1 ? "" : "s",
            groups.stream()
                .map(
                    g ->
                        g.name()
                            + " (port "
                            + g.port()
                            + ", VIP "
                            + g.vip()
                            + ", router id "
                            + g.virtualRouterId()
                            + ")")
                .collect(Collectors.joining(", ")));
    return 0;
  }

  /**
   * The names of the file's nodes; when the file names none, one name that no node has, so that
   * resolving still reports every problem of the file.
   */
  private static List<String> nodeNames(PairFile.Loaded loaded) {
    List<NodeSpec> nodes = loaded.spec().getNodes();
    List<String> names =
        nodes == null
            ? List.of()
            : nodes.stream()
                .filter(Objects::nonNull)
                .map(NodeSpec::getName)
                .filter(Objects::nonNull)
                .distinct()
                .toList();
    return names.isEmpty() ? List.of("") : names;
  }
}

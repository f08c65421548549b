package io.redisha.bench;

import io.redisha.lab.PairLab;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * How the benchmark starts a redisha agent JVM, and the JVM settings it compares for the agent's
 * footprint. Each {@link Variant} adds one setting to the one before, so the footprint table shows
 * what each setting bought.
 */
public final class AgentJvm {
  /** Placeholder in a variant's options for the AOT cache file of the run. */
  static final String AOT_CACHE = "{aot-cache}";

  /**
   * One JVM configuration of the agent.
   *
   * @param name short name for the table
   * @param added what this variant adds to the previous one, in words
   * @param options all JVM options of the variant
   */
  public record Variant(String name, String added, List<String> options) {
    /** Whether the variant needs an AOT cache made by a training run first. */
    public boolean needsAotCache() {
      return options.contains("-XX:AOTCache=" + AOT_CACHE);
    }

    /** The options with the AOT cache placeholder replaced by {@code cache}. */
    public List<String> resolved(Path cache) {
      return options.stream().map(o -> o.replace(AOT_CACHE, cache.toString())).toList();
    }

    /** The options of a training run that writes the AOT cache to {@code cache}. */
    public List<String> training(Path cache) {
      return options.stream()
          .map(o -> o.equals("-XX:AOTCache=" + AOT_CACHE) ? "-XX:AOTCacheOutput=" + cache : o)
          .toList();
    }
  }

  private static final List<String> SERIAL = List.of("-XX:+UseSerialGC");
  private static final List<String> SMALL_HEAP = List.of("-Xms8m", "-Xmx48m", "-Xss256k");
  private static final List<String> C1_ONLY =
      List.of("-XX:TieredStopAtLevel=1", "-XX:ReservedCodeCacheSize=16m");
  private static final List<String> COMPACT_HEADERS = List.of("-XX:+UseCompactObjectHeaders");
  private static final List<String> AOT = List.of("-XX:AOTCache=" + AOT_CACHE);

  /** The settings compared, each adding to the one before. */
  public static final List<Variant> VARIANTS =
      List.of(
          new Variant("defaults", "JDK 25 defaults (G1, heap up to 1/4 of RAM)", List.of()),
          new Variant("+serial", "Serial GC", concat(SERIAL)),
          new Variant("+heap", "heap 8-48 MiB, 256 KiB thread stacks", concat(SERIAL, SMALL_HEAP)),
          new Variant("+c1", "C1 only, 16 MiB code cache", concat(SERIAL, SMALL_HEAP, C1_ONLY)),
          new Variant(
              "+compact",
              "compact object headers",
              concat(SERIAL, SMALL_HEAP, C1_ONLY, COMPACT_HEADERS)),
          new Variant(
              "+aot",
              "AOT cache (classes loaded and linked, made by a training run)",
              concat(SERIAL, SMALL_HEAP, C1_ONLY, COMPACT_HEADERS, AOT)));

  /** The JVM setting the benchmark's redisha system runs its agents with (no AOT cache needed). */
  public static final Variant RECOMMENDED_VARIANT = VARIANTS.get(4);

  /** Its options. */
  public static final List<String> RECOMMENDED = RECOMMENDED_VARIANT.options();

  private AgentJvm() {}

  @SafeVarargs
  private static List<String> concat(List<String>... parts) {
    List<String> all = new ArrayList<>();
    for (List<String> part : parts) {
      all.addAll(part);
    }
    return List.copyOf(all);
  }

  /**
   * Starts {@code redisha agent --config <pair file> --node <host>} in {@code host}'s namespace, on
   * this JVM's class path, with {@code options}.
   */
  public static Process start(PairLab lab, String host, List<String> options, Path log) {
    return start(lab, host, options, log, Map.of(), List.of());
  }

  /**
   * The same with {@code environment} set for the agent and {@code agentArgs} after its own (for
   * example {@code --kubernetes} with the KUBECONFIG that points at the lab's API server).
   */
  public static Process start(
      PairLab lab,
      String host,
      List<String> options,
      Path log,
      Map<String, String> environment,
      List<String> agentArgs) {
    List<String> command = new ArrayList<>();
    if (!environment.isEmpty()) {
      command.add("env");
      environment.forEach((name, value) -> command.add(name + "=" + value));
    }
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(options);
    command.addAll(
        List.of(
            "--enable-native-access=ALL-UNNAMED",
            "-cp",
            System.getProperty("java.class.path"),
            "io.redisha.cli.Main",
            "agent",
            "--config",
            lab.pairFile().toAbsolutePath().toString(),
            "--node",
            host,
            "--http-port",
            Integer.toString(PairLab.STATUS_PORT)));
    command.addAll(agentArgs);
    return lab.network().start(host, command, log);
  }
}

package io.redisha.pair;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.redisha.api.VipHookSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The VIP hooks of the operator's own configuration, by name: under Kubernetes the only place a
 * hook's command, or a file it reads, may come from (S10). The cluster admin writes them (Helm
 * value {@code hooks}); a RedisHAPair names one with {@code vipHook.hookRef}, and the operator
 * copies the named hook into the file {@link #FILE_NAME} beside the agents' pair file. The agent
 * under {@code --kubernetes} takes a command from that file only, never from the pair file, which
 * the operator renders from the resource.
 *
 * <p>A hook here is a {@code vipHook} of a standalone pair file (its provider and the settings of
 * that provider, {@code command} and {@code credentialsFile} included) without the parts that
 * belong to each pair: {@code timeoutMillis} and {@code retryMaxMillis} are the pair's, and so is
 * {@code credentialsSecretRef}, a Secret of the pair's namespace.
 */
public record AdminHooks(Map<String, VipHookSpec> hooks) {
  /** The file beside the rendered pair file (a key of the pair's ConfigMap) that holds them. */
  public static final String FILE_NAME = "hooks.yaml";

  public static final AdminHooks NONE = new AdminHooks(Map.of());

  public AdminHooks {
    hooks = hooks == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(hooks));
  }

  /** The hook named {@code name}, or null. */
  public VipHookSpec find(String name) {
    return hooks.get(name);
  }

  /** The names, sorted. */
  public Set<String> names() {
    return hooks.keySet();
  }

  /** Only the hooks named in {@code names} (those a pair references). */
  public AdminHooks only(Set<String> names) {
    Map<String, VipHookSpec> kept = new LinkedHashMap<>();
    hooks.forEach(
        (name, hook) -> {
          if (names.contains(name)) {
            kept.put(name, hook);
          }
        });
    return new AdminHooks(kept);
  }

  /**
   * Every problem of the hooks, each named {@code <prefix>.<name>.<field>}; {@code prefix} is where
   * the hooks sit in their file ({@code hooks} in the operator's configuration).
   */
  public List<String> problems(String prefix) {
    List<String> problems = new ArrayList<>();
    hooks.forEach((name, hook) -> PairValidation.validateAdminHook(prefix, name, hook, problems));
    return problems;
  }

  /** Reads a hooks file ({@link #FILE_NAME}, {@code hooks: {name: hook, ...}}), strictly. */
  public static AdminHooks parse(String text, String source) throws InvalidPairException {
    return checked(PairFile.readStrict(text, source, HooksFile.class), source);
  }

  /** {@link #parse} of {@code file}; {@link #NONE} when there is no such file. */
  public static AdminHooks load(Path file) throws InvalidPairException {
    if (!Files.exists(file)) {
      return NONE;
    }
    return checked(PairFile.loadStrict(file, HooksFile.class), file.toString());
  }

  private static AdminHooks checked(HooksFile file, String source) throws InvalidPairException {
    AdminHooks hooks = new AdminHooks(file == null ? null : file.getHooks());
    List<String> problems = hooks.problems("hooks");
    if (!problems.isEmpty()) {
      throw new InvalidPairException(source, problems);
    }
    return hooks;
  }

  /** The hooks as the text of a hooks file, which {@link #parse} reads back unchanged. */
  public String toYaml() {
    HooksFile file = new HooksFile();
    file.setHooks(new LinkedHashMap<>(hooks));
    return PairFile.write(file);
  }

  /** The shape of a hooks file. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static final class HooksFile {
    @JsonProperty("hooks")
    private Map<String, VipHookSpec> hooks;

    public Map<String, VipHookSpec> getHooks() {
      return hooks;
    }

    public void setHooks(Map<String, VipHookSpec> hooks) {
      this.hooks = hooks;
    }
  }
}

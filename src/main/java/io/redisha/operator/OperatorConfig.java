package io.redisha.operator;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.fabric8.kubernetes.api.model.Toleration;
import io.redisha.api.VipHookSpec;
import io.redisha.pair.AdminHooks;
import io.redisha.pair.InvalidPairException;
import io.redisha.pair.PairFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The operator's own configuration, written by the cluster admin (Helm values {@code hooks} and
 * {@code agentTolerations}, rendered into the operator's ConfigMap and read with {@code
 * --admin-config}). Whoever may create a RedisHAPair can change none of it, which is why it is the
 * only place under Kubernetes where a hook's command or a file it reads may come from (S10), and
 * where the agents' tolerations are set: a toleration lets the root-capable agents onto tainted
 * nodes, which is the admin's call.
 *
 * @param hooks the VIP hooks pairs may name with {@code vipHook.hookRef}
 * @param agentTolerations tolerations of every agent DaemonSet's pods
 */
public record OperatorConfig(AdminHooks hooks, List<Toleration> agentTolerations) {
  public static final OperatorConfig EMPTY = new OperatorConfig(AdminHooks.NONE, List.of());

  private static final Set<String> TOLERATION_OPERATORS = Set.of("Exists", "Equal");
  private static final Set<String> TAINT_EFFECTS =
      Set.of("NoSchedule", "PreferNoSchedule", "NoExecute");

  public OperatorConfig {
    hooks = hooks == null ? AdminHooks.NONE : hooks;
    agentTolerations = agentTolerations == null ? List.of() : List.copyOf(agentTolerations);
  }

  /** Reads and checks the file; every problem names its field. */
  public static OperatorConfig load(Path file) throws InvalidPairException {
    return checked(PairFile.loadStrict(file, File.class), file.toString());
  }

  /** Reads and checks the text of the file; {@code source} names it in errors. */
  public static OperatorConfig parse(String text, String source) throws InvalidPairException {
    return checked(PairFile.readStrict(text, source, File.class), source);
  }

  private static OperatorConfig checked(File file, String source) throws InvalidPairException {
    if (file == null) {
      return EMPTY;
    }
    AdminHooks hooks = new AdminHooks(file.hooks);
    List<String> problems = new ArrayList<>(hooks.problems("hooks"));
    List<Toleration> tolerations =
        file.agentTolerations == null ? List.of() : file.agentTolerations;
    for (int i = 0; i < tolerations.size(); i++) {
      tolerationProblems("agentTolerations[" + i + "]", tolerations.get(i), problems);
    }
    if (!problems.isEmpty()) {
      throw new InvalidPairException(source, problems);
    }
    return new OperatorConfig(hooks, tolerations);
  }

  private static void tolerationProblems(String at, Toleration t, List<String> problems) {
    if (t == null) {
      problems.add(at + ": must not be empty");
      return;
    }
    String operator = t.getOperator() == null ? "Equal" : t.getOperator();
    if (!TOLERATION_OPERATORS.contains(operator)) {
      problems.add(at + ".operator: must be Exists or Equal, not '" + operator + "'");
    }
    if ("Exists".equals(operator) && t.getValue() != null && !t.getValue().isEmpty()) {
      problems.add(at + ".value: must be empty with operator Exists");
    }
    if ((t.getKey() == null || t.getKey().isEmpty()) && !"Exists".equals(operator)) {
      problems.add(
          at + ".key: required unless operator is Exists (which then tolerates every taint)");
    }
    if (t.getEffect() != null
        && !t.getEffect().isEmpty()
        && !TAINT_EFFECTS.contains(t.getEffect())) {
      problems.add(
          at
              + ".effect: must be NoSchedule, PreferNoSchedule or NoExecute, not '"
              + t.getEffect()
              + "'");
    }
    if (t.getTolerationSeconds() != null && !"NoExecute".equals(t.getEffect())) {
      problems.add(at + ".tolerationSeconds: only used with effect NoExecute");
    }
  }

  /** The shape of the file. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static final class File {
    @JsonProperty("hooks")
    private Map<String, VipHookSpec> hooks;

    @JsonProperty("agentTolerations")
    private List<Toleration> agentTolerations;

    public Map<String, VipHookSpec> getHooks() {
      return hooks;
    }

    public void setHooks(Map<String, VipHookSpec> hooks) {
      this.hooks = hooks;
    }

    public List<Toleration> getAgentTolerations() {
      return agentTolerations;
    }

    public void setAgentTolerations(List<Toleration> agentTolerations) {
      this.agentTolerations = agentTolerations;
    }
  }
}

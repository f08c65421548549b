package io.redisha.operator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.redisha.api.RedisHAPair;
import io.redisha.cli.OperatorCommand;
import io.redisha.pair.PairFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Helm chart lints, and renders exactly the objects of {@code deploy/} (apart from the CRD,
 * which both ship as the same generated file, and the Namespace, which Helm creates itself); in its
 * namespaced mode it grants no cluster-wide write; the admin's hooks and tolerations reach the
 * operator's configuration.
 */
class HelmChartTest {
  static final Path CHART = Path.of("charts", "redisha");
  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  @Test
  void chartLints() {
    LintResult lint = new Helm(CHART).lint().strict().call();
    assertThat(lint.isFailed()).as(String.join("\n", lint.getMessages())).isFalse();
  }

  @Test
  void chartRendersTheObjectsOfDeploy() throws IOException {
    String rendered =
        new Helm(CHART).template().withName("redisha").withNamespace("redisha-system").call();
    List<Map<String, Object>> fromChart = documents(rendered);

    List<Map<String, Object>> fromDeploy = new ArrayList<>();
    try (Stream<Path> files = Files.list(Path.of("deploy"))) {
      for (Path file : files.sorted().toList()) {
        String name = file.getFileName().toString();
        if (!name.contains("CustomResourceDefinition") && !name.contains("-Namespace-")) {
          fromDeploy.addAll(documents(Files.readString(file)));
        }
      }
    }
    assertThat(sorted(fromChart)).isEqualTo(sorted(fromDeploy));
    assertThat(fromChart).hasSize(6);
  }

  static String render(Path values) {
    return new Helm(CHART)
        .template()
        .withName("redisha")
        .withNamespace("redisha-system")
        .withValuesFile(values)
        .call();
  }

  static <T> List<T> ofKind(List<Map<String, Object>> docs, Class<T> type) {
    String kind = type.getSimpleName();
    return docs.stream()
        .filter(d -> kind.equals(d.get("kind")))
        .map(d -> YAML.convertValue(d, type))
        .toList();
  }

  static final Set<String> READ = Set.of("get", "list", "watch");

  /**
   * The namespaced install: no ClusterRole writes anything (it reads Nodes, which have no
   * namespace); the operator's write rules sit in a Role in each watched namespace, bound to its
   * ServiceAccount; the election Lease is writable in its own namespace only; and the operator is
   * told to watch exactly those namespaces.
   */
  @Test
  void namespacedModeHasRolesInTheWatchedNamespacesAndNoClusterWideWrite(@TempDir Path dir)
      throws Exception {
    Path values =
        Files.writeString(dir.resolve("values.yaml"), "watchNamespaces: [redis, cache]\n");
    List<Map<String, Object>> docs = documents(render(values));

    List<ClusterRole> clusterRoles = ofKind(docs, ClusterRole.class);
    assertThat(clusterRoles).hasSize(1);
    for (PolicyRule rule : clusterRoles.getFirst().getRules()) {
      assertThat(READ).as("verbs of %s", rule.getResources()).containsAll(rule.getVerbs());
      assertThat(rule.getResources()).containsExactly("nodes");
    }
    assertThat(ofKind(docs, ClusterRoleBinding.class))
        .singleElement()
        .satisfies(b -> assertThat(b.getRoleRef().getName()).isEqualTo("redisha-operator"));

    List<Role> roles = ofKind(docs, Role.class);
    List<RoleBinding> bindings = ofKind(docs, RoleBinding.class);
    RedisHAPair pair = cachePair();
    for (String namespace : List.of("redis", "cache")) {
      Role role =
          roles.stream()
              .filter(r -> namespace.equals(r.getMetadata().getNamespace()))
              .findFirst()
              .orElseThrow();
      for (String resource :
          List.of("daemonsets", "configmaps", "serviceaccounts", "roles", "rolebindings")) {
        assertThat(role.getRules())
            .as("%s: write %s", namespace, resource)
            .anySatisfy(
                r -> {
                  assertThat(r.getResources()).contains(resource);
                  assertThat(r.getVerbs()).contains("create", "update", "patch", "delete");
                });
      }
      assertHoldsWhatItGrants(role.getRules(), AgentResources.role(pair));
      assertThat(bindings)
          .anySatisfy(
              b -> {
                assertThat(b.getMetadata().getNamespace()).isEqualTo(namespace);
                assertThat(b.getRoleRef().getKind()).isEqualTo("Role");
                assertThat(b.getRoleRef().getName()).isEqualTo(role.getMetadata().getName());
                assertThat(b.getSubjects())
                    .singleElement()
                    .satisfies(
                        s -> {
                          assertThat(s.getName()).isEqualTo("redisha-operator");
                          assertThat(s.getNamespace()).isEqualTo("redisha-system");
                        });
              });
    }
    Role election =
        roles.stream()
            .filter(r -> "redisha-system".equals(r.getMetadata().getNamespace()))
            .findFirst()
            .orElseThrow();
    assertThat(election.getRules())
        .singleElement()
        .satisfies(r -> assertThat(r.getResources()).containsExactly("leases"));
    assertThat(roles).hasSize(3);
    assertThat(bindings).hasSize(3);

    Deployment deployment = ofKind(docs, Deployment.class).getFirst();
    List<String> args =
        deployment.getSpec().getTemplate().getSpec().getContainers().getFirst().getArgs();
    assertThat(args).containsSubsequence("--namespaces", "redis,cache");
    assertThat(OperatorCommand.parse(withoutCommand(args)).namespaces())
        .containsExactly("redis", "cache");
  }

  /** The default install watches every namespace and passes no --namespaces. */
  @Test
  void clusterModeWatchesEveryNamespace() throws Exception {
    List<Map<String, Object>> docs =
        documents(
            new Helm(CHART).template().withName("redisha").withNamespace("redisha-system").call());
    List<String> args =
        ofKind(docs, Deployment.class)
            .getFirst()
            .getSpec()
            .getTemplate()
            .getSpec()
            .getContainers()
            .getFirst()
            .getArgs();
    assertThat(args).doesNotContain("--namespaces");
    assertThat(ofKind(docs, Role.class)).isEmpty();
  }

  /**
   * The hooks and tolerations of the values become the operator's admin configuration, which it
   * reads as it would at start; a change of them changes the pod template's checksum, so the
   * operator restarts and reads them again.
   */
  @Test
  void hooksAndTolerationsReachTheOperatorsAdminConfiguration(@TempDir Path dir) throws Exception {
    Path values =
        Files.writeString(
            dir.resolve("values.yaml"),
            """
            hooks:
              route-vip:
                provider: Exec
                command: [/usr/local/bin/route-vip, --table, "010"]
              aws-main: {provider: AWS, region: eu-west-1}
            agentTolerations:
            - {key: dedicated, operator: Equal, value: redis, effect: NoSchedule}
            """);
    List<Map<String, Object>> docs = documents(render(values));
    ConfigMap cm = ofKind(docs, ConfigMap.class).getFirst();
    String admin = cm.getData().get("admin.yaml");
    OperatorConfig config = OperatorConfig.parse(admin, "admin.yaml");
    assertThat(config.hooks().names()).containsExactly("aws-main", "route-vip");
    assertThat(config.hooks().find("route-vip").getCommand())
        .containsExactly("/usr/local/bin/route-vip", "--table", "010");
    assertThat(config.agentTolerations())
        .singleElement()
        .satisfies(t -> assertThat(t.getKey()).isEqualTo("dedicated"));

    Deployment deployment = ofKind(docs, Deployment.class).getFirst();
    var pod = deployment.getSpec().getTemplate();
    assertThat(pod.getMetadata().getAnnotations())
        .containsEntry("redisha.io/admin-config-sha256", sha256(admin.stripTrailing()));
    List<String> args = pod.getSpec().getContainers().getFirst().getArgs();
    Path mounted = OperatorCommand.parse(withoutCommand(args)).adminConfig();
    assertThat(pod.getSpec().getContainers().getFirst().getVolumeMounts())
        .anySatisfy(m -> assertThat(mounted.getParent().toString()).isEqualTo(m.getMountPath()));
    assertThat(mounted.getFileName().toString()).isIn(cm.getData().keySet());

    String defaults =
        ofKind(
                documents(
                    new Helm(CHART)
                        .template()
                        .withName("redisha")
                        .withNamespace("redisha-system")
                        .call()),
                ConfigMap.class)
            .getFirst()
            .getData()
            .get("admin.yaml");
    assertThat(OperatorConfig.parse(defaults, "admin.yaml")).isEqualTo(OperatorConfig.EMPTY);
  }

  private static String[] withoutCommand(List<String> args) {
    assertThat(args.getFirst()).isEqualTo("operator");
    List<String> options = new ArrayList<>(args.subList(1, args.size()));
    options.add("--no-leader-election");
    return options.toArray(String[]::new);
  }

  private static String sha256(String text) throws Exception {
    return HexFormat.of()
        .formatHex(
            MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
  }

  private static RedisHAPair cachePair() throws Exception {
    RedisHAPair pair = new RedisHAPair();
    pair.setMetadata(
        new io.fabric8.kubernetes.api.model.ObjectMetaBuilder()
            .withName("cache")
            .withNamespace("redis")
            .build());
    pair.setSpec(
        PairFile.parse(
                """
                nodes: [{name: vm-a}, {name: vm-b}]
                interface: eth0
                instances: [{name: a, port: 6379, vip: 192.0.2.100/24, virtualRouterId: 51}]
                """,
                "test",
                "cache")
            .spec());
    return pair;
  }

  /** Kubernetes refuses to let the operator grant the agents what it does not hold itself. */
  private static void assertHoldsWhatItGrants(List<PolicyRule> operatorRules, Role agent) {
    for (PolicyRule rule : agent.getRules()) {
      for (String resource : rule.getResources()) {
        for (String verb : rule.getVerbs()) {
          assertThat(operatorRules)
              .as("operator may %s %s", verb, resource)
              .anySatisfy(
                  r -> {
                    assertThat(r.getApiGroups()).containsAnyElementsOf(rule.getApiGroups());
                    assertThat(r.getResources()).contains(resource);
                    assertThat(r.getVerbs()).contains(verb);
                  });
        }
      }
    }
  }

  @Test
  void operatorHoldsEveryPermissionItGrantsTheAgents() throws Exception {
    ClusterRole operator =
        YAML.readValue(
            Path.of("deploy", "030-ClusterRole-redisha-operator.yaml").toFile(), ClusterRole.class);
    assertHoldsWhatItGrants(operator.getRules(), AgentResources.role(cachePair()));
  }

  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> documents(String yaml) throws IOException {
    List<Map<String, Object>> docs = new ArrayList<>();
    for (Object doc : YAML.readerFor(Object.class).readValues(yaml).readAll()) {
      if (doc instanceof Map<?, ?> map && !map.isEmpty()) {
        docs.add((Map<String, Object>) map);
      }
    }
    return docs;
  }

  static List<Map<String, Object>> sorted(List<Map<String, Object>> docs) {
    return docs.stream()
        .sorted(
            Comparator.comparing(
                d -> d.get("kind") + "/" + ((Map<?, ?>) d.get("metadata")).get("name")))
        .toList();
  }
}

package io.redisha.operator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.redisha.api.RedisHAPair;
import io.redisha.pair.PairFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The Helm chart lints, and renders exactly the objects of {@code deploy/} (apart from the CRD,
 * which both ship as the same generated file, and the Namespace, which Helm creates itself).
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
    assertThat(fromChart).hasSize(5);
  }

  @Test
  void operatorHoldsEveryPermissionItGrantsTheAgents() throws Exception {
    ClusterRole operator =
        YAML.readValue(
            Path.of("deploy", "030-ClusterRole-redisha-operator.yaml").toFile(), ClusterRole.class);
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
    Role agent = AgentResources.role(pair);
    for (PolicyRule rule : agent.getRules()) {
      for (String resource : rule.getResources()) {
        for (String verb : rule.getVerbs()) {
          assertThat(operator.getRules())
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

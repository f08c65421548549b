package io.redisha.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.redisha.agent.AgentDefaults;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The derived names: what users and manifests see, and that no two objects share one. */
class PairResourcesTest {

  @Test
  void theNamesUsersSeeStayAsDocumented() {
    assertThat(PairResources.reportLeaseName("cache", "vm-a"))
        .isEqualTo("redisha-cache-report-vm-a");
    assertThat(PairResources.groupLeaseName("cache", "a")).isEqualTo("redisha-cache-group-a");
    assertThat(PairResources.agentName("cache")).isEqualTo("redisha-cache-agent");
    assertThat(PairResources.configMapName("cache")).isEqualTo("redisha-cache-config");
    assertThat(PairResources.AGENT_HTTP_PORT).isEqualTo(9736).isEqualTo(AgentDefaults.HTTP_PORT);
    assertThat(PairResources.OWNED_SELECTOR)
        .isEqualTo("app.kubernetes.io/managed-by=redisha-operator,redisha.io/role=agent");
  }

  @Test
  void theAgentFindsTheGenerationWhereTheConfigMapPutsIt() {
    Path mounted = Path.of(PairResources.CONFIG_DIR, PairResources.GENERATION_KEY);
    assertThat(Path.of(PairResources.PAIR_FILE).resolveSibling(AgentDefaults.GENERATION_FILE))
        .isEqualTo(mounted);
    assertThat(Path.of(PairResources.CONFIG_DIR, PairResources.PAIR_FILE_KEY))
        .isEqualTo(Path.of(PairResources.PAIR_FILE));
  }

  @Test
  void theOperatorsSelectorMatchesTheLabelsOfWhatItMakes() {
    for (String term : PairResources.OWNED_SELECTOR.split(",")) {
      String[] keyValue = term.split("=");
      assertThat(PairResources.agentLabels("cache")).containsEntry(keyValue[0], keyValue[1]);
      assertThat(PairResources.reportLabels("cache").get(keyValue[0]))
          .as("report Leases are the agents', not the operator's")
          .isNotEqualTo(keyValue[1]);
    }
  }

  @Test
  void aGroupNamedLikeANodesReportLeaseHasALeaseOfItsOwn() {
    List<String> nodes = List.of("vm-a", "vm-b", "group-a", "report");
    List<String> groups =
        List.of("report-vm-a", "report-vm-b", "vm-a", "report", "group-a", "a", "report-report");
    Set<String> reportLeases = new HashSet<>();
    for (String node : nodes) {
      reportLeases.add(PairResources.reportLeaseName("cache", node));
    }
    Set<String> groupLeases = new HashSet<>();
    for (String group : groups) {
      String lease = PairResources.groupLeaseName("cache", group);
      assertThat(reportLeases).as("group %s", group).doesNotContain(lease);
      groupLeases.add(lease);
    }
    assertThat(groupLeases).hasSameSizeAs(groups);
    assertThat(PairResources.groupLeaseName("cache", "report-vm-a"))
        .isNotEqualTo(PairResources.reportLeaseName("cache", "vm-a"));
    assertThat(PairResources.agentLeaseNames("cache", nodes, groups))
        .doesNotHaveDuplicates()
        .hasSize(nodes.size() + groups.size())
        .containsAll(reportLeases)
        .containsAll(groupLeases);
  }
}

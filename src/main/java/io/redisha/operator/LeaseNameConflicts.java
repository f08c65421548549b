package io.redisha.operator;

import io.redisha.api.RedisHAPair;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Two pairs of one namespace whose agents would write the same Lease. Lease names are made by
 * joining the pair's name with a node's or a group's, and all three may hold dashes, so pair {@code
 * shop} with a group {@code report-vm-a} and pair {@code shop-group} on node {@code vm-a} both come
 * to {@code redisha-shop-group-report-vm-a}: one pair's split-brain Lease would be the other's
 * report, and neither arbiter could be trusted. Every pair in such a conflict is held where it is
 * (its running agents untouched, the change not applied) until one of them is renamed.
 */
final class LeaseNameConflicts {
  private LeaseNameConflicts() {}

  /** One problem per other pair of {@code pair}'s namespace that shares a Lease name with it. */
  static List<String> find(RedisHAPair pair, Collection<RedisHAPair> namespacePairs) {
    Set<String> ours = new LinkedHashSet<>(AgentResources.leaseNames(pair));
    List<String> problems = new ArrayList<>();
    for (RedisHAPair other : namespacePairs) {
      if (other.getMetadata() == null
          || Objects.equals(other.getMetadata().getName(), pair.getMetadata().getName())) {
        continue;
      }
      List<String> shared =
          AgentResources.leaseNames(other).stream().filter(ours::contains).distinct().toList();
      if (!shared.isEmpty()) {
        problems.add(
            "metadata.name: the agents of this pair and of pair "
                + other.getMetadata().getName()
                + " would both write Lease "
                + String.join(", ", shared)
                + " (a Lease name joins the pair's name with a node's or a group's); rename this"
                + " pair, a node or a group");
      }
    }
    return problems;
  }
}

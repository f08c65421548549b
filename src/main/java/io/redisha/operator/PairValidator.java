package io.redisha.operator;

import io.redisha.api.InstanceSpec;
import io.redisha.api.NodeSpec;
import io.redisha.api.RedisHAPairSpec;
import io.redisha.net.Ipv4Cidr;
import io.redisha.pair.AdminHooks;
import io.redisha.pair.PairValidation;
import io.redisha.pair.PairValidation.Source;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The operator's own check of a spec before anything reaches the agents. It runs the same rules as
 * the agent ({@link PairValidation}: an older CRD, or a cluster without CEL, may let a bad spec
 * through) and adds what only the operator can know: whether a node without an address has an
 * InternalIP, whether a VIP collides with a node's actual address, and whether {@code
 * vipHook.hookRef} names a hook of the operator's configuration. The rules are those of a resource
 * ({@link Source#RESOURCE}): no command and no file path (S10). Every problem names its field under
 * {@code spec.}. Pure.
 */
public final class PairValidator {
  private PairValidator() {}

  /** {@link #validate(RedisHAPairSpec, Map, AdminHooks)} for an operator without hooks. */
  public static List<String> validate(RedisHAPairSpec spec, Map<String, String> nodeAddresses) {
    return validate(spec, nodeAddresses, AdminHooks.NONE);
  }

  /** Problems of {@code spec}, each as {@code spec.field: what is wrong}; empty when none. */
  public static List<String> validate(
      RedisHAPairSpec spec, Map<String, String> nodeAddresses, AdminHooks hooks) {
    List<String> problems = new ArrayList<>();
    if (spec == null) {
      problems.add("spec: missing");
      return problems;
    }
    PairValidation.validate(spec, Source.RESOURCE, hooks)
        .forEach(problem -> problems.add("spec." + problem));
    Map<String, String> owners = new HashMap<>();
    List<NodeSpec> nodes = spec.getNodes() == null ? List.of() : spec.getNodes();
    for (int i = 0; i < nodes.size(); i++) {
      NodeSpec node = nodes.get(i);
      if (node == null || node.getName() == null || node.getAddress() != null) {
        if (node != null && node.getAddress() != null) {
          owners.putIfAbsent(node.getAddress(), node.getName());
        }
        continue;
      }
      String address = nodeAddresses.get(node.getName());
      if (address == null) {
        problems.add(
            "spec.nodes["
                + i
                + "].address: not set, and node "
                + node.getName()
                + " has no InternalIP (is there a node of that name?)");
      } else {
        String other = owners.putIfAbsent(address, node.getName());
        if (other != null) {
          problems.add(
              "spec.nodes["
                  + i
                  + "].address: "
                  + address
                  + " is also the address of node "
                  + other);
        }
      }
    }
    List<InstanceSpec> instances = spec.getInstances() == null ? List.of() : spec.getInstances();
    for (int i = 0; i < instances.size(); i++) {
      InstanceSpec instance = instances.get(i);
      if (instance == null || instance.getVip() == null) {
        continue;
      }
      try {
        String vip = Ipv4Cidr.parse(instance.getVip()).address().getHostAddress();
        String owner = owners.get(vip);
        boolean explicit = nodes.stream().anyMatch(n -> n != null && vip.equals(n.getAddress()));
        if (owner != null && !explicit) {
          problems.add(
              "spec.instances[" + i + "].vip: " + vip + " is the address of node " + owner);
        }
      } catch (IllegalArgumentException e) {
        // Already reported by PairValidation.
      }
    }
    return problems;
  }
}

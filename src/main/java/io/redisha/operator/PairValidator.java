package io.redisha.operator;

import io.redisha.api.InstanceSpec;
import io.redisha.api.NodeSpec;
import io.redisha.api.Patterns;
import io.redisha.api.RedisHAPairSpec;
import io.redisha.api.VrrpSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The operator's own check of a spec before anything reaches the agents. It repeats the CRD's rules
 * (an older CRD, or a cluster without CEL, may let a bad spec through) and adds what only the
 * operator can know: whether a node without an address has an InternalIP, and whether a VIP
 * collides with a node's actual address. Every problem names its field. Pure.
 */
public final class PairValidator {
  private PairValidator() {}

  private static final Pattern IPV4 = Pattern.compile(Patterns.IPV4);
  private static final Pattern IPV4_CIDR = Pattern.compile(Patterns.IPV4_CIDR);
  private static final Pattern DNS_LABEL = Pattern.compile(Patterns.DNS_LABEL);
  private static final Pattern INTERFACE = Pattern.compile(Patterns.INTERFACE_NAME);
  private static final Pattern PROTECTION = Pattern.compile(Patterns.SPLIT_BRAIN_PROTECTION);

  /** Problems of {@code spec}, each as {@code spec.field: what is wrong}; empty when none. */
  public static List<String> validate(RedisHAPairSpec spec, Map<String, String> nodeAddresses) {
    List<String> problems = new ArrayList<>();
    if (spec == null) {
      problems.add("spec: missing");
      return problems;
    }
    List<NodeSpec> nodes = spec.getNodes() == null ? List.of() : spec.getNodes();
    Map<String, String> addressOwners = new HashMap<>();
    if (nodes.size() != 2) {
      problems.add("spec.nodes: exactly two nodes are needed, found " + nodes.size());
    }
    for (int i = 0; i < nodes.size(); i++) {
      NodeSpec node = nodes.get(i);
      String field = "spec.nodes[" + i + "]";
      if (node.getName() == null || node.getName().isBlank()) {
        problems.add(field + ".name: missing");
        continue;
      }
      if (i == 1 && node.getName().equals(nodes.get(0).getName())) {
        problems.add(field + ".name: both nodes are named " + node.getName());
      }
      String address = node.getAddress();
      if (address == null) {
        address = nodeAddresses.get(node.getName());
        if (address == null) {
          problems.add(
              field
                  + ".address: not set, and node "
                  + node.getName()
                  + " has no InternalIP (is there a node of that name?)");
          continue;
        }
      } else if (!IPV4.matcher(address).matches()) {
        problems.add(field + ".address: " + address + " is not an IPv4 address");
        continue;
      }
      String other = addressOwners.putIfAbsent(address, node.getName());
      if (other != null) {
        problems.add(field + ".address: " + address + " is also the address of node " + other);
      }
    }
    if (spec.getInterfaceName() == null || !INTERFACE.matcher(spec.getInterfaceName()).matches()) {
      problems.add(
          "spec.interface: " + describe(spec.getInterfaceName()) + " is not an interface name");
    }
    if (spec.getSplitBrainProtection() != null
        && !PROTECTION.matcher(spec.getSplitBrainProtection()).matches()) {
      problems.add(
          "spec.splitBrainProtection: must be Lease, Witness or None, not "
              + spec.getSplitBrainProtection());
    }
    if ("Witness".equals(spec.getSplitBrainProtection()) && spec.getWitness() == null) {
      problems.add("spec.witness: required when splitBrainProtection is Witness");
    }
    validateVrrp(spec.getVrrp(), problems);
    validateInstances(spec, nodes, addressOwners, problems);
    return problems;
  }

  private static void validateVrrp(VrrpSpec vrrp, List<String> problems) {
    if (vrrp == null) {
      return;
    }
    int version = vrrp.getVersion() == null ? 3 : vrrp.getVersion();
    if (version != 2 && version != 3) {
      problems.add("spec.vrrp.version: must be 2 or 3, not " + version);
      return;
    }
    Integer interval = vrrp.getAdvertIntervalMillis();
    if (interval != null) {
      boolean ok =
          version == 2
              ? interval >= 1000 && interval <= 255000 && interval % 1000 == 0
              : interval >= 10 && interval <= 40950 && interval % 10 == 0;
      if (!ok) {
        problems.add(
            "spec.vrrp.advertIntervalMillis: "
                + interval
                + (version == 2
                    ? " is outside 1000 to 255000 in steps of 1000 (VRRP version 2)"
                    : " is outside 10 to 40950 in steps of 10 (VRRP version 3)"));
      }
    }
    if (version == 3 && (vrrp.getAuthSecretRef() != null || vrrp.getAuthPasswordFile() != null)) {
      problems.add("spec.vrrp.authSecretRef: PASS authentication exists only in VRRP version 2");
    }
  }

  private static void validateInstances(
      RedisHAPairSpec spec,
      List<NodeSpec> nodes,
      Map<String, String> nodeAddressOwners,
      List<String> problems) {
    List<InstanceSpec> instances = spec.getInstances() == null ? List.of() : spec.getInstances();
    if (instances.isEmpty()) {
      problems.add("spec.instances: at least one group is needed");
    }
    Map<String, String> names = new HashMap<>();
    Map<Integer, String> ports = new HashMap<>();
    Map<String, String> vips = new HashMap<>();
    Map<Integer, String> routerIds = new HashMap<>();
    for (int i = 0; i < instances.size(); i++) {
      InstanceSpec g = instances.get(i);
      String field = "spec.instances[" + i + "]";
      String name = g.getName();
      if (name == null || !DNS_LABEL.matcher(name).matches()) {
        problems.add(field + ".name: " + describe(name) + " is not a lower-case DNS label");
      } else if (names.putIfAbsent(name, name) != null) {
        problems.add(field + ".name: another group is also named " + name);
      }
      if (g.getPort() == null || g.getPort() < 1 || g.getPort() > 65535) {
        problems.add(field + ".port: must be 1 to 65535, not " + g.getPort());
      } else {
        String other = ports.putIfAbsent(g.getPort(), name);
        if (other != null) {
          problems.add(field + ".port: " + g.getPort() + " is also the port of group " + other);
        }
      }
      if (g.getVip() == null || !IPV4_CIDR.matcher(g.getVip()).matches()) {
        problems.add(
            field
                + ".vip: "
                + describe(g.getVip())
                + " is not an IPv4 address with a prefix length");
      } else {
        String address = g.getVip().substring(0, g.getVip().indexOf('/'));
        String other = vips.putIfAbsent(address, name);
        if (other != null) {
          problems.add(field + ".vip: " + address + " is also the VIP of group " + other);
        }
        String owner = nodeAddressOwners.get(address);
        if (owner != null) {
          problems.add(field + ".vip: " + address + " is the address of node " + owner);
        }
      }
      if (g.getVirtualRouterId() == null
          || g.getVirtualRouterId() < 1
          || g.getVirtualRouterId() > 255) {
        problems.add(field + ".virtualRouterId: must be 1 to 255, not " + g.getVirtualRouterId());
      } else {
        String other = routerIds.putIfAbsent(g.getVirtualRouterId(), name);
        if (other != null) {
          problems.add(
              field
                  + ".virtualRouterId: "
                  + g.getVirtualRouterId()
                  + " is also the router id of group "
                  + other);
        }
      }
      if (g.getPreferredMaster() != null
          && nodes.stream().noneMatch(n -> g.getPreferredMaster().equals(n.getName()))) {
        problems.add(
            field + ".preferredMaster: " + g.getPreferredMaster() + " is not one of the two nodes");
      }
    }
  }

  private static String describe(String value) {
    return value == null ? "(missing)" : "'" + value + "'";
  }
}

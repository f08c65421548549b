package io.redisha.migrate;

import io.redisha.api.GarpSpec;
import io.redisha.api.InstanceSpec;
import io.redisha.api.NodeSpec;
import io.redisha.api.RedisHAPairSpec;
import io.redisha.api.SecretKeyRef;
import io.redisha.api.VrrpSpec;
import io.redisha.migrate.KeepalivedFacts.At;
import io.redisha.migrate.KeepalivedFacts.Instance;
import io.redisha.migrate.RedisPortFinder.Clue;
import io.redisha.net.Ipv4Cidr;
import io.redisha.pair.PairValidation;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns one host's keepalived configuration (and, when given, its peer's) into a pair spec: one
 * group per {@code vrrp_instance}, the VRRP settings the instances share, the node addresses from
 * {@code unicast_src_ip}/{@code unicast_peer}, and each group's Redis port from its scripts. Both
 * hosts' imports give the same file: nodes are listed by address and, unless named, named after it.
 */
public final class KeepalivedImport {
  /** The keepalived default router_id, often left on both hosts: never used as a node name. */
  private static final String DEFAULT_ROUTER_ID = "LVS_DEVEL";

  private KeepalivedImport() {}

  /** Asks the user for the Redis port of an instance. */
  public interface PortQuestion {
    /**
     * The port of {@code instance}, or empty when nobody can be asked (no terminal).
     *
     * @param instance the vrrp_instance name
     * @param where the instance and its file:line
     * @param candidates ports the scripts point at, each with its evidence (may be empty)
     */
    OptionalInt ask(String instance, String where, Map<Integer, String> candidates);

    PortQuestion NOBODY = (instance, where, candidates) -> OptionalInt.empty();
  }

  /**
   * How to import.
   *
   * @param pairName the pair's name (resource name; prefix of the Secret name)
   * @param nodeNames names of this host and of its peer, or null to name them after their address
   * @param ports Redis ports given on the command line, by instance or group name
   * @param authPasswordFile where the standalone agent reads the PASS password
   * @param question asks for ports the scripts do not tell
   * @param scripts finds this host's scripts
   */
  public record Options(
      String pairName,
      List<String> nodeNames,
      Map<String, Integer> ports,
      String authPasswordFile,
      PortQuestion question,
      RedisPortFinder.ScriptFiles scripts) {}

  /**
   * The import.
   *
   * @param spec the pair spec
   * @param localNode the name given to the host whose file was imported
   * @param peerNode the name given to its peer
   * @param notes how each group was derived, for the file's header
   * @param warnings what was not taken over, each naming file:line
   * @param mirrorProblems where the two hosts' files do not mirror each other (empty without one)
   * @param authLocation where the PASS password is written, or null without authentication
   */
  public record Result(
      RedisHAPairSpec spec,
      String localNode,
      String peerNode,
      List<String> notes,
      List<String> warnings,
      List<String> mirrorProblems,
      KeepalivedConfig.Location authLocation) {}

  /** Imports {@code local}, checking it against {@code peer} when that is not null. */
  public static Result run(KeepalivedConfig local, KeepalivedConfig peer, Options options)
      throws ImportException {
    KeepalivedFacts facts = KeepalivedFacts.of(local);
    KeepalivedFacts peerFacts = peer == null ? null : KeepalivedFacts.of(peer);
    List<String> problems = new ArrayList<>(facts.problems());
    conflicts(facts, "", problems);
    if (peerFacts != null) {
      peerFacts.problems().forEach(p -> problems.add("peer file: " + p));
      conflicts(peerFacts, "peer file: ", problems);
    }
    if (!problems.isEmpty()) {
      throw new ImportException(problems);
    }
    List<String> warnings = new ArrayList<>(facts.warnings());
    List<String> notes = new ArrayList<>();
    List<Instance> instances = facts.instances();

    for (Instance i : instances) {
      if (i.routerId == null) {
        problems.add(i.where() + ": virtual_router_id is required");
      }
      if (i.vips.isEmpty()) {
        problems.add(i.where() + ": virtual_ipaddress is required (the group's VIP)");
      } else if (i.vips.size() > 1) {
        problems.add(
            i.where()
                + ": "
                + i.vips.size()
                + " addresses in virtual_ipaddress; a redisha group has one VIP: split the"
                + " instance or drop the extra addresses");
      }
      if (i.peers.size() > 1) {
        problems.add(
            i.where() + ": " + i.peers.size() + " unicast peers; a redisha pair has two nodes");
      }
      if (i.peers.isEmpty()) {
        problems.add(
            i.where()
                + ": no unicast_peer: redisha runs unicast VRRP only (cloud VPCs drop multicast);"
                + " add unicast_src_ip and unicast_peer");
      } else if (i.sourceAddress == null) {
        problems.add(
            i.where() + ": no unicast_src_ip: redisha needs this host's address for the pair");
      }
      if (i.authType != null && !"PASS".equalsIgnoreCase(i.authType.value())) {
        problems.add(
            i.authType.location()
                + ": auth_type "
                + i.authType.value()
                + ": redisha supports PASS (VRRPv2) only");
      }
      if (i.authType != null && i.authPass == null) {
        problems.add(i.authType.location() + ": auth_type without auth_pass");
      }
      if (i.state != null && !i.state.equals("MASTER") && !i.state.equals("BACKUP")) {
        problems.add(i.where() + ": state " + i.state + ": must be MASTER or BACKUP");
      }
    }
    At<String> iface = agree(instances, "interface", i -> i.interfaceName, problems);
    if (iface == null && problems.isEmpty()) {
      problems.add(instances.getFirst().where() + ": interface is required");
    }
    At<String> source = agree(instances, "unicast_src_ip", i -> i.sourceAddress, problems);
    At<String> peerAddress =
        agree(
            instances,
            "unicast_peer",
            i -> i.peers.isEmpty() ? null : new At<>(i.peers.getFirst().address(), i.peersLocation),
            problems);
    At<Integer> version =
        agree(
            instances,
            "VRRP version",
            i ->
                i.version != null
                    ? i.version
                    : new At<>(
                        facts.globalVersion() == null ? 2 : facts.globalVersion(), i.location),
            problems);
    At<Integer> advert =
        agree(
            instances,
            "advert_int",
            i -> i.advertMillis != null ? i.advertMillis : new At<>(1000, i.location),
            problems);
    At<String> password = agreeSecret(instances, problems);
    At<Integer> minTtl =
        agree(
            instances,
            "unicast_peer min_ttl",
            i ->
                i.peers.isEmpty() || i.peers.getFirst().minTtl() == null
                    ? null
                    : new At<>(i.peers.getFirst().minTtl(), i.peers.getFirst().location()),
            problems);
    At<KeepalivedFacts.Garp> garp =
        agree(
            instances,
            "garp_master_* settings",
            i -> new At<>(i.garp.over(facts.globalGarp()), i.location),
            problems);
    if (!problems.isEmpty()) {
      throw new ImportException(problems);
    }
    if (source.value().equals(peerAddress.value())) {
      throw new ImportException(
          List.of(
              source.location() + ": unicast_src_ip and unicast_peer are both " + source.value()));
    }
    for (Instance i : instances) {
      At<Ipv4Cidr> vip = i.vips.getFirst();
      String address = vip.value().address().getHostAddress();
      if (address.equals(source.value()) || address.equals(peerAddress.value())) {
        boolean onThisHost = address.equals(source.value());
        problems.add(
            vip.location()
                + ": VIP "
                + address
                + " of vrrp_instance "
                + i.name
                + " is the address of "
                + (onThisHost ? "this host (unicast_src_ip, " : "the peer (unicast_peer, ")
                + (onThisHost ? source.location() : peerAddress.location())
                + "); a VIP must be an address of its own");
      }
    }
    if (!problems.isEmpty()) {
      throw new ImportException(problems);
    }

    List<String> mirrorProblems =
        peerFacts == null ? List.of() : MirrorCheck.compare(facts, peerFacts);

    String[] names = nodeNames(options, facts, peerFacts, source.value(), peerAddress.value());
    String localName = names[0];
    String peerName = names[1];

    RedisHAPairSpec spec = new RedisHAPairSpec();
    NodeSpec localNode = node(localName, source.value());
    NodeSpec peerNode = node(peerName, peerAddress.value());
    spec.setNodes(
        addressOrder().compare(source.value(), peerAddress.value()) < 0
            ? List.of(localNode, peerNode)
            : List.of(peerNode, localNode));
    spec.setInterfaceName(iface.value());

    VrrpSpec vrrp = new VrrpSpec();
    vrrp.setVersion(version.value());
    int millis = advert.value();
    if (version.value() == 2 && millis % 1000 != 0) {
      int rounded = Math.max(1000, Math.round(millis / 1000f) * 1000);
      warnings.add(
          advert.location()
              + ": advert_int "
              + secondsText(millis)
              + ": VRRPv2 counts whole seconds; using "
              + secondsText(rounded));
      millis = rounded;
    } else if (version.value() == 3 && millis % 10 != 0) {
      millis = Math.max(10, Math.round(millis / 10f) * 10);
    }
    vrrp.setAdvertIntervalMillis(millis);
    if (password != null) {
      if (password.value().getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 8) {
        warnings.add(
            password.location()
                + ": auth_pass is longer than 8 bytes: keepalived sends only the first 8, and so"
                + " the password file must hold only those");
      }
      if (options.authPasswordFile() != null) {
        vrrp.setAuthPasswordFile(options.authPasswordFile());
      } else {
        SecretKeyRef ref = new SecretKeyRef();
        ref.setName(options.pairName() + "-vrrp");
        ref.setKey("password");
        vrrp.setAuthSecretRef(ref);
      }
    }
    if (minTtl != null) {
      vrrp.setMinTtl(minTtl.value());
    }
    KeepalivedFacts.Garp g = garp.value();
    if (g.delayMillis() != null
        || g.repeat() != null
        || g.refreshMillis() != null
        || g.intervalMillis() != null) {
      GarpSpec garpSpec = new GarpSpec();
      garpSpec.setCount(g.repeat());
      garpSpec.setSecondBurstDelayMillis(g.delayMillis());
      garpSpec.setRefreshMillis(g.refreshMillis());
      garpSpec.setIntervalMillis(g.intervalMillis());
      vrrp.setGarp(garpSpec);
    }
    spec.setVrrp(vrrp);

    Map<String, Integer> scriptUsers = new HashMap<>();
    for (Instance i : instances) {
      for (At<String> t : i.trackScripts) {
        scriptUsers.merge(t.value(), 1, Integer::sum);
      }
    }
    RedisPortFinder finder = new RedisPortFinder(options.scripts());
    List<InstanceSpec> groups = new ArrayList<>();
    Set<String> groupNames = new HashSet<>();
    Map<Integer, Instance> byPort = new HashMap<>();
    for (Instance i : instances) {
      InstanceSpec group = new InstanceSpec();
      String name = groupName(i, groupNames);
      group.setName(name);
      group.setVip(i.vips.getFirst().value().toString());
      group.setVirtualRouterId(i.routerId);
      Integer port = port(i, name, facts, scriptUsers, finder, options, warnings, notes, problems);
      group.setPort(port);
      Instance samePort = port == null ? null : byPort.putIfAbsent(port, i);
      if (samePort != null) {
        problems.add(
            i.location
                + ": Redis port "
                + port
                + " of vrrp_instance "
                + i.name
                + " is already the port of vrrp_instance "
                + samePort.name
                + " ("
                + samePort.location
                + "); each group has a Redis of its own: pass --port "
                + i.name
                + "=PORT");
      }
      Instance mirror =
          peerFacts == null
              ? null
              : peerFacts.instances().stream()
                  .filter(p -> Objects.equals(p.routerId, i.routerId))
                  .findFirst()
                  .orElse(null);
      group.setPreferredMaster(preferred(i, mirror, localName, peerName, notes, name));
      if (i.preemptDelayMillis != null) {
        warnings.add(
            i.preemptDelayMillis.location()
                + ": preempt_delay: redisha gives the group back to its preferred master by a"
                + " lossless switchover once that node's Redis has every byte, so no delay is"
                + " needed");
      }
      for (Map.Entry<String, At<String>> n : i.notify.entrySet()) {
        notes.add(
            "  "
                + n.getKey()
                + " "
                + n.getValue().value()
                + " ("
                + n.getValue().location()
                + "): done by the agent itself");
      }
      groups.add(group);
    }
    if (!problems.isEmpty()) {
      throw new ImportException(problems);
    }
    spec.setInstances(groups);
    Map<String, KeepalivedConfig.Location> fields = new LinkedHashMap<>();
    fields.put("interface", iface.location());
    fields.put("nodes", source.location());
    fields.put("vrrp.advertIntervalMillis", advert.location());
    fields.put("vrrp.version", version.location());
    if (minTtl != null) {
      fields.put("vrrp.minTtl", minTtl.location());
    }
    fields.put("vrrp.garp", garp.location());
    if (password != null) {
      fields.put("vrrp.auth", password.location());
    }
    List<String> refused = agentRefusals(PairValidation.validate(spec), instances, fields);
    if (!refused.isEmpty()) {
      throw new ImportException(refused);
    }
    return new Result(
        spec,
        localName,
        peerName,
        notes,
        warnings,
        mirrorProblems,
        password == null ? null : password.location());
  }

  /**
   * Instances one pair cannot hold side by side: a VRID twice (keepalived refuses that on one
   * interface, and a pair has one) or a VIP twice. Each names both places.
   */
  private static void conflicts(KeepalivedFacts facts, String prefix, List<String> problems) {
    Map<Integer, Instance> byRouterId = new HashMap<>();
    Map<String, Instance> byVip = new HashMap<>();
    Map<Instance, At<Ipv4Cidr>> firstVip = new HashMap<>();
    for (Instance i : facts.instances()) {
      if (i.routerId != null) {
        Instance first = byRouterId.putIfAbsent(i.routerId, i);
        if (first != null) {
          problems.add(
              prefix
                  + i.routerIdLocation
                  + ": virtual_router_id "
                  + i.routerId
                  + " of vrrp_instance "
                  + i.name
                  + " is already used by vrrp_instance "
                  + first.name
                  + " ("
                  + first.routerIdLocation
                  + "); keepalived refuses one VRID twice on an interface, and a pair has one"
                  + " interface: give each instance its own virtual_router_id");
        }
      }
      for (At<Ipv4Cidr> vip : i.vips) {
        if (vip.value() == null) {
          continue;
        }
        String address = vip.value().address().getHostAddress();
        Instance first = byVip.putIfAbsent(address, i);
        if (first == null) {
          firstVip.putIfAbsent(i, vip);
        } else if (first != i) {
          problems.add(
              prefix
                  + vip.location()
                  + ": VIP "
                  + address
                  + " of vrrp_instance "
                  + i.name
                  + " is already the VIP of vrrp_instance "
                  + first.name
                  + " ("
                  + firstVip.get(first).location()
                  + "); one address can follow only one Redis");
        }
      }
    }
  }

  private static final Pattern INSTANCE_FIELD =
      Pattern.compile("instances\\[(\\d+)]\\.?([A-Za-z]*)[^:]*: .*");

  /**
   * The agent's own rules on the finished spec, each problem put back on the keepalived line it
   * came from, so nothing the agent would refuse is ever printed as a pair file.
   */
  private static List<String> agentRefusals(
      List<String> problems,
      List<Instance> instances,
      Map<String, KeepalivedConfig.Location> fields) {
    List<String> refused = new ArrayList<>();
    for (String problem : problems) {
      Matcher m = INSTANCE_FIELD.matcher(problem);
      KeepalivedConfig.Location location = instances.getFirst().location;
      String subject = "";
      if (m.matches() && Integer.parseInt(m.group(1)) < instances.size()) {
        Instance i = instances.get(Integer.parseInt(m.group(1)));
        subject = "vrrp_instance " + i.name + ": ";
        location =
            switch (m.group(2)) {
              case "vip" -> i.vips.getFirst().location();
              case "virtualRouterId" ->
                  i.routerIdLocation != null ? i.routerIdLocation : i.location;
              default -> i.location;
            };
      } else {
        for (Map.Entry<String, KeepalivedConfig.Location> field : fields.entrySet()) {
          if (problem.startsWith(field.getKey()) && field.getValue() != null) {
            location = field.getValue();
          }
        }
      }
      refused.add(location + ": " + subject + "the agent would refuse the result: " + problem);
    }
    return refused;
  }

  /** A DNS label from the instance name, unique among the groups, at most 63 characters. */
  private static String groupName(Instance i, Set<String> taken) {
    String label = dnsLabel(i.name, 63);
    if (!label.isEmpty() && taken.add(label)) {
      return label;
    }
    String base = label.isEmpty() ? "group" : label;
    for (int n = 0; ; n++) {
      String suffix = "-" + i.routerId + (n == 0 ? "" : "-" + n);
      String head = base.substring(0, Math.min(base.length(), 63 - suffix.length()));
      String name = head.replaceAll("-+$", "") + suffix;
      if (taken.add(name)) {
        return name;
      }
    }
  }

  private static Integer port(
      Instance i,
      String groupName,
      KeepalivedFacts facts,
      Map<String, Integer> scriptUsers,
      RedisPortFinder finder,
      Options options,
      List<String> warnings,
      List<String> notes,
      List<String> problems) {
    Integer given = options.ports().get(i.name);
    if (given == null) {
      given = options.ports().get(groupName);
    }
    if (given != null) {
      notes.add(groupName + " (" + i.where() + "): port " + given + " from --port");
      return given;
    }
    List<Clue> clues = new ArrayList<>();
    for (At<String> t : i.trackScripts) {
      KeepalivedFacts.Script script = facts.scripts().get(t.value());
      if (script == null) {
        warnings.add(t.location() + ": track_script " + t.value() + ": no such vrrp_script");
        continue;
      }
      if (script.command() == null) {
        continue;
      }
      if (scriptUsers.get(t.value()) > 1) {
        warnings.add(
            t.location()
                + ": track_script "
                + t.value()
                + " is shared by several instances, so it cannot tell their Redis ports apart");
        continue;
      }
      clues.addAll(finder.fromCommand(script.command(), "track_script " + t.value()));
    }
    for (Map.Entry<String, At<String>> n : i.notify.entrySet()) {
      clues.addAll(finder.fromCommand(n.getValue().value(), n.getKey()));
    }
    Map<Integer, String> candidates = RedisPortFinder.distinct(clues);
    if (candidates.size() == 1) {
      Map.Entry<Integer, String> only = candidates.entrySet().iterator().next();
      notes.add(
          groupName + " (" + i.where() + "): port " + only.getKey() + " from " + only.getValue());
      return only.getKey();
    }
    OptionalInt answer = options.question().ask(i.name, i.where(), candidates);
    if (answer.isPresent()) {
      notes.add(groupName + " (" + i.where() + "): port " + answer.getAsInt() + " as answered");
      return answer.getAsInt();
    }
    String evidence =
        candidates.isEmpty()
            ? "its scripts name no port (no redis-cli -p, PORT= or port in a script path)"
            : "its scripts point at several ports: " + candidates;
    problems.add(
        "cannot tell the Redis port of "
            + i.where()
            + ": "
            + evidence
            + "; pass --port "
            + i.name
            + "=PORT");
    return null;
  }

  private static String preferred(
      Instance local,
      Instance mirror,
      String localName,
      String peerName,
      List<String> notes,
      String groupName) {
    if (local.nopreempt || (mirror != null && mirror.nopreempt)) {
      notes.add(
          "  nopreempt: no preferred master; whichever node is master stays master"
              + " (keepalived nopreempt)");
      return null;
    }
    if (mirror != null) {
      if (local.priority == mirror.priority) {
        notes.add("  equal priorities on both hosts: no preferred master");
        return null;
      }
      String preferred = local.priority > mirror.priority ? localName : peerName;
      notes.add(
          "  preferredMaster "
              + preferred
              + ": priority "
              + Math.max(local.priority, mirror.priority)
              + " over "
              + Math.min(local.priority, mirror.priority));
      return preferred;
    }
    if ("MASTER".equals(local.state)) {
      notes.add(
          "  preferredMaster "
              + localName
              + ": this host has state MASTER (priority "
              + local.priority
              + ")");
      return localName;
    }
    notes.add(
        "  preferredMaster "
            + peerName
            + ": this host has state BACKUP (priority "
            + local.priority
            + "); pass --peer-conf to compare the real priorities");
    return peerName;
  }

  private static String[] nodeNames(
      Options options,
      KeepalivedFacts facts,
      KeepalivedFacts peerFacts,
      String localAddress,
      String peerAddress) {
    if (options.nodeNames() != null) {
      return new String[] {options.nodeNames().get(0), options.nodeNames().get(1)};
    }
    if (peerFacts != null
        && usableRouterId(facts.routerId())
        && usableRouterId(peerFacts.routerId())) {
      String a = dnsSubdomain(facts.routerId());
      String b = dnsSubdomain(peerFacts.routerId());
      if (!a.isEmpty() && !b.isEmpty() && !a.equals(b)) {
        return new String[] {a, b};
      }
    }
    return new String[] {
      "node-" + localAddress.replace('.', '-'), "node-" + peerAddress.replace('.', '-')
    };
  }

  private static boolean usableRouterId(String routerId) {
    return routerId != null && !routerId.equals(DEFAULT_ROUTER_ID);
  }

  private static NodeSpec node(String name, String address) {
    NodeSpec node = new NodeSpec();
    node.setName(name);
    node.setAddress(address);
    return node;
  }

  private static Comparator<String> addressOrder() {
    return Comparator.comparingLong(
        a -> Integer.toUnsignedLong(ipv4ToInt(Ipv4Cidr.parseAddress(a).getAddress())));
  }

  private static int ipv4ToInt(byte[] bytes) {
    return ((bytes[0] & 0xff) << 24)
        | ((bytes[1] & 0xff) << 16)
        | ((bytes[2] & 0xff) << 8)
        | (bytes[3] & 0xff);
  }

  /** 1500 becomes {@code 1.5s}. */
  static String secondsText(int millis) {
    return java.math.BigDecimal.valueOf(millis, 3).stripTrailingZeros().toPlainString() + "s";
  }

  /** {@code HARedis_6379} becomes {@code haredis-6379}. */
  static String dnsLabel(String text, int max) {
    String label =
        text.toLowerCase(java.util.Locale.ROOT)
            .replaceAll("[^a-z0-9-]+", "-")
            .replaceAll("-{2,}", "-")
            .replaceAll("^-|-$", "");
    if (label.length() > max) {
      label = label.substring(0, max).replaceAll("-$", "");
    }
    return label;
  }

  private static String dnsSubdomain(String text) {
    return dnsLabel(text.replace('.', '-'), 63);
  }

  /** The single value all instances agree on; a problem naming each instance when they differ. */
  private static <T> At<T> agree(
      List<Instance> instances,
      String what,
      Function<Instance, At<T>> value,
      List<String> problems) {
    Map<T, List<String>> seen = new LinkedHashMap<>();
    At<T> first = null;
    for (Instance i : instances) {
      At<T> at = value.apply(i);
      if (at == null || at.value() == null) {
        continue;
      }
      if (first == null) {
        first = at;
      }
      seen.computeIfAbsent(at.value(), k -> new ArrayList<>())
          .add(i.name + " (" + at.location() + ")");
    }
    if (seen.size() > 1) {
      StringBuilder text =
          new StringBuilder(
              "the instances differ in "
                  + what
                  + ", which redisha sets once for the pair (make them equal):");
      seen.forEach(
          (v, where) ->
              text.append(" ")
                  .append(what.equals("advert_int") ? secondsText((Integer) v) : v)
                  .append(" in ")
                  .append(where));
      problems.add(text.toString());
    }
    return first;
  }

  private static At<String> agreeSecret(List<Instance> instances, List<String> problems) {
    At<String> first = null;
    List<String> withAuth = new ArrayList<>();
    List<String> without = new ArrayList<>();
    Set<String> values = new HashSet<>();
    for (Instance i : instances) {
      if (i.authPass == null) {
        without.add(i.name);
        continue;
      }
      withAuth.add(i.name + " (" + i.authPass.location() + ")");
      values.add(i.authPass.value());
      if (first == null) {
        first = i.authPass;
      }
    }
    if (!withAuth.isEmpty() && !without.isEmpty()) {
      problems.add(
          "some instances use authentication and some do not ("
              + String.join(", ", withAuth)
              + " vs "
              + String.join(", ", without)
              + "); redisha sets it once for the pair");
    } else if (values.size() > 1) {
      problems.add(
          "the instances use different auth_pass values ("
              + String.join(", ", withAuth)
              + "); redisha uses one password for the pair");
    }
    return first;
  }
}

package io.redisha.migrate;

import io.redisha.migrate.KeepalivedConfig.Entry;
import io.redisha.migrate.KeepalivedConfig.Location;
import io.redisha.net.Ipv4Cidr;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What one host's keepalived configuration says, in the terms redisha needs: the global settings
 * and one {@link Instance} per {@code vrrp_instance}. Every keyword redisha does not take over
 * becomes a warning naming its file and line; every value that cannot be read becomes a problem.
 *
 * @param routerId global_defs router_id, or null
 * @param globalVersion global_defs vrrp_version, or null
 * @param globalGarp GARP settings of global_defs
 * @param scripts vrrp_script blocks by name
 * @param instances the vrrp_instance blocks, in file order
 * @param warnings what was not taken over, each naming file:line
 * @param problems what makes the file unusable, each naming file:line
 */
record KeepalivedFacts(
    String routerId,
    Integer globalVersion,
    Garp globalGarp,
    Map<String, Script> scripts,
    List<Instance> instances,
    List<String> warnings,
    List<String> problems) {

  /** keepalived's GARP settings, in milliseconds, null where unset. */
  record Garp(Integer delayMillis, Integer repeat, Integer refreshMillis, Integer intervalMillis) {
    Garp over(Garp base) {
      return new Garp(
          delayMillis != null ? delayMillis : base.delayMillis,
          repeat != null ? repeat : base.repeat,
          refreshMillis != null ? refreshMillis : base.refreshMillis,
          intervalMillis != null ? intervalMillis : base.intervalMillis);
    }
  }

  /**
   * A vrrp_script block.
   *
   * @param name its name
   * @param command the script command line, or null
   * @param location where it is
   */
  record Script(String name, String command, Location location) {}

  /**
   * A unicast peer.
   *
   * @param address the peer address
   * @param minTtl min_ttl, or null
   * @param location where the peer is written
   */
  record Peer(String address, Integer minTtl, Location location) {}

  /** A value and where it was written. */
  record At<T>(T value, Location location) {}

  /** One vrrp_instance. */
  static final class Instance {
    String name;
    Location location;
    String state;
    At<String> interfaceName;
    Integer routerId;
    Location routerIdLocation;
    int priority = 100;
    At<Integer> advertMillis;
    At<Integer> version;
    At<String> sourceAddress;
    final List<Peer> peers = new ArrayList<>();
    Location peersLocation;
    final List<At<Ipv4Cidr>> vips = new ArrayList<>();
    At<String> authType;
    At<String> authPass;
    final List<At<String>> trackScripts = new ArrayList<>();
    final Map<String, At<String>> notify = new LinkedHashMap<>();
    boolean nopreempt;
    At<Integer> preemptDelayMillis;
    Garp garp = new Garp(null, null, null, null);

    String where() {
      return "vrrp_instance " + name + " (" + location + ")";
    }
  }

  private static final List<String> NOT_TAKEN_OVER_GLOBALS =
      List.of(
          "notification_email",
          "notification_email_from",
          "smtp_server",
          "smtp_connect_timeout",
          "smtp_helo_name",
          "smtp_alert",
          "enable_traps",
          "vrrp_mcast_group4",
          "vrrp_mcast_group6",
          "lvs_id",
          "max_auto_priority",
          "vrrp_no_swap",
          "checker_no_swap",
          "vrrp_priority",
          "checker_priority",
          "vrrp_iptables",
          "dynamic_interfaces",
          "vrrp_lower_priority_dont_send_advert",
          "lvs_sync_daemon");

  /** Reads the facts out of {@code config}. */
  static KeepalivedFacts of(KeepalivedConfig config) {
    List<String> warnings = new ArrayList<>(config.warnings());
    List<String> problems = new ArrayList<>();
    String routerId = null;
    Integer globalVersion = null;
    Garp globalGarp = new Garp(null, null, null, null);
    Map<String, Script> scripts = new LinkedHashMap<>();
    List<Instance> instances = new ArrayList<>();
    for (Entry entry : config.entries()) {
      switch (entry.keyword()) {
        case "global_defs" -> {
          for (Entry g : block(entry, problems)) {
            switch (g.keyword()) {
              case "router_id" -> routerId = g.arg();
              case "vrrp_version" -> globalVersion = integer(g, 2, 3, problems);
              case "vrrp_garp_master_delay" ->
                  globalGarp =
                      new Garp(
                          seconds(g, problems),
                          globalGarp.repeat,
                          globalGarp.refreshMillis,
                          globalGarp.intervalMillis);
              case "vrrp_garp_master_repeat" ->
                  globalGarp =
                      new Garp(
                          globalGarp.delayMillis,
                          integer(g, 1, 1000, problems),
                          globalGarp.refreshMillis,
                          globalGarp.intervalMillis);
              case "vrrp_garp_master_refresh" ->
                  globalGarp =
                      new Garp(
                          globalGarp.delayMillis,
                          globalGarp.repeat,
                          seconds(g, problems),
                          globalGarp.intervalMillis);
              case "vrrp_garp_interval" ->
                  globalGarp =
                      new Garp(
                          globalGarp.delayMillis,
                          globalGarp.repeat,
                          globalGarp.refreshMillis,
                          seconds(g, problems));
              case "vrrp_check_unicast_src" ->
                  warnings.add(
                      g.location()
                          + ": "
                          + g.keyword()
                          + ": redisha always accepts adverts only from the peer (and checks TTL 255)");
              case "vrrp_strict", "vrrp_skip_check_adv_addr" ->
                  warnings.add(
                      g.location()
                          + ": "
                          + g.keyword()
                          + ": redisha checks adverts strictly (peer, TTL, router id, VIP, auth) in any case");
              case "script_user", "enable_script_security" ->
                  warnings.add(
                      g.location()
                          + ": "
                          + g.keyword()
                          + ": redisha runs no scripts for Redis, so no script user is needed");
              default -> {
                if (NOT_TAKEN_OVER_GLOBALS.contains(g.keyword())) {
                  warnings.add(
                      g.location()
                          + ": global_defs "
                          + g.keyword()
                          + ": not taken over by redisha");
                } else {
                  warnings.add(
                      g.location()
                          + ": global_defs "
                          + g.keyword()
                          + ": unknown to the import, not taken over");
                }
              }
            }
          }
        }
        case "vrrp_script" -> {
          if (entry.arg() == null) {
            problems.add(entry.location() + ": vrrp_script needs a name");
            continue;
          }
          String command = null;
          for (Entry s : block(entry, problems)) {
            switch (s.keyword()) {
              case "script" -> command = String.join(" ", s.args());
              case "interval", "timeout", "weight", "fall", "rise", "user", "init_fail" -> {}
              default ->
                  warnings.add(
                      s.location()
                          + ": vrrp_script "
                          + entry.arg()
                          + " "
                          + s.keyword()
                          + ": unknown to the import, not taken over");
            }
          }
          scripts.put(entry.arg(), new Script(entry.arg(), command, entry.location()));
        }
        case "vrrp_instance" -> {
          Instance instance = instance(entry, warnings, problems);
          if (instance != null) {
            instances.add(instance);
          }
        }
        case "vrrp_sync_group" ->
            warnings.add(
                entry.location()
                    + ": vrrp_sync_group "
                    + entry.arg()
                    + ": not taken over; redisha fails every Redis group over on its own (a dead"
                    + " 6379 never moves 6389)");
        default ->
            warnings.add(
                entry.location()
                    + ": "
                    + entry.text()
                    + (entry.block() == null ? "" : " { ... }")
                    + ": not taken over by redisha (it manages only the Redis VIPs)");
      }
    }
    if (instances.isEmpty() && problems.isEmpty()) {
      problems.add(config.files().getFirst() + ": no vrrp_instance found: nothing to import");
    }
    return new KeepalivedFacts(
        routerId, globalVersion, globalGarp, scripts, instances, warnings, problems);
  }

  private static Instance instance(Entry entry, List<String> warnings, List<String> problems) {
    if (entry.arg() == null) {
      problems.add(entry.location() + ": vrrp_instance needs a name");
      return null;
    }
    Instance i = new Instance();
    i.name = entry.arg();
    i.location = entry.location();
    for (Entry e : block(entry, problems)) {
      String w = e.location() + ": vrrp_instance " + i.name + " " + e.keyword();
      switch (e.keyword()) {
        case "state" -> i.state = e.arg();
        case "interface" -> i.interfaceName = new At<>(required(e, problems), e.location());
        case "virtual_router_id" -> {
          i.routerId = integer(e, 1, 255, problems);
          i.routerIdLocation = e.location();
        }
        case "priority" -> {
          Integer priority = integer(e, 1, 255, problems);
          i.priority = priority == null ? 100 : priority;
        }
        case "advert_int" -> i.advertMillis = new At<>(seconds(e, problems), e.location());
        case "version" -> i.version = new At<>(integer(e, 2, 3, problems), e.location());
        case "unicast_src_ip" -> i.sourceAddress = new At<>(address(e, problems), e.location());
        case "unicast_peer" -> {
          i.peersLocation = e.location();
          for (Entry p : block(e, problems)) {
            Integer minTtl = null;
            for (int k = 0; k + 1 < p.args().size(); k += 2) {
              if (p.args().get(k).equals("min_ttl")) {
                minTtl = parseInt(p.args().get(k + 1), p, 0, 255, problems);
              } else {
                warnings.add(
                    p.location()
                        + ": unicast_peer "
                        + p.keyword()
                        + " "
                        + p.args().get(k)
                        + ": not taken over");
              }
            }
            i.peers.add(new Peer(peerAddress(p, problems), minTtl, p.location()));
          }
        }
        case "virtual_ipaddress" -> {
          for (Entry v : block(e, problems)) {
            i.vips.add(new At<>(vip(v, i, warnings, problems), v.location()));
          }
        }
        case "authentication" -> {
          for (Entry a : block(e, problems)) {
            switch (a.keyword()) {
              case "auth_type" -> i.authType = new At<>(required(a, problems), a.location());
              case "auth_pass" -> i.authPass = new At<>(required(a, problems), a.location());
              default ->
                  warnings.add(
                      a.location() + ": authentication " + a.keyword() + ": not taken over");
            }
          }
        }
        case "track_script" -> {
          for (Entry t : block(e, problems)) {
            i.trackScripts.add(new At<>(t.keyword(), t.location()));
            if (t.args().contains("weight")) {
              warnings.add(
                  t.location()
                      + ": track_script "
                      + t.keyword()
                      + " weight: redisha does not shift priorities; an unhealthy Redis hands the"
                      + " group over at once");
            }
          }
        }
        case "notify_master", "notify_backup", "notify_fault", "notify_stop", "notify" ->
            i.notify.put(e.keyword(), new At<>(String.join(" ", e.args()), e.location()));
        case "nopreempt" -> i.nopreempt = true;
        case "preempt" -> i.nopreempt = false;
        case "preempt_delay" -> i.preemptDelayMillis = new At<>(seconds(e, problems), e.location());
        case "garp_master_delay" ->
            i.garp =
                new Garp(
                    seconds(e, problems),
                    i.garp.repeat,
                    i.garp.refreshMillis,
                    i.garp.intervalMillis);
        case "garp_master_repeat" ->
            i.garp =
                new Garp(
                    i.garp.delayMillis,
                    integer(e, 1, 1000, problems),
                    i.garp.refreshMillis,
                    i.garp.intervalMillis);
        case "garp_master_refresh" ->
            i.garp =
                new Garp(
                    i.garp.delayMillis, i.garp.repeat, seconds(e, problems), i.garp.intervalMillis);
        case "unicast_ttl" ->
            warnings.add(w + ": redisha always sends with TTL 255 (set vrrp.minTtl on the peer)");
        case "check_unicast_src" ->
            warnings.add(w + ": redisha always accepts adverts only from the peer");
        case "dont_track_primary",
            "track_interface",
            "smtp_alert",
            "debug",
            "lvs_sync_daemon_interface" ->
            warnings.add(w + ": not taken over by redisha");
        case "mcast_src_ip" ->
            warnings.add(w + ": redisha runs unicast VRRP only; use unicast_src_ip/unicast_peer");
        default -> warnings.add(w + ": unknown to the import, not taken over");
      }
    }
    return i;
  }

  private static Ipv4Cidr vip(
      Entry v, Instance instance, List<String> warnings, List<String> problems) {
    String text = v.keyword();
    List<String> rest = v.args();
    for (int k = 0; k + 1 < rest.size(); k += 2) {
      String option = rest.get(k);
      if (option.equals("dev")
          && instance.interfaceName != null
          && !rest.get(k + 1).equals(instance.interfaceName.value())) {
        warnings.add(
            v.location()
                + ": VIP "
                + text
                + " on dev "
                + rest.get(k + 1)
                + ": redisha puts it on the pair's interface "
                + instance.interfaceName.value());
      } else if (!option.equals("dev")) {
        warnings.add(
            v.location()
                + ": VIP "
                + text
                + " "
                + option
                + " "
                + rest.get(k + 1)
                + ": not taken over");
      }
    }
    // keepalived adds a VIP written without a prefix as /32: keep the same address on the wire.
    String cidr = text.contains("/") ? text : text + "/32";
    try {
      return Ipv4Cidr.parse(cidr);
    } catch (IllegalArgumentException e) {
      problems.add(v.location() + ": virtual_ipaddress " + text + ": " + e.getMessage());
      return null;
    }
  }

  private static List<Entry> block(Entry entry, List<String> problems) {
    if (entry.block() == null) {
      problems.add(entry.location() + ": " + entry.keyword() + " needs a block { ... }");
      return List.of();
    }
    return entry.block();
  }

  private static String required(Entry e, List<String> problems) {
    if (e.args().isEmpty()) {
      problems.add(e.location() + ": " + e.keyword() + " needs a value");
      return null;
    }
    return e.arg();
  }

  private static Integer integer(Entry e, int min, int max, List<String> problems) {
    String text = required(e, problems);
    return text == null ? null : parseInt(text, e, min, max, problems);
  }

  private static final Pattern DECIMAL = Pattern.compile("[+-]?[0-9]+");
  // strtod's decimal forms; no hexadecimal, infinities or Java's 'd' and 'f' suffixes.
  private static final Pattern TIMER =
      Pattern.compile("[+-]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([eE][+-]?[0-9]+)?");

  private static Integer parseInt(String text, Entry e, int min, int max, List<String> problems) {
    if (!DECIMAL.matcher(text).matches()) {
      problems.add(e.location() + ": " + e.keyword() + " '" + text + "' is not a number");
      return null;
    }
    BigInteger value = new BigInteger(text);
    if (value.compareTo(BigInteger.valueOf(min)) < 0
        || value.compareTo(BigInteger.valueOf(max)) > 0) {
      problems.add(
          e.location() + ": " + e.keyword() + " " + text + ": must be " + min + " to " + max);
      return null;
    }
    return value.intValueExact();
  }

  /** A keepalived timer (seconds, fractions allowed) in milliseconds. */
  private static Integer seconds(Entry e, List<String> problems) {
    String text = required(e, problems);
    if (text == null) {
      return null;
    }
    if (!TIMER.matcher(text).matches()) {
      problems.add(e.location() + ": " + e.keyword() + " '" + text + "' is not a time in seconds");
      return null;
    }
    double seconds = Double.parseDouble(text);
    if (seconds < 0 || seconds > 3600) {
      problems.add(e.location() + ": " + e.keyword() + " " + text + ": must be 0 to 3600 seconds");
      return null;
    }
    return (int) Math.round(seconds * 1000);
  }

  private static String address(Entry e, List<String> problems) {
    String text = required(e, problems);
    return text == null ? null : address(text, e, problems);
  }

  private static String peerAddress(Entry p, List<String> problems) {
    try {
      return Ipv4Cidr.parseAddress(p.keyword()).getHostAddress();
    } catch (IllegalArgumentException ex) {
      problems.add(p.location() + ": unicast_peer " + p.keyword() + ": " + ex.getMessage());
      return null;
    }
  }

  private static String address(String text, Entry e, List<String> problems) {
    try {
      return Ipv4Cidr.parseAddress(text).getHostAddress();
    } catch (IllegalArgumentException ex) {
      problems.add(e.location() + ": " + e.keyword() + " " + text + ": " + ex.getMessage());
      return null;
    }
  }
}

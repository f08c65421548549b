package io.redisha.migrate;

import io.redisha.migrate.KeepalivedFacts.Instance;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Checks that two hosts' keepalived files mirror each other: each one's {@code unicast_src_ip} is
 * the other's {@code unicast_peer}, and every virtual router exists on both with the same VIP,
 * version, advert interval and authentication. A mismatch here is the classic cause of a split
 * brain.
 */
final class MirrorCheck {
  private MirrorCheck() {}

  /** Every way {@code peer} fails to mirror {@code local}, empty when they match. */
  static List<String> compare(KeepalivedFacts local, KeepalivedFacts peer) {
    List<String> problems = new ArrayList<>();
    for (Instance here : local.instances()) {
      Instance there = byRouterId(peer, here.routerId);
      if (there == null) {
        problems.add(
            here.where()
                + ": virtual_router_id "
                + here.routerId
                + " has no instance in the peer file");
        continue;
      }
      String pair = here.where() + " / peer " + there.where();
      String hereSource = here.sourceAddress == null ? null : here.sourceAddress.value();
      String thereSource = there.sourceAddress == null ? null : there.sourceAddress.value();
      String herePeer = here.peers.isEmpty() ? null : here.peers.getFirst().address();
      String therePeer = there.peers.isEmpty() ? null : there.peers.getFirst().address();
      if (!Objects.equals(hereSource, therePeer)) {
        problems.add(
            pair
                + ": unicast_src_ip here is "
                + hereSource
                + " but the peer's unicast_peer is "
                + therePeer);
      }
      if (!Objects.equals(herePeer, thereSource)) {
        problems.add(
            pair
                + ": unicast_peer here is "
                + herePeer
                + " but the peer's unicast_src_ip is "
                + thereSource);
      }
      String hereVip = here.vips.isEmpty() ? null : String.valueOf(here.vips.getFirst().value());
      String thereVip = there.vips.isEmpty() ? null : String.valueOf(there.vips.getFirst().value());
      if (!Objects.equals(hereVip, thereVip)) {
        problems.add(pair + ": VIP " + hereVip + " here, " + thereVip + " on the peer");
      }
      int hereVersion = version(local, here);
      int thereVersion = version(peer, there);
      if (hereVersion != thereVersion) {
        problems.add(
            pair + ": VRRP version " + hereVersion + " here, " + thereVersion + " on the peer");
      }
      int hereAdvert = here.advertMillis == null ? 1000 : here.advertMillis.value();
      int thereAdvert = there.advertMillis == null ? 1000 : there.advertMillis.value();
      if (hereAdvert != thereAdvert) {
        problems.add(
            pair
                + ": advert_int "
                + KeepalivedImport.secondsText(hereAdvert)
                + " here, "
                + KeepalivedImport.secondsText(thereAdvert)
                + " on the peer");
      }
      // What each host runs: auth_hmac wins over auth_pass in keepalived 2.4.3.
      String hereKind =
          here.hmac != null ? "auth_hmac" : here.authPass != null ? "auth_pass" : null;
      String thereKind =
          there.hmac != null ? "auth_hmac" : there.authPass != null ? "auth_pass" : null;
      if (!Objects.equals(hereKind, thereKind)) {
        problems.add(
            pair
                + ": "
                + (hereKind == null || thereKind == null
                    ? "authentication on one host only"
                    : hereKind + " here, " + thereKind + " on the peer"));
      } else if ("auth_pass".equals(hereKind)
          && !here.authPass.value().equals(there.authPass.value())) {
        problems.add(pair + ": auth_pass differs (values not shown)");
      } else if ("auth_hmac".equals(hereKind)
          && !here.hmac.identity().equals(there.hmac.identity())) {
        problems.add(
            pair
                + ": auth_hmac differs in its keys, active_key, anti_replay, time_window or mode"
                + " (keys not shown); during a rotation the two hosts may differ for a while");
      }
      String hereIf = here.interfaceName == null ? null : here.interfaceName.value();
      String thereIf = there.interfaceName == null ? null : there.interfaceName.value();
      if (!Objects.equals(hereIf, thereIf)) {
        problems.add(
            pair
                + ": interface "
                + hereIf
                + " here, "
                + thereIf
                + " on the peer; a redisha pair uses one interface name on both nodes");
      }
      if ("MASTER".equals(here.state) && "MASTER".equals(there.state)) {
        problems.add(pair + ": state MASTER on both hosts");
      }
      if (here.priority == there.priority && !here.nopreempt && !there.nopreempt) {
        problems.add(
            pair + ": both hosts have priority " + here.priority + " (the higher address wins)");
      }
    }
    for (Instance there : peer.instances()) {
      if (byRouterId(local, there.routerId) == null) {
        problems.add(
            "peer "
                + there.where()
                + ": virtual_router_id "
                + there.routerId
                + " has no instance in this host's file");
      }
    }
    return problems;
  }

  private static int version(KeepalivedFacts facts, Instance instance) {
    if (instance.version != null && instance.version.value() != null) {
      return instance.version.value();
    }
    return facts.globalVersion() == null ? 2 : facts.globalVersion();
  }

  private static Instance byRouterId(KeepalivedFacts facts, Integer routerId) {
    return facts.instances().stream()
        .filter(i -> Objects.equals(i.routerId, routerId))
        .findFirst()
        .orElse(null);
  }
}

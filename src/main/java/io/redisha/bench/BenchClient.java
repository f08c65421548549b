package io.redisha.bench;

import io.redisha.lab.LabNetwork;
import io.redisha.lab.LettuceVipWriter;
import io.redisha.lab.PairLab;
import io.redisha.lab.VipClient;
import io.redisha.lab.VipWriter;
import java.util.Arrays;
import java.util.List;

/**
 * The client settings a fault is measured with. A write gap is as much the client's figure as the
 * HA system's: how long a client waits on a connection attempt that gets no answer (the VIP has
 * left the old host, the new host's gratuitous ARP has not arrived, DESIGN.md section 7) and how
 * soon it tries again. Each client writes through the VIP every 2 ms, one write at a time, from a
 * lab host of its own (its own ARP cache, as on a separate application host); gap and lost writes
 * are computed the same way for all of them ({@link io.redisha.lab.WriteLog}).
 */
public enum BenchClient {
  RAW_20MS(
      "raw-20ms",
      PairLab.CLIENT,
      null,
      "raw RESP, one SET at a time; on any error a new connection 1 ms later; connect timeout 20"
          + " ms, reply timeout 200 ms"),
  RAW_1S(
      "raw-1s",
      "app-raw-1s",
      "192.0.2.21/24",
      "the same raw client with a 1 s connect timeout (retry 1 ms after a refusal or a timeout)"),
  LETTUCE(
      "lettuce",
      "app-lettuce",
      "192.0.2.22/24",
      "lettuce 7.2 defaults in a JVM of its own: sync SET one at a time, auto-reconnect (backoff 1 ms"
          + " doubling to 30 s), connect timeout 10 s, command timeout 60 s, commands queued while"
          + " disconnected");

  /** The client every run writes with, also for the other group. */
  public static final BenchClient PRIMARY = RAW_20MS;

  private final String id;
  private final String host;
  private final String address;
  private final String behaviour;

  BenchClient(String id, String host, String address, String behaviour) {
    this.id = id;
    this.host = host;
    this.address = address;
    this.behaviour = behaviour;
  }

  /** Short name in tables, JSON and on the command line. */
  public String id() {
    return id;
  }

  /** What the client does on a failure, in words, for the legend. */
  public String behaviour() {
    return behaviour;
  }

  /** The lab host the client writes from. */
  public String host() {
    return host;
  }

  /** Adds the client's host to the lab when it is not there yet. */
  void ensureHost(PairLab lab) {
    LabNetwork network = lab.network();
    if (!network.hosts().contains(host)) {
      network.addHost(host, address);
    }
  }

  /** A writer of this kind through {@code group}'s VIP, not yet started. */
  VipClient writer(PairLab lab, PairLab.Group group, String prefix) {
    ensureHost(lab);
    return switch (this) {
      case RAW_20MS ->
          new VipWriter(
              lab.network(),
              host,
              group.vip(),
              group.port(),
              prefix,
              2,
              VipWriter.CONNECT_TIMEOUT_MILLIS);
      case RAW_1S -> new VipWriter(lab.network(), host, group.vip(), group.port(), prefix, 2, 1000);
      case LETTUCE ->
          new LettuceVipWriter(
              lab.network(), host, group.vip(), group.port(), prefix, 2, lab.workDir());
    };
  }

  /** The client named {@code id}; the error lists the known names. */
  public static BenchClient byId(String id) {
    for (BenchClient client : values()) {
      if (client.id.equals(id)) {
        return client;
      }
    }
    throw new IllegalArgumentException(
        "--clients: unknown client '" + id + "'; known: " + String.join(",", ids(values())));
  }

  /** Parses a comma-separated list of client ids; the primary client is always first. */
  public static List<BenchClient> parseList(String text) {
    List<BenchClient> named =
        Arrays.stream(text.split(","))
            .map(String::strip)
            .map(BenchClient::byId)
            .distinct()
            .toList();
    if (!named.contains(PRIMARY)) {
      throw new IllegalArgumentException(
          "--clients must include "
              + PRIMARY.id
              + " (it also watches the other group), not only "
              + text);
    }
    return Arrays.stream(values()).filter(named::contains).toList();
  }

  static List<String> ids(BenchClient... clients) {
    return Arrays.stream(clients).map(BenchClient::id).toList();
  }
}

package io.redisha.testing;

import io.redisha.lab.LabNetwork;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** A real keepalived process in a lab host, with a generated unicast configuration. */
public final class Keepalived {
  private final Path dir;
  private final Process process;

  private Keepalived(Path dir, Process process) {
    this.dir = dir;
    this.process = process;
  }

  /**
   * The settings of one unicast vrrp_instance.
   *
   * @param version 2 or 3
   * @param routerId virtual_router_id
   * @param priority priority
   * @param advertInt advert_int as keepalived writes it ("1", "0.1")
   * @param password auth_pass (version 2), or null
   * @param source unicast_src_ip
   * @param peer unicast_peer
   * @param vip virtual_ipaddress with prefix
   */
  public record Instance(
      int version,
      int routerId,
      int priority,
      String advertInt,
      String password,
      String source,
      String peer,
      String vip) {

    public Instance withPriority(int newPriority) {
      return new Instance(version, routerId, newPriority, advertInt, password, source, peer, vip);
    }

    public Instance withRouterId(int newRouterId) {
      return new Instance(version, newRouterId, priority, advertInt, password, source, peer, vip);
    }

    public Instance withPassword(String newPassword) {
      return new Instance(version, routerId, priority, advertInt, newPassword, source, peer, vip);
    }

    public Instance withSource(String newSource) {
      return new Instance(version, routerId, priority, advertInt, password, newSource, peer, vip);
    }

    /** The keepalived.conf text. */
    public String config() {
      String auth =
          password == null
              ? ""
              : """
                  authentication {
                    auth_type PASS
                    auth_pass %s
                  }
              """
                  .formatted(password);
      return """
          global_defs {
            router_id lab
            vrrp_version %d
          }
          vrrp_instance VI_1 {
            state BACKUP
            interface eth0
            virtual_router_id %d
            priority %d
            advert_int %s
            unicast_src_ip %s
            unicast_peer {
              %s
            }
          %s
            virtual_ipaddress {
              %s
            }
          }
          """
          .formatted(version, routerId, priority, advertInt, source, peer, auth, vip);
    }
  }

  /** Starts keepalived in {@code host} with {@code instance}; files go to {@code dir}. */
  public static Keepalived start(LabNetwork lab, String host, Instance instance, Path dir) {
    try {
      Files.createDirectories(dir);
      Path conf = dir.resolve("keepalived.conf");
      Files.writeString(conf, instance.config());
      Process process =
          lab.start(
              host,
              List.of(
                  "keepalived",
                  "--dont-fork",
                  "--log-console",
                  "--log-detail",
                  "--vrrp",
                  "--use-file=" + conf,
                  "--pid=" + dir.resolve("keepalived.pid"),
                  "--vrrp_pid=" + dir.resolve("vrrp.pid")),
              dir.resolve("keepalived.log"));
      return new Keepalived(dir, process);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** keepalived's log so far. */
  public String log() {
    try {
      Path log = dir.resolve("keepalived.log");
      return Files.exists(log) ? Files.readString(log) : "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The state keepalived last logged for VI_1: MASTER, BACKUP, FAULT, or null. */
  public String state() {
    String state = null;
    for (String line : log().split("\n")) {
      int at = line.indexOf("(VI_1) Entering ");
      if (at >= 0) {
        String rest = line.substring(at + "(VI_1) Entering ".length());
        state = rest.substring(0, rest.indexOf(' '));
      }
    }
    return state;
  }

  /** Stops keepalived cleanly (SIGTERM: it sends priority 0 when master) and waits. */
  public void stop() throws InterruptedException {
    process.destroy();
    process.waitFor();
  }

  public Process process() {
    return process;
  }
}

package io.redisha.testing;

import io.redisha.lab.LabNetwork;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * keepalived 2.4.3 (the build in {@code shared/tools/keepalived-2.4.3}, the one with auth_hmac) in
 * a lab host, with a generated unicast configuration of one or more instances, each with its own
 * authentication. It runs as its README says: {@code -f CONF -p PID -r VRRP_PID -D -l -n}, no
 * checker process.
 */
public final class Keepalived243 {
  /** Where the binary sits below the folder that holds the checkouts. */
  static final Path RELATIVE_BINARY = Path.of("shared", "tools", "keepalived-2.4.3", "keepalived");

  /** A system property or environment variable that names the binary outright. */
  static final String OVERRIDE = "REDISHA_KEEPALIVED_243";

  private final LabNetwork lab;
  private final String host;
  private final Path dir;
  private final Process process;

  private Keepalived243(LabNetwork lab, String host, Path dir, Process process) {
    this.lab = lab;
    this.host = host;
    this.dir = dir;
    this.process = process;
  }

  /**
   * auth_hmac of one instance.
   *
   * @param keys key id to key as keepalived writes it ({@code hex:0011..} or text)
   * @param activeKey active_key
   * @param antiReplay {@code time} or {@code monotonic}
   * @param timeWindow time_window in seconds, or 0 for keepalived's default
   * @param mode {@code enforce}, {@code permissive} or {@code receive-only}
   */
  public record Hmac(
      Map<Integer, String> keys, int activeKey, String antiReplay, int timeWindow, String mode) {
    public Hmac {
      keys = new LinkedHashMap<>(keys);
    }

    public Hmac withActiveKey(int id) {
      return new Hmac(keys, id, antiReplay, timeWindow, mode);
    }

    public Hmac withMode(String newMode) {
      return new Hmac(keys, activeKey, antiReplay, timeWindow, newMode);
    }

    public Hmac withTimeWindow(int seconds) {
      return new Hmac(keys, activeKey, antiReplay, seconds, mode);
    }

    String config() {
      StringBuilder text = new StringBuilder("  auth_hmac {\n");
      keys.forEach(
          (id, key) -> text.append("    key ").append(id).append(' ').append(key).append('\n'));
      text.append("    active_key ").append(activeKey).append('\n');
      text.append("    anti_replay ").append(antiReplay).append('\n');
      if (timeWindow > 0) {
        text.append("    time_window ").append(timeWindow).append('\n');
      }
      text.append("    mode ").append(mode).append('\n');
      return text.append("  }\n").toString();
    }
  }

  /**
   * One vrrp_instance.
   *
   * @param name the instance name, as in the log's {@code (NAME) Entering ...}
   * @param routerId virtual_router_id
   * @param priority priority
   * @param vip virtual_ipaddress with prefix
   * @param password auth_pass (version 2), or null
   * @param hmac auth_hmac, or null
   */
  public record Instance(
      String name, int routerId, int priority, String vip, String password, Hmac hmac) {

    public Instance withPriority(int newPriority) {
      return new Instance(name, routerId, newPriority, vip, password, hmac);
    }

    public Instance withHmac(Hmac newHmac) {
      return new Instance(name, routerId, priority, vip, password, newHmac);
    }
  }

  /**
   * The whole configuration.
   *
   * @param version vrrp_version, 2 or 3
   * @param advertInt advert_int as keepalived writes it ("1", "0.1")
   * @param source unicast_src_ip
   * @param peer unicast_peer
   * @param instances the vrrp_instances
   */
  public record Config(
      int version, String advertInt, String source, String peer, List<Instance> instances) {
    public Config {
      instances = List.copyOf(instances);
    }

    /** The same configuration with {@code instance} replacing the one of the same name. */
    public Config with(Instance instance) {
      List<Instance> replaced = new ArrayList<>();
      for (Instance existing : instances) {
        replaced.add(existing.name().equals(instance.name()) ? instance : existing);
      }
      return new Config(version, advertInt, source, peer, replaced);
    }

    /** The keepalived.conf text. */
    public String text() {
      StringBuilder text =
          new StringBuilder(
              """
              global_defs {
                router_id lab
                vrrp_version %d
              }
              """
                  .formatted(version));
      for (Instance instance : instances) {
        text.append(
            """
            vrrp_instance %s {
              state BACKUP
              interface eth0
              virtual_router_id %d
              priority %d
              advert_int %s
              unicast_src_ip %s
              unicast_peer {
                %s
              }
            """
                .formatted(
                    instance.name(),
                    instance.routerId(),
                    instance.priority(),
                    advertInt,
                    source,
                    peer));
        if (instance.password() != null) {
          text.append(
              """
                authentication {
                  auth_type PASS
                  auth_pass %s
                }
              """
                  .formatted(instance.password()));
        }
        if (instance.hmac() != null) {
          text.append(instance.hmac().config());
        }
        text.append(
            """
              virtual_ipaddress {
                %s
              }
            }
            """
                .formatted(instance.vip()));
      }
      return text.toString();
    }
  }

  /**
   * The 2.4.3 binary: {@value #OVERRIDE} when set, else {@code shared/tools/keepalived-2.4.3/
   * keepalived} in the working directory or the nearest folder above it that has one (the main
   * checkout and CI's clone have {@code shared/} beside them, a worktree further up).
   */
  public static Optional<Path> binary() {
    String named = System.getProperty(OVERRIDE, System.getenv(OVERRIDE));
    if (named != null && !named.isBlank()) {
      Path path = Path.of(named);
      return Files.isExecutable(path) ? Optional.of(path) : Optional.empty();
    }
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve(RELATIVE_BINARY);
      if (Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  /**
   * The binary, or: in CI ({@code CI=true}) a failure, elsewhere a skip, each saying where it was
   * looked for.
   */
  public static Path requireBinary() {
    Optional<Path> binary = binary();
    if (binary.isPresent()) {
      return binary.get();
    }
    String reason =
        "needs keepalived 2.4.3 at ../shared/tools/keepalived-2.4.3/keepalived (looked in "
            + Path.of("").toAbsolutePath()
            + " and every folder above it) or named by "
            + OVERRIDE;
    if ("true".equals(System.getenv("CI"))) {
      throw new IllegalStateException("CI must run the keepalived 2.4.3 tests but it " + reason);
    }
    System.out.println("SKIPPED: " + reason);
    Assumptions.abort(reason);
    throw new IllegalStateException("unreachable");
  }

  /** Starts keepalived 2.4.3 in {@code host} with {@code config}; files go to {@code dir}. */
  public static Keepalived243 start(LabNetwork lab, String host, Config config, Path dir) {
    Path binary = requireBinary();
    try {
      Files.createDirectories(dir);
      Path conf = dir.resolve("keepalived.conf");
      Files.writeString(conf, config.text());
      Process process =
          lab.start(
              host,
              List.of(
                  binary.toString(),
                  "-f",
                  conf.toString(),
                  "-p",
                  dir.resolve("keepalived.pid").toString(),
                  "-r",
                  dir.resolve("vrrp.pid").toString(),
                  "-D",
                  "-l",
                  "-n"),
              dir.resolve("keepalived.log"));
      return new Keepalived243(lab, host, dir, process);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Writes {@code config} and sends SIGHUP to the keepalived process started here, which rereads
   * it; returns once its VRRP process reports the reload done.
   */
  public void reload(Config config) throws InterruptedException {
    try {
      long reloadsBefore = count("Reload complete");
      Files.writeString(dir.resolve("keepalived.conf"), config.text());
      lab.run(host, "kill", "-HUP", Long.toString(process.pid()));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (count("Reload complete") == reloadsBefore) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("keepalived did not finish reloading:\n" + log());
        }
        Thread.sleep(20);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** How many lines of the log contain {@code text}. */
  public long count(String text) {
    return log().lines().filter(line -> line.contains(text)).count();
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

  /** The state keepalived last logged for {@code instance}: MASTER, BACKUP, FAULT, or null. */
  public String state(String instance) {
    String marker = "(" + instance + ") Entering ";
    String state = null;
    for (String line : log().split("\n")) {
      int at = line.indexOf(marker);
      if (at >= 0) {
        String rest = line.substring(at + marker.length());
        state = rest.substring(0, rest.indexOf(' '));
      }
    }
    return state;
  }

  /** Stops keepalived cleanly (SIGTERM: a master sends priority 0) and waits. */
  public void stop() throws InterruptedException {
    process.destroy();
    process.waitFor();
  }

  public Process process() {
    return process;
  }
}

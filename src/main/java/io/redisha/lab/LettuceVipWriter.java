package io.redisha.lab;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * lettuce with its default settings writing through a VIP from a lab host, in a JVM of its own
 * started in the host's namespace ({@link LettuceWriterMain}); its acknowledged writes land in a
 * {@link WriteLog} here as they happen, read from the file the process appends to, so its write gap
 * and lost writes are computed exactly as for {@link VipWriter}.
 */
public final class LettuceVipWriter implements VipClient {
  /** How far the child's monotonic clock may differ from ours before its times are refused. */
  private static final long CLOCK_TOLERANCE_NANOS = TimeUnit.SECONDS.toNanos(30);

  private final LabNetwork lab;
  private final String host;
  private final String vip;
  private final int port;
  private final long periodMillis;
  private final Path ackFile;
  private final Path logFile;
  private final WriteLog log;
  private final Thread reader;
  private volatile boolean reading = true;
  private volatile String lastError;
  private volatile boolean started;
  private Process process;

  /**
   * @param workDir where the process's ack file and log go
   */
  public LettuceVipWriter(
      LabNetwork lab,
      String host,
      String vip,
      int port,
      String prefix,
      long periodMillis,
      Path workDir) {
    this.lab = lab;
    this.host = host;
    this.vip = vip;
    this.port = port;
    this.periodMillis = periodMillis;
    String file = prefix.replaceAll("[^A-Za-z0-9.-]", "_");
    this.ackFile = workDir.resolve("lettuce-" + file + ".acks").toAbsolutePath();
    this.logFile = workDir.resolve("lettuce-" + file + ".log").toAbsolutePath();
    this.log = new WriteLog(prefix);
    this.reader = Thread.ofPlatform().daemon().name("lettuce acks " + prefix).unstarted(this::tail);
  }

  @Override
  public synchronized LettuceVipWriter start() throws IOException {
    Files.createDirectories(ackFile.getParent());
    Files.deleteIfExists(ackFile);
    Files.createFile(ackFile);
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    // small and quick to start on a shared machine; lettuce's own settings stay its defaults
    command.addAll(
        List.of(
            "-XX:+UseSerialGC",
            "-Xms16m",
            "-Xmx96m",
            "-XX:TieredStopAtLevel=1",
            "--enable-native-access=ALL-UNNAMED",
            "-cp",
            absoluteClassPath(),
            LettuceWriterMain.class.getName(),
            vip,
            Integer.toString(port),
            log.prefix(),
            Long.toString(periodMillis),
            ackFile.toString()));
    process = lab.start(host, command, logFile);
    reader.start();
    return this;
  }

  private static String absoluteClassPath() {
    List<String> parts = new ArrayList<>();
    for (String part : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
      if (!part.isEmpty()) {
        parts.add(Path.of(part).toAbsolutePath().toString());
      }
    }
    return String.join(java.io.File.pathSeparator, parts);
  }

  private void tail() {
    try (RandomAccessFile file = new RandomAccessFile(ackFile.toFile(), "r")) {
      StringBuilder line = new StringBuilder();
      byte[] buffer = new byte[8192];
      while (true) {
        int n = file.read(buffer);
        if (n > 0) {
          for (int i = 0; i < n; i++) {
            char c = (char) buffer[i];
            if (c == '\n') {
              accept(line.toString());
              line.setLength(0);
            } else {
              line.append(c);
            }
          }
          continue;
        }
        if (!reading) {
          return;
        }
        Thread.sleep(2);
      }
    } catch (IOException | RuntimeException e) {
      lastError = "reading " + ackFile + ": " + e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void accept(String line) {
    String[] parts = line.split(" ", 3);
    switch (parts[0]) {
      case "ack" -> log.recordAck(Long.parseLong(parts[1]), Long.parseLong(parts[2]));
      case "start" -> {
        long skew = Math.abs(Long.parseLong(parts[1]) - System.nanoTime());
        if (skew > CLOCK_TOLERANCE_NANOS) {
          throw new IllegalStateException(
              "the lettuce writer's clock differs from ours by "
                  + skew / 1_000_000
                  + " ms: its write times cannot be compared");
        }
        started = true;
      }
      case "error" -> lastError = parts.length > 2 ? parts[2] : line;
      default -> lastError = "unexpected line from the lettuce writer: " + line;
    }
  }

  /** Whether the process connected and its clock matched ours. */
  public boolean connected() {
    return started;
  }

  @Override
  public WriteLog log() {
    return log;
  }

  @Override
  public String lastError() {
    Process p = process;
    if (p != null && !p.isAlive() && reading) {
      return "the lettuce writer exited with " + p.exitValue() + " (log: " + logFile + ")";
    }
    return lastError;
  }

  @Override
  public long[] lostSequences(long[] sequences) throws Exception {
    return log.lostSequences(lab, host, vip, port, sequences);
  }

  @Override
  public void close() throws InterruptedException {
    Process p;
    synchronized (this) {
      p = process;
    }
    if (p != null) {
      p.destroy();
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        p.waitFor();
      }
    }
    reading = false;
    if (reader.isAlive()) {
      reader.join(5000);
    }
  }
}

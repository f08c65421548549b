package io.redisha.testing;

import io.redisha.lab.LabNetwork;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A redisha command started the way a user starts it, as its own JVM in a lab host, with the
 * classpath of the running tests.
 */
public final class RedishaProcess {
  private final Process process;
  private final Path log;

  private RedishaProcess(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  /** Starts {@code redisha <args>} in {@code host}, output appended to {@code log}. */
  public static RedishaProcess start(LabNetwork lab, String host, Path log, String... args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("--enable-native-access=ALL-UNNAMED");
    command.add("-XX:+UseSerialGC");
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-Dorg.slf4j.simpleLogger.showDateTime=true");
    command.add("-Dorg.slf4j.simpleLogger.dateTimeFormat=HH:mm:ss.SSS");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add("io.redisha.cli.Main");
    command.addAll(List.of(args));
    return new RedishaProcess(lab.start(host, command, log), log);
  }

  public String output() {
    try {
      return Files.exists(log) ? Files.readString(log) : "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** SIGTERM, as systemd or the kubelet sends it, and wait for the process to end. */
  public int stop() throws InterruptedException {
    process.destroy();
    return process.waitFor();
  }

  public Process process() {
    return process;
  }

  public long pid() {
    return process.pid();
  }
}

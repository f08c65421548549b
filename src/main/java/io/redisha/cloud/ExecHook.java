package io.redisha.cloud;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a command for each VIP move, with the event in its environment; exit status 0 means done.
 */
public final class ExecHook implements VipHook {
  private final List<String> command;
  private final Duration timeout;

  public ExecHook(List<String> command, Duration timeout) {
    this.command = List.copyOf(command);
    this.timeout = timeout;
  }

  @Override
  public String provider() {
    return "exec";
  }

  @Override
  public void call(VipEvent event) throws Exception {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    Map<String, String> env = builder.environment();
    env.put("REDISHA_GROUP", event.group());
    env.put("REDISHA_NODE", event.node());
    env.put("REDISHA_VIP", event.vip());
    env.put("REDISHA_STATE", event.state());
    env.put("REDISHA_REASON", event.reason());
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new IOException("cannot run " + command.getFirst() + ": " + e.getMessage(), e);
    }
    process.getOutputStream().close();
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      throw new IOException(
          command.getFirst() + " did not finish within " + timeout.toMillis() + " ms");
    }
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (process.exitValue() != 0) {
      List<String> lines = output.lines().filter(l -> !l.isBlank()).toList();
      throw new IOException(
          command.getFirst()
              + " exited with "
              + process.exitValue()
              + (lines.isEmpty() ? "" : ": " + HttpCalls.excerpt(lines.getLast())));
    }
  }
}

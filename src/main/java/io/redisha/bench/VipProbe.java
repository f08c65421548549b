package io.redisha.bench;

import io.redisha.lab.LabNetwork;
import io.redisha.lab.RespClient;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * Asks "who are you?" through a VIP every 10 ms from the client host, each time on a new connection
 * (as a client reconnecting after a failover does), and records which Redis answered ({@code
 * run_id}) and in what role. Tells when the VIP first answered on the new master.
 */
final class VipProbe implements AutoCloseable {
  private static final long PERIOD_NANOS = 10_000_000L;

  /**
   * One answer.
   *
   * @param nanos when it came (System.nanoTime)
   * @param runId the answering Redis's run id
   * @param role its role
   */
  record Answer(long nanos, String runId, String role) {}

  private final LabNetwork lab;
  private final String host;
  private final String vip;
  private final int port;
  private final List<Answer> answers = new ArrayList<>();
  private final Thread thread;
  private volatile boolean running = true;

  VipProbe(LabNetwork lab, String host, String vip, int port) {
    this.lab = lab;
    this.host = host;
    this.vip = vip;
    this.port = port;
    this.thread = Thread.ofPlatform().daemon().name("vip probe " + vip).unstarted(this::run);
  }

  VipProbe start() {
    thread.start();
    return this;
  }

  private void run() {
    try {
      lab.inNamespace(
          host,
          () -> {
            loop();
            return null;
          });
    } catch (Exception e) {
      // the probe ends; its answers so far stay usable
    }
  }

  private void loop() {
    long next = System.nanoTime();
    while (running) {
      long now = System.nanoTime();
      if (now < next) {
        LockSupport.parkNanos(next - now);
        continue;
      }
      next = now + PERIOD_NANOS;
      try (RespClient client = new RespClient(vip, port, 20, 100)) {
        Object reply = client.command("INFO", "server", "replication");
        String info = reply == null ? "" : reply.toString();
        String runId = field(info, "run_id");
        String role = field(info, "role");
        synchronized (answers) {
          answers.add(new Answer(System.nanoTime(), runId, role));
        }
      } catch (Exception e) {
        // no answer this time
      }
    }
  }

  private static String field(String info, String key) {
    for (String line : info.split("\r?\n")) {
      if (line.startsWith(key + ":")) {
        return line.substring(key.length() + 1).strip();
      }
    }
    return null;
  }

  /**
   * The first time at or after {@code fromNanos} that the Redis {@code runId} answered as master,
   * or -1.
   */
  long firstAnswerAsMaster(String runId, long fromNanos) {
    synchronized (answers) {
      for (Answer answer : answers) {
        if (answer.nanos() >= fromNanos
            && runId != null
            && runId.equals(answer.runId())
            && "master".equals(answer.role())) {
          return answer.nanos();
        }
      }
    }
    return -1;
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    thread.join(2000);
  }
}

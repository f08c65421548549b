package io.redisha.lab;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A client that writes through a VIP every few milliseconds from a lab host and remembers every
 * acknowledged write with its time, so a fault's write gap and lost writes can be measured. Keys
 * are {@code <prefix>:<seq>}; a write counts only when Redis answered {@code +OK}. One write at a
 * time on one raw RESP connection; on any error the connection is dropped and, 1 ms later, a new
 * one is made with the writer's connect timeout.
 */
public final class VipWriter implements VipClient {
  /**
   * Connect timeout of the writer: on a LAN a connection is made in well under a millisecond, so an
   * HA-aware client gives up on a lost SYN quickly and tries again, as this one does.
   */
  public static final int CONNECT_TIMEOUT_MILLIS = 20;

  /** Read timeout: a reply takes a millisecond; a write unanswered this long is given up. */
  public static final int READ_TIMEOUT_MILLIS = 200;

  private final LabNetwork lab;
  private final String host;
  private final String vip;
  private final int port;
  private final WriteLog log;
  private final long periodNanos;
  private final int connectTimeoutMillis;
  private final Thread thread;
  private volatile boolean running = true;
  private final AtomicLong attempts = new AtomicLong();
  private volatile String lastError;

  /** A window's measurements. */
  public record Window(long acked, long longestGapMillis, long failedAttempts) {}

  /** A writer with the fast connect timeout ({@value #CONNECT_TIMEOUT_MILLIS} ms). */
  public VipWriter(
      LabNetwork lab, String host, String vip, int port, String prefix, long periodMillis) {
    this(lab, host, vip, port, prefix, periodMillis, CONNECT_TIMEOUT_MILLIS);
  }

  /**
   * @param connectTimeoutMillis how long a new connection may take before the writer gives up on it
   *     and tries again
   */
  public VipWriter(
      LabNetwork lab,
      String host,
      String vip,
      int port,
      String prefix,
      long periodMillis,
      int connectTimeoutMillis) {
    if (connectTimeoutMillis <= 0) {
      throw new IllegalArgumentException(
          "connectTimeoutMillis must be positive, not " + connectTimeoutMillis);
    }
    this.lab = lab;
    this.host = host;
    this.vip = vip;
    this.port = port;
    this.log = new WriteLog(prefix);
    this.periodNanos = periodMillis * 1_000_000;
    this.connectTimeoutMillis = connectTimeoutMillis;
    this.thread =
        Thread.ofPlatform().daemon().name("writer " + prefix).unstarted(this::runInNamespace);
  }

  @Override
  public VipWriter start() {
    thread.start();
    return this;
  }

  @Override
  public WriteLog log() {
    return log;
  }

  private void runInNamespace() {
    try {
      lab.inNamespace(
          host,
          () -> {
            writeLoop();
            return null;
          });
    } catch (Exception e) {
      lastError = e.toString();
    }
  }

  private void writeLoop() {
    long seq = 0;
    RespClient client = null;
    long next = System.nanoTime();
    while (running) {
      long now = System.nanoTime();
      if (now < next) {
        LockSupport.parkNanos(next - now);
        continue;
      }
      next = Math.max(next + periodNanos, now);
      try {
        if (client == null) {
          client = new RespClient(vip, port, connectTimeoutMillis, READ_TIMEOUT_MILLIS);
        }
        seq++;
        attempts.incrementAndGet();
        Object reply = client.command("SET", log.key(seq), Long.toString(seq));
        if ("OK".equals(reply)) {
          log.recordAck(seq, System.nanoTime());
        }
      } catch (IOException | RuntimeException e) {
        lastError = e.toString();
        if (client != null) {
          client.close();
          client = null;
        }
        LockSupport.parkNanos(1_000_000);
      }
    }
    if (client != null) {
      client.close();
    }
  }

  /** Acknowledged writes so far. */
  public long acked() {
    return log.acked();
  }

  /** Time of the last acknowledged write (System.nanoTime), or -1. */
  public long lastAckNanos() {
    return log.lastAckNanos();
  }

  /** Whether the writer thread is still writing. */
  public boolean running() {
    return thread.isAlive();
  }

  @Override
  public String lastError() {
    return lastError;
  }

  /** See {@link WriteLog#window}. */
  public Window window(long fromNanos, long toNanos) {
    WriteLog.Window window = log.window(fromNanos, toNanos);
    return new Window(window.acked(), window.longestGapMillis(), window.failedAttempts());
  }

  /** Sequence numbers of writes acknowledged in {@code [fromNanos, toNanos]}. */
  public long[] ackedSequences(long fromNanos, long toNanos) {
    return log.ackedSequences(fromNanos, toNanos);
  }

  /** When the write {@code seq} was acknowledged (System.nanoTime), or -1. */
  public long ackNanos(long seq) {
    return log.ackNanos(seq);
  }

  /**
   * Reads every acknowledged key back through the VIP and returns the sequence numbers that are
   * missing. Runs in the writer's host namespace.
   */
  @Override
  public long[] lostSequences(long[] sequences) throws Exception {
    return log.lostSequences(lab, host, vip, port, sequences);
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    thread.join(2000);
  }
}

package io.redisha.lab;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A client that writes through a VIP every few milliseconds from a lab host and remembers every
 * acknowledged write with its time, so a fault's write gap and lost writes can be measured. Keys
 * are {@code <prefix>:<seq>}; a write counts only when Redis answered {@code +OK}.
 */
public final class VipWriter implements AutoCloseable {
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
  private final String prefix;
  private final long periodNanos;
  private final Thread thread;
  private volatile boolean running = true;
  private final AtomicLong attempts = new AtomicLong();
  private long[] ackSeq = new long[1 << 16];
  private long[] ackNanos = new long[1 << 16];
  private int acks;
  private volatile String lastError;

  /** A window's measurements. */
  public record Window(long acked, long longestGapMillis, long failedAttempts) {}

  public VipWriter(
      LabNetwork lab, String host, String vip, int port, String prefix, long periodMillis) {
    this.lab = lab;
    this.host = host;
    this.vip = vip;
    this.port = port;
    this.prefix = prefix;
    this.periodNanos = periodMillis * 1_000_000;
    this.thread =
        Thread.ofPlatform().daemon().name("writer " + prefix).unstarted(this::runInNamespace);
  }

  public VipWriter start() {
    thread.start();
    return this;
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
          client = new RespClient(vip, port, CONNECT_TIMEOUT_MILLIS, READ_TIMEOUT_MILLIS);
        }
        seq++;
        attempts.incrementAndGet();
        Object reply = client.command("SET", prefix + ":" + seq, Long.toString(seq));
        if ("OK".equals(reply)) {
          recordAck(seq, System.nanoTime());
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

  private synchronized void recordAck(long seq, long nanos) {
    if (acks == ackSeq.length) {
      ackSeq = Arrays.copyOf(ackSeq, acks * 2);
      ackNanos = Arrays.copyOf(ackNanos, acks * 2);
    }
    ackSeq[acks] = seq;
    ackNanos[acks] = nanos;
    acks++;
  }

  /** Acknowledged writes so far. */
  public synchronized long acked() {
    return acks;
  }

  /** Time of the last acknowledged write (System.nanoTime), or -1. */
  public synchronized long lastAckNanos() {
    return acks == 0 ? -1 : ackNanos[acks - 1];
  }

  /** Whether the writer thread is still writing. */
  public boolean running() {
    return thread.isAlive();
  }

  public String lastError() {
    return lastError;
  }

  /**
   * Acks and the longest time without an ack in {@code [fromNanos, toNanos]}, the edges counting as
   * acks so a writer that never recovers shows the whole window as its gap.
   */
  public synchronized Window window(long fromNanos, long toNanos) {
    long previous = fromNanos;
    long longest = 0;
    long count = 0;
    for (int i = 0; i < acks; i++) {
      long t = ackNanos[i];
      if (t < fromNanos) {
        continue;
      }
      if (t > toNanos) {
        break;
      }
      longest = Math.max(longest, t - previous);
      previous = t;
      count++;
    }
    longest = Math.max(longest, toNanos - previous);
    return new Window(count, longest / 1_000_000, 0);
  }

  /** Sequence numbers of writes acknowledged in {@code [fromNanos, toNanos]}. */
  public synchronized long[] ackedSequences(long fromNanos, long toNanos) {
    List<Long> seqs = new ArrayList<>();
    for (int i = 0; i < acks; i++) {
      if (ackNanos[i] >= fromNanos && ackNanos[i] <= toNanos) {
        seqs.add(ackSeq[i]);
      }
    }
    return seqs.stream().mapToLong(Long::longValue).toArray();
  }

  /** When the write {@code seq} was acknowledged (System.nanoTime), or -1. */
  public synchronized long ackNanos(long seq) {
    int index = Arrays.binarySearch(ackSeq, 0, acks, seq);
    return index < 0 ? -1 : ackNanos[index];
  }

  /**
   * Reads every acknowledged key back through the VIP and returns the sequence numbers that are
   * missing. Runs in the writer's host namespace.
   */
  public long[] lostSequences(long[] sequences) throws Exception {
    return lab.inNamespace(
        host,
        () -> {
          List<Long> missing = new ArrayList<>();
          try (RespClient client = new RespClient(vip, port, 1000, 5000)) {
            for (int start = 0; start < sequences.length; start += 1000) {
              int end = Math.min(sequences.length, start + 1000);
              String[] args = new String[end - start + 1];
              args[0] = "MGET";
              for (int i = start; i < end; i++) {
                args[i - start + 1] = prefix + ":" + sequences[i];
              }
              List<?> values = (List<?>) client.command(args);
              for (int i = 0; i < values.size(); i++) {
                if (values.get(i) == null) {
                  missing.add(sequences[start + i]);
                }
              }
            }
          }
          return missing.stream().mapToLong(Long::longValue).toArray();
        });
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    thread.join(2000);
  }
}

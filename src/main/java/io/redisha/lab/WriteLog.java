package io.redisha.lab;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The acknowledged writes of one client through a VIP, each with the time its {@code OK} arrived,
 * and the two figures the lab and the benchmark take from them: the longest time without an
 * acknowledged write in a window, and the acknowledged writes that cannot be read back. Every
 * client of the lab records into one of these, so the figures are computed the same way whatever
 * client wrote (a raw RESP socket, lettuce in a process of its own).
 *
 * <p>Keys are {@code <prefix>:<seq>}, with sequence numbers growing.
 */
public final class WriteLog {
  private final String prefix;
  private long[] ackSeq = new long[1 << 16];
  private long[] ackNanos = new long[1 << 16];
  private int acks;

  /** A window's measurements. */
  public record Window(long acked, long longestGapMillis, long failedAttempts) {}

  public WriteLog(String prefix) {
    this.prefix = prefix;
  }

  /** The key of write {@code seq}. */
  public String key(long seq) {
    return prefix + ":" + seq;
  }

  public String prefix() {
    return prefix;
  }

  /**
   * Records that write {@code seq} was acknowledged at {@code nanos} (System.nanoTime); sequence
   * numbers must grow.
   */
  public synchronized void recordAck(long seq, long nanos) {
    if (acks > 0 && seq <= ackSeq[acks - 1]) {
      throw new IllegalArgumentException(
          "write " + seq + " acknowledged after write " + ackSeq[acks - 1] + ": out of order");
    }
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

  /**
   * Acks and the longest time without an ack in {@code [fromNanos, toNanos]}, the edges counting as
   * acks so a writer that never recovers shows the whole window as its gap.
   */
  public synchronized Window window(long fromNanos, long toNanos) {
    Gaps gaps = gaps(fromNanos, toNanos);
    return new Window(gaps.count(), gaps.longestNanos() / 1_000_000, 0);
  }

  /**
   * When the longest time without an ack in {@code [fromNanos, toNanos]} began (the ack before it,
   * or {@code fromNanos}), so a run's gap can be placed against the fault.
   */
  public synchronized long longestGapStartNanos(long fromNanos, long toNanos) {
    return gaps(fromNanos, toNanos).longestStartNanos();
  }

  /** The acks in {@code [fromNanos, toNanos]} and the longest time without one, with its start. */
  private record Gaps(long count, long longestNanos, long longestStartNanos) {}

  private Gaps gaps(long fromNanos, long toNanos) {
    long previous = fromNanos;
    long longest = 0;
    long start = fromNanos;
    long count = 0;
    for (int i = 0; i < acks; i++) {
      long t = ackNanos[i];
      if (t < fromNanos) {
        continue;
      }
      if (t > toNanos) {
        break;
      }
      if (t - previous > longest) {
        longest = t - previous;
        start = previous;
      }
      previous = t;
      count++;
    }
    if (toNanos - previous > longest) {
      longest = toNanos - previous;
      start = previous;
    }
    return new Gaps(count, longest, start);
  }

  /**
   * The time between the last ack at or before {@code atNanos} and the first after it, in ms: the
   * gap that spans that instant (a fault's own gap, where {@link #window} gives the longest of a
   * window, which on a loaded machine can be a stall elsewhere in it); -1 when there is no ack on
   * one side.
   */
  public synchronized long gapAcrossMillis(long atNanos) {
    for (int i = 0; i < acks; i++) {
      if (ackNanos[i] > atNanos) {
        return i == 0 ? -1 : (ackNanos[i] - ackNanos[i - 1]) / 1_000_000;
      }
    }
    return -1;
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
   * Reads the keys of {@code sequences} back through the VIP from {@code host}'s namespace (plain
   * RESP, 1 s connect and 5 s reply timeouts, 1000 keys per MGET) and returns the sequence numbers
   * that are missing. A connection that fails is tried again for up to 10 s: right after a heal the
   * client's neighbour entry for the VIP may still name the host that just let it go, and a lost
   * SYN is only resent after 1 s.
   */
  public long[] lostSequences(LabNetwork lab, String host, String vip, int port, long[] sequences)
      throws Exception {
    return lab.inNamespace(
        host,
        () -> {
          List<Long> missing = new ArrayList<>();
          try (RespClient client = connectWithin(vip, port, 10_000)) {
            for (int start = 0; start < sequences.length; start += 1000) {
              int end = Math.min(sequences.length, start + 1000);
              String[] args = new String[end - start + 1];
              args[0] = "MGET";
              for (int i = start; i < end; i++) {
                args[i - start + 1] = key(sequences[i]);
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

  private static RespClient connectWithin(String vip, int port, long millis) throws IOException {
    long deadline = System.nanoTime() + millis * 1_000_000L;
    while (true) {
      try {
        return new RespClient(vip, port, 1000, 5000);
      } catch (IOException e) {
        if (e instanceof RespClient.RedisError || System.nanoTime() > deadline) {
          throw e;
        }
        PairLab.sleep(200);
      }
    }
  }
}

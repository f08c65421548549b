package io.redisha.sim;

import java.time.Duration;
import java.util.Random;

/**
 * The pair link and each node's reach to the API server and the clients. VRRP adverts are single
 * datagrams and suffer every fault (drop, delay, duplicate); Redis and API traffic runs over TCP,
 * so it is only delayed, or blocked by a partition. A lossy pair link ({@link #lossRate}, like
 * {@code iptables -m statistic} dropping packets each way) drops adverts and makes TCP segments
 * between the nodes wait for retransmissions (200 ms, doubling).
 */
final class SimNetwork {
  private final Random random;

  /**
   * The probes' own dice ({@link #probeSegmentLost}, {@link #probeDelay}), so that probing leaves
   * every other draw, and so the schedules of the recorded seeds, as they were.
   */
  private final Random probes;

  /** Partition of the pair link, counted so overlapping faults nest. */
  int pairCuts;

  final int[] apiCuts = new int[2];
  final int[] isolations = new int[2];
  double dropRate;
  double lossRate;
  double duplicateRate;
  long extraDelayNanos;
  int dropFaults;
  int duplicateFaults;
  int delayFaults;

  SimNetwork(Random random, long probeSeed) {
    this.random = random;
    this.probes = new Random(probeSeed);
  }

  /**
   * Whether the lossy link dropped one segment of a connection attempt (a SYN or its SYN-ACK); the
   * kernel's first SYN retransmission comes after a second, later than any probe waits.
   */
  boolean probeSegmentLost() {
    return lossRate > 0 && probes.nextDouble() < lossRate;
  }

  /** One-way delay of a probe's segment, like {@link #delay}. */
  Duration probeDelay() {
    long base = 200_000L + probes.nextInt(300_000);
    long extra = extraDelayNanos == 0 ? 0 : (long) (probes.nextDouble() * extraDelayNanos);
    return Duration.ofNanos(base + extra);
  }

  /** Whether TCP from {@code from} to {@code to} gets through now. */
  boolean up(int from, int to) {
    return pairCuts == 0 && isolations[from] == 0 && isolations[to] == 0;
  }

  boolean apiReachable(int node) {
    return apiCuts[node] == 0 && isolations[node] == 0;
  }

  boolean clientReaches(int node) {
    return isolations[node] == 0;
  }

  /** One-way delay of a TCP segment or datagram now. */
  Duration delay() {
    long base = 200_000L + random.nextInt(300_000);
    long extra = extraDelayNanos == 0 ? 0 : (long) (random.nextDouble() * extraDelayNanos);
    return Duration.ofNanos(base + extra);
  }

  /**
   * One-way delay of a TCP segment between the two nodes: {@link #delay}, plus a retransmission
   * timeout (200 ms, doubling) for every time the lossy link dropped it.
   */
  Duration pairDelay() {
    Duration delay = delay();
    long rto = 200_000_000L;
    while (lossRate > 0 && random.nextDouble() < lossRate && rto < 60_000_000_000L) {
      delay = delay.plusNanos(rto);
      rto *= 2;
    }
    return delay;
  }

  /** Whether the lossy link dropped one segment of a replication stream (resent later). */
  boolean lossySegmentDropped() {
    return lossRate > 0 && random.nextDouble() < lossRate;
  }

  boolean dropDatagram() {
    double rate = 1 - (1 - dropRate) * (1 - lossRate);
    return rate > 0 && random.nextDouble() < rate;
  }

  boolean duplicateDatagram() {
    return duplicateRate > 0 && random.nextDouble() < duplicateRate;
  }
}

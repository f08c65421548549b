package io.redisha.bench;

/**
 * The cost of one HA daemon on one host while the pair is idle.
 *
 * @param daemon what was measured
 * @param settings how it was configured
 * @param rssKib resident memory at the end of the idle window (KiB), all its processes together
 * @param cpuPercent CPU used during the idle window, in percent of one core (children it reaped,
 *     such as check scripts, included)
 * @param startupMillis for the agent: from starting the JVM until its status endpoint reported a
 *     VRRP state for every group; -1 otherwise
 * @param note anything that qualifies the figures
 */
public record FootprintRow(
    String daemon,
    String settings,
    long rssKib,
    double cpuPercent,
    long startupMillis,
    String note) {}

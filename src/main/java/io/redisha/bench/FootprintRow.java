package io.redisha.bench;

/**
 * The cost of one HA daemon on one host while the pair is idle.
 *
 * @param daemon what was measured
 * @param variant for the agent on the class path, the JVM setting's short name ({@link
 *     AgentJvm.Variant#name()}); "" otherwise
 * @param settings how it was configured
 * @param groups the number of Redis groups of the pair
 * @param rssKib resident memory at the end of the idle window (KiB), its long-lived processes
 *     together (check scripts that come and go are left out)
 * @param cpuPercent CPU used during the idle window, in percent of one core (children it reaped,
 *     such as check scripts, included)
 * @param threads threads of its long-lived processes at the end of the idle window
 * @param startupMillis for the agent: from starting the JVM until its status endpoint reported a
 *     VRRP state for every group; -1 otherwise
 * @param note anything that qualifies the figures
 */
public record FootprintRow(
    String daemon,
    String variant,
    String settings,
    int groups,
    long rssKib,
    double cpuPercent,
    int threads,
    long startupMillis,
    String note) {}

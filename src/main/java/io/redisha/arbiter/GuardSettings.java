package io.redisha.arbiter;

import java.time.Duration;
import java.util.Objects;

/**
 * What the split-brain guards of one node need to know, and nothing more.
 *
 * @param protection the pair's protection mode
 * @param localNode this node's name (the holder identity in the lease record)
 * @param advertInterval the VRRP advert interval
 * @param healthInterval the Redis health-check interval
 */
public record GuardSettings(
    Protection protection, String localNode, Duration advertInterval, Duration healthInterval) {
  public GuardSettings {
    Objects.requireNonNull(protection, "protection");
    Objects.requireNonNull(localNode, "localNode");
    Objects.requireNonNull(advertInterval, "advertInterval");
    Objects.requireNonNull(healthInterval, "healthInterval");
  }

  /** The fence timing these intervals give. */
  public FenceTiming timing() {
    return FenceTiming.of(advertInterval, healthInterval);
  }
}

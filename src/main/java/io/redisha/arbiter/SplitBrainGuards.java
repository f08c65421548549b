package io.redisha.arbiter;

import io.redisha.agent.PairSettings;
import io.redisha.clock.Scheduler;
import java.time.Duration;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.Function;

/** Builds the guard a pair's {@code splitBrainProtection} asks for, one per group. */
public final class SplitBrainGuards {
  private SplitBrainGuards() {}

  /** The timing of {@code pair}: from its advert interval and health interval. */
  public static FenceTiming timing(PairSettings pair) {
    return FenceTiming.of(Duration.ofMillis(pair.intervalCentis() * 10L), pair.health().interval());
  }

  /** Name of the Lease of one group: {@code redisha-<pair>-<group>}, lower case. */
  public static String leaseName(PairSettings pair, PairSettings.Group group) {
    return ("redisha-" + pair.pairName() + "-" + group.name()).toLowerCase(Locale.ROOT);
  }

  /**
   * The guard for {@code group}.
   *
   * @param leases opens the Lease with the given name (only called for {@code Lease}); in the
   *     cluster a {@code FabricLeasePort} in the agent's namespace
   * @param log where the guard's notable events go
   */
  public static SplitBrainGuard create(
      PairSettings pair,
      PairSettings.Group group,
      Scheduler scheduler,
      Function<String, LeasePort> leases,
      Consumer<String> log) {
    return switch (pair.protection()) {
      case NONE -> SplitBrainGuard.NONE;
      case LEASE ->
          new LeaseGuard(
              pair.localNode(),
              timing(pair),
              scheduler,
              leases.apply(leaseName(pair, group)),
              message -> log.accept("group " + group.name() + ": " + message));
      case WITNESS -> {
        if (pair.witness() == null) {
          throw new IllegalArgumentException(
              "witness: required when splitBrainProtection is Witness");
        }
        yield new WitnessGuard(
            timing(pair),
            scheduler,
            new TcpWitnessPort(pair.witness().address(), pair.witness().port(), scheduler),
            pair.witness().timeout());
      }
    };
  }
}

package io.redisha.arbiter;

import java.time.Duration;
import java.util.function.Consumer;

/** A reachability probe of the witness; the answer arrives on the guard's scheduler thread. */
public interface WitnessPort {
  /** Tries to reach the witness within {@code timeout}; {@code done} gets whether it answered. */
  void probe(Duration timeout, Consumer<Boolean> done);

  /** Where the witness is, for status. */
  String describe();

  default void close() {}
}

package io.redisha.net;

import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;

/**
 * Refuses, for a while after a release, the connects to a VIP that still reach this host (see
 * {@link SynRefuser}). Prepared while the VIP is held, armed just before the address goes (so no
 * SYN falls between the address and the refusal), answering once it is gone.
 */
public interface ConnectRefusal extends Closeable {
  /** Starts queueing the SYNs to the VIP's port; cheap (a few system calls), no thread yet. */
  void arm() throws IOException;

  /** Answers the queued and the coming SYNs on a thread of its own, for {@code window} at most. */
  void answer(Duration window);

  /** How many SYNs were answered with a RST so far. */
  int refused();

  /** Stops at once: when it returns, no further RST leaves. Idempotent, from any thread. */
  @Override
  void close();
}

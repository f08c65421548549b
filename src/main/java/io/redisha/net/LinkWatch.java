package io.redisha.net;

import java.io.IOException;

/**
 * Follows one network interface's state, by name. {@link LinkMonitor} is the kernel's (rtnetlink
 * notifications); tests and the simulation supply their own.
 */
public interface LinkWatch extends AutoCloseable {

  /** The latest state; known from the moment the watch is opened. */
  LinkState current();

  /** Stops watching; the listener is not called after this returns. Idempotent. */
  @Override
  void close();

  /** Hears the interface's state each time its {@link LinkState#condition()} changes. */
  @FunctionalInterface
  interface Listener {
    /**
     * Called on the watch's own thread, one call at a time, in the order of the changes. A slow
     * listener delays the next change; an exception is logged and the watch goes on.
     */
    void linkChanged(LinkState state);
  }

  /** Opens a watch; the agent takes one so tests can give it a fake. */
  @FunctionalInterface
  interface Factory {
    /**
     * Starts watching {@code interfaceName}; fails with one line when it does not exist or cannot
     * be watched. The listener hears changes after the state {@link #current()} returns at start.
     */
    LinkWatch open(String interfaceName, Listener listener) throws IOException;
  }

  /** The kernel's watch: {@link LinkMonitor#open}, in the calling thread's network namespace. */
  static Factory netlink() {
    return LinkMonitor::open;
  }
}

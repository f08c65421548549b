package io.redisha.net;

import io.redisha.net.LinkState.OperState;
import io.redisha.net.LinkState.Presence;
import java.io.IOException;
import java.util.Objects;

/**
 * A {@link LinkWatch} whose state a test sets: the listener is called on the setting thread, at
 * once, when the condition changes, as {@link LinkMonitor} does on its own thread. For agent tests
 * and the simulation, where the kernel is not the point.
 */
public final class SettableLinkWatch implements LinkWatch {
  private final String interfaceName;
  private LinkState current;
  private Listener listener;
  private boolean closed;
  private int index;

  private SettableLinkWatch(String interfaceName) {
    this.interfaceName = Objects.requireNonNull(interfaceName, "interfaceName");
    this.index = 2;
    this.current = up(index);
  }

  /** A watch of {@code interfaceName} that starts usable. */
  public static SettableLinkWatch usable(String interfaceName) {
    return new SettableLinkWatch(interfaceName);
  }

  /** Opens this watch for its own interface; any other name fails as the kernel's would. */
  public LinkWatch.Factory factory() {
    return (name, newListener) -> {
      synchronized (this) {
        if (!name.equals(interfaceName)) {
          throw new IOException(LinkMonitor.notFound(name));
        }
        listener = Objects.requireNonNull(newListener, "listener");
        closed = false;
        return this;
      }
    };
  }

  /** {@code ip link set X down}. */
  public void linkDown() {
    set(new LinkState(interfaceName, index, Presence.PRESENT, false, false, false, OperState.DOWN));
  }

  /** The peer or the switch port went away: admin up, no carrier. */
  public void carrierLost() {
    set(new LinkState(interfaceName, index, Presence.PRESENT, true, false, false, OperState.DOWN));
  }

  /** Deleted; a later {@link #linkUp} comes back with a new index, as a re-created interface. */
  public void gone() {
    set(LinkState.gone(interfaceName, index));
    index++;
  }

  /** Usable again. */
  public void linkUp() {
    set(up(index));
  }

  /** Any state; the listener hears it if the condition changed and the watch is open. */
  public void set(LinkState next) {
    Listener toCall;
    synchronized (this) {
      LinkState previous = current;
      current = Objects.requireNonNull(next, "next");
      toCall =
          !closed && listener != null && previous.condition() != next.condition() ? listener : null;
    }
    if (toCall != null) {
      toCall.linkChanged(next);
    }
  }

  @Override
  public synchronized LinkState current() {
    return current;
  }

  @Override
  public synchronized void close() {
    closed = true;
  }

  /** Whether the watch was closed (and not opened again). */
  public synchronized boolean closed() {
    return closed;
  }

  private LinkState up(int withIndex) {
    return new LinkState(
        interfaceName, withIndex, Presence.PRESENT, true, true, true, OperState.UP);
  }
}

package io.redisha.net;

import java.util.Objects;
import java.util.Optional;

/**
 * Follows one interface by name through the kernel's link messages, whatever index it has: a
 * message about another interface is ignored, unless it shows the watched index under a new name
 * (the watched one was renamed away). Pure: messages in, states out.
 */
final class LinkTracker {
  private final String interfaceName;
  private LinkState state;

  LinkTracker(String interfaceName) {
    this.interfaceName = Objects.requireNonNull(interfaceName, "interfaceName");
  }

  /** The latest state, or empty before any message about the interface. */
  Optional<LinkState> state() {
    return Optional.ofNullable(state);
  }

  /** Applies one message; returns the interface's new state when the message was about it. */
  Optional<LinkState> apply(RtnetlinkMessages.Message message) {
    Optional<LinkState> link = RtnetlinkMessages.link(message);
    if (link.isEmpty()) {
      return Optional.empty();
    }
    LinkState described = link.get();
    if (described.name().equals(interfaceName)) {
      state = described;
      return Optional.of(state);
    }
    if (state != null
        && state.presence() == LinkState.Presence.PRESENT
        && described.index() == state.index()) {
      state = LinkState.gone(interfaceName, state.index());
      return Optional.of(state);
    }
    return Optional.empty();
  }

  /** The kernel said there is no interface by this name (ENODEV to a request). */
  LinkState absent() {
    state = LinkState.gone(interfaceName, state == null ? 0 : state.index());
    return state;
  }
}

package io.redisha.api;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.redisha.vrrp.VrrpState;

/**
 * A node's VRRP state as the agent's report and the resource's status carry it: one of the state
 * machine's states ({@link VrrpState}, same names), or {@code Unknown} when the operator has no
 * current report from the node.
 */
public enum ReportedVrrpState {
  INITIALIZE("INITIALIZE"),
  BACKUP("BACKUP"),
  MASTER("MASTER"),
  FAULT("FAULT"),
  UNKNOWN("Unknown");

  private final String text;

  ReportedVrrpState(String text) {
    this.text = text;
  }

  /** The text on the wire and in the status. */
  @JsonValue
  public String text() {
    return text;
  }

  /** The state machine's state as reported. */
  public static ReportedVrrpState of(VrrpState state) {
    return switch (state) {
      case INITIALIZE -> INITIALIZE;
      case BACKUP -> BACKUP;
      case MASTER -> MASTER;
      case FAULT -> FAULT;
    };
  }

  /**
   * Reads a reported state, ignoring case; a state this version does not know (from a newer agent)
   * reads as {@link #UNKNOWN} rather than making the whole report unreadable.
   */
  @JsonCreator
  public static ReportedVrrpState fromText(String text) {
    return WireText.find(values(), ReportedVrrpState::text, text).orElse(UNKNOWN);
  }

  @Override
  public String toString() {
    return text;
  }
}

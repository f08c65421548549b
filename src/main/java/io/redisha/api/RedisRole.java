package io.redisha.api;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * The role of a node's Redis as the agent reports it: Redis's own lowercase names, or {@code
 * unknown} when Redis does not answer or fails its health check.
 */
public enum RedisRole {
  MASTER("master"),
  REPLICA("replica"),
  UNKNOWN("unknown");

  private final String text;

  RedisRole(String text) {
    this.text = text;
  }

  /** The text on the wire and in the status. */
  @JsonValue
  public String text() {
    return text;
  }

  /** Reads a reported role, ignoring case; a role this version does not know reads as unknown. */
  @JsonCreator
  public static RedisRole fromText(String text) {
    return WireText.find(values(), RedisRole::text, text).orElse(UNKNOWN);
  }

  @Override
  public String toString() {
    return text;
  }
}

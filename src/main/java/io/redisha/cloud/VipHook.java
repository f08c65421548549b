package io.redisha.cloud;

/** A provider that makes the cloud route a VIP; blocking, called off the agent's thread. */
public interface VipHook {
  /** Short name for status and metrics: exec, webhook, aws, alibaba. */
  String provider();

  /**
   * Does what {@code event} asks; returns normally when the cloud accepted it, throws with a
   * message the operator can act on otherwise. Must end within the configured timeout.
   */
  void call(VipEvent event) throws Exception;
}

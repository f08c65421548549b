package io.redisha.cloud;

/**
 * What a VIP hook is asked to do: route {@code vip} to {@code node} (state MASTER) or stop routing
 * it there (state BACKUP). This record is also the webhook's JSON body.
 *
 * @param group the Redis group
 * @param node this node's name
 * @param vip the VIP address, without prefix
 * @param state MASTER (this node became master) or BACKUP (it stepped down)
 * @param reason why, in words
 */
public record VipEvent(String group, String node, String vip, String state, String reason) {
  public static final String MASTER = "MASTER";
  public static final String BACKUP = "BACKUP";

  public boolean master() {
    return MASTER.equals(state);
  }
}

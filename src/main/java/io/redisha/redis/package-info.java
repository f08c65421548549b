/**
 * The agent's view of Redis: {@link io.redisha.redis.ReplicationInfo} (parsed INFO), {@link
 * io.redisha.redis.RedisNode} (health check and role switches over one connection, with immediate
 * notice of a lost connection or a restart), and the pure rules {@link
 * io.redisha.redis.HealthTracker} (fall/rise) and {@link io.redisha.redis.DataGuard} (S5: who may
 * become master without losing data).
 *
 * <p>The replica-safety rules the group controller applies are pure functions of INFO snapshots,
 * what the router heard from the peer ({@link io.redisha.redis.PeerAdverts}) and timestamps: {@link
 * io.redisha.redis.PromotionGate} (may this node become master), {@link
 * io.redisha.redis.ReplicaFollow} (may our Redis follow the peer's), {@link
 * io.redisha.redis.ReplicaDetach} (must it let go of the peer's), {@link
 * io.redisha.redis.RestartQuarantine} (a restarted Redis) and {@link
 * io.redisha.redis.MasterConflict} (two masters meet). {@link io.redisha.redis.PeerLink} reads how
 * the two servers are linked.
 */
package io.redisha.redis;

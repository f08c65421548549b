/**
 * The agent's view of Redis: {@link io.redisha.redis.ReplicationInfo} (parsed INFO), {@link
 * io.redisha.redis.RedisNode} (health check and role switches over one connection, with immediate
 * notice of a lost connection or a restart), and the pure rules {@link
 * io.redisha.redis.HealthTracker} (fall/rise) and {@link io.redisha.redis.DataGuard} (S5: who may
 * become master without losing data).
 */
package io.redisha.redis;

package io.redisha.redis;

/**
 * Turns single check results into a health state with hysteresis, like keepalived's {@code
 * vrrp_script} {@code fall}/{@code rise}: {@code fall} failures in a row take an UP server DOWN,
 * {@code rise} successes in a row bring a DOWN server UP. A lost connection takes it DOWN at once.
 *
 * <p>It starts DOWN. keepalived starts a script as passed unless {@code init_fail} is set; we start
 * as {@code init_fail} does because an agent that has not yet seen its Redis answer must not win
 * the VRRP election on a fresh start or after its own restart: it would take the VIP for a Redis
 * that may be dead or empty. The cost is {@code rise} check intervals before a fresh agent can
 * become master.
 *
 * <p>Pure: no I/O, no clock; the caller decides when to check. Not thread-safe: feed it from one
 * thread (the agent's per-group loop).
 */
public final class HealthTracker {

  /** Health of the local Redis as the agent acts on it. */
  public enum Health {
    UP,
    DOWN
  }

  private final int fall;
  private final int rise;
  private Health health = Health.DOWN;
  private int streak; // failures in a row while UP, successes in a row while DOWN

  /**
   * @param fall consecutive failures that take an UP server DOWN, at least 1
   * @param rise consecutive successes that bring a DOWN server UP, at least 1
   */
  public HealthTracker(int fall, int rise) {
    if (fall < 1) {
      throw new IllegalArgumentException("fall must be at least 1, was " + fall);
    }
    if (rise < 1) {
      throw new IllegalArgumentException("rise must be at least 1, was " + rise);
    }
    this.fall = fall;
    this.rise = rise;
  }

  /** Records one check result and returns the health after it. */
  public Health record(boolean success) {
    boolean countsTowardChange = (health == Health.UP) != success;
    streak = countsTowardChange ? streak + 1 : 0;
    if (health == Health.UP && streak >= fall) {
      health = Health.DOWN;
      streak = 0;
    } else if (health == Health.DOWN && streak >= rise) {
      health = Health.UP;
      streak = 0;
    }
    return health;
  }

  /**
   * The connection to Redis was lost, or Redis came back as a new process: DOWN at once, and {@code
   * rise} successes are needed again.
   */
  public Health connectionLost() {
    health = Health.DOWN;
    streak = 0;
    return health;
  }

  /** The current health. */
  public Health health() {
    return health;
  }

  @Override
  public String toString() {
    return "HealthTracker["
        + health
        + ", streak "
        + streak
        + ", fall "
        + fall
        + ", rise "
        + rise
        + "]";
  }
}

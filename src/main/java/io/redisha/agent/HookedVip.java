package io.redisha.agent;

import io.redisha.api.AgentReport.CloudRouting;
import io.redisha.api.AgentReport.CloudRouting.Request;
import io.redisha.api.AgentReport.CloudRouting.Result;
import io.redisha.clock.Scheduler;
import io.redisha.clock.Scheduler.Cancellable;
import io.redisha.cloud.VipEvent;
import io.redisha.cloud.VipHook;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * A VIP that also asks the cloud to route it: after the address is added (and after it is removed)
 * the group's {@link VipHook} is called on its own thread, so a slow or failing cloud never holds
 * up VRRP. Failed calls are retried with a doubling backoff; a newer request (the node stepped down
 * meanwhile) replaces an older one. The hook's outcome never adds or removes the address itself, so
 * a failing cloud cannot make the VIP flap; it shows in {@link #status()}.
 *
 * <p>Every method runs on the agent's scheduler thread; only the hook call runs elsewhere.
 */
public final class HookedVip implements VipPort {
  static final Duration FIRST_RETRY = Duration.ofMillis(500);

  /** Releasing is best effort: the peer's own assignment takes the address anyway. */
  static final int RELEASE_ATTEMPTS = 5;

  private final VipPort delegate;
  private final VipHook hook;
  private final String group;
  private final String node;
  private final String vip;
  private final Scheduler scheduler;
  private final Executor calls;
  private final Duration retryMax;
  private final Consumer<String> log;
  private final Runnable changed;

  private VipEvent wanted;
  private long generation;
  private boolean inFlight;
  private int attempts;
  private Cancellable retry = Cancellable.NONE;
  private CloudRouting status;

  /**
   * @param calls runs the blocking hook calls, off the scheduler thread
   * @param changed told when {@link #status()} changed, on the scheduler thread
   */
  public HookedVip(
      VipPort delegate,
      VipHook hook,
      String group,
      String node,
      String vip,
      Scheduler scheduler,
      Executor calls,
      Duration retryMax,
      Consumer<String> log,
      Runnable changed) {
    this.delegate = delegate;
    this.hook = hook;
    this.group = group;
    this.node = node;
    this.vip = vip;
    this.scheduler = scheduler;
    this.calls = calls;
    this.retryMax = retryMax;
    this.log = log;
    this.changed = changed;
  }

  @Override
  public void add() {
    boolean before = delegate.held();
    delegate.add();
    if (!before && delegate.held()) {
      request(VipEvent.MASTER, "became master");
    }
  }

  @Override
  public void remove() {
    boolean before = delegate.held();
    delegate.remove();
    if (before) {
      request(VipEvent.BACKUP, "stepped down");
    }
  }

  @Override
  public void reannounce() {
    delegate.reannounce();
    if (delegate.held()) {
      // The peer may have claimed the address in the cloud too while both were master.
      request(VipEvent.MASTER, "announced again after a conflict");
    }
  }

  @Override
  public boolean held() {
    return delegate.held();
  }

  /** The last outcome, or null before the first request. */
  public CloudRouting status() {
    return status;
  }

  private void request(String state, String reason) {
    wanted = new VipEvent(group, node, vip, state, reason);
    generation++;
    attempts = 0;
    retry.cancel();
    status = new CloudRouting(hook.provider(), requestOf(wanted), Result.PENDING, 0, null, now());
    changed.run();
    if (!inFlight) {
      dispatch();
    }
  }

  private void dispatch() {
    inFlight = true;
    long callGeneration = generation;
    VipEvent event = wanted;
    calls.execute(
        () -> {
          String error = null;
          try {
            hook.call(event);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            error = "interrupted";
          } catch (Exception e) {
            error = e.getMessage() == null ? e.toString() : e.getMessage();
          }
          String result = error;
          try {
            scheduler.execute(() -> done(callGeneration, event, result));
          } catch (RuntimeException e) {
            // The agent stopped while the call ran: nobody is left to tell.
          }
        });
  }

  private void done(long callGeneration, VipEvent event, String error) {
    inFlight = false;
    if (callGeneration != generation) {
      dispatch();
      return;
    }
    attempts++;
    if (error == null) {
      if (attempts > 1 || !event.master()) {
        log.accept(
            "group " + group + ": " + hook.provider() + " " + event.state() + " call succeeded");
      }
      status =
          new CloudRouting(
              hook.provider(), requestOf(event), Result.SUCCEEDED, attempts, null, now());
      changed.run();
      return;
    }
    status =
        new CloudRouting(hook.provider(), requestOf(event), Result.FAILED, attempts, error, now());
    changed.run();
    if (!event.master() && attempts >= RELEASE_ATTEMPTS) {
      log.accept(
          "group "
              + group
              + ": "
              + hook.provider()
              + " release failed "
              + attempts
              + " times, giving up: "
              + error);
      return;
    }
    Duration delay = backoff(attempts, retryMax);
    log.accept(
        "group "
            + group
            + ": "
            + hook.provider()
            + " "
            + event.state()
            + " call failed (attempt "
            + attempts
            + "), retrying in "
            + delay.toMillis()
            + " ms: "
            + error);
    retry =
        scheduler.schedule(
            delay,
            () -> {
              if (callGeneration == generation && !inFlight) {
                dispatch();
              }
            });
  }

  private static Request requestOf(VipEvent event) {
    return event.master() ? Request.MASTER : Request.BACKUP;
  }

  /** 500 ms, 1 s, 2 s, ... up to {@code max}. */
  static Duration backoff(int attempts, Duration max) {
    long millis = FIRST_RETRY.toMillis() << Math.min(attempts - 1, 20);
    return Duration.ofMillis(Math.min(millis, max.toMillis()));
  }

  private String now() {
    return Instant.ofEpochMilli(scheduler.epochMillis()).toString();
  }
}

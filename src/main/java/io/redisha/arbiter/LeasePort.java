package io.redisha.arbiter;

import java.util.function.Consumer;

/**
 * One group's lease record as the {@link LeaseGuard} sees it: a Kubernetes Lease
 * (coordination.k8s.io/v1), or a key in etcd with the same fields. Every call returns at once; its
 * result arrives later on the guard's scheduler thread. Updates carry the resourceVersion they were
 * based on, and the store must refuse a stale one ({@link Result.Conflict}): that refusal is what
 * makes two contenders unable to both win.
 */
public interface LeasePort {

  /**
   * The fields of the Lease the guard uses.
   *
   * @param holder {@code spec.holderIdentity}, or null when nobody holds it
   * @param durationSeconds {@code spec.leaseDurationSeconds}
   * @param renewEpochMillis {@code spec.renewTime}, for humans only (clocks of the nodes differ)
   * @param transitions {@code spec.leaseTransitions}
   * @param resourceVersion {@code metadata.resourceVersion}, null for a record not yet stored
   */
  record LeaseRecord(
      String holder,
      int durationSeconds,
      long renewEpochMillis,
      int transitions,
      String resourceVersion) {

    /** Whether nobody holds the Lease. */
    public boolean free() {
      return holder == null || holder.isEmpty();
    }
  }

  /** The outcome of one call. */
  sealed interface Result {}

  /** The Lease as stored after the call. */
  record Found(LeaseRecord lease) implements Result {}

  /** There is no such Lease (get) . */
  record NotFound() implements Result {}

  /** 409: the Lease exists already (create) or changed since the given resourceVersion (update). */
  record Conflict(String detail) implements Result {}

  /** Anything else: unreachable API server, timeout, forbidden. */
  record Failed(String error) implements Result {}

  void get(Consumer<Result> done);

  void create(LeaseRecord lease, Consumer<Result> done);

  /** Replaces the Lease if its resourceVersion is still {@code lease.resourceVersion()}. */
  void update(LeaseRecord lease, Consumer<Result> done);

  /** Where the Lease lives, for status, e.g. "redis/redisha-cache-a". */
  String describe();

  /**
   * The record as messages name it: {@code "Lease redis/redisha-cache-a"}, or what {@link
   * #describe} says when that names its kind already ({@code "etcd /redisha/cache/a"}).
   */
  default String title() {
    return "Lease " + describe();
  }

  /** Who answers the calls, for messages: "API server", "etcd". */
  default String store() {
    return "API server";
  }

  /** Frees resources; pending callbacks may be dropped. */
  default void close() {}
}

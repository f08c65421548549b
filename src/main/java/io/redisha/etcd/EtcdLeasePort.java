package io.redisha.etcd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.redisha.arbiter.LeasePort;
import io.redisha.clock.Scheduler;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A group's lease record as one etcd key, {@code <prefix>/<pair>/<group>}, the way Patroni keeps
 * its leader key: the value is the record as JSON, the resourceVersion is the key's {@code
 * mod_revision}, and every write is a transaction whose compare decides races ({@code
 * create_revision == 0} to create, {@code mod_revision == resourceVersion} to update), so of two
 * contenders exactly one wins and the other gets {@link Conflict}.
 *
 * <p>The key is bound to an etcd lease of this port with a TTL of twice the record's duration, so
 * an abandoned key disappears by itself. That TTL is no fence (etcd restarts lease timers when its
 * own leader changes); the {@code LeaseGuard} fences on its own clock. But the key must not vanish
 * while its writer still counts on it (a contender that finds no key may create it at once), so a
 * write is bound to a lease refreshed within the last half TTL: the key then lives at least one
 * record duration after the write, longer than the writer's hold. While renewals follow each other
 * a write is one round trip, as the lease is kept alive after a write once a quarter of its TTL has
 * passed since the last refresh; the first write after a quiet spell takes a new lease first. A
 * lease that etcd forgot anyway makes the write fail with "lease not found", and the write is made
 * again on a new lease.
 *
 * <p>Calls run one after another on a virtual thread of their own, each bounded by the gateway's
 * call timeout counted from the moment the guard asked; results go back to the scheduler.
 */
public final class EtcdLeasePort implements LeasePort {
  private static final Base64.Encoder BASE64 = Base64.getEncoder();
  private static final Base64.Decoder BASE64_DECODER = Base64.getDecoder();

  private final EtcdGateway gateway;
  private final String key;
  private final Scheduler scheduler;
  private final ExecutorService calls;
  private volatile boolean closed;

  // The etcd lease this port attaches to its writes; only touched on the calls thread.
  private long leaseId;
  private long leaseTtlSeconds;
  private long leaseRefreshSentNanos;

  /**
   * @param gateway the agent's gateway to the etcd cluster, shared by its groups
   * @param pair the pair's name
   * @param group the group's name
   * @param scheduler the guard's scheduler: every result is delivered on it
   */
  public EtcdLeasePort(EtcdGateway gateway, String pair, String group, Scheduler scheduler) {
    this.gateway = Objects.requireNonNull(gateway, "gateway");
    this.key = gateway.key(Objects.requireNonNull(pair, "pair"), Objects.requireNonNull(group));
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    this.calls =
        Executors.newSingleThreadExecutor(
            Thread.ofVirtual().name("etcd-" + group + "-", 0).factory());
  }

  @Override
  public void get(Consumer<Result> done) {
    call(deadline -> read(deadline), done);
  }

  @Override
  public void create(LeaseRecord lease, Consumer<Result> done) {
    call(deadline -> write(lease, compareCreated(), deadline, false), done);
  }

  @Override
  public void update(LeaseRecord lease, Consumer<Result> done) {
    long revision;
    try {
      revision = Long.parseLong(String.valueOf(lease.resourceVersion()));
    } catch (NumberFormatException e) {
      Result bad =
          new Failed("resourceVersion '" + lease.resourceVersion() + "' is no etcd revision");
      scheduler.execute(() -> done.accept(bad));
      return;
    }
    call(deadline -> write(lease, compareModified(revision), deadline, false), done);
  }

  @Override
  public String describe() {
    return "etcd " + key;
  }

  @Override
  public String title() {
    return describe();
  }

  @Override
  public String store() {
    return "etcd";
  }

  /**
   * Delivers no more results. Calls already asked for still go out, each within its deadline, so
   * the release a closing guard asks for reaches etcd; the gateway stays open for the other groups.
   */
  @Override
  public void close() {
    closed = true;
    calls.shutdown();
  }

  public boolean isClosed() {
    return closed;
  }

  /** Waits up to {@code timeout} for the calls asked for before {@link #close} to be over. */
  public boolean awaitClosed(Duration timeout) throws InterruptedException {
    return calls.awaitTermination(timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  /** The etcd key this port writes. */
  public String key() {
    return key;
  }

  @FunctionalInterface
  private interface Request {
    Result run(long deadlineNanos) throws EtcdCallException;
  }

  private void call(Request request, Consumer<Result> done) {
    if (closed) {
      return;
    }
    long deadline = gateway.deadlineFromNow();
    try {
      calls.execute(
          () -> {
            Result result;
            try {
              result = request.run(deadline);
            } catch (EtcdCallException e) {
              result = new Failed(e.getMessage());
            } catch (RuntimeException e) {
              result = new Failed("etcd call failed: " + e);
            }
            Result answer = result;
            if (!closed) {
              scheduler.execute(() -> done.accept(answer));
            }
            keepAliveIfDue();
          });
    } catch (RejectedExecutionException e) {
      // closed meanwhile: pending callbacks may be dropped
    }
  }

  private Result read(long deadline) throws EtcdCallException {
    JsonNode answer = gateway.post("/v3/kv/range", rangeOf(key), deadline);
    JsonNode kvs = answer.path("kvs");
    if (!kvs.isArray() || kvs.isEmpty()) {
      return new NotFound();
    }
    return decode(kvs.get(0));
  }

  /**
   * One transaction: if {@code compare} holds, put the record bound to our etcd lease; else read
   * the key, so a conflict says who holds it.
   *
   * @param rebased whether this is the second transaction of the call, made on the revision of a
   *     record this node wrote in an earlier call
   */
  private Result write(LeaseRecord lease, ObjectNode compare, long deadline, boolean rebased)
      throws EtcdCallException {
    long ttl = Math.max(2, 2L * lease.durationSeconds());
    // The key must outlive the hold this write gives: bound to a lease refreshed within the last
    // half TTL (one record duration), it lives at least one record duration after the write.
    if (leaseId == 0
        || leaseTtlSeconds != ttl
        || System.nanoTime() - leaseRefreshSentNanos >= ttl * 1_000_000_000L / 2) {
      grant(ttl, deadline);
    }
    JsonNode answer;
    try {
      answer = gateway.post("/v3/kv/txn", transaction(lease, compare), deadline);
    } catch (EtcdCallException e) {
      if (!e.leaseNotFound()) {
        throw e;
      }
      // etcd forgot our lease before our own reckoning said it would: take a new one, once.
      grant(ttl, deadline);
      answer = gateway.post("/v3/kv/txn", transaction(lease, compare), deadline);
    }
    if (answer.path("succeeded").asBoolean(false)) {
      long revision = answer.path("header").path("revision").asLong();
      return new Found(
          new LeaseRecord(
              lease.holder(),
              lease.durationSeconds(),
              lease.renewEpochMillis(),
              lease.transitions(),
              Long.toString(revision)));
    }
    JsonNode kvs = answer.path("responses").path(0).path("response_range").path("kvs");
    if (!kvs.isArray() || kvs.isEmpty()) {
      if (compare.path("target").asText().equals("MOD")) {
        return new NotFound();
      }
      return new Conflict("key " + key + " changed while we wrote it");
    }
    Result current = decode(kvs.get(0));
    if (current instanceof Found found && ownWrite(found.lease(), lease)) {
      // An earlier try of this call was applied, but its answer was lost or came as "leader
      // changed", and the gateway tried again on another member: the key holds what we wrote,
      // committed after this call was asked, so the guard's hold counted from then is safe.
      return found;
    }
    if (current instanceof Found found
        && !rebased
        && !lease.free()
        && lease.holder().equals(found.lease().holder())) {
      // An earlier call of ours was applied although it failed for us (its answer came too late
      // or not at all). Its commit may be older than this call, so it proves nothing about now:
      // write again on its revision, and the new commit is the proof.
      long revision = Long.parseLong(found.lease().resourceVersion());
      return write(lease, compareModified(revision), deadline, true);
    }
    if (current instanceof Found found) {
      return new Conflict(
          "key "
              + key
              + " is at revision "
              + found.lease().resourceVersion()
              + ", held by "
              + (found.lease().free() ? "nobody" : found.lease().holder()));
    }
    return current;
  }

  /**
   * Whether {@code stored} is the record this call wrote: the same holder, duration, renewal time
   * and transitions. Only this node writes its own name, and each of its writes carries a new
   * renewal time, so an equal record is this write, applied by an earlier try.
   */
  static boolean ownWrite(LeaseRecord stored, LeaseRecord written) {
    return !written.free()
        && written.holder().equals(stored.holder())
        && written.durationSeconds() == stored.durationSeconds()
        && written.renewEpochMillis() == stored.renewEpochMillis()
        && written.transitions() == stored.transitions();
  }

  /** A new etcd lease of {@code ttlSeconds} for the writes from now on. */
  private void grant(long ttlSeconds, long deadline) throws EtcdCallException {
    leaseId = 0;
    long sent = System.nanoTime();
    ObjectNode grant =
        EtcdGateway.JSON.createObjectNode().put("TTL", Long.toString(ttlSeconds)).put("ID", "0");
    JsonNode answer = gateway.post("/v3/lease/grant", grant, deadline);
    long granted = answer.path("ID").asLong(0);
    if (granted == 0) {
      throw new EtcdCallException(2, "etcd granted no lease: " + answer.path("error").asText(""));
    }
    leaseId = granted;
    leaseTtlSeconds = ttlSeconds;
    leaseRefreshSentNanos = sent;
  }

  /**
   * After a call: keeps the etcd lease alive once a quarter of its TTL has passed since the last
   * refresh was sent, within a call timeout of its own. Its failure only means the next write may
   * need a new lease.
   */
  private void keepAliveIfDue() {
    long sent = System.nanoTime();
    if (closed
        || leaseId == 0
        || sent - leaseRefreshSentNanos < leaseTtlSeconds * 1_000_000_000L / 4) {
      return;
    }
    ObjectNode keepAlive = EtcdGateway.JSON.createObjectNode().put("ID", Long.toString(leaseId));
    try {
      JsonNode answer = gateway.post("/v3/lease/keepalive", keepAlive, gateway.deadlineFromNow());
      if (answer.path("result").path("TTL").asLong(0) > 0) {
        leaseRefreshSentNanos = sent;
      } else {
        leaseId = 0; // expired or revoked: etcd answers without a TTL
      }
    } catch (EtcdCallException | RuntimeException e) {
      // the next write grants a new lease if this one runs out meanwhile
    }
  }

  private ObjectNode compareCreated() {
    return EtcdGateway.JSON
        .createObjectNode()
        .put("key", encode(key))
        .put("target", "CREATE")
        .put("result", "EQUAL")
        .put("create_revision", "0");
  }

  private ObjectNode compareModified(long revision) {
    return EtcdGateway.JSON
        .createObjectNode()
        .put("key", encode(key))
        .put("target", "MOD")
        .put("result", "EQUAL")
        .put("mod_revision", Long.toString(revision));
  }

  private ObjectNode transaction(LeaseRecord lease, ObjectNode compare) {
    ObjectNode txn = EtcdGateway.JSON.createObjectNode();
    txn.putArray("compare").add(compare);
    ObjectNode put =
        EtcdGateway.JSON
            .createObjectNode()
            .put("key", encode(key))
            .put("value", BASE64.encodeToString(value(lease)))
            .put("lease", Long.toString(leaseId));
    txn.putArray("success").addObject().set("request_put", put);
    ArrayNode failure = txn.putArray("failure");
    failure.addObject().set("request_range", rangeOf(key));
    return txn;
  }

  private static ObjectNode rangeOf(String key) {
    return EtcdGateway.JSON.createObjectNode().put("key", encode(key));
  }

  static String encode(String text) {
    return BASE64.encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  /** The stored value: the record's fields without the revision, which is etcd's own. */
  static byte[] value(LeaseRecord lease) {
    ObjectNode value = EtcdGateway.JSON.createObjectNode();
    if (!lease.free()) {
      value.put("holder", lease.holder());
    }
    value
        .put("durationSeconds", lease.durationSeconds())
        .put("renewEpochMillis", lease.renewEpochMillis())
        .put("transitions", lease.transitions());
    try {
      return EtcdGateway.JSON.writeValueAsBytes(value);
    } catch (IOException e) {
      throw new IllegalStateException("cannot write a lease record", e);
    }
  }

  /** The record in one of etcd's {@code kvs} entries, or Failed when it is not one of ours. */
  Result decode(JsonNode kv) {
    String revision = kv.path("mod_revision").asText("");
    JsonNode value;
    try {
      byte[] raw = BASE64_DECODER.decode(kv.path("value").asText(""));
      value = EtcdGateway.JSON.readTree(raw);
    } catch (IllegalArgumentException | IOException e) {
      value = null;
    }
    if (value == null || !value.isObject() || !value.path("durationSeconds").canConvertToInt()) {
      return new Failed(
          "key "
              + key
              + " holds something other than a redisha lease record; is etcd.prefix shared with"
              + " another program?");
    }
    String holder = value.path("holder").isTextual() ? value.path("holder").asText() : null;
    return new Found(
        new LeaseRecord(
            holder,
            value.path("durationSeconds").asInt(),
            value.path("renewEpochMillis").asLong(),
            value.path("transitions").asInt(),
            revision));
  }
}

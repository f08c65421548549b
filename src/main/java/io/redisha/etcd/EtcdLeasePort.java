package io.redisha.etcd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.redisha.arbiter.LeasePort;
import io.redisha.clock.Scheduler;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
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
 * own leader changes); the {@code LeaseGuard} fences on its own clock. The etcd lease is kept alive
 * whenever a quarter of its TTL has passed since the last refresh was sent, so after any successful
 * write the key lives at least 1.5 record durations longer, which outlasts the writer's own hold.
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
    call(deadline -> write(lease, compareCreated(), deadline), done);
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
    call(deadline -> write(lease, compareModified(revision), deadline), done);
  }

  @Override
  public String describe() {
    return "etcd " + key;
  }

  /** Stops the calls; the gateway stays open for the other groups. */
  @Override
  public void close() {
    closed = true;
    calls.shutdownNow();
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
   */
  private Result write(LeaseRecord lease, ObjectNode compare, long deadline)
      throws EtcdCallException {
    long ttl = Math.max(2, 2L * lease.durationSeconds());
    ensureLease(ttl, deadline);
    JsonNode answer;
    try {
      answer = gateway.post("/v3/kv/txn", transaction(lease, compare), deadline);
    } catch (EtcdCallException e) {
      if (!e.leaseNotFound()) {
        throw e;
      }
      // Our etcd lease ran out between refreshes (the port was idle): take a new one, once.
      leaseId = 0;
      ensureLease(ttl, deadline);
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
    if (current instanceof Found found && sameRecord(found.lease(), lease)) {
      // Our own write: a member committed it, then the answer was lost and the gateway asked the
      // next member, whose compare now sees the record we wrote. It is ours, at that revision.
      return found;
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

  /** Whether {@code stored} is exactly the record {@code written} (its renew time is per write). */
  static boolean sameRecord(LeaseRecord stored, LeaseRecord written) {
    return java.util.Objects.equals(stored.holder(), written.holder())
        && stored.durationSeconds() == written.durationSeconds()
        && stored.renewEpochMillis() == written.renewEpochMillis()
        && stored.transitions() == written.transitions();
  }

  /** Makes sure we have an etcd lease with at least three quarters of its TTL left. */
  private void ensureLease(long ttlSeconds, long deadline) throws EtcdCallException {
    long now = System.nanoTime();
    if (leaseId != 0 && leaseTtlSeconds == ttlSeconds) {
      if (now - leaseRefreshSentNanos < ttlSeconds * 1_000_000_000L / 4) {
        return;
      }
      ObjectNode keepAlive = EtcdGateway.JSON.createObjectNode().put("ID", Long.toString(leaseId));
      JsonNode answer = gateway.post("/v3/lease/keepalive", keepAlive, deadline);
      if (answer.path("result").path("TTL").asLong(0) > 0) {
        leaseRefreshSentNanos = now;
        return;
      }
      leaseId = 0; // expired or revoked: etcd answers without a TTL
    }
    ObjectNode grant =
        EtcdGateway.JSON.createObjectNode().put("TTL", Long.toString(ttlSeconds)).put("ID", "0");
    JsonNode answer = gateway.post("/v3/lease/grant", grant, deadline);
    long granted = answer.path("ID").asLong(0);
    if (granted == 0) {
      throw new EtcdCallException(2, "etcd granted no lease: " + answer.path("error").asText(""));
    }
    leaseId = granted;
    leaseTtlSeconds = ttlSeconds;
    leaseRefreshSentNanos = now;
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

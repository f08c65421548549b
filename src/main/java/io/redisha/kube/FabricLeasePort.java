package io.redisha.kube;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseSpec;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.redisha.arbiter.LeasePort;
import io.redisha.clock.Scheduler;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A group's Lease on a real API server through fabric8. Calls run one after another on a virtual
 * thread of their own; results go back to the scheduler. Updates send the resourceVersion they were
 * based on, so the API server refuses a stale one with 409.
 */
public final class FabricLeasePort implements LeasePort {
  private final KubernetesClient client;
  private final String namespace;
  private final String name;
  private final Scheduler scheduler;
  private final ExecutorService calls =
      Executors.newSingleThreadExecutor(Thread.ofVirtual().name("lease-", 0).factory());

  public FabricLeasePort(
      KubernetesClient client, String namespace, String name, Scheduler scheduler) {
    this.client = client;
    this.namespace = namespace;
    this.name = name;
    this.scheduler = scheduler;
  }

  @Override
  public void get(Consumer<Result> done) {
    call(
        () -> {
          Lease lease = client.leases().inNamespace(namespace).withName(name).get();
          return lease == null ? new NotFound() : new Found(toRecord(lease));
        },
        done);
  }

  @Override
  public void create(LeaseRecord lease, Consumer<Result> done) {
    call(
        () ->
            new Found(
                toRecord(client.leases().inNamespace(namespace).resource(toLease(lease)).create())),
        done);
  }

  @Override
  public void update(LeaseRecord lease, Consumer<Result> done) {
    call(
        () ->
            new Found(
                toRecord(client.leases().inNamespace(namespace).resource(toLease(lease)).update())),
        done);
  }

  @Override
  public String describe() {
    return namespace + "/" + name;
  }

  @Override
  public void close() {
    calls.shutdownNow();
  }

  private void call(Supplier<Result> request, Consumer<Result> done) {
    if (calls.isShutdown()) {
      return;
    }
    calls.execute(
        () -> {
          Result result;
          try {
            result = request.get();
          } catch (KubernetesClientException e) {
            result =
                switch (e.getCode()) {
                  case 409 -> new Conflict(e.getMessage());
                  case 404 -> new NotFound();
                  default -> new Failed(e.getCode() + " " + firstLine(e.getMessage()));
                };
          } catch (RuntimeException e) {
            result = new Failed(firstLine(String.valueOf(e.getMessage())));
          }
          Result answer = result;
          scheduler.execute(() -> done.accept(answer));
        });
  }

  private static String firstLine(String text) {
    if (text == null) {
      return "no detail";
    }
    int newline = text.indexOf('\n');
    return newline < 0 ? text : text.substring(0, newline);
  }

  private Lease toLease(LeaseRecord record) {
    Lease lease = new Lease();
    lease.setMetadata(
        new ObjectMetaBuilder()
            .withName(name)
            .withNamespace(namespace)
            .withResourceVersion(record.resourceVersion())
            .build());
    LeaseSpec spec = new LeaseSpec();
    spec.setHolderIdentity(record.holder());
    spec.setLeaseDurationSeconds(record.durationSeconds());
    spec.setLeaseTransitions(record.transitions());
    spec.setRenewTime(
        ZonedDateTime.ofInstant(Instant.ofEpochMilli(record.renewEpochMillis()), ZoneOffset.UTC));
    lease.setSpec(spec);
    return lease;
  }

  private static LeaseRecord toRecord(Lease lease) {
    LeaseSpec spec = lease.getSpec() == null ? new LeaseSpec() : lease.getSpec();
    long renew = spec.getRenewTime() == null ? 0 : spec.getRenewTime().toInstant().toEpochMilli();
    return new LeaseRecord(
        spec.getHolderIdentity(),
        spec.getLeaseDurationSeconds() == null ? 0 : spec.getLeaseDurationSeconds(),
        renew,
        spec.getLeaseTransitions() == null ? 0 : spec.getLeaseTransitions(),
        lease.getMetadata().getResourceVersion());
  }
}

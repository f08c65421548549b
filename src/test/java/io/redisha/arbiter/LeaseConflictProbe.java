package io.redisha.arbiter;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.redisha.arbiter.LeasePort.LeaseRecord;
import io.redisha.arbiter.LeasePort.Result;
import io.redisha.clock.ExecutorScheduler;
import io.redisha.kube.FabricLeasePort;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Run inside a lab host, configured like an agent (kubeconfig from {@code KUBECONFIG}): two
 * contenders for one Lease through the agent's own {@link FabricLeasePort}; the second writes with
 * the resourceVersion it read before the first renewed. Prints one line per call and exits 0 only
 * when the stale write was refused with 409 and the Lease still names the first holder. {@code
 * LeaseConflictProbe <namespace> <lease>}.
 */
public final class LeaseConflictProbe {
  private LeaseConflictProbe() {}

  public static void main(String[] args) throws Exception {
    String namespace = args[0];
    String name = args[1];
    int exit;
    try (KubernetesClient client = new KubernetesClientBuilder().build();
        ExecutorScheduler scheduler = new ExecutorScheduler("probe")) {
      System.out.println("API server " + client.getConfiguration().getMasterUrl());
      LeasePort first = new FabricLeasePort(client, namespace, name, scheduler);
      LeasePort second = new FabricLeasePort(client, namespace, name, scheduler);
      Result created = call("create by vm-a", d -> first.create(record("vm-a", 0, null), d));
      String version = ((LeasePort.Found) created).lease().resourceVersion();
      Result read = call("read by vm-b", second::get);
      String seenBySecond = ((LeasePort.Found) read).lease().resourceVersion();
      call("renew by vm-a", d -> first.update(record("vm-a", 0, version), d));
      Result stale =
          call(
              "takeover by vm-b on stale version",
              d -> second.update(record("vm-b", 1, seenBySecond), d));
      Result after = call("read by vm-b", second::get);
      boolean refused =
          stale instanceof LeasePort.Conflict conflict && conflict.detail().contains("409");
      boolean kept =
          after instanceof LeasePort.Found found && "vm-a".equals(found.lease().holder());
      System.out.println(refused && kept ? "STALE-REFUSED-409" : "STALE-ACCEPTED");
      exit = refused && kept ? 0 : 1;
    }
    System.exit(exit);
  }

  private static LeaseRecord record(String holder, int transitions, String version) {
    return new LeaseRecord(holder, 4, System.currentTimeMillis(), transitions, version);
  }

  private static Result call(String what, Consumer<Consumer<Result>> request) throws Exception {
    CompletableFuture<Result> result = new CompletableFuture<>();
    request.accept(result::complete);
    Result answer = result.get(30, TimeUnit.SECONDS);
    System.out.println(what + ": " + answer);
    return answer;
  }
}

package io.redisha.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.redisha.arbiter.LeasePort;
import io.redisha.arbiter.LeasePort.LeaseRecord;
import io.redisha.clock.ExecutorScheduler;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Lease takeover relies on the API server refusing an update based on a stale resourceVersion
 * with 409: proven here against fabric8's mock server in CRUD mode, through the production port.
 */
@EnableKubernetesMockClient(crud = true)
class FabricLeasePortTest {
  KubernetesClient client;
  private ExecutorScheduler scheduler;

  @BeforeEach
  void start() {
    scheduler = new ExecutorScheduler("lease-test");
  }

  @AfterEach
  void stop() {
    scheduler.close();
  }

  private static LeasePort.Result await(
      java.util.function.Consumer<java.util.function.Consumer<LeasePort.Result>> call)
      throws Exception {
    CompletableFuture<LeasePort.Result> result = new CompletableFuture<>();
    call.accept(result::complete);
    return result.get(10, TimeUnit.SECONDS);
  }

  @Test
  void staleResourceVersionIsRefusedWith409AndCreateTwiceToo() throws Exception {
    String name = PairResources.groupLeaseName("cache", "a");
    LeasePort a = new FabricLeasePort(client, "redis", name, scheduler);
    LeasePort b = new FabricLeasePort(client, "redis", name, scheduler);

    assertThat(await(a::get)).isInstanceOf(LeasePort.NotFound.class);
    LeasePort.Result created =
        await(done -> a.create(new LeaseRecord("vm-a", 4, 1_000, 0, null), done));
    assertThat(created).isInstanceOf(LeasePort.Found.class);
    LeaseRecord first = ((LeasePort.Found) created).lease();
    assertThat(first.holder()).isEqualTo("vm-a");
    assertThat(await(done -> b.create(new LeaseRecord("vm-b", 4, 1_000, 0, null), done)))
        .isInstanceOf(LeasePort.Conflict.class);

    LeasePort.Result renewed =
        await(
            done -> a.update(new LeaseRecord("vm-a", 4, 2_000, 0, first.resourceVersion()), done));
    assertThat(renewed).isInstanceOf(LeasePort.Found.class);
    assertThat(((LeasePort.Found) renewed).lease().resourceVersion())
        .isNotEqualTo(first.resourceVersion());

    // vm-b read the Lease before the renewal: its takeover is based on a stale version.
    LeasePort.Result stale =
        await(
            done -> b.update(new LeaseRecord("vm-b", 4, 3_000, 1, first.resourceVersion()), done));
    assertThat(stale).isInstanceOf(LeasePort.Conflict.class);
    LeasePort.Result now = await(b::get);
    assertThat(((LeasePort.Found) now).lease().holder()).isEqualTo("vm-a");
  }
}

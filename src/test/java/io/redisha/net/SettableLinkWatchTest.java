package io.redisha.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SettableLinkWatchTest {

  @Test
  void reportsConditionChangesLikeTheMonitor() throws IOException {
    SettableLinkWatch fake = SettableLinkWatch.usable("eth0");
    List<String> heard = new ArrayList<>();
    LinkWatch watch = fake.factory().open("eth0", state -> heard.add(state.reason()));
    assertThat(watch.current().usable()).isTrue();

    fake.carrierLost();
    fake.carrierLost();
    fake.linkDown();
    fake.linkUp();
    int before = watch.current().index();
    fake.gone();
    fake.linkUp();
    assertThat(heard)
        .containsExactly("carrier lost", "link down", "link up", "interface gone", "link up");
    assertThat(watch.current().index()).isNotEqualTo(before);

    watch.close();
    fake.linkDown();
    assertThat(heard).hasSize(5);
    assertThat(fake.closed()).isTrue();
  }

  @Test
  void anotherNameFailsAsTheKernelWould() {
    assertThatThrownBy(() -> SettableLinkWatch.usable("eth0").factory().open("eth9", state -> {}))
        .hasMessage("interface eth9 not found; check spec.interface");
  }
}

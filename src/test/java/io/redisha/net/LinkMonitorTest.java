package io.redisha.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import org.junit.jupiter.api.Test;

/** The monitor's start-up texts and argument checks; the kernel side is in LinkMonitorIT. */
class LinkMonitorTest {

  @Test
  void aMissingInterfaceIsOneLineNamingTheField() {
    assertThat(LinkMonitor.notFound("eth9"))
        .isEqualTo("interface eth9 not found; check spec.interface");
  }

  @Test
  void refusedWithEpermNamesTheCapability() {
    IOException failure =
        LinkMonitor.startFailure(
            "eth0",
            new NativeCallException("bind(rtnetlink link notifications of eth0)", Libc.EPERM));
    assertThat(failure)
        .hasMessage(
            "cannot watch interface eth0: bind(rtnetlink link notifications of eth0) failed:"
                + " errno 1 EPERM (Operation not permitted); the agent needs CAP_NET_ADMIN"
                + " (NET_ADMIN in its DaemonSet), and no seccomp, AppArmor or SELinux policy"
                + " refusing it netlink sockets");
    assertThat(failure.getMessage()).doesNotContain("\n");
  }

  @Test
  void otherRefusalsSayTheCallAndTheErrnoOnly() {
    assertThat(
            LinkMonitor.startFailure(
                "eth0",
                new NativeCallException("socket(rtnetlink link notifications of eth0)", 24)))
        .hasMessage(
            "cannot watch interface eth0: socket(rtnetlink link notifications of eth0) failed:"
                + " errno 24 EMFILE (Too many open files)");
  }

  @Test
  void badNamesAreRefusedBeforeAnySocket() {
    assertThatThrownBy(() -> LinkMonitor.open("", state -> {}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("interfaceName must not be empty");
    assertThatThrownBy(() -> LinkMonitor.open("eth0 x", state -> {}))
        .hasMessageContaining("interfaceName 'eth0 x' is not a Linux interface name");
    assertThatThrownBy(() -> LinkMonitor.open("eth0", null)).hasMessage("listener");
  }
}

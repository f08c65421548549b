package io.redisha.net;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class NativeCallExceptionTest {

  @Test
  void messageNamesTheCallAndTheErrno() {
    NativeCallException e = new NativeCallException("bind(raw VRRP socket to 192.0.2.11)", 99);
    assertThat(e)
        .hasMessage(
            "bind(raw VRRP socket to 192.0.2.11) failed: errno 99 EADDRNOTAVAIL"
                + " (Cannot assign requested address)");
    assertThat(e.errno()).isEqualTo(99);
    assertThat(e.call()).isEqualTo("bind(raw VRRP socket to 192.0.2.11)");
  }
}

package io.redisha.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.redisha.net.NativeCallException;
import io.redisha.pair.InvalidPairException;
import io.redisha.pair.PairFile;
import io.redisha.pair.PairSettings;
import io.redisha.pair.PairValidation;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/** The one line a failed start prints, from the errno of the call that failed. */
class StartFailuresTest {
  static PairSettings settings() throws InvalidPairException {
    return PairValidation.resolve(
        PairFile.parse(
            """
            nodes:
            - {name: vm-a, address: 192.0.2.11}
            - {name: vm-b, address: 192.0.2.12}
            interface: eth7
            instances:
            - {name: a, port: 6379, vip: 192.0.2.100/24, virtualRouterId: 51}
            """,
            "pair.yaml",
            "cache"),
        "vm-a",
        "pair.yaml");
  }

  @Test
  void aMissingCapabilitySaysHowToGetIt() throws Exception {
    String line =
        StartFailures.network(
            settings(),
            "pair.yaml",
            new NativeCallException("socket(raw VRRP socket on eth7 from 192.0.2.11)", 1));

    assertThat(line)
        .startsWith("socket(raw VRRP socket on eth7 from 192.0.2.11) failed: errno 1 EPERM (")
        .endsWith("); run as root, or give the process CAP_NET_RAW and CAP_NET_ADMIN");
    assertThat(
            StartFailures.network(
                settings(), "pair.yaml", new NativeCallException("socket(gratuitous ARP)", 13)))
        .contains("EACCES")
        .endsWith("CAP_NET_RAW and CAP_NET_ADMIN");
  }

  @Test
  void aMissingInterfaceNamesTheFileToFix() throws Exception {
    String expected =
        "no network interface 'eth7' on this host; set interface in pair.yaml to one that 'ip -br"
            + " link' lists";
    assertThat(
            StartFailures.network(
                settings(),
                "pair.yaml",
                new NativeCallException("SO_BINDTODEVICE eth7 for raw VRRP socket", 19)))
        .isEqualTo(expected);
    // InterfaceInfo.lookup wraps the ENODEV of its ioctl.
    assertThat(
            StartFailures.network(
                settings(),
                "pair.yaml",
                new IOException(
                    "no network interface 'eth7' in this network namespace",
                    new NativeCallException("SIOCGIFINDEX eth7", 19))))
        .isEqualTo(expected);
  }

  @Test
  void anAddressOfAnotherHostNamesTheNode() throws Exception {
    assertThat(
            StartFailures.network(
                settings(), "pair.yaml", new NativeCallException("bind(raw VRRP socket)", 99)))
        .isEqualTo(
            "address 192.0.2.11 of node vm-a is not on this host; check nodes[].address in"
                + " pair.yaml and --node");
  }

  @Test
  void anythingElseIsItsMessageOnOneLine() throws Exception {
    assertThat(
            StartFailures.network(
                settings(), "pair.yaml", new IllegalStateException("first\n  second")))
        .isEqualTo("first; second");
    assertThat(StartFailures.oneLine(new IllegalStateException()))
        .isEqualTo("IllegalStateException");
  }

  @Test
  void aBusyOrForeignHttpAddressNamesTheOptionToChange() {
    InetSocketAddress loopback = new InetSocketAddress("127.0.0.1", 9736);
    assertThat(StartFailures.httpBind(loopback, new BindException("Address already in use")))
        .isEqualTo(
            "cannot listen on 127.0.0.1:9736: address already in use; pick another --http-port");
    InetSocketAddress foreign = new InetSocketAddress("192.0.2.250", 9736);
    assertThat(
            StartFailures.httpBind(foreign, new BindException("Cannot assign requested address")))
        .isEqualTo(
            "cannot listen on 192.0.2.250:9736: 192.0.2.250 is not an address of this host; pick"
                + " another --http-address");
  }
}

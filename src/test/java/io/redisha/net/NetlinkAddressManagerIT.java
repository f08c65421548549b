package io.redisha.net;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.redisha.lab.LabNetwork;
import io.redisha.testing.RequiresHost;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

@RequiresHost(tools = {"ip"})
class NetlinkAddressManagerIT {
  private static final Ipv4Cidr VIP = Ipv4Cidr.parse("192.0.2.100/24");
  private static LabNetwork lab;
  private static NetlinkAddressManager addresses;

  @BeforeAll
  static void buildLab() throws Exception {
    lab = LabNetwork.create().addHost("vm-a", "192.0.2.11/24").addHost("vm-b", "192.0.2.12/24");
    addresses = lab.inNamespace("vm-a", NetlinkAddressManager::open);
  }

  @AfterAll
  static void removeLab() throws IOException {
    if (addresses != null) {
      addresses.close();
    }
    if (lab != null) {
      lab.close();
    }
  }

  @Test
  void addsAndRemovesTheVipInTheNamespaceItWasOpenedIn() throws Exception {
    addresses.add("eth0", VIP);
    assertThat(shownAddresses("vm-a")).contains("inet 192.0.2.100/24");
    assertThat(addresses.isPresent("eth0", VIP)).isTrue();
    assertThat(shownAddresses("vm-b")).doesNotContain("192.0.2.100");
    assertThat(lab.run("vm-b", "ping", "-c", "1", "-W", "2", "192.0.2.100")).contains("1 received");

    addresses.remove("eth0", VIP);
    assertThat(shownAddresses("vm-a")).doesNotContain("192.0.2.100").contains("192.0.2.11/24");
    assertThat(addresses.isPresent("eth0", VIP)).isFalse();
  }

  @Test
  void addingTwiceAndRemovingAnAbsentAddressAreNotErrors() throws Exception {
    addresses.add("eth0", VIP);
    addresses.add("eth0", VIP);
    assertThat(shownAddresses("vm-a").split("192.0.2.100/24", -1)).hasSize(2);
    addresses.remove("eth0", VIP);
    addresses.remove("eth0", VIP);
    assertThat(shownAddresses("vm-a")).doesNotContain("192.0.2.100");
  }

  @Test
  void isPresentComparesThePrefixLengthAndTheInterface() throws Exception {
    addresses.add("eth0", VIP);
    try {
      assertThat(addresses.isPresent("eth0", Ipv4Cidr.parse("192.0.2.100/32"))).isFalse();
      assertThat(addresses.isPresent("lo", VIP)).isFalse();
      assertThat(addresses.isPresent("eth0", Ipv4Cidr.parse("192.0.2.11/24"))).isTrue();
    } finally {
      addresses.remove("eth0", VIP);
    }
  }

  @Test
  void errorsNameTheInterfaceAndTheAddress() {
    assertThatThrownBy(() -> addresses.add("eth9", VIP))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("cannot add address 192.0.2.100/24 on eth9")
        .hasMessageContaining("no network interface 'eth9'");
    assertThatThrownBy(() -> addresses.remove("eth9", VIP))
        .hasMessageContaining("cannot remove address 192.0.2.100/24 on eth9");
  }

  @Test
  void kernelRefusalsCarryTheErrnoTheInterfaceAndTheAddress() throws Exception {
    // the kernel checks CAP_NET_ADMIN of the thread that sends the request
    lab.inNamespace(
        "vm-a",
        () -> {
          dropNetAdminFromThisThread();
          try (NetlinkAddressManager unprivileged = NetlinkAddressManager.open()) {
            assertThat(unprivileged.isPresent("eth0", Ipv4Cidr.parse("192.0.2.11/24"))).isTrue();
            assertThatThrownBy(() -> unprivileged.add("eth0", VIP))
                .isInstanceOf(NativeCallException.class)
                .hasMessage(
                    "RTM_NEWADDR(add address 192.0.2.100/24 on interface eth0) failed:"
                        + " errno 1 EPERM (Operation not permitted)");
          }
          return null;
        });
    assertThat(shownAddresses("vm-a")).doesNotContain("192.0.2.100");
  }

  @Test
  void printsTheCostOfAddAndRemoveAgainstIpAddr() throws Exception {
    int rounds = 20;
    long start = System.nanoTime();
    for (int i = 0; i < rounds; i++) {
      addresses.add("eth0", VIP);
      addresses.remove("eth0", VIP);
    }
    long netlinkNanos = (System.nanoTime() - start) / rounds;
    start = System.nanoTime();
    for (int i = 0; i < rounds; i++) {
      lab.run("vm-a", "ip", "addr", "add", VIP.toString(), "dev", "eth0");
      lab.run("vm-a", "ip", "addr", "del", VIP.toString(), "dev", "eth0");
    }
    long ipNanos = (System.nanoTime() - start) / rounds;
    System.out.printf(
        "VIP add+remove, mean of %d: rtnetlink %.3f ms, `ip netns exec .. ip addr add/del`"
            + " %.3f ms%n",
        rounds, netlinkNanos / 1e6, ipNanos / 1e6);
    assertThat(shownAddresses("vm-a")).doesNotContain("192.0.2.100");
  }

  /** capset(2) on the calling thread only: clears CAP_NET_ADMIN (bit 12) from its effective set. */
  private static void dropNetAdminFromThisThread() throws Exception {
    Linker linker = Linker.nativeLinker();
    FunctionDescriptor twoPointers = FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS);
    MethodHandle capget =
        linker.downcallHandle(linker.defaultLookup().findOrThrow("capget"), twoPointers);
    MethodHandle capset =
        linker.downcallHandle(linker.defaultLookup().findOrThrow("capset"), twoPointers);
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment header = arena.allocate(8, 4);
      header.set(JAVA_INT, 0, 0x20080522); // _LINUX_CAPABILITY_VERSION_3
      MemorySegment data = arena.allocate(24, 4); // two {effective, permitted, inheritable}
      assertThat((int) capget.invokeExact(header, data)).isZero();
      data.set(JAVA_INT, 0, data.get(JAVA_INT, 0) & ~(1 << 12));
      assertThat((int) capset.invokeExact(header, data)).isZero();
    } catch (Exception | Error e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
  }

  private static String shownAddresses(String host) {
    return lab.run(host, "ip", "-4", "addr", "show");
  }
}

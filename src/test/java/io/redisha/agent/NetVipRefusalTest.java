package io.redisha.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.redisha.clock.VirtualScheduler;
import io.redisha.net.AddressManager;
import io.redisha.net.ArpAnnouncer;
import io.redisha.net.ConnectRefusal;
import io.redisha.net.Ipv4Cidr;
import io.redisha.net.NativeCallException;
import io.redisha.pair.PairSettings;
import java.io.IOException;
import java.net.Inet4Address;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/** The order of NetVip's address changes and its refusal of connects, on a recorded timeline. */
class NetVipRefusalTest {
  private static final Ipv4Cidr VIP = Ipv4Cidr.parse("192.0.2.100/24");
  private static final Duration WINDOW = Duration.ofSeconds(1);
  private static final PairSettings.Garp ONE_GARP =
      new PairSettings.Garp(1, Duration.ZERO, Duration.ZERO, Duration.ZERO);

  private final List<String> timeline = new ArrayList<>();
  private final Map<Inet4Address, ConnectRefusal> answering = new ConcurrentHashMap<>();
  private int prepared;
  private IOException prepareFailure;

  private final AddressManager addresses =
      new AddressManager() {
        @Override
        public void add(String interfaceName, Ipv4Cidr address) {
          timeline.add("address added");
        }

        @Override
        public void remove(String interfaceName, Ipv4Cidr address) {
          timeline.add("address removed");
        }

        @Override
        public boolean isPresent(String interfaceName, Ipv4Cidr address) {
          return false;
        }

        @Override
        public void close() {}
      };

  private final ArpAnnouncer arp =
      new ArpAnnouncer() {
        @Override
        public void announce(Inet4Address vip) {}

        @Override
        public void close() {}
      };

  private ConnectRefusal refusal(int number) {
    return new ConnectRefusal() {
      @Override
      public void arm() {
        timeline.add("refusal " + number + " armed");
      }

      @Override
      public void answer(Duration window) {
        timeline.add("refusal " + number + " answering for " + window.toMillis() + " ms");
      }

      @Override
      public int refused() {
        return 0;
      }

      @Override
      public void close() {
        timeline.add("refusal " + number + " closed");
      }
    };
  }

  private NetVip netVip() {
    return new NetVip(
        "eth0",
        VIP,
        addresses,
        arp,
        ONE_GARP,
        new VirtualScheduler(),
        (interfaceName, vip, port) -> {
          if (prepareFailure != null) {
            throw prepareFailure;
          }
          prepared++;
          timeline.add(
              "refusal " + prepared + " prepared for " + vip.getHostAddress() + ":" + port);
          return refusal(prepared);
        },
        6379,
        WINDOW,
        answering);
  }

  @Test
  void armsBeforeTheAddressGoesAnswersAfterAndStopsBeforeItIsBack() {
    NetVip vip = netVip();
    vip.add();
    vip.remove();
    vip.add();
    assertThat(timeline)
        .containsExactly(
            "address added",
            "refusal 1 prepared for 192.0.2.100:6379",
            "refusal 1 armed",
            "address removed",
            "refusal 1 answering for 1000 ms",
            "refusal 1 closed",
            "address added",
            "refusal 2 prepared for 192.0.2.100:6379");
  }

  @Test
  void repeatedCallsKeepTheRefusalThatIsThere() {
    NetVip vip = netVip();
    vip.add();
    vip.add();
    vip.remove();
    vip.remove();
    assertThat(timeline)
        .containsExactly(
            "address added",
            "refusal 1 prepared for 192.0.2.100:6379",
            "address added",
            "refusal 1 armed",
            "address removed",
            "refusal 1 answering for 1000 ms",
            "address removed");
  }

  @Test
  void aRemoveWithoutAHoldRefusesNothing() {
    netVip().remove();
    assertThat(timeline).containsExactly("address removed");
  }

  @Test
  void aRefusalWithoutThePermissionIsGivenUpOnceAndTheVipStillMoves() {
    prepareFailure = new NativeCallException("socket(SYN refuser)", 1);
    NetVip vip = netVip();
    vip.add();
    vip.remove();
    prepareFailure = null;
    vip.add();
    vip.remove();
    assertThat(timeline)
        .containsExactly("address added", "address removed", "address added", "address removed");
    assertThat(vip.held()).isFalse();
  }

  @Test
  void anotherFailureIsTriedAgainAtTheNextHold() {
    prepareFailure = new IOException("no network interface 'eth0' in this network namespace");
    NetVip vip = netVip();
    vip.add();
    vip.remove();
    prepareFailure = null;
    vip.add();
    assertThat(timeline)
        .containsExactly(
            "address added",
            "address removed",
            "address added",
            "refusal 1 prepared for 192.0.2.100:6379");
  }

  @Test
  void aGroupRestartedByAReloadStopsTheRefusalItsPredecessorLeft() {
    NetVip before = netVip();
    before.add();
    before.remove();
    NetVip after = netVip();
    after.add();
    assertThat(timeline)
        .containsExactly(
            "address added",
            "refusal 1 prepared for 192.0.2.100:6379",
            "refusal 1 armed",
            "address removed",
            "refusal 1 answering for 1000 ms",
            "refusal 1 closed",
            "address added",
            "refusal 2 prepared for 192.0.2.100:6379");
  }

  @Test
  void refusalWindowCoversThePeersTakeoverAndGarpBurst() {
    assertThat(NetVip.refusalWindow(Duration.ofMillis(100), ONE_GARP))
        .isEqualTo(Duration.ofSeconds(1));
    assertThat(
            NetVip.refusalWindow(
                Duration.ofSeconds(1),
                new PairSettings.Garp(5, Duration.ofMillis(200), Duration.ZERO, Duration.ZERO)))
        .isEqualTo(Duration.ofMillis(6800));
  }
}

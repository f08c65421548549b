package io.redisha.agent;

import io.redisha.net.AddressManager;
import io.redisha.net.ArpAnnouncer;
import io.redisha.net.Ipv4Cidr;
import io.redisha.net.LinkWatch;
import io.redisha.net.VrrpTransport;
import io.redisha.vrrp.ChecksumMode;
import io.redisha.vrrp.MalformedPacketException;
import io.redisha.vrrp.VrrpAdvertisement;
import io.redisha.vrrp.VrrpCodec;
import java.io.IOException;
import java.net.Inet4Address;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The network edges of one agent, in memory: adverts it sends are kept (and decoded on demand),
 * adverts a test puts in arrive as the raw socket would deliver them, and VIPs are a set. Nothing
 * leaves the JVM.
 */
final class FakeNodeNetwork {
  private final Inet4Address local;
  private final Inet4Address peer;
  private final ChecksumMode checksumMode;
  private final BlockingQueue<byte[]> inbound = new LinkedBlockingQueue<>();
  private final List<byte[]> sent = new ArrayList<>();
  private final Set<String> vips = ConcurrentHashMap.newKeySet();
  private final AtomicInteger transportsOpened = new AtomicInteger();
  private final AtomicInteger arpsOpened = new AtomicInteger();
  private final AtomicInteger sendFailures = new AtomicInteger();
  private volatile String sendError;

  FakeNodeNetwork(Inet4Address local, Inet4Address peer, ChecksumMode checksumMode) {
    this.local = local;
    this.peer = peer;
    this.checksumMode = checksumMode;
  }

  /** Delivers {@code advert} as if the peer had sent it, with TTL 255. */
  void fromPeer(VrrpAdvertisement advert) {
    byte[] message = VrrpCodec.encode(advert, checksumMode, peer, local);
    byte[] datagram = new byte[20 + message.length];
    datagram[0] = 0x45;
    datagram[2] = (byte) (datagram.length >> 8);
    datagram[3] = (byte) datagram.length;
    datagram[8] = (byte) 255;
    datagram[9] = (byte) VrrpTransport.VRRP_PROTOCOL;
    System.arraycopy(peer.getAddress(), 0, datagram, 12, 4);
    System.arraycopy(local.getAddress(), 0, datagram, 16, 4);
    System.arraycopy(message, 0, datagram, 20, message.length);
    inbound.add(datagram);
  }

  /** Every advert sent so far for {@code virtualRouterId}, oldest first. */
  List<VrrpAdvertisement> sentAdverts(int virtualRouterId) {
    List<byte[]> copy;
    synchronized (sent) {
      copy = List.copyOf(sent);
    }
    List<VrrpAdvertisement> adverts = new ArrayList<>();
    for (byte[] message : copy) {
      try {
        VrrpAdvertisement advert = VrrpCodec.decode(message, 0, message.length);
        if (advert.virtualRouterId() == virtualRouterId) {
          adverts.add(advert);
        }
      } catch (MalformedPacketException e) {
        throw new AssertionError("the agent sent a malformed advert", e);
      }
    }
    return adverts;
  }

  /** The priority of the last advert sent for {@code virtualRouterId}, or -1. */
  int lastSentPriority(int virtualRouterId) {
    List<VrrpAdvertisement> adverts = sentAdverts(virtualRouterId);
    return adverts.isEmpty() ? -1 : adverts.getLast().priority();
  }

  boolean holds(String vip) {
    return vips.contains(vip);
  }

  /** Puts {@code vip} on the interface, as a previous agent that was killed left it. */
  void leftBehind(String vip) {
    vips.add(vip);
  }

  /**
   * From now on every send fails with {@code error} (as with the link down: ENETDOWN), or works
   * again with null; a failed send is counted, and its advert kept as attempted.
   */
  void failSends(String error) {
    sendError = error;
  }

  int sendFailures() {
    return sendFailures.get();
  }

  /** How many VRRP sockets were opened: one at start, one more for each re-created interface. */
  int transportsOpened() {
    return transportsOpened.get();
  }

  int arpsOpened() {
    return arpsOpened.get();
  }

  /** The network edges of an agent: these fakes, and {@code links} for the interface. */
  AgentRuntime.NetworkEdges edges(LinkWatch.Factory links) {
    return new AgentRuntime.NetworkEdges(this::transport, this::arp, addresses(), links);
  }

  /** Opens a VRRP socket; each has its own closed state, all share the traffic. */
  VrrpTransport transport() {
    transportsOpened.incrementAndGet();
    return new VrrpTransport() {
      private volatile boolean closed;

      @Override
      public void send(Inet4Address destination, byte[] vrrpMessage) throws IOException {
        if (closed) {
          throw new ClosedChannelException();
        }
        synchronized (sent) {
          sent.add(vrrpMessage.clone());
        }
        String error = sendError;
        if (error != null) {
          sendFailures.incrementAndGet();
          throw new IOException(error);
        }
      }

      @Override
      public byte[] receive(Duration timeout) throws IOException {
        if (closed) {
          throw new ClosedChannelException();
        }
        try {
          return inbound.poll(Math.min(timeout.toMillis(), 50), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new ClosedChannelException();
        }
      }

      @Override
      public void close() {
        closed = true;
      }
    };
  }

  AddressManager addresses() {
    return new AddressManager() {
      @Override
      public void add(String interfaceName, Ipv4Cidr address) {
        vips.add(address.toString());
      }

      @Override
      public void remove(String interfaceName, Ipv4Cidr address) {
        vips.remove(address.toString());
      }

      @Override
      public boolean isPresent(String interfaceName, Ipv4Cidr address) {
        return vips.contains(address.toString());
      }

      @Override
      public void close() {}
    };
  }

  ArpAnnouncer arp() {
    arpsOpened.incrementAndGet();
    return new ArpAnnouncer() {
      @Override
      public void announce(Inet4Address vip) {}

      @Override
      public void close() {}
    };
  }
}

package io.redisha.agent;

import io.redisha.clock.Scheduler;
import io.redisha.net.VrrpTransport;
import io.redisha.vrrp.AdvertisementFilter;
import io.redisha.vrrp.AdvertisementFilter.Accepted;
import io.redisha.vrrp.AdvertisementFilter.Dropped;
import io.redisha.vrrp.AdvertisementFilter.Verdict;
import io.redisha.vrrp.AdvertisementSigner;
import io.redisha.vrrp.ChecksumMode;
import io.redisha.vrrp.VrrpAdvertisement;
import io.redisha.vrrp.VrrpRouter;
import java.io.IOException;
import java.net.Inet4Address;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node's VRRP on the wire: a receive thread that passes each datagram through the {@link
 * AdvertisementFilter} (S8) and hands accepted adverts to the virtual router they name, on the
 * scheduler's thread; and the sending side, which encodes adverts for the peer.
 */
public final class VrrpEndpoint implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(VrrpEndpoint.class);

  private final VrrpTransport transport;
  private final Scheduler scheduler;
  private final Inet4Address local;
  private final Inet4Address peer;
  private final ChecksumMode checksumMode;
  private final Map<Integer, VrrpRouter> routers = new ConcurrentHashMap<>();
  private final Supplier<AdvertisementFilter> filter;
  private final Supplier<AdvertisementSigner> signer;
  private final Thread receiver;
  private volatile long receiveLoopNanos = System.nanoTime();
  private volatile boolean running = true;

  public VrrpEndpoint(
      VrrpTransport transport,
      Scheduler scheduler,
      Inet4Address local,
      Inet4Address peer,
      ChecksumMode checksumMode,
      Supplier<AdvertisementFilter> filter) {
    this(transport, scheduler, local, peer, checksumMode, filter, AdvertisementSigner::unsigned);
  }

  /**
   * @param filter the current acceptance filter, read for every datagram
   * @param signer the current signer (auth_hmac), read for every advert sent
   */
  public VrrpEndpoint(
      VrrpTransport transport,
      Scheduler scheduler,
      Inet4Address local,
      Inet4Address peer,
      ChecksumMode checksumMode,
      Supplier<AdvertisementFilter> filter,
      Supplier<AdvertisementSigner> signer) {
    this.transport = transport;
    this.scheduler = scheduler;
    this.local = local;
    this.peer = peer;
    this.checksumMode = checksumMode;
    this.filter = filter;
    this.signer = signer;
    this.receiver = Thread.ofPlatform().daemon().name("vrrp-receive").unstarted(this::receiveLoop);
  }

  /** Starts receiving. */
  public void start() {
    receiver.start();
  }

  /** Routes adverts with {@code virtualRouterId} to {@code router}. */
  public void register(int virtualRouterId, VrrpRouter router) {
    routers.put(virtualRouterId, router);
  }

  public void unregister(int virtualRouterId) {
    routers.remove(virtualRouterId);
  }

  /** Sends one advert to the peer; a failure is logged, VRRP timers go on. */
  public void send(VrrpAdvertisement advert) {
    byte[] message = signer.get().encode(advert, checksumMode, local, peer);
    try {
      transport.send(peer, message);
    } catch (IOException e) {
      LOG.warn(
          "sending VRRP advert for router {} failed: {}", advert.virtualRouterId(), e.getMessage());
    }
  }

  /** When the receive loop last came round (it wakes at least every second), monotonic nanos. */
  public long receiveLoopNanos() {
    return receiveLoopNanos;
  }

  /** Whether the receive thread still runs. */
  public boolean receiving() {
    return receiver.isAlive();
  }

  private void receiveLoop() {
    while (running) {
      receiveLoopNanos = System.nanoTime();
      byte[] datagram;
      try {
        datagram = transport.receive(Duration.ofSeconds(1));
      } catch (ClosedChannelException e) {
        return;
      } catch (IOException e) {
        if (running) {
          LOG.warn("receiving VRRP failed: {}", e.getMessage());
        }
        continue;
      }
      if (datagram == null) {
        continue;
      }
      Verdict verdict = filter.get().check(datagram, datagram.length);
      switch (verdict) {
        case Accepted accepted -> {
          VrrpRouter router = routers.get(accepted.advertisement().virtualRouterId());
          if (router != null) {
            scheduler.execute(() -> router.receive(accepted.advertisement(), accepted.source()));
          }
        }
        case Dropped dropped ->
            LOG.debug("dropped VRRP packet: {} ({})", dropped.reason().label(), dropped.detail());
      }
    }
  }

  @Override
  public void close() {
    running = false;
    try {
      transport.close();
    } catch (IOException e) {
      LOG.debug("closing VRRP socket: {}", e.getMessage());
    }
  }
}

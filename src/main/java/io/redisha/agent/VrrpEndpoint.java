package io.redisha.agent;

import io.redisha.clock.Scheduler;
import io.redisha.net.VrrpTransport;
import io.redisha.vrrp.AdvertisementFilter;
import io.redisha.vrrp.AdvertisementFilter.Accepted;
import io.redisha.vrrp.AdvertisementFilter.Dropped;
import io.redisha.vrrp.AdvertisementFilter.Verdict;
import io.redisha.vrrp.ChecksumMode;
import io.redisha.vrrp.VrrpAdvertisement;
import io.redisha.vrrp.VrrpCodec;
import io.redisha.vrrp.VrrpRouter;
import java.io.IOException;
import java.net.Inet4Address;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node's VRRP on the wire: a receive thread that passes each datagram through the {@link
 * AdvertisementFilter} (S8) and hands accepted adverts to the virtual router they name, on the
 * scheduler's thread; and the sending side, which encodes adverts for the peer. When the interface
 * is re-created the runtime hands it a socket opened on the new one ({@link #replaceTransport}).
 */
public final class VrrpEndpoint implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(VrrpEndpoint.class);
  private static final long RECEIVE_RETRY_NANOS = 100_000_000L;

  private volatile VrrpTransport transport;
  private final Scheduler scheduler;
  private final Inet4Address local;
  private final Inet4Address peer;
  private final ChecksumMode checksumMode;
  private final Map<Integer, VrrpRouter> routers = new ConcurrentHashMap<>();
  private final Supplier<AdvertisementFilter> filter;
  private final Thread receiver;
  private volatile long receiveLoopNanos = System.nanoTime();
  private volatile boolean running = true;

  /** The last send failure logged, until a send succeeds again: a dead link fails every send. */
  private volatile String sendFailure;

  /** The last receive failure logged, until a receive works again; receive thread only. */
  private String receiveFailure;

  public VrrpEndpoint(
      VrrpTransport transport,
      Scheduler scheduler,
      Inet4Address local,
      Inet4Address peer,
      ChecksumMode checksumMode,
      Supplier<AdvertisementFilter> filter) {
    this.transport = transport;
    this.scheduler = scheduler;
    this.local = local;
    this.peer = peer;
    this.checksumMode = checksumMode;
    this.filter = filter;
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

  /**
   * Sends one advert to the peer; VRRP timers go on whatever happens. A failure is logged once, and
   * again only after a send succeeded or the failure changed: with its link down (ENETDOWN) or its
   * interface gone (ENODEV), every send fails until the link comes back.
   */
  public void send(VrrpAdvertisement advert) {
    byte[] message = VrrpCodec.encode(advert, checksumMode, local, peer);
    try {
      transport.send(peer, message);
      if (sendFailure != null) {
        sendFailure = null;
        LOG.info("sending VRRP adverts works again");
      }
    } catch (IOException e) {
      String failure = String.valueOf(e.getMessage());
      if (!failure.equals(sendFailure)) {
        sendFailure = failure;
        LOG.warn(
            "sending VRRP advert for router {} failed: {} (the same failure is not logged again"
                + " until a send works)",
            advert.virtualRouterId(),
            failure);
      }
    }
  }

  /**
   * Sends and receives through {@code next} from now on and closes the transport it replaces, for
   * an interface that was deleted and created again (a socket bound to a device keeps the old one's
   * index).
   */
  public void replaceTransport(VrrpTransport next) {
    VrrpTransport previous = transport;
    transport = next;
    try {
      previous.close();
    } catch (IOException e) {
      LOG.debug("closing the replaced VRRP socket: {}", e.getMessage());
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
      VrrpTransport current = transport;
      try {
        datagram = current.receive(Duration.ofSeconds(1));
      } catch (ClosedChannelException e) {
        if (running && current != transport) {
          continue; // replaced: receive on the new socket
        }
        return;
      } catch (IOException e) {
        String failure = String.valueOf(e.getMessage());
        if (running && !failure.equals(receiveFailure)) {
          receiveFailure = failure;
          LOG.warn(
              "receiving VRRP failed: {} (the same failure is not logged again until a receive"
                  + " works)",
              failure);
        }
        // A socket whose interface is gone may fail at once, every time, until it is replaced.
        LockSupport.parkNanos(RECEIVE_RETRY_NANOS);
        continue;
      }
      if (receiveFailure != null) {
        receiveFailure = null;
        LOG.info("receiving VRRP works again");
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

package io.redisha.net;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;

/**
 * Does a host answer at all? Opens plain TCP connections to one of its ports, a few in a row, and
 * says whether any of them was accepted in time. Each connection is a single SYN and a single
 * SYN-ACK (the kernel's first SYN retransmission comes after a second, far beyond any budget here),
 * so the attempts fail independently: on a link that drops 30 % of the packets each way one attempt
 * gets through about half the time (0.7 x 0.7), so six all failed about once in thirty and ten fail
 * about once in a thousand (0.51^10), while a host that is cut off or gone answers none. A refused
 * connection (a reset) does not count: nothing listens there.
 *
 * <p>Nothing is sent over an accepted connection; it is closed at once.
 */
public final class TcpProbe {
  /**
   * How many connections one probe opens at most. Six left a lossy link's first gap a takeover
   * about once in thirty (seen in the lab); ten all fail about once in a thousand at 30 % loss.
   */
  public static final int ATTEMPTS = 10;

  private TcpProbe() {}

  /**
   * Opens up to {@code attempts} connections to {@code target}, one every {@code budget /
   * attempts}, and waits until one is accepted or {@code budget} has passed. Blocks the calling
   * thread (a virtual thread parks) for at most about {@code budget}.
   *
   * @return whether a connection was accepted before the budget ran out
   */
  public static boolean anyAccepted(InetSocketAddress target, int attempts, Duration budget) {
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(budget, "budget");
    if (attempts < 1) {
      throw new IllegalArgumentException("attempts must be at least 1, was " + attempts);
    }
    long start = System.nanoTime();
    long end = start + budget.toNanos();
    long spacing = budget.toNanos() / attempts;
    List<SocketChannel> opened = new ArrayList<>();
    try (Selector selector = Selector.open()) {
      long nextAttempt = start;
      while (true) {
        long now = System.nanoTime();
        if (now >= end) {
          return false;
        }
        if (opened.size() < attempts && now >= nextAttempt) {
          SocketChannel channel = SocketChannel.open();
          opened.add(channel);
          channel.configureBlocking(false);
          try {
            if (channel.connect(target)) {
              return true;
            }
            channel.register(selector, SelectionKey.OP_CONNECT);
          } catch (IOException e) {
            // unreachable at once (no route): this attempt failed, the next may not
          }
          nextAttempt += spacing;
          continue;
        }
        long wakeAt = opened.size() < attempts ? Math.min(nextAttempt, end) : end;
        selector.select(Math.max(1, (wakeAt - now + 999_999) / 1_000_000));
        Iterator<SelectionKey> ready = selector.selectedKeys().iterator();
        while (ready.hasNext()) {
          SelectionKey key = ready.next();
          ready.remove();
          try {
            if (((SocketChannel) key.channel()).finishConnect()) {
              return true;
            }
          } catch (IOException refusedOrReset) {
            key.cancel();
          }
        }
      }
    } catch (IOException e) {
      return false; // no selector or no socket: no evidence either way
    } finally {
      for (SocketChannel channel : opened) {
        try {
          channel.close();
        } catch (IOException e) {
          // closing a probe that never connected
        }
      }
    }
  }
}

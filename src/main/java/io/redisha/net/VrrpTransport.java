package io.redisha.net;

import java.io.Closeable;
import java.io.IOException;
import java.net.Inet4Address;
import java.time.Duration;

/**
 * Sends and receives VRRP messages (IP protocol 112) as unicast IPv4 datagrams on one interface.
 * The VRRP codec builds and reads the VRRP message; the kernel builds the IPv4 header.
 */
public interface VrrpTransport extends Closeable {

  /** IP protocol number of VRRP (RFC 9568). */
  int VRRP_PROTOCOL = 112;

  /**
   * Sends one VRRP message to {@code destination}; the kernel adds the IPv4 header with protocol
   * 112, the transport's TTL and its source address.
   */
  void send(Inet4Address destination, byte[] vrrpMessage) throws IOException;

  /**
   * Waits up to {@code timeout} for one datagram and returns it whole, IPv4 header included (the
   * decoder reads source, destination and TTL from it), or {@code null} when the timeout passes.
   * Throws {@link java.nio.channels.ClosedChannelException} when the transport is or gets closed.
   */
  byte[] receive(Duration timeout) throws IOException;

  /** Releases the socket; a {@link #receive} blocked in another thread returns at once. */
  @Override
  void close() throws IOException;
}

package io.redisha.net;

import java.io.Closeable;
import java.io.IOException;
import java.net.Inet4Address;

/** Announces on one interface that a VIP is now here (gratuitous ARP). */
public interface ArpAnnouncer extends Closeable {

  /** Sends one gratuitous ARP for {@code vip}; repetition and pacing are the caller's. */
  void announce(Inet4Address vip) throws IOException;
}

package io.redisha.net;

import java.io.Closeable;
import java.io.IOException;

/**
 * Adds and removes IPv4 addresses (VIPs) on interfaces. Both directions are idempotent: adding an
 * address that is already there and removing one that is not are not errors, so a caller can keep
 * re-applying the state it wants.
 */
public interface AddressManager extends Closeable {

  /** Makes sure {@code address} (with its prefix length) is on {@code interfaceName}. */
  void add(String interfaceName, Ipv4Cidr address) throws IOException;

  /** Makes sure {@code address} (with its prefix length) is not on {@code interfaceName}. */
  void remove(String interfaceName, Ipv4Cidr address) throws IOException;

  /** Whether {@code address} with exactly this prefix length is on {@code interfaceName}. */
  boolean isPresent(String interfaceName, Ipv4Cidr address) throws IOException;
}

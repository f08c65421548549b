package io.redisha.lab;

/**
 * A client on a lab host that writes {@code SET <prefix>:<seq>} through a VIP every few
 * milliseconds, one write at a time, and records each acknowledged write in its {@link WriteLog}.
 * Implementations differ only in how they talk to Redis (their connect timeout, their retry), which
 * is what the write gap of a fault depends on.
 */
public interface VipClient extends AutoCloseable {

  /** Starts writing; returns this. */
  VipClient start() throws Exception;

  /** The acknowledged writes so far. */
  WriteLog log();

  /** The last error the client saw, or null. */
  String lastError();

  /** Acknowledged writes that cannot be read back through the VIP (see {@link WriteLog}). */
  long[] lostSequences(long[] sequences) throws Exception;

  /** Stops writing and waits for the client to end. */
  @Override
  void close() throws InterruptedException;
}

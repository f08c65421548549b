package io.redisha.vrrp;

/** A packet whose bytes cannot be read as an IPv4 VRRP advertisement. */
public final class MalformedPacketException extends Exception {
  private final DropReason reason;

  public MalformedPacketException(String message) {
    this(DropReason.MALFORMED, message);
  }

  public MalformedPacketException(DropReason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public DropReason reason() {
    return reason;
  }
}

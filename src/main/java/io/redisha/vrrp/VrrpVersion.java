package io.redisha.vrrp;

/** The two VRRP versions we speak, for IPv4. */
public enum VrrpVersion {
  /** RFC 3768: interval in whole seconds, optional PASS authentication. */
  V2(2),
  /**
   * RFC 5798 / RFC 9568: interval in centiseconds, no authentication field (auth_hmac may follow).
   */
  V3(3);

  private final int number;

  VrrpVersion(int number) {
    this.number = number;
  }

  /** The number carried in the version field of the packet. */
  public int number() {
    return number;
  }

  /** The version for a number, or an error naming the allowed values. */
  public static VrrpVersion of(int number) {
    return switch (number) {
      case 2 -> V2;
      case 3 -> V3;
      default -> throw new IllegalArgumentException("must be 2 or 3, not " + number);
    };
  }
}

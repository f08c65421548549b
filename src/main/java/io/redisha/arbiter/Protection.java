package io.redisha.arbiter;

/**
 * Split-brain protection modes; {@link #text()} is how the resource and the pair file spell them.
 */
public enum Protection {
  LEASE("Lease"),
  WITNESS("Witness"),
  NONE("None");

  private final String text;

  Protection(String text) {
    this.text = text;
  }

  public String text() {
    return text;
  }

  /** The mode spelled {@code text}, or null. */
  public static Protection of(String text) {
    for (Protection p : values()) {
      if (p.text.equals(text)) {
        return p;
      }
    }
    return null;
  }
}

package io.redisha.arbiter;

/**
 * Split-brain protection modes; {@link #text()} is how the resource and the pair file spell them.
 * {@link #LEASE} and {@link #ETCD} are the same rules ({@link LeaseGuard}) over two stores: a
 * Kubernetes Lease, or a key in an etcd cluster for pairs without Kubernetes.
 */
public enum Protection {
  LEASE("Lease"),
  ETCD("Etcd"),
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

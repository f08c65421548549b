package io.redisha.etcd;

/**
 * A gateway call that did not succeed, with a one-line message that says what happened and where.
 * {@link #code()} is etcd's gRPC status code when etcd answered with an error, {@link #UNREACHABLE}
 * when no member answered in time.
 */
public final class EtcdCallException extends Exception {
  /** No member gave an answer within the call's time. */
  public static final int UNREACHABLE = -1;

  /** gRPC NOT_FOUND: etcd says so for a lease that no longer exists. */
  public static final int NOT_FOUND = 5;

  private final int code;

  public EtcdCallException(int code, String message) {
    super(message, null, false, false);
    this.code = code;
  }

  public int code() {
    return code;
  }

  /** Whether etcd refused the call because the lease it names has expired or was revoked. */
  public boolean leaseNotFound() {
    return code == NOT_FOUND && String.valueOf(getMessage()).contains("lease not found");
  }
}

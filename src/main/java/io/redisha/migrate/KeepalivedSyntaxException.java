package io.redisha.migrate;

/**
 * A keepalived configuration that cannot be read: names the file and line where it broke. An {@link
 * #unreadable()} one is a file this process may not or cannot open, not a fault in the text.
 */
public final class KeepalivedSyntaxException extends Exception {
  private final KeepalivedConfig.Location location;
  private final boolean unreadable;

  public KeepalivedSyntaxException(KeepalivedConfig.Location location, String message) {
    this(location, message, false);
  }

  private KeepalivedSyntaxException(
      KeepalivedConfig.Location location, String message, boolean unreadable) {
    super(location == null ? message : location + ": " + message);
    this.location = location;
    this.unreadable = unreadable;
  }

  /** A file that cannot be opened or listed, named by the include line that reached it. */
  static KeepalivedSyntaxException unreadable(KeepalivedConfig.Location location, String message) {
    return new KeepalivedSyntaxException(location, message, true);
  }

  /** Where the file broke, or null when no single line is to blame (a missing file). */
  public KeepalivedConfig.Location location() {
    return location;
  }

  /**
   * Whether a file could not be read at all (missing, permission denied), so nothing was judged.
   */
  public boolean unreadable() {
    return unreadable;
  }
}

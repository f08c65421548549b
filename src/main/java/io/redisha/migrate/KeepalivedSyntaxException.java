package io.redisha.migrate;

/** A keepalived configuration that cannot be read: names the file and line where it broke. */
public final class KeepalivedSyntaxException extends Exception {
  private final KeepalivedConfig.Location location;

  public KeepalivedSyntaxException(KeepalivedConfig.Location location, String message) {
    super(location == null ? message : location + ": " + message);
    this.location = location;
  }

  /** Where the file broke, or null when no single line is to blame (a missing file). */
  public KeepalivedConfig.Location location() {
    return location;
  }
}

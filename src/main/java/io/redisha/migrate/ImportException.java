package io.redisha.migrate;

import java.util.List;

/** A keepalived configuration that cannot be turned into a pair; every problem names its line. */
public final class ImportException extends Exception {
  private final List<String> problems;

  public ImportException(List<String> problems) {
    super(String.join("\n", problems));
    this.problems = List.copyOf(problems);
  }

  public List<String> problems() {
    return problems;
  }
}

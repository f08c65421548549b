package io.redisha.pair;

import java.util.List;

/** A pair file or resource that cannot run; every problem names its field. */
public final class InvalidPairException extends Exception {
  private final List<String> problems;

  public InvalidPairException(String source, List<String> problems) {
    super(source + " is invalid:\n  " + String.join("\n  ", problems));
    this.problems = List.copyOf(problems);
  }

  /** Each problem as {@code field: what is wrong}. */
  public List<String> problems() {
    return problems;
  }
}

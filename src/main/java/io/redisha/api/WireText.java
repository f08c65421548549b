package io.redisha.api;

import java.util.Arrays;
import java.util.Optional;
import java.util.function.Function;

/** Looks up the constant of an enum by the text it carries on the wire. */
final class WireText {
  private WireText() {}

  /** The constant whose text equals {@code text} ignoring case, if any. */
  static <E extends Enum<E>> Optional<E> find(E[] values, Function<E, String> textOf, String text) {
    return Arrays.stream(values).filter(v -> textOf.apply(v).equalsIgnoreCase(text)).findFirst();
  }

  /** The constant whose text equals {@code text} ignoring case; a clear error naming the field. */
  static <E extends Enum<E>> E require(
      E[] values, Function<E, String> textOf, String text, String field) {
    return find(values, textOf, text)
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    field
                        + ": must be one of "
                        + String.join(", ", Arrays.stream(values).map(textOf).toList())
                        + ", not '"
                        + text
                        + "'"));
  }
}

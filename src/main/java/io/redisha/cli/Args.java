package io.redisha.cli;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Minimal {@code --name value} / {@code --flag} parsing with clear errors. */
public final class Args {
  private final Map<String, String> values = new HashMap<>();
  private final List<String> positional = new ArrayList<>();

  private Args() {}

  /**
   * Parses {@code args}; {@code withValue} lists options that take a value, {@code flags} those
   * that do not.
   */
  public static Args parse(String[] args, Set<String> withValue, Set<String> flags) {
    Args parsed = new Args();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (arg.startsWith("--")) {
        String name = arg.substring(2);
        String inline = null;
        int eq = name.indexOf('=');
        if (eq >= 0) {
          inline = name.substring(eq + 1);
          name = name.substring(0, eq);
        }
        if (withValue.contains(name)) {
          if (inline == null) {
            if (i + 1 >= args.length) {
              throw new IllegalArgumentException("--" + name + " needs a value");
            }
            inline = args[++i];
          }
          parsed.values.put(name, inline);
        } else if (flags.contains(name) && inline == null) {
          parsed.values.put(name, "true");
        } else {
          throw new IllegalArgumentException("unknown option --" + name);
        }
      } else {
        parsed.positional.add(arg);
      }
    }
    return parsed;
  }

  public String get(String name) {
    return values.get(name);
  }

  public String require(String name) {
    String value = values.get(name);
    if (value == null) {
      throw new IllegalArgumentException("--" + name + " is required");
    }
    return value;
  }

  public boolean flag(String name) {
    return values.containsKey(name);
  }

  public int intValue(String name, int fallback) {
    String value = values.get(name);
    if (value == null) {
      return fallback;
    }
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--" + name + " must be a number, not '" + value + "'");
    }
  }

  public List<String> positional() {
    return positional;
  }
}

package io.redisha.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Where the keepalived 2.4.3 build lives: {@code -Dredisha.keepalived24=PATH}, else {@code
 * $REDISHA_KEEPALIVED_2_4}, else {@code shared/tools/keepalived-2.4.3/keepalived} in the working
 * directory or any directory above it (the repository sits beside or below {@code shared/}: {@code
 * ../shared} from the main clone, {@code ../../shared} from a worktree).
 */
final class KeepalivedBinary {
  static final String PROPERTY = "redisha.keepalived24";
  static final String ENVIRONMENT = "REDISHA_KEEPALIVED_2_4";
  private static final Path RELATIVE = Path.of("shared", "tools", "keepalived-2.4.3", "keepalived");

  private KeepalivedBinary() {}

  /** The 2.4.3 binary, or empty when it is nowhere to be found. */
  static Optional<Path> find24() {
    for (Path candidate : candidates()) {
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return Optional.of(candidate.toAbsolutePath().normalize());
      }
    }
    return Optional.empty();
  }

  /** Where {@link #find24} looks, in order. */
  static List<Path> candidates() {
    List<Path> candidates = new ArrayList<>();
    String property = System.getProperty(PROPERTY);
    if (property != null && !property.isBlank()) {
      return List.of(Path.of(property));
    }
    String environment = System.getenv(ENVIRONMENT);
    if (environment != null && !environment.isBlank()) {
      return List.of(Path.of(environment));
    }
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      candidates.add(dir.resolve(RELATIVE));
    }
    return candidates;
  }

  /** One line saying what was searched, for an error. */
  static String notFound() {
    return "keepalived 2.4.3 not found (looked for "
        + (candidates().size() == 1
            ? candidates().get(0)
            : RELATIVE + " in this directory and above")
        + "; set -D"
        + PROPERTY
        + "=PATH or "
        + ENVIRONMENT
        + "=PATH)";
  }
}

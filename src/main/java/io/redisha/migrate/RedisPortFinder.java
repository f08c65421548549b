package io.redisha.migrate;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the Redis port a keepalived script is about, the way a person reading the scripts would:
 * {@code redis-cli -p 6389} on the command line or in the script, {@code -p $PORT} with {@code
 * PORT=6389} set in the script or in a file it sources (the field's {@code redis_include.sh}), a
 * positional argument ({@code check.sh 6389} with {@code -p $1}), or a port-like number in the
 * script's path ({@code /etc/keepalived/6389/check.sh}).
 */
final class RedisPortFinder {
  /**
   * One piece of evidence.
   *
   * @param port the port it points at
   * @param source where it was found, in words
   */
  record Clue(int port, String source) {}

  /** Reads the text of a script named by its path on the keepalived host. */
  interface ScriptFiles {
    /** The file holding the script at {@code hostPath}, if it can be found here. */
    Optional<Path> locate(String hostPath);

    ScriptFiles NONE = hostPath -> Optional.empty();

    /**
     * Scripts looked up under {@code dir}: {@code /etc/keepalived/6379/check.sh} is tried as {@code
     * dir/etc/keepalived/6379/check.sh}, {@code dir/keepalived/6379/check.sh}, {@code
     * dir/6379/check.sh} and {@code dir/check.sh}, so a copy of the host's {@code /etc/keepalived}
     * or of the whole tree works. With {@code onHostFirst}, the path itself is tried first.
     */
    static ScriptFiles under(Path dir, boolean onHostFirst) {
      return hostPath -> {
        Path path;
        try {
          path = Path.of(hostPath);
        } catch (InvalidPathException e) {
          return Optional.empty();
        }
        if (onHostFirst && path.isAbsolute() && Files.isRegularFile(path)) {
          return Optional.of(path);
        }
        if (!path.isAbsolute()) {
          Path relative = dir.resolve(path).normalize();
          return Files.isRegularFile(relative) ? Optional.of(relative) : Optional.empty();
        }
        for (int skip = 0; skip < path.getNameCount(); skip++) {
          Path candidate = dir.resolve(path.subpath(skip, path.getNameCount()).toString());
          if (Files.isRegularFile(candidate)) {
            return Optional.of(candidate);
          }
        }
        return Optional.empty();
      };
    }
  }

  private static final Pattern REDIS_CLI_PORT =
      Pattern.compile(
          "(?:redis-cli|\\$\\{?\\w*(?i:cli|redis)\\w*}?)(?=[\\s\"'])[^\\n;|&]*?\\s-p\\s*"
              + "(\"?\\$\\{?\\w+}?\"?|\\d{1,5})(?![\\w.])");
  private static final Pattern ASSIGNMENT =
      Pattern.compile("(?m)^\\s*(?:export\\s+|local\\s+|readonly\\s+)?(\\w+)=[\"']?([^\"'\\s;#]*)");
  private static final Pattern SOURCE =
      Pattern.compile("(?m)^\\s*(?:\\.|source)\\s+[\"']?([^\"'\\s;]+)");
  private static final Pattern PORT_NAME = Pattern.compile("(?i)\\w*port");
  private static final Pattern PATH_PORT = Pattern.compile("(?<![\\d.])(\\d{4,5})(?![\\d.])");
  private static final int MAX_SOURCE_DEPTH = 4;
  private static final long MAX_SCRIPT_BYTES = 1L << 20;

  private final ScriptFiles files;

  RedisPortFinder(ScriptFiles files) {
    this.files = files;
  }

  /** Evidence from a script command line as keepalived runs it ({@code script "..."}). */
  List<Clue> fromCommand(String commandLine, String what) {
    List<Clue> clues = new ArrayList<>();
    scanRedisCli(commandLine, Map.of(), List.of(), what + " command line", clues);
    List<String> words = splitWords(commandLine);
    for (int i = 0; i < words.size(); i++) {
      String word = words.get(i);
      if (!word.contains("/")) {
        continue;
      }
      Optional<Path> file = files.locate(word);
      if (file.isPresent()) {
        List<String> args = words.subList(i + 1, words.size());
        scanScript(word, file.get(), args, new HashMap<>(), what, clues, 0);
      }
      portInPath(word, what, clues);
    }
    return clues;
  }

  private static void portInPath(String path, String what, List<Clue> clues) {
    Matcher m = PATH_PORT.matcher(path);
    while (m.find()) {
      int port = Integer.parseInt(m.group(1));
      if (port >= 1024 && port <= 65535) {
        clues.add(new Clue(port, what + ": port in the path " + path));
      }
    }
  }

  private void scanScript(
      String hostPath,
      Path file,
      List<String> args,
      Map<String, String> variables,
      String what,
      List<Clue> clues,
      int depth) {
    String text = scriptText(file);
    if (text == null) {
      return;
    }
    String name = Path.of(hostPath).getFileName().toString();
    Matcher sourced = SOURCE.matcher(text);
    Matcher assignment = ASSIGNMENT.matcher(text);
    // Sourced files first: their variables are usually set before the script uses them.
    while (sourced.find() && depth < MAX_SOURCE_DEPTH) {
      String target = substitute(sourced.group(1), hostPath, variables);
      Optional<Path> included = files.locate(target);
      if (included.isPresent()) {
        scanScript(target, included.get(), args, variables, what, clues, depth + 1);
      }
    }
    while (assignment.find()) {
      String value = substitute(assignment.group(2), hostPath, variables);
      variables.put(assignment.group(1), value);
      if (PORT_NAME.matcher(assignment.group(1)).matches() && value.matches("\\d{1,5}")) {
        int port = Integer.parseInt(value);
        if (port >= 1 && port <= 65535) {
          clues.add(
              new Clue(port, what + ": " + assignment.group(1) + "=" + value + " in " + hostPath));
        }
      }
    }
    scanRedisCli(text, variables, args, what + ": " + name, clues);
  }

  /**
   * The text of a script, or null for what is no script: unreadable, larger than a script, or
   * binary (a command such as {@code /usr/bin/redis-cli} found on this host). Bytes that are not
   * UTF-8 (a Latin-1 comment) do not hide the rest of the script.
   */
  private static String scriptText(Path file) {
    try {
      if (Files.size(file) > MAX_SCRIPT_BYTES) {
        return null;
      }
      byte[] bytes = Files.readAllBytes(file);
      for (byte b : bytes) {
        if (b == 0) {
          return null;
        }
      }
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPLACE)
          .onUnmappableCharacter(CodingErrorAction.REPLACE)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (IOException e) {
      return null;
    }
  }

  private static void scanRedisCli(
      String text,
      Map<String, String> variables,
      List<String> args,
      String what,
      List<Clue> clues) {
    Matcher m = REDIS_CLI_PORT.matcher(text);
    while (m.find()) {
      String raw = m.group(1).replace("\"", "");
      String value = raw;
      if (raw.startsWith("$")) {
        String variable = raw.replaceAll("[${}]", "");
        if (variable.matches("\\d")) {
          int index = Integer.parseInt(variable) - 1;
          value = index >= 0 && index < args.size() ? args.get(index) : null;
        } else {
          value = variables.get(variable);
        }
      }
      if (value != null && value.matches("\\d{1,5}")) {
        int port = Integer.parseInt(value);
        if (port >= 1 && port <= 65535) {
          String via = raw.equals(value) ? "" : " (" + raw + "=" + value + ")";
          clues.add(new Clue(port, what + ": redis-cli -p " + raw + via));
        }
      }
    }
  }

  /**
   * Expands {@code $VAR}, {@code ${VAR}} and the script's own directory ({@code $(dirname $0)}).
   */
  private static String substitute(String text, String hostPath, Map<String, String> variables) {
    Path parent = Path.of(hostPath).getParent();
    String dir = parent == null ? "." : parent.toString();
    String result =
        text.replace("$(dirname $0)", dir)
            .replace("$(dirname \"$0\")", dir)
            .replace("`dirname $0`", dir)
            .replace("${0%/*}", dir);
    Matcher m = Pattern.compile("\\$\\{?(\\w+)}?").matcher(result);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String value = variables.get(m.group(1));
      m.appendReplacement(out, Matcher.quoteReplacement(value == null ? m.group() : value));
    }
    m.appendTail(out);
    return out.toString();
  }

  /** Splits a command line into words, with shell-like single and double quotes. */
  static List<String> splitWords(String commandLine) {
    List<String> words = new ArrayList<>();
    StringBuilder word = new StringBuilder();
    boolean inWord = false;
    char quote = 0;
    for (char c : commandLine.toCharArray()) {
      if (quote != 0) {
        if (c == quote) {
          quote = 0;
        } else {
          word.append(c);
        }
      } else if (c == '\'' || c == '"') {
        quote = c;
        inWord = true;
      } else if (Character.isWhitespace(c)) {
        if (inWord) {
          words.add(word.toString());
          word.setLength(0);
          inWord = false;
        }
      } else {
        word.append(c);
        inWord = true;
      }
    }
    if (inWord) {
      words.add(word.toString());
    }
    return words;
  }

  /** The distinct ports of {@code clues}, each with its first source. */
  static Map<Integer, String> distinct(List<Clue> clues) {
    Map<Integer, String> ports = new LinkedHashMap<>();
    for (Clue clue : clues) {
      ports.putIfAbsent(clue.port(), clue.source());
    }
    return ports;
  }
}

package io.redisha.migrate;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.stream.Stream;

/**
 * A keepalived configuration read the way keepalived reads it: {@code #} and {@code !} comments
 * anywhere on a line, quoted strings, nested {@code { }} blocks (the brace on the keyword's line or
 * on the next), and {@code include} directives with globs, relative to the including file. The
 * result is a tree of {@link Entry entries}, each with the file and line it came from.
 *
 * @param entries the top-level entries, in file order, includes expanded in place
 * @param files every file read, the main one first
 * @param warnings includes that matched nothing (keepalived's plain {@code include} only warns)
 */
public record KeepalivedConfig(List<Entry> entries, List<Path> files, List<String> warnings) {
  private static final int MAX_INCLUDE_DEPTH = 16;

  /**
   * Where an entry was written.
   *
   * @param file the file
   * @param line 1-based line number
   */
  public record Location(Path file, int line) {
    /** The file relative to the working directory when it lies below it, and the line. */
    @Override
    public String toString() {
      Path cwd = Path.of("").toAbsolutePath();
      Path shown = file.startsWith(cwd) ? cwd.relativize(file) : file;
      return shown + ":" + line;
    }
  }

  /**
   * One statement: a keyword, its arguments and, when it opens one, its block.
   *
   * @param keyword the first word
   * @param args the words after it, quotes removed
   * @param block the entries inside its braces, or null when it opens no block
   * @param location where the keyword is
   */
  public record Entry(String keyword, List<String> args, List<Entry> block, Location location) {
    /** The first argument, or null. */
    public String arg() {
      return args.isEmpty() ? null : args.getFirst();
    }

    /** Keyword and arguments as written, for messages. */
    public String text() {
      return args.isEmpty() ? keyword : keyword + " " + String.join(" ", args);
    }
  }

  /** The top-level entries with {@code keyword}. */
  public List<Entry> all(String keyword) {
    return entries.stream().filter(e -> e.keyword().equals(keyword)).toList();
  }

  /** Reads {@code file} and everything it includes; a broken file names its file and line. */
  public static KeepalivedConfig read(Path file) throws KeepalivedSyntaxException {
    Reader reader = new Reader();
    Path main = file.toAbsolutePath().normalize();
    if (!Files.isRegularFile(main)) {
      throw new KeepalivedSyntaxException(null, "cannot read " + file + ": no such file");
    }
    reader.readFile(main, new ArrayDeque<>());
    return new KeepalivedConfig(reader.finish(), List.copyOf(reader.files), reader.warnings);
  }

  record Token(String text, boolean brace, boolean lineEnd, Location location) {}

  /** Builds the tree while files are tokenized, so includes land where they are written. */
  private static final class Reader {
    private final List<Path> files = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();
    private final Deque<List<Entry>> blocks = new ArrayDeque<>();
    private final Deque<Entry> openers = new ArrayDeque<>();
    private final List<Entry> top = new ArrayList<>();
    // The last statement of the current block, which may still get a block from a '{' on the
    // next line.
    private Entry lastStatement;
    private List<Token> statement = new ArrayList<>();

    Reader() {
      blocks.push(top);
    }

    void readFile(Path file, Deque<Path> including) throws KeepalivedSyntaxException {
      if (including.contains(file)) {
        throw new KeepalivedSyntaxException(
            null, "include loop: " + file + " includes itself through " + including);
      }
      if (including.size() >= MAX_INCLUDE_DEPTH) {
        throw new KeepalivedSyntaxException(null, "includes nested deeper than 16 at " + file);
      }
      List<String> lines;
      try {
        lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new KeepalivedSyntaxException(null, "cannot read " + file + ": " + e.getMessage());
      }
      files.add(file);
      including.push(file);
      for (int i = 0; i < lines.size(); i++) {
        Location location = new Location(file, i + 1);
        List<Token> tokens = tokenize(lines.get(i), location);
        if (!tokens.isEmpty()
            && !tokens.getFirst().brace()
            && tokens.getFirst().text().startsWith("include")
            && isIncludeKeyword(tokens.getFirst().text())) {
          include(tokens, location, including);
          continue;
        }
        for (Token token : tokens) {
          accept(token);
        }
        accept(new Token(null, false, true, location));
      }
      including.pop();
    }

    private static boolean isIncludeKeyword(String word) {
      return switch (word) {
        case "include", "includer", "includem", "includew", "includeb", "includea" -> true;
        default -> false;
      };
    }

    private void include(List<Token> tokens, Location location, Deque<Path> including)
        throws KeepalivedSyntaxException {
      if (tokens.size() != 2 || tokens.get(1).brace()) {
        throw new KeepalivedSyntaxException(location, "include needs exactly one file name");
      }
      String pattern = tokens.get(1).text();
      Path base = location.file().getParent();
      List<Path> matches = expand(base, pattern, location);
      if (matches.isEmpty()) {
        String message = "include " + pattern + " matches no file";
        String keyword = tokens.getFirst().text();
        if (keyword.equals("include") || keyword.equals("includer")) {
          warnings.add(location + ": " + message + " (keepalived " + keyword + " allows that)");
        } else {
          throw new KeepalivedSyntaxException(location, message);
        }
      }
      for (Path match : matches) {
        readFile(match, including);
      }
    }

    private static List<Path> expand(Path base, String pattern, Location location)
        throws KeepalivedSyntaxException {
      Path absolute = base.resolve(pattern).normalize();
      if (!hasGlob(pattern)) {
        return Files.isRegularFile(absolute) ? List.of(absolute) : List.of();
      }
      Path root = absolute.getRoot();
      Path fixed = root;
      int depth = 0;
      boolean globbing = false;
      for (Path part : absolute) {
        if (globbing || hasGlob(part.toString())) {
          globbing = true;
          depth++;
        } else {
          fixed = fixed.resolve(part);
        }
      }
      if (!Files.isDirectory(fixed)) {
        return List.of();
      }
      PathMatcher matcher =
          FileSystems.getDefault()
              .getPathMatcher("glob:" + absolute.toString().replace("\\", "\\\\"));
      try (Stream<Path> walk = Files.walk(fixed, pattern.contains("{") ? 64 : depth)) {
        return walk.filter(Files::isRegularFile).filter(matcher::matches).sorted().toList();
      } catch (IOException e) {
        throw new KeepalivedSyntaxException(
            location, "include " + pattern + ": cannot list " + fixed + ": " + e.getMessage());
      }
    }

    private static boolean hasGlob(String text) {
      return text.chars().anyMatch(c -> c == '*' || c == '?' || c == '[' || c == '{');
    }

    private void accept(Token token) throws KeepalivedSyntaxException {
      if (token.lineEnd()) {
        endStatement(false);
        return;
      }
      if (!token.brace()) {
        statement.add(token);
        return;
      }
      if (token.text().equals("{")) {
        Entry opener;
        if (!statement.isEmpty()) {
          opener = endStatement(true);
        } else if (lastStatement != null && lastStatement.block() == null) {
          // The brace on the line after its keyword.
          List<Entry> current = blocks.peek();
          opener =
              new Entry(
                  lastStatement.keyword(),
                  lastStatement.args(),
                  new ArrayList<>(),
                  lastStatement.location());
          current.set(current.size() - 1, opener);
        } else {
          throw new KeepalivedSyntaxException(token.location(), "'{' without a keyword before it");
        }
        blocks.push(opener.block());
        openers.push(opener);
        lastStatement = null;
        return;
      }
      endStatement(false);
      if (openers.isEmpty()) {
        throw new KeepalivedSyntaxException(
            token.location(), "'}' closes no block (one '}' too many)");
      }
      blocks.pop();
      lastStatement = openers.pop();
    }

    private Entry endStatement(boolean opensBlock) {
      if (statement.isEmpty()) {
        return null;
      }
      List<String> args = new ArrayList<>();
      for (int i = 1; i < statement.size(); i++) {
        args.add(statement.get(i).text());
      }
      Token first = statement.getFirst();
      Entry entry =
          new Entry(
              first.text(),
              List.copyOf(args),
              opensBlock ? new ArrayList<>() : null,
              first.location());
      blocks.peek().add(entry);
      lastStatement = entry;
      statement = new ArrayList<>();
      return entry;
    }

    List<Entry> finish() throws KeepalivedSyntaxException {
      endStatement(false);
      if (!openers.isEmpty()) {
        Entry open = openers.peekLast();
        throw new KeepalivedSyntaxException(
            open.location(),
            "block '" + open.text() + "' is never closed (missing '}' before the end of the file)");
      }
      return freeze(top);
    }

    private static List<Entry> freeze(List<Entry> entries) {
      List<Entry> frozen = new ArrayList<>();
      for (Entry e : entries) {
        frozen.add(
            new Entry(
                e.keyword(), e.args(), e.block() == null ? null : freeze(e.block()), e.location()));
      }
      return List.copyOf(frozen);
    }
  }

  /** Splits one line into words and braces, following keepalived's quoting and comments. */
  static List<Token> tokenize(String line, Location location) throws KeepalivedSyntaxException {
    List<Token> tokens = new ArrayList<>();
    StringBuilder word = new StringBuilder();
    boolean inWord = false;
    char quote = 0;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quote != 0) {
        if (c == '\\' && quote == '"' && i + 1 < line.length()) {
          char next = line.charAt(++i);
          word.append(
              switch (next) {
                case 'n' -> '\n';
                case 't' -> '\t';
                default -> next;
              });
        } else if (c == quote) {
          quote = 0;
        } else {
          word.append(c);
        }
      } else if (c == '"' || c == '\'') {
        quote = c;
        inWord = true;
      } else if (c == '#' || c == '!') {
        break;
      } else if (Character.isWhitespace(c)) {
        inWord = flush(tokens, word, inWord, location);
      } else if (c == '{' || c == '}') {
        inWord = flush(tokens, word, inWord, location);
        tokens.add(new Token(String.valueOf(c), true, false, location));
      } else {
        word.append(c);
        inWord = true;
      }
    }
    if (quote != 0) {
      throw new KeepalivedSyntaxException(
          location, "unterminated quoted string (missing " + quote + ")");
    }
    flush(tokens, word, inWord, location);
    return tokens;
  }

  private static boolean flush(
      List<Token> tokens, StringBuilder word, boolean inWord, Location location) {
    if (inWord) {
      tokens.add(new Token(word.toString(), false, false, location));
      word.setLength(0);
    }
    return false;
  }
}

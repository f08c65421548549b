package io.redisha.migrate;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.regex.PatternSyntaxException;

/**
 * A keepalived configuration read the way keepalived reads it: {@code #} and {@code !} comments
 * anywhere on a line, quoted strings, nested {@code { }} blocks (the brace on the keyword's line or
 * on the next), and {@code include} directives with globs and csh-style braces, relative to the
 * including file's directory (keepalived changes into it while reading the file). The result is a
 * tree of {@link Entry entries}, each with the file and line it came from. Files must be UTF-8.
 *
 * @param entries the top-level entries, in file order, includes expanded in place
 * @param files every file read, the main one first
 * @param warnings includes keepalived tolerates: no match, or matches it skips (directories, broken
 *     links, executables)
 */
public record KeepalivedConfig(List<Entry> entries, List<Path> files, List<String> warnings) {
  private static final int MAX_INCLUDE_DEPTH = 16;
  private static final int MAX_BLOCK_DEPTH = 64;
  private static final int MAX_FILES = 1000;
  private static final int MAX_BRACE_ALTERNATIVES = 1000;
  private static final long MAX_FILE_BYTES = 16L << 20;
  private static final String ROOT_READS_IT =
      "keepalived, running as root, reads it: run the import as root (sudo) or make the file"
          + " readable";

  /**
   * Where an entry was written.
   *
   * @param file the file
   * @param line 1-based line number
   */
  public record Location(Path file, int line) {
    /** The file as {@link #shown} and the line. */
    @Override
    public String toString() {
      return shown(file) + ":" + line;
    }

    /**
     * A path as messages show it: relative to the working directory when it lies below it or close
     * beside it ({@code ../keepalived.conf}), else absolute, so what the user typed comes back
     * recognisably.
     */
    public static String shown(Path path) {
      if (!path.isAbsolute()) {
        return path.toString();
      }
      Path cwd = Path.of("").toAbsolutePath();
      if (cwd.getParent() == null) {
        return path.toString();
      }
      if (path.startsWith(cwd) && !path.equals(cwd)) {
        return cwd.relativize(path).toString();
      }
      Path relative = cwd.relativize(path);
      int up = 0;
      while (up < relative.getNameCount() && relative.getName(up).toString().equals("..")) {
        up++;
      }
      String text = relative.toString();
      return up <= 2 && text.length() < path.toString().length() ? text : path.toString();
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

  /**
   * Reads {@code file} and everything it includes; a broken file names its file and line, a file
   * that cannot be read is {@link KeepalivedSyntaxException#unreadable() unreadable}.
   */
  public static KeepalivedConfig read(Path file) throws KeepalivedSyntaxException {
    Reader reader = new Reader();
    Path main = file.toAbsolutePath().normalize();
    String unusable = null;
    try {
      BasicFileAttributes attributes = Files.readAttributes(main, BasicFileAttributes.class);
      if (attributes.isDirectory()) {
        unusable = "is a directory";
      } else if (!attributes.isRegularFile()) {
        unusable = "is not a regular file";
      }
    } catch (IOException e) {
      unusable =
          Files.isSymbolicLink(main) && e instanceof NoSuchFileException
              ? "is a broken symbolic link"
              : reason(e);
    }
    if (unusable != null) {
      throw KeepalivedSyntaxException.unreadable(
          null, "cannot read " + Location.shown(main) + ": " + unusable);
    }
    reader.readFile(main, new ArrayDeque<>(), null, null);
    return new KeepalivedConfig(reader.finish(), List.copyOf(reader.files), reader.warnings);
  }

  /** Why a file operation failed, in the words of the system. */
  static String reason(IOException e) {
    if (e instanceof NoSuchFileException) {
      return "no such file";
    }
    if (e instanceof AccessDeniedException) {
      return "permission denied; " + ROOT_READS_IT;
    }
    if (e instanceof NotDirectoryException) {
      return "not a directory";
    }
    if (e instanceof FileSystemException f && f.getReason() != null) {
      return f.getReason();
    }
    return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
  }

  /** C0 and C1 controls and DEL, except the white space keepalived knows (tab, FF, VT, CR). */
  private static boolean isControl(int c) {
    boolean space = c == '\t' || c == '\f' || c == 0x0b || c == '\r';
    return !space && (c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == 0xfffe || c == 0xffff);
  }

  /** Splits UTF-8 bytes into lines at {@code \n}, as keepalived does, naming a byte that is not. */
  static List<String> decodeLines(Path file, byte[] bytes) throws KeepalivedSyntaxException {
    if (bytes.length >= 3
        && (bytes[0] & 0xff) == 0xef
        && (bytes[1] & 0xff) == 0xbb
        && (bytes[2] & 0xff) == 0xbf) {
      throw new KeepalivedSyntaxException(
          new Location(file, 1),
          "starts with a UTF-8 byte order mark (bytes EF BB BF), which keepalived reads as part of"
              + " the first word; remove it, for example with sed -i '1s/^\\xEF\\xBB\\xBF//' "
              + Location.shown(file));
    }
    CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    List<String> lines = new ArrayList<>();
    int start = 0;
    while (start < bytes.length) {
      int end = start;
      while (end < bytes.length && bytes[end] != '\n') {
        end++;
      }
      int stop = end;
      while (stop > start && bytes[stop - 1] == '\r') {
        stop--;
      }
      Location location = new Location(file, lines.size() + 1);
      ByteBuffer in = ByteBuffer.wrap(bytes, start, stop - start);
      CharBuffer out = CharBuffer.allocate(stop - start);
      decoder.reset();
      CoderResult result = decoder.decode(in, out, true);
      if (!result.isError()) {
        result = decoder.flush(out);
      }
      out.flip();
      if (result.isError()) {
        int column = Character.codePointCount(out, 0, out.length()) + 1;
        throw new KeepalivedSyntaxException(
            location,
            String.format(
                "not UTF-8 (byte 0x%02X at column %d); convert it with iconv -f latin1 -t utf-8",
                bytes[in.position()] & 0xff, column));
      }
      String line = out.toString();
      for (int at = 0; at < line.length(); at = line.offsetByCodePoints(at, 1)) {
        int c = line.codePointAt(at);
        if (isControl(c)) {
          throw new KeepalivedSyntaxException(
              location,
              String.format(
                  "a control character (0x%02X at column %d): not a text file",
                  c, line.codePointCount(0, at) + 1));
        }
      }
      lines.add(line);
      start = end + 1;
    }
    return lines;
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

    /**
     * Reads {@code file} into the tree; {@code includedAt} and {@code include} are the include line
     * and its text, or null for the main file.
     */
    void readFile(Path file, Deque<Path> including, Location includedAt, String include)
        throws KeepalivedSyntaxException {
      String what = include == null ? "cannot read " : include + ": ";
      if (including.contains(file)) {
        List<String> chain = new ArrayList<>();
        including.descendingIterator().forEachRemaining(p -> chain.add(Location.shown(p)));
        throw new KeepalivedSyntaxException(
            includedAt,
            "include loop: "
                + Location.shown(file)
                + " includes itself (through "
                + String.join(", ", chain)
                + ")");
      }
      if (including.size() >= MAX_INCLUDE_DEPTH) {
        throw new KeepalivedSyntaxException(
            includedAt, "includes nested deeper than " + MAX_INCLUDE_DEPTH);
      }
      if (files.size() >= MAX_FILES) {
        throw new KeepalivedSyntaxException(
            includedAt, "more than " + MAX_FILES + " files included: is an include too wide?");
      }
      byte[] bytes;
      try {
        long size = Files.size(file);
        if (size > MAX_FILE_BYTES) {
          throw new KeepalivedSyntaxException(
              includedAt,
              (include == null ? "" : include + ": ")
                  + Location.shown(file)
                  + " is "
                  + size
                  + " bytes: not a keepalived configuration");
        }
        bytes = Files.readAllBytes(file);
      } catch (IOException e) {
        throw KeepalivedSyntaxException.unreadable(
            includedAt, what + Location.shown(file) + ": " + reason(e));
      }
      List<String> lines = decodeLines(file, bytes);
      files.add(file);
      including.push(file);
      for (int i = 0; i < lines.size(); i++) {
        Location location = new Location(file, i + 1);
        // keepalived finds include lines before it splits off braces, so a brace expression stays
        // one file name.
        List<Token> words = tokenize(lines.get(i), location, false);
        if (!words.isEmpty() && isIncludeKeyword(words.getFirst().text())) {
          include(words, location, including);
          continue;
        }
        for (Token token : tokenize(lines.get(i), location, true)) {
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

    /**
     * An include line. What keepalived skips (directories, broken links, executables) is a warning
     * after a plain {@code include} and an error after its checking variants, as keepalived treats
     * them; a file or directory this process may not read stops the import, because keepalived, as
     * root, reads it and the pair would lack what is in it.
     */
    private void include(List<Token> words, Location location, Deque<Path> including)
        throws KeepalivedSyntaxException {
      String keyword = words.getFirst().text();
      if (words.size() != 2) {
        throw new KeepalivedSyntaxException(location, keyword + " needs exactly one file name");
      }
      String pattern = words.get(1).text();
      String what = keyword + " " + pattern;
      boolean checked = !keyword.equals("include");
      boolean everyAlternative = keyword.equals("includeb") || keyword.equals("includea");
      Path base = location.file().getParent();
      List<String> alternatives = expandBraces(pattern, location, what);
      List<Path> matches = new ArrayList<>();
      for (String alternative : alternatives) {
        List<Path> found = Glob.matches(base, alternative, location, what);
        if (found.isEmpty() && everyAlternative && alternatives.size() > 1) {
          throw new KeepalivedSyntaxException(
              location,
              what
                  + ": "
                  + alternative
                  + " matches no file ("
                  + keyword
                  + " needs every brace alternative to match)");
        }
        matches.addAll(found);
      }
      if (matches.isEmpty()) {
        String message = "include " + pattern + " matches no file";
        if (keyword.equals("include") || keyword.equals("includer")) {
          warnings.add(location + ": " + message + " (keepalived " + keyword + " allows that)");
          return;
        }
        throw new KeepalivedSyntaxException(location, message);
      }
      for (Path match : matches) {
        String skipped = skippedByKeepalived(match, location, what);
        if (skipped == null) {
          readFile(match, including, location, what);
          continue;
        }
        String message = what + ": " + Location.shown(match) + " " + skipped;
        if (checked) {
          throw new KeepalivedSyntaxException(
              location, message + "; keepalived refuses that after " + keyword);
        }
        warnings.add(location + ": " + message + "; keepalived skips it");
      }
    }

    /** Why keepalived passes over a match, or null when it reads it. */
    private static String skippedByKeepalived(Path match, Location location, String what)
        throws KeepalivedSyntaxException {
      BasicFileAttributes attributes;
      try {
        attributes = Files.readAttributes(match, BasicFileAttributes.class);
      } catch (NoSuchFileException e) {
        return Files.isSymbolicLink(match) ? "is a broken symbolic link" : "does not exist";
      } catch (IOException e) {
        if (e instanceof FileSystemException f
            && f.getReason() != null
            && f.getReason().contains("symbolic links")) {
          return "is a symbolic link loop";
        }
        throw KeepalivedSyntaxException.unreadable(
            location, what + ": " + Location.shown(match) + ": " + reason(e));
      }
      if (attributes.isDirectory()) {
        return "is a directory";
      }
      if (!attributes.isRegularFile()) {
        return "is not a regular file";
      }
      try {
        Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(match);
        if (permissions.contains(PosixFilePermission.OWNER_EXECUTE)
            || permissions.contains(PosixFilePermission.GROUP_EXECUTE)
            || permissions.contains(PosixFilePermission.OTHERS_EXECUTE)) {
          return "is executable";
        }
      } catch (IOException | UnsupportedOperationException e) {
        // No POSIX permissions to check: keepalived would find none set either.
      }
      return null;
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
        if (openers.size() >= MAX_BLOCK_DEPTH) {
          throw new KeepalivedSyntaxException(
              token.location(),
              "blocks nested deeper than " + MAX_BLOCK_DEPTH + " (a '}' missing further up?)");
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

  /**
   * The patterns of csh-style brace expression {@code pattern}, in order, as glob(3) with
   * GLOB_BRACE expands them: {@code {a/{x,y},b}.conf} is {@code a/x.conf}, {@code a/y.conf}, {@code
   * b.conf}. A brace without its partner is an ordinary character.
   */
  static List<String> expandBraces(String pattern, Location location, String what)
      throws KeepalivedSyntaxException {
    List<String> out = new ArrayList<>();
    List<String> pending = new ArrayList<>(List.of(pattern));
    while (!pending.isEmpty()) {
      String next = pending.removeFirst();
      int open = -1;
      int close = -1;
      for (int i = 0; i < next.length() && open < 0; i++) {
        char c = next.charAt(i);
        if (c == '\\') {
          i++;
        } else if (c == '{') {
          int partner = closingBrace(next, i);
          if (partner > 0) {
            open = i;
            close = partner;
          }
        }
      }
      if (open < 0) {
        out.add(next);
        continue;
      }
      List<String> expanded = new ArrayList<>();
      String prefix = next.substring(0, open);
      String suffix = next.substring(close + 1);
      for (String alternative : braceAlternatives(next.substring(open + 1, close))) {
        expanded.add(prefix + alternative + suffix);
      }
      if (out.size() + pending.size() + expanded.size() > MAX_BRACE_ALTERNATIVES) {
        throw new KeepalivedSyntaxException(
            location, what + ": more than " + MAX_BRACE_ALTERNATIVES + " brace alternatives");
      }
      pending.addAll(0, expanded);
    }
    return out;
  }

  private static int closingBrace(String text, int open) {
    int depth = 0;
    for (int i = open; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\\') {
        i++;
      } else if (c == '{') {
        depth++;
      } else if (c == '}' && --depth == 0) {
        return i;
      }
    }
    return -1;
  }

  private static List<String> braceAlternatives(String inside) {
    List<String> alternatives = new ArrayList<>();
    int depth = 0;
    int from = 0;
    for (int i = 0; i < inside.length(); i++) {
      char c = inside.charAt(i);
      if (c == '\\') {
        i++;
      } else if (c == '{') {
        depth++;
      } else if (c == '}') {
        depth--;
      } else if (c == ',' && depth == 0) {
        alternatives.add(inside.substring(from, i));
        from = i + 1;
      }
    }
    alternatives.add(inside.substring(from));
    return alternatives;
  }

  /**
   * glob(3) without braces, one path component at a time: {@code *}, {@code ?} and {@code [...]}
   * within a component, a leading dot matched only by a dot, each pattern's matches sorted.
   */
  static final class Glob {
    private Glob() {}

    /** What {@code pattern} (relative to {@code base} unless absolute) names, sorted. */
    static List<Path> matches(Path base, String pattern, Location location, String what)
        throws KeepalivedSyntaxException {
      Path start = pattern.startsWith("/") ? base.getRoot() : base;
      List<Path> found = new ArrayList<>();
      walk(start, pattern.split("/", -1), 0, found, location, what);
      return found.stream()
          .map(Path::normalize)
          .sorted(Comparator.comparing(Path::toString))
          .toList();
    }

    private static void walk(
        Path dir, String[] parts, int index, List<Path> found, Location location, String what)
        throws KeepalivedSyntaxException {
      boolean last = index == parts.length - 1;
      String part = parts[index];
      if (part.isEmpty() || part.equals(".")) {
        if (last) {
          found.add(dir);
        } else {
          walk(dir, parts, index + 1, found, location, what);
        }
        return;
      }
      if (!isPattern(part)) {
        Path next = dir.resolve(part);
        if (last ? exists(next, location, what) : isDirectory(next, location, what)) {
          if (last) {
            found.add(next);
          } else {
            walk(next, parts, index + 1, found, location, what);
          }
        }
        return;
      }
      PathMatcher matcher = matcher(part);
      List<Path> entries = new ArrayList<>();
      try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
        for (Path entry : stream) {
          String name = entry.getFileName().toString();
          if ((part.startsWith(".") || !name.startsWith(".")) && matcher.matches(Path.of(name))) {
            entries.add(entry);
          }
        }
      } catch (NoSuchFileException | NotDirectoryException e) {
        return;
      } catch (IOException e) {
        throw cannotList(dir, e, location, what);
      } catch (DirectoryIteratorException e) {
        throw cannotList(dir, e.getCause(), location, what);
      }
      for (Path entry : entries) {
        if (last) {
          found.add(entry);
        } else if (isDirectory(entry, location, what)) {
          walk(entry, parts, index + 1, found, location, what);
        }
      }
    }

    private static KeepalivedSyntaxException cannotList(
        Path dir, IOException e, Location location, String what) {
      return KeepalivedSyntaxException.unreadable(
          location, what + ": cannot list " + Location.shown(dir) + ": " + reason(e));
    }

    private static boolean exists(Path path, Location location, String what)
        throws KeepalivedSyntaxException {
      try {
        Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        return true;
      } catch (NoSuchFileException | NotDirectoryException e) {
        return false;
      } catch (IOException e) {
        throw KeepalivedSyntaxException.unreadable(
            location, what + ": " + Location.shown(path) + ": " + reason(e));
      }
    }

    private static boolean isDirectory(Path path, Location location, String what)
        throws KeepalivedSyntaxException {
      try {
        return Files.readAttributes(path, BasicFileAttributes.class).isDirectory();
      } catch (NoSuchFileException | NotDirectoryException e) {
        return false;
      } catch (IOException e) {
        if (e instanceof FileSystemException f
            && f.getReason() != null
            && f.getReason().contains("symbolic links")) {
          return false;
        }
        throw KeepalivedSyntaxException.unreadable(
            location, what + ": " + Location.shown(path) + ": " + reason(e));
      }
    }

    private static boolean isPattern(String part) {
      return part.chars().anyMatch(c -> c == '*' || c == '?' || c == '[' || c == '\\');
    }

    /**
     * One component as a Java glob: braces are already expanded, so they and commas are plain
     * characters; {@code [^...]} is glob(3)'s spelling of {@code [!...]}. A bracket that does not
     * form a valid set is an ordinary character, as in fnmatch(3).
     */
    private static PathMatcher matcher(String part) {
      String java =
          part.replace("{", "\\{").replace("}", "\\}").replace(",", "\\,").replace("[^", "[!");
      try {
        return FileSystems.getDefault().getPathMatcher("glob:" + java);
      } catch (PatternSyntaxException e) {
        try {
          return FileSystems.getDefault()
              .getPathMatcher("glob:" + java.replace("[", "\\[").replace("]", "\\]"));
        } catch (PatternSyntaxException again) {
          return path -> path.toString().equals(part);
        }
      }
    }
  }

  /** Splits one line into words and braces, following keepalived's quoting and comments. */
  static List<Token> tokenize(String line, Location location) throws KeepalivedSyntaxException {
    return tokenize(line, location, true);
  }

  /**
   * Splits one line into words, and with {@code braces} also into the braces between them,
   * following keepalived's quoting, comments and white space (space, tab, form feed, vertical tab,
   * carriage return).
   */
  static List<Token> tokenize(String line, Location location, boolean braces)
      throws KeepalivedSyntaxException {
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
      } else if (c == ' ' || c == '\t' || c == '\f' || c == '\u000b' || c == '\r') {
        inWord = flush(tokens, word, inWord, location);
      } else if (braces && (c == '{' || c == '}')) {
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

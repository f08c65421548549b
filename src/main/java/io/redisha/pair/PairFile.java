package io.redisha.pair;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.redisha.api.RedisHAPair;
import io.redisha.api.RedisHAPairSpec;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Reads a pair file: either a bare spec (nodes, interface, instances, ...) or a whole {@code
 * RedisHAPair} resource, so one file moves between standalone mode and Kubernetes.
 *
 * <p>The file is read strictly, the way the API server reads the resource: UTF-8 only, one
 * document, each key once, no unknown fields, and every value of the type its field declares. YAML
 * 1.1 spellings that change a value silently are refused by name: {@code 010} (octal 8), {@code
 * 0x1F}, {@code 6_379}, {@code 6379.7} for a whole number, {@code yes}/{@code on} for a boolean,
 * and aliases. The YAML parser reads the file into a tree that keeps each value's line and column;
 * the tree is checked against the spec classes (their Jackson properties, so the check cannot drift
 * from the classes) and only then bound. Every problem of the file is reported at once, each with
 * its line and column.
 */
public final class PairFile {
  /** Streams YAML tokens with their locations; the documents of a stream are read one by one. */
  private static final YAMLFactory YAML = YAMLFactory.builder().build();

  /**
   * Binds the checked tree. The tree already holds only values of the right type, so these settings
   * are the second line: a value of a wrong shape fails here too instead of being converted.
   */
  private static final ObjectMapper BINDER =
      JsonMapper.builder()
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
          .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
          .build();

  /**
   * Writes what {@link #parse} and {@link #readStrict} read back (the operator's rendered files).
   */
  private static final ObjectMapper WRITER =
      new ObjectMapper(
          YAMLFactory.builder()
              .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
              .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
              .build());

  private static final String API_VERSION = HasMetadata.getApiVersion(RedisHAPair.class);
  private static final String KIND = HasMetadata.getKind(RedisHAPair.class);
  private static final Set<String> RESOURCE_FIELDS =
      Set.of("apiVersion", "kind", "metadata", "spec", "status");
  private static final Pattern DECIMAL = Pattern.compile("-?(0|[1-9][0-9]*)");
  private static final Pattern LEADING_ZERO = Pattern.compile("[-+]?0[0-9_]+");
  private static final Set<String> BOOLEANS =
      Set.of("true", "True", "TRUE", "false", "False", "FALSE");
  private static final Map<Class<?>, Map<String, JavaType>> PROPERTIES = new ConcurrentHashMap<>();

  /** The block of the removed Witness protection: named as such, not as a typo. */
  private static final String REMOVED_WITNESS_FIELD = "witness";

  private PairFile() {}

  /**
   * Where a value starts in the file.
   *
   * @param line 1-based line
   * @param column 1-based column
   */
  public record Position(int line, int column) {
    @Override
    public String toString() {
      return "line " + line + ", column " + column;
    }
  }

  /**
   * A loaded pair file.
   *
   * @param name the pair's name: metadata.name of a resource, else the file name without suffix
   * @param spec the spec
   * @param positions where each field of the spec ({@code instances[1].port}) is in the file
   */
  public record Loaded(String name, RedisHAPairSpec spec, Map<String, Position> positions) {
    public Loaded {
      positions = Map.copyOf(positions);
    }

    /** A spec that comes from no file. */
    public Loaded(String name, RedisHAPairSpec spec) {
      this(name, spec, Map.of());
    }

    /**
     * {@code problem} ({@code field: what is wrong}) with the line and column of its field, or of
     * the nearest enclosing field the file has; unchanged when the file has none of them.
     */
    public String locate(String problem) {
      int colon = problem.indexOf(": ");
      if (colon < 0) {
        return problem;
      }
      Position position = positionOf(problem.substring(0, colon));
      return position == null ? problem : problem + " (" + position + ")";
    }

    /** {@link #locate} for each problem, in the order of the file. */
    public List<String> locateAll(List<String> problems) {
      Problems located = new Problems();
      problems.forEach(problem -> located.add(problem, positionOf(fieldOf(problem))));
      return located.list();
    }

    /** Where {@code field} or the nearest enclosing field that the file has starts, or null. */
    public Position positionOf(String field) {
      String path = field;
      while (!path.isEmpty()) {
        Position position = positions.get(path);
        if (position != null) {
          return position;
        }
        int cut = Math.max(path.lastIndexOf('.'), path.lastIndexOf('['));
        path = cut < 0 ? "" : path.substring(0, cut);
      }
      return null;
    }
  }

  /** Loads and parses {@code file}; every problem names the field, the line and the column. */
  public static Loaded load(Path file) throws InvalidPairException {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new InvalidPairException(
          file.toString(), List.of("cannot read the file: " + e.getMessage()));
    }
    return parse(utf8(bytes, file.toString()), file.toString(), defaultName(file));
  }

  /** Parses pair-file text; {@code source} names it in errors. */
  public static Loaded parse(String text, String source, String defaultName)
      throws InvalidPairException {
    Problems problems = new Problems();
    Node root = readSingleDocument(text, problems);
    if (root == null) {
      if (problems.isEmpty()) {
        problems.add(
            "file: empty; expected a YAML mapping with nodes, interface and instances", null);
      }
      throw new InvalidPairException(source, problems.list());
    }
    if (!(root instanceof Mapping top)) {
      problems.add("file: expected a YAML mapping of fields, not " + describe(root), root.at());
      throw new InvalidPairException(source, problems.list());
    }
    String name = defaultName;
    Node specNode = top;
    if (top.has("spec") || top.has("kind") || top.has("apiVersion") || top.has("metadata")) {
      name = resourceName(top, defaultName, problems);
      specNode = top.get("spec");
      if (specNode == null) {
        problems.add("spec: required in a " + KIND + " resource", top.at());
      }
    }
    Map<String, Position> positions = new HashMap<>();
    JsonNode checked =
        specNode == null
            ? null
            : new TypeCheck(problems, positions, "spec")
                .check(specNode, BINDER.constructType(RedisHAPairSpec.class), "");
    if (checked == null && specNode != null && problems.isEmpty()) {
      problems.add("spec: must not be empty", specNode.at());
    }
    RedisHAPairSpec spec;
    try {
      spec =
          checked == null
              ? new RedisHAPairSpec()
              : BINDER.treeToValue(checked, RedisHAPairSpec.class);
    } catch (JacksonException e) {
      problems.add("file: " + e.getOriginalMessage(), null);
      throw new InvalidPairException(source, problems.list());
    }
    Loaded loaded = new Loaded(name, spec, positions);
    if (!problems.isEmpty() && specNode == null) {
      throw new InvalidPairException(source, problems.list());
    }
    if (!problems.isEmpty()) {
      // The rule problems of what could be read are reported too, except on fields already named
      // (a port of the wrong type would also read as a missing port).
      List<String> named = problems.fields();
      for (String problem : PairValidation.validate(spec)) {
        String field = fieldOf(problem);
        if (named.stream().noneMatch(f -> f.equals(field) || field.startsWith(f + "."))) {
          problems.add(problem, loaded.positionOf(field));
        }
      }
      throw new InvalidPairException(source, problems.list());
    }
    return loaded;
  }

  /**
   * Reads {@code text} as one value of {@code type} by the rules of a pair file (one UTF-8
   * document, each key once, no unknown field, every value of its field's type), for the files
   * redisha reads besides pair files: the operator's admin configuration and the hooks the operator
   * hands the agents. Returns null for an empty document.
   */
  public static <T> T readStrict(String text, String source, Class<T> type)
      throws InvalidPairException {
    Problems problems = new Problems();
    Node root = readSingleDocument(text, problems);
    if (!problems.isEmpty()) {
      throw new InvalidPairException(source, problems.list());
    }
    if (root == null) {
      return null;
    }
    JsonNode checked =
        new TypeCheck(problems, new HashMap<>(), "file")
            .check(root, BINDER.constructType(type), "");
    if (!problems.isEmpty()) {
      throw new InvalidPairException(source, problems.list());
    }
    try {
      return checked == null ? null : BINDER.treeToValue(checked, type);
    } catch (JacksonException e) {
      throw new InvalidPairException(source, List.of("file: " + e.getOriginalMessage()));
    }
  }

  /** {@code value} as YAML, in the form the readers of this class take back unchanged. */
  public static String write(Object value) {
    try {
      return WRITER.writeValueAsString(value);
    } catch (JacksonException e) {
      throw new IllegalStateException("cannot write " + value.getClass().getSimpleName(), e);
    }
  }

  /** {@link #readStrict} of a file; every problem names the field, the line and the column. */
  public static <T> T loadStrict(Path file, Class<T> type) throws InvalidPairException {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new InvalidPairException(
          file.toString(), List.of("cannot read the file: " + e.getMessage()));
    }
    return readStrict(utf8(bytes, file.toString()), file.toString(), type);
  }

  private static String resourceName(Mapping top, String defaultName, Problems problems) {
    top.entries()
        .forEach(
            (key, value) -> {
              if (!RESOURCE_FIELDS.contains(key)) {
                problems.add(
                    key
                        + ": unknown field of a "
                        + KIND
                        + " resource (apiVersion, kind, metadata, spec)",
                    top.keyPosition(key));
              }
            });
    Node kind = top.get("kind");
    if (kind != null && !(kind instanceof Scalar s && KIND.equals(s.text()))) {
      problems.add("kind: expected " + KIND + ", not " + describe(kind), kind.at());
    }
    Node apiVersion = top.get("apiVersion");
    if (apiVersion != null && !(apiVersion instanceof Scalar s && API_VERSION.equals(s.text()))) {
      problems.add(
          "apiVersion: expected " + API_VERSION + ", not " + describe(apiVersion), apiVersion.at());
    }
    Node metadata = top.get("metadata");
    if (metadata == null) {
      return defaultName;
    }
    if (!(metadata instanceof Mapping m)) {
      problems.add("metadata: expected a mapping, not " + describe(metadata), metadata.at());
      return defaultName;
    }
    Node metadataName = m.get("name");
    if (metadataName instanceof Scalar s && s.token() == JsonToken.VALUE_STRING) {
      return s.text();
    }
    if (metadataName != null) {
      problems.add(
          "metadata.name: wrong type: expected text, not " + describe(metadataName),
          metadataName.at());
    }
    return defaultName;
  }

  /** The first document of {@code text}; refuses a second one and reports syntax errors. */
  private static Node readSingleDocument(String text, Problems problems) {
    try (JsonParser parser = YAML.createParser(text)) {
      if (parser.nextToken() == null) {
        return null;
      }
      Node root = new TreeReader((YAMLParser) parser, problems).read("");
      if (parser.nextToken() != null) {
        problems.add(
            "file: a second YAML document starts here; a pair file holds one document"
                + " (remove the '---' and what follows it)",
            position(parser.currentTokenLocation()));
      }
      return root;
    } catch (JacksonException e) {
      problems.add("file: not valid YAML: " + syntaxError(e), position(e.getLocation()));
      return null;
    } catch (IOException e) {
      problems.add("file: cannot read: " + e.getMessage(), null);
      return null;
    }
  }

  /** SnakeYAML's message without the excerpt of the file (the line and column say where). */
  private static String syntaxError(JacksonException e) {
    return e.getOriginalMessage()
        .lines()
        .filter(line -> !line.isBlank() && !Character.isWhitespace(line.charAt(0)))
        .collect(Collectors.joining("; "));
  }

  /**
   * Decodes {@code bytes} as UTF-8, refusing anything else with the place of the first bad byte
   * (Java's usual decoding would replace it silently).
   */
  static String utf8(byte[] bytes, String source) throws InvalidPairException {
    CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    CharBuffer out = CharBuffer.allocate(bytes.length);
    CoderResult result = decoder.decode(in, out, true);
    if (!result.isError()) {
      result = decoder.flush(out);
    }
    if (result.isError()) {
      int offset = in.position();
      int line = 1;
      for (int i = 0; i < offset; i++) {
        if (bytes[i] == '\n') {
          line++;
        }
      }
      throw new InvalidPairException(
          source,
          List.of(
              String.format(
                  "file: not UTF-8: byte 0x%02X at byte offset %d (line %d) is not valid UTF-8;"
                      + " the pair file must be UTF-8 (convert it, for example with iconv -t UTF-8)",
                  bytes[offset] & 0xff, offset, line)));
    }
    String text = out.flip().toString();
    return text.startsWith("\uFEFF") ? text.substring(1) : text;
  }

  private static String defaultName(Path file) {
    String fileName = file.getFileName().toString();
    int dot = fileName.lastIndexOf('.');
    return dot > 0 ? fileName.substring(0, dot) : fileName;
  }

  private static String fieldOf(String problem) {
    int colon = problem.indexOf(": ");
    return colon < 0 ? problem : problem.substring(0, colon);
  }

  private static Position position(JsonLocation location) {
    return location == null || location.getLineNr() < 1
        ? null
        : new Position(location.getLineNr(), location.getColumnNr());
  }

  private static String join(String path, String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  private static String describe(Node node) {
    return switch (node) {
      case Mapping m -> "a mapping";
      case Sequence s -> "a list";
      case Scalar s ->
          switch (s.token()) {
            case VALUE_STRING -> "the text '" + s.text() + "'";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "the number " + s.text();
            case VALUE_TRUE, VALUE_FALSE -> "the boolean " + s.text();
            default -> "'" + s.text() + "'";
          };
    };
  }

  /**
   * The problems of a file, each with the place it concerns; listed in the order of the file, those
   * without a place (a field that is missing) last.
   */
  static final class Problems {
    private record Entry(String text, Position at) {}

    private final List<Entry> entries = new ArrayList<>();

    void add(String text, Position at) {
      entries.add(new Entry(text, at));
    }

    boolean isEmpty() {
      return entries.isEmpty();
    }

    /** The fields named so far. */
    List<String> fields() {
      return entries.stream().map(e -> fieldOf(e.text())).toList();
    }

    /** Each problem as {@code field: what is wrong (line L, column C)}. */
    List<String> list() {
      return entries.stream()
          .sorted(
              Comparator.comparing(
                  Entry::at,
                  Comparator.nullsLast(
                      Comparator.comparingInt(Position::line).thenComparingInt(Position::column))))
          .map(e -> e.at() == null ? e.text() : e.text() + " (" + e.at() + ")")
          .toList();
    }
  }

  /** A value of the file with the place where it starts. */
  private sealed interface Node permits Mapping, Sequence, Scalar {
    Position at();
  }

  private record Mapping(Position at, Map<String, Node> entries, Map<String, Position> keys)
      implements Node {
    boolean has(String key) {
      return entries.containsKey(key);
    }

    Node get(String key) {
      return entries.get(key);
    }

    Position keyPosition(String key) {
      return keys.get(key);
    }
  }

  private record Sequence(Position at, List<Node> items) implements Node {}

  /**
   * A scalar as the parser typed it, with its text as written.
   *
   * @param number the value YAML gives a number (010 is 8), or null
   */
  private record Scalar(Position at, JsonToken token, String text, String number) implements Node {}

  /** Reads one document into {@link Node}s, reporting each key given twice and each alias. */
  private static final class TreeReader {
    private final YAMLParser parser;
    private final Problems problems;

    TreeReader(YAMLParser parser, Problems problems) {
      this.parser = parser;
      this.problems = problems;
    }

    /** The value at the current token. */
    Node read(String path) throws IOException {
      Position at = position();
      JsonToken token = parser.currentToken();
      if (token == JsonToken.START_OBJECT) {
        Map<String, Node> entries = new LinkedHashMap<>();
        Map<String, Position> keys = new HashMap<>();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
          String key = parser.currentName();
          Position keyAt = position();
          parser.nextToken();
          Node value = read(join(path, key));
          // Detected here rather than with JsonParser.Feature.STRICT_DUPLICATE_DETECTION, which
          // stops the parser at the first duplicate: this way each one is reported with the rest.
          Position first = keys.putIfAbsent(key, keyAt);
          if (first != null) {
            problems.add(
                join(path, key)
                    + ": given twice, first on line "
                    + first.line()
                    + "; a key may appear only once",
                keyAt);
          } else {
            entries.put(key, value);
          }
        }
        return new Mapping(at, entries, keys);
      }
      if (token == JsonToken.START_ARRAY) {
        List<Node> items = new ArrayList<>();
        while (parser.nextToken() != JsonToken.END_ARRAY) {
          items.add(read(path + "[" + items.size() + "]"));
        }
        return new Sequence(at, items);
      }
      if (parser.isCurrentAlias()) {
        problems.add(
            path + ": the alias *" + parser.getText() + " is not supported; write the value out",
            at);
        return new Scalar(at, JsonToken.VALUE_NULL, "", null);
      }
      String number = token.isNumeric() ? parser.getNumberValue().toString() : null;
      return new Scalar(at, token, parser.getText(), number);
    }

    private Position position() {
      return PairFile.position(parser.currentTokenLocation());
    }
  }

  /**
   * Checks a {@link Node} tree against the Java type of its field, collecting each problem with its
   * place, and returns the values that passed as a Jackson tree (null for a value left out).
   */
  private static final class TypeCheck {
    private final Problems problems;
    private final Map<String, Position> positions;

    /** What a problem of the whole document names ({@code spec} in a pair file). */
    private final String root;

    TypeCheck(Problems problems, Map<String, Position> positions, String root) {
      this.problems = problems;
      this.positions = positions;
      this.root = root;
    }

    JsonNode check(Node node, JavaType type, String path) {
      positions.put(path, node.at());
      if (node instanceof Scalar s && s.token() == JsonToken.VALUE_NULL) {
        return null;
      }
      Class<?> raw = type.getRawClass();
      if (raw == String.class) {
        return text(node, path);
      }
      if (raw == Integer.class || raw == int.class) {
        return integer(node, path, 31);
      }
      if (raw == Long.class || raw == long.class) {
        return integer(node, path, 63);
      }
      if (raw == Boolean.class || raw == boolean.class) {
        return bool(node, path);
      }
      if (raw.isEnum()) {
        return enumText(node, raw, path);
      }
      if (type.isCollectionLikeType()) {
        return list(node, type.getContentType(), path);
      }
      if (type.isMapLikeType()) {
        return map(node, type.getContentType(), path);
      }
      return object(node, type, path);
    }

    /** A mapping whose keys are names chosen by the writer (hook names), each of one type. */
    private JsonNode map(Node node, JavaType valueType, String path) {
      if (!(node instanceof Mapping mapping)) {
        wrongType(path, "a mapping", node);
        return null;
      }
      ObjectNode out = JsonNodeFactory.instance.objectNode();
      mapping
          .entries()
          .forEach(
              (key, value) -> {
                JsonNode checked = check(value, valueType, join(path, key));
                if (checked != null) {
                  out.set(key, checked);
                }
              });
      return out;
    }

    private JsonNode object(Node node, JavaType type, String path) {
      if (!(node instanceof Mapping mapping)) {
        wrongType(path, "a mapping of fields", node);
        return null;
      }
      Map<String, JavaType> properties = properties(type);
      ObjectNode out = JsonNodeFactory.instance.objectNode();
      mapping
          .entries()
          .forEach(
              (key, value) -> {
                String field = join(path, key);
                JavaType propertyType = properties.get(key);
                if (propertyType == null) {
                  problems.add(
                      field
                          + ": unknown field"
                          + (field.equals(REMOVED_WITNESS_FIELD)
                              ? "; splitBrainProtection Witness was removed, use Etcd with an"
                                  + " etcd block"
                              : suggestion(key, properties.keySet())),
                      mapping.keyPosition(key));
                  return;
                }
                JsonNode checked = check(value, propertyType, field);
                if (checked != null) {
                  out.set(key, checked);
                }
              });
      return out;
    }

    private JsonNode list(Node node, JavaType itemType, String path) {
      if (!(node instanceof Sequence sequence)) {
        wrongType(path, "a list", node);
        return null;
      }
      ArrayNode out = JsonNodeFactory.instance.arrayNode();
      for (int i = 0; i < sequence.items().size(); i++) {
        JsonNode checked = check(sequence.items().get(i), itemType, path + "[" + i + "]");
        // An item left out or refused stays as null, so that the items keep their indices.
        out.add(checked == null ? JsonNodeFactory.instance.nullNode() : checked);
      }
      return out;
    }

    private JsonNode text(Node node, String path) {
      // Any scalar is text as written: name: 1234 is the name "1234", 010 stays "010".
      if (node instanceof Scalar s) {
        return JsonNodeFactory.instance.textNode(s.text());
      }
      wrongType(path, "text", node);
      return null;
    }

    private JsonNode integer(Node node, String path, int maxBits) {
      if (!(node instanceof Scalar s)) {
        wrongType(path, "a whole number", node);
        return null;
      }
      if (s.token() == JsonToken.VALUE_NUMBER_INT) {
        if (LEADING_ZERO.matcher(s.text()).matches()) {
          problem(
              path,
              s.text()
                  + " has a leading zero, and YAML 1.1 reads that as the octal number "
                  + s.number()
                  + "; write the number without leading zeros",
              s);
          return null;
        }
        if (!DECIMAL.matcher(s.text()).matches()) {
          problem(
              path,
              s.text()
                  + " is not written in plain decimal digits (YAML reads it as "
                  + s.number()
                  + "); write "
                  + s.number(),
              s);
          return null;
        }
        BigInteger value = new BigInteger(s.text());
        if (value.bitLength() > maxBits) {
          problem(path, s.text() + " is too large a number for this field", s);
          return null;
        }
        return maxBits <= 31
            ? JsonNodeFactory.instance.numberNode(value.intValue())
            : JsonNodeFactory.instance.numberNode(value.longValue());
      }
      if (s.token() == JsonToken.VALUE_NUMBER_FLOAT) {
        problem(path, "wrong type: expected a whole number, not " + s.text(), s);
        return null;
      }
      String hint =
          s.token() == JsonToken.VALUE_STRING && DECIMAL.matcher(s.text()).matches()
              ? " (write it without quotes)"
              : "";
      problem(path, "wrong type: expected a whole number, not " + describe(s) + hint, s);
      return null;
    }

    private JsonNode bool(Node node, String path) {
      if (!(node instanceof Scalar s)) {
        wrongType(path, "true or false", node);
        return null;
      }
      if (s.token() == JsonToken.VALUE_TRUE || s.token() == JsonToken.VALUE_FALSE) {
        if (!BOOLEANS.contains(s.text())) {
          problem(path, "'" + s.text() + "' is a boolean only in YAML 1.1; write true or false", s);
          return null;
        }
        return JsonNodeFactory.instance.booleanNode(s.token() == JsonToken.VALUE_TRUE);
      }
      String hint =
          s.token() == JsonToken.VALUE_STRING && BOOLEANS.contains(s.text())
              ? " (write it without quotes)"
              : "";
      problem(path, "wrong type: expected true or false, not " + describe(s) + hint, s);
      return null;
    }

    private JsonNode enumText(Node node, Class<?> type, String path) {
      List<String> allowed = new ArrayList<>();
      for (Object constant : type.getEnumConstants()) {
        allowed.add(BINDER.convertValue(constant, String.class));
      }
      if (node instanceof Scalar s && allowed.contains(s.text())) {
        return JsonNodeFactory.instance.textNode(s.text());
      }
      String choices =
          String.join(", ", allowed.subList(0, allowed.size() - 1)) + " or " + allowed.getLast();
      String given = node instanceof Scalar s ? "'" + s.text() + "'" : describe(node);
      problem(path, "must be " + choices + ", not " + given, node);
      return null;
    }

    private void wrongType(String path, String expected, Node node) {
      problem(path, "wrong type: expected " + expected + ", not " + describe(node), node);
    }

    private void problem(String path, String text, Node node) {
      problems.add((path.isEmpty() ? root : path) + ": " + text, node.at());
    }
  }

  /** The JSON properties of a spec class and their types, from Jackson's view of the class. */
  private static Map<String, JavaType> properties(JavaType type) {
    return PROPERTIES.computeIfAbsent(
        type.getRawClass(),
        c -> {
          Map<String, JavaType> properties = new LinkedHashMap<>();
          for (BeanPropertyDefinition property :
              BINDER.getDeserializationConfig().introspect(type).findProperties()) {
            if (property.couldDeserialize()) {
              properties.put(property.getName(), property.getPrimaryType());
            }
          }
          return properties;
        });
  }

  /** {@code " (did you mean interface?)"} for a near miss, else nothing. */
  private static String suggestion(String key, Set<String> known) {
    String best = null;
    int bestDistance = 3;
    for (String candidate : known) {
      int distance = distance(key.toLowerCase(), candidate.toLowerCase());
      if (distance < bestDistance) {
        best = candidate;
        bestDistance = distance;
      }
    }
    return best == null ? "" : " (did you mean " + best + "?)";
  }

  /** Levenshtein distance. */
  private static int distance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }
}

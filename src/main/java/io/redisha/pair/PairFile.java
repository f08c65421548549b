package io.redisha.pair;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.redisha.api.RedisHAPairSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Reads a pair file: either a bare spec (nodes, interface, instances, ...) or a whole {@code
 * RedisHAPair} resource, so one file moves between standalone mode and Kubernetes.
 */
public final class PairFile {
  private static final ObjectMapper YAML =
      new ObjectMapper(new YAMLFactory())
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

  private PairFile() {}

  /**
   * A loaded pair file.
   *
   * @param name the pair's name: metadata.name of a resource, else the file name without suffix
   * @param spec the spec
   */
  public record Loaded(String name, RedisHAPairSpec spec) {}

  /** Loads and parses {@code file}; structural errors name the field and the line. */
  public static Loaded load(Path file) throws InvalidPairException {
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      throw new InvalidPairException(
          file.toString(), List.of("cannot read the file: " + e.getMessage()));
    }
    return parse(text, file.toString(), defaultName(file));
  }

  /** Parses pair-file text; {@code source} names it in errors. */
  public static Loaded parse(String text, String source, String defaultName)
      throws InvalidPairException {
    try {
      JsonNode root = YAML.readTree(text);
      if (root == null || !root.isObject()) {
        throw new InvalidPairException(source, List.of("expected a YAML mapping"));
      }
      String name = defaultName;
      JsonNode specNode = root;
      if (root.has("spec") || root.has("kind") || root.has("apiVersion")) {
        JsonNode kind = root.get("kind");
        if (kind != null && !"RedisHAPair".equals(kind.asText())) {
          throw new InvalidPairException(
              source, List.of("kind: expected RedisHAPair, not " + kind.asText()));
        }
        JsonNode metadataName = root.path("metadata").path("name");
        if (metadataName.isTextual()) {
          name = metadataName.asText();
        }
        specNode = root.get("spec");
        if (specNode == null || !specNode.isObject()) {
          throw new InvalidPairException(source, List.of("spec: required"));
        }
      }
      return new Loaded(name, YAML.treeToValue(specNode, RedisHAPairSpec.class));
    } catch (JsonMappingException e) {
      throw new InvalidPairException(source, List.of(describe(e)));
    } catch (IOException e) {
      throw new InvalidPairException(source, List.of("not valid YAML: " + e.getMessage()));
    }
  }

  private static String describe(JsonMappingException e) {
    String path =
        e.getPath().stream()
            .map(
                ref ->
                    ref.getFieldName() != null
                        ? "." + ref.getFieldName()
                        : "[" + ref.getIndex() + "]")
            .collect(Collectors.joining())
            .replaceFirst("^\\.", "");
    String message = e.getOriginalMessage();
    if (message.startsWith("Unrecognized field")) {
      message = "unknown field";
    } else if (message.contains("Cannot deserialize value of type")) {
      message = "wrong type: " + message.replaceAll("\\s*\\(.*", "");
    }
    String line = e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")";
    return (path.isEmpty() ? "file" : path) + ": " + message + line;
  }

  private static String defaultName(Path file) {
    String fileName = file.getFileName().toString();
    int dot = fileName.lastIndexOf('.');
    return dot > 0 ? fileName.substring(0, dot) : fileName;
  }
}

package io.redisha.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.cel.bundle.Cel;
import dev.cel.bundle.CelFactory;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.SimpleType;
import dev.cel.extensions.CelExtensions;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Stands in for the API server's validation of a RedisHAPair: the OpenAPI schema of the generated
 * CRD checked with a JSON-schema validator, and every {@code x-kubernetes-validations} rule of the
 * generated CRD compiled and evaluated with CEL, at the place in the object where the API server
 * would evaluate it, with {@code oldSelf} for transition rules on updates.
 */
public final class CrdRules {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  /** One rule of the CRD at a path of the object ({@code spec}, {@code spec.vrrp}). */
  public record Rule(
      String path, String expression, String message, String fieldPath, CelAbstractSyntaxTree ast) {
    boolean isTransition() {
      return expression.contains("oldSelf");
    }
  }

  private final JsonNode openApiSchema;
  private final JsonSchema jsonSchema;
  private final List<Rule> rules = new ArrayList<>();
  private final Cel cel;

  private CrdRules(String crdYaml) throws IOException {
    JsonNode crd = YAML.readTree(crdYaml);
    openApiSchema = crd.at("/spec/versions/0/schema/openAPIV3Schema");
    jsonSchema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4).getSchema(openApiSchema);
    // Kubernetes CEL: standard macros and the strings extension library (split, ...).
    cel =
        CelFactory.standardCelBuilder()
            .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
            .addCompilerLibraries(CelExtensions.strings())
            .addRuntimeLibraries(CelExtensions.strings())
            .addVar("self", SimpleType.DYN)
            .addVar("oldSelf", SimpleType.DYN)
            .build();
    collect(openApiSchema, "");
  }

  /** The rules of the CRD the Java classes generate today. */
  public static CrdRules ofGeneratedCrd() {
    try {
      return new CrdRules(GeneratedCrd.generate());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public List<Rule> rules() {
    return rules;
  }

  private void collect(JsonNode schema, String path) {
    for (JsonNode v : schema.path("x-kubernetes-validations")) {
      String expression = v.get("rule").asText();
      try {
        rules.add(
            new Rule(
                path,
                expression,
                v.get("message").asText(),
                v.path("fieldPath").asText(""),
                cel.compile(expression).getAst()));
      } catch (CelValidationException e) {
        throw new IllegalStateException("rule at " + path + " does not compile: " + expression, e);
      }
    }
    schema
        .path("properties")
        .properties()
        .forEach(p -> collect(p.getValue(), path.isEmpty() ? p.getKey() : path + "." + p.getKey()));
    if (schema.has("items")) {
      collect(schema.get("items"), path + "[*]");
    }
  }

  /**
   * One constraint of the OpenAPI schema: where it applies ({@code spec.instances[*].port}, or the
   * missing property for {@code required}) and its keyword ({@code maximum}, {@code pattern}, ...).
   */
  public record Constraint(String path, String keyword) {}

  private static final List<String> KEYWORDS =
      List.of(
          "minimum",
          "maximum",
          "minLength",
          "maxLength",
          "minItems",
          "maxItems",
          "pattern",
          "enum");

  /** Every constraint of the schema of {@code spec}. */
  public List<Constraint> constraints() {
    List<Constraint> constraints = new ArrayList<>();
    constraints(openApiSchema.at("/properties/spec"), "spec", constraints);
    return constraints;
  }

  private static void constraints(JsonNode schema, String path, List<Constraint> out) {
    for (String keyword : KEYWORDS) {
      if (schema.has(keyword)) {
        out.add(new Constraint(path, keyword));
      }
    }
    for (JsonNode required : schema.path("required")) {
      out.add(new Constraint(path + "." + required.asText(), "required"));
    }
    schema
        .path("properties")
        .properties()
        .forEach(p -> constraints(p.getValue(), path + "." + p.getKey(), out));
    if (schema.has("items")) {
      constraints(schema.get("items"), path + "[*]", out);
    }
  }

  /** The path of every property of {@code spec}'s schema ({@code spec.redis.passwordFile}). */
  public List<String> propertyPaths() {
    List<String> paths = new ArrayList<>();
    propertyPaths(openApiSchema.at("/properties/spec"), "spec", paths);
    return paths;
  }

  private static void propertyPaths(JsonNode schema, String path, List<String> out) {
    schema
        .path("properties")
        .properties()
        .forEach(
            p -> {
              out.add(path + "." + p.getKey());
              propertyPaths(p.getValue(), path + "." + p.getKey(), out);
            });
    if (schema.has("items")) {
      propertyPaths(schema.get("items"), path + "[*]", out);
    }
  }

  /** The constraints of the schema this object breaks, with list indices as {@code [*]}. */
  public List<Constraint> schemaViolations(String yaml) {
    try {
      return jsonSchema.validate(YAML.readTree(yaml)).stream()
          .map(
              m -> {
                String path =
                    m.getInstanceLocation()
                        .toString()
                        .replaceFirst("^\\$\\.?", "")
                        .replaceAll("\\[[0-9]+]", "[*]");
                return "required".equals(m.getType())
                    ? new Constraint(path + "." + m.getProperty(), "required")
                    : new Constraint(path, m.getType());
              })
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Messages of the OpenAPI schema validator for this object, as {@code $.spec.x: text}. */
  public List<String> schemaErrors(String yaml) {
    try {
      return jsonSchema.validate(YAML.readTree(yaml)).stream()
          .map(ValidationMessage::getMessage)
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** CEL errors for a create, as {@code spec.instances: message}. */
  public List<String> celErrors(String yaml) {
    return celErrors(yaml, null);
  }

  /** CEL errors for an update from {@code oldYaml} to {@code yaml}. */
  public List<String> celErrors(String yaml, String oldYaml) {
    Object object = parse(yaml);
    Object old = oldYaml == null ? null : parse(oldYaml);
    List<String> errors = new ArrayList<>();
    for (Rule rule : rules) {
      for (Map.Entry<String, Object> place : places(object, rule.path()).entrySet()) {
        Map<String, Object> vars = new LinkedHashMap<>();
        vars.put("self", place.getValue());
        if (rule.isTransition()) {
          if (rule.path().contains("[*]")) {
            throw new IllegalStateException("transition rules inside lists: " + rule.path());
          }
          Object oldSelf = old == null ? null : at(old, rule.path());
          if (oldSelf == null) {
            continue; // the API server evaluates transition rules only on updates
          }
          vars.put("oldSelf", oldSelf);
        }
        String field = place.getKey() + rule.fieldPath();
        try {
          Object result = cel.createProgram(rule.ast()).eval(vars);
          if (!Boolean.TRUE.equals(result)) {
            errors.add(field + ": " + rule.message());
          }
        } catch (CelEvaluationException e) {
          errors.add(field + ": evaluation error: " + e.getMessage());
        }
      }
    }
    return errors;
  }

  /**
   * The values a rule at {@code path} is evaluated on, by their place in the object: one for a path
   * without lists, one per item for a rule on the items of a list ({@code spec.nodes[*]} gives
   * {@code spec.nodes[0]} and {@code spec.nodes[1]}).
   */
  private static Map<String, Object> places(Object object, String path) {
    Map<String, Object> places = new LinkedHashMap<>();
    int star = path.indexOf("[*]");
    if (star < 0) {
      Object self = at(object, path);
      if (self != null) {
        places.put(path, self);
      }
      return places;
    }
    if (path.indexOf("[*]", star + 3) >= 0) {
      throw new IllegalStateException("rules inside nested lists are not expected: " + path);
    }
    String listPath = path.substring(0, star);
    String rest = path.substring(star + 3);
    if (at(object, listPath) instanceof List<?> list) {
      for (int i = 0; i < list.size(); i++) {
        Object self = rest.isEmpty() ? list.get(i) : at(list.get(i), rest.substring(1));
        if (self != null) {
          places.put(listPath + "[" + i + "]" + rest, self);
        }
      }
    }
    return places;
  }

  private static Object at(Object object, String path) {
    Object current = object;
    for (String key : path.split("\\.")) {
      if (!(current instanceof Map<?, ?> map)) {
        return null;
      }
      current = map.get(key);
    }
    return current;
  }

  /** YAML to plain maps and lists, with integers as {@code Long} like CEL's int. */
  static Object parse(String yaml) {
    try {
      return normalize(YAML.readValue(yaml, Object.class));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Object normalize(Object value) {
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> out = new LinkedHashMap<>();
      map.forEach((k, v) -> out.put(Objects.toString(k), normalize(v)));
      return out;
    }
    if (value instanceof List<?> list) {
      return list.stream().map(CrdRules::normalize).toList();
    }
    if (value instanceof Integer i) {
      return i.longValue();
    }
    return value;
  }
}

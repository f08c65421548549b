package io.redisha.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Prints resources the way {@code kubectl get redishapairs [-o wide]} does, from the printer
 * columns of the generated CRD (a small JSONPath evaluator covering the paths the CRD uses).
 */
public final class PrinterColumns {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern FILTER = Pattern.compile("\\[\\?\\(@\\.(\\w+)==\"([^\"]*)\"\\)\\]");

  private record Column(String name, String jsonPath, String type, int priority) {}

  private final List<Column> columns = new ArrayList<>();

  public PrinterColumns(String crdYaml) {
    try {
      for (JsonNode c : YAML.readTree(crdYaml).at("/spec/versions/0/additionalPrinterColumns")) {
        columns.add(
            new Column(
                c.get("name").asText(),
                c.get("jsonPath").asText(),
                c.get("type").asText(),
                c.path("priority").asInt(0)));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The table for {@code resources}, ages measured at {@code now}. */
  public String table(List<?> resources, boolean wide, Instant now) {
    List<List<String>> rows = new ArrayList<>();
    List<String> header = new ArrayList<>(List.of("NAME"));
    columns.stream()
        .filter(c -> wide || c.priority() == 0)
        .forEach(c -> header.add(c.name().toUpperCase()));
    rows.add(header);
    for (Object resource : resources) {
      JsonNode node = JSON.valueToTree(resource);
      List<String> row = new ArrayList<>(List.of(node.at("/metadata/name").asText()));
      for (Column c : columns) {
        if (wide || c.priority() == 0) {
          List<String> values = evaluate(node, c.jsonPath());
          String value = values.isEmpty() ? "<none>" : String.join(",", values);
          if ("date".equals(c.type()) && !values.isEmpty()) {
            value = age(Duration.between(Instant.parse(value), now));
          }
          row.add(value);
        }
      }
      rows.add(row);
    }
    int[] widths = new int[header.size()];
    for (List<String> row : rows) {
      for (int i = 0; i < row.size(); i++) {
        widths[i] = Math.max(widths[i], row.get(i).length());
      }
    }
    StringBuilder out = new StringBuilder();
    for (List<String> row : rows) {
      for (int i = 0; i < row.size(); i++) {
        out.append(
            i == row.size() - 1
                ? row.get(i)
                : String.format("%-" + (widths[i] + 3) + "s", row.get(i)));
      }
      out.append('\n');
    }
    return out.toString();
  }

  /**
   * Values at a kubectl-style JSONPath such as {@code
   * .status.conditions[?(@.type=="Ready")].status}.
   */
  static List<String> evaluate(JsonNode root, String path) {
    List<JsonNode> current = List.of(root);
    int i = 0;
    while (i < path.length()) {
      List<JsonNode> next = new ArrayList<>();
      if (path.startsWith("[*]", i)) {
        current.forEach(n -> n.forEach(next::add));
        i += 3;
      } else if (path.charAt(i) == '[') {
        Matcher m = FILTER.matcher(path).region(i, path.length());
        if (!m.lookingAt()) {
          throw new IllegalArgumentException("unsupported JSONPath " + path);
        }
        for (JsonNode n : current) {
          n.forEach(
              e -> {
                if (m.group(2).equals(e.path(m.group(1)).asText())) next.add(e);
              });
        }
        i = m.end();
      } else if (path.charAt(i) == '.') {
        int end = i + 1;
        while (end < path.length() && path.charAt(end) != '.' && path.charAt(end) != '[') {
          end++;
        }
        String field = path.substring(i + 1, end);
        current.stream()
            .map(n -> n.get(field))
            .filter(n -> n != null && !n.isNull())
            .forEach(next::add);
        i = end;
      } else {
        throw new IllegalArgumentException("unsupported JSONPath " + path);
      }
      current = next;
    }
    return current.stream().map(JsonNode::asText).toList();
  }

  private static String age(Duration d) {
    long s = Math.max(0, d.toSeconds());
    if (s < 120) {
      return s + "s";
    }
    if (s < 7200) {
      return s / 60 + "m";
    }
    return s / 3600 + "h";
  }
}

package io.redisha.migrate;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import io.redisha.api.NodeSpec;
import io.redisha.api.RedisHAPairSpec;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes an import as YAML: a pair file for the standalone agent or a RedisHAPair resource, with a
 * header that says where it came from, how to run it and what was not taken over.
 */
final class PairYaml {
  private static final ObjectMapper YAML =
      new ObjectMapper(
          YAMLFactory.builder()
              .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
              .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
              .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR)
              .build());

  private PairYaml() {}

  static String render(
      KeepalivedImport.Result result,
      ImportFiles.Format format,
      String pairName,
      String namespace,
      List<String> sources) {
    StringBuilder out = new StringBuilder();
    out.append("# Imported by `redisha import` from ")
        .append(comment(String.join(" and ", sources)));
    out.append('\n');
    if (format == ImportFiles.Format.PAIR) {
      out.append("# Run on each host (stop keepalived there first):\n");
      for (NodeSpec node : result.spec().getNodes()) {
        out.append("#   on ")
            .append(node.getAddress())
            .append(": redisha agent --config pair.yaml --node ")
            .append(node.getName())
            .append('\n');
      }
      if (result.authLocation() != null) {
        out.append("# ")
            .append(result.spec().getVrrp().getAuthPasswordFile())
            .append(" holds the auth_pass of ")
            .append(comment(result.authLocation().toString()))
            .append(" (mode 600).\n");
      }
    } else if (result.authLocation() != null) {
      out.append("# The VRRP password is the auth_pass of ")
          .append(comment(result.authLocation().toString()))
          .append(":\n#   kubectl -n ")
          .append(namespace)
          .append(" create secret generic ")
          .append(result.spec().getVrrp().getAuthSecretRef().getName())
          .append(" --from-literal=password='<auth_pass>'\n");
    }
    out.append("# Groups:\n");
    for (String note : result.notes()) {
      out.append("#   ").append(comment(note)).append('\n');
    }
    if (!result.warnings().isEmpty()) {
      out.append("# Not taken over:\n");
      for (String warning : result.warnings()) {
        out.append("#   ").append(comment(warning)).append('\n');
      }
    }
    if (!result.mirrorProblems().isEmpty()) {
      out.append("# The two hosts' files do not mirror each other:\n");
      for (String problem : result.mirrorProblems()) {
        out.append("#   ").append(comment(problem)).append('\n');
      }
    }
    out.append(body(result.spec(), format, pairName, namespace));
    return out.toString();
  }

  /**
   * {@code text} fit for one comment line: a line break or other control character from a quoted
   * keepalived string would end the comment and put the rest of the text into the YAML.
   */
  static String comment(String text) {
    StringBuilder out = new StringBuilder(text.length());
    text.codePoints()
        .forEach(
            c -> {
              if (Character.isISOControl(c) || c == 0x2028 || c == 0x2029 || c == 0xfeff) {
                out.append(String.format("\\u%04x", c));
              } else {
                out.appendCodePoint(c);
              }
            });
    return out.toString();
  }

  static String body(
      RedisHAPairSpec spec, ImportFiles.Format format, String pairName, String namespace) {
    try {
      if (format == ImportFiles.Format.PAIR) {
        return YAML.writeValueAsString(spec);
      }
      Map<String, Object> resource = new LinkedHashMap<>();
      resource.put("apiVersion", "redisha.io/v1alpha1");
      resource.put("kind", "RedisHAPair");
      Map<String, Object> metadata = new LinkedHashMap<>();
      metadata.put("name", pairName);
      metadata.put("namespace", namespace);
      resource.put("metadata", metadata);
      resource.put("spec", spec);
      return YAML.writeValueAsString(resource);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}

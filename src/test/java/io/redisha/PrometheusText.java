package io.redisha;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the Prometheus text format (version 0.0.4) as a scraper does, refusing any line a scraper
 * would refuse, so tests can assert the names, labels and values it would store.
 *
 * @param samples each sample as {@code name{label="value",...}} (or the bare name without labels)
 *     to its value
 * @param types each family's name to its TYPE
 * @param help each family's name to its HELP text
 */
public record PrometheusText(
    Map<String, Double> samples, Map<String, String> types, Map<String, String> help) {
  private static final Pattern COMMENT =
      Pattern.compile("# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.*)");
  private static final Pattern SAMPLE =
      Pattern.compile(
          "([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(?:[a-zA-Z_][a-zA-Z0-9_]*=\"(?:[^\"\\\\\\n]|\\\\.)*\",?)*\\})?"
              + " (\\S+)( -?\\d+)?");

  /** Parses {@code text}; throws naming the line when one is not valid exposition. */
  public static PrometheusText parse(String text) {
    Map<String, Double> samples = new LinkedHashMap<>();
    Map<String, String> types = new LinkedHashMap<>();
    Map<String, String> help = new LinkedHashMap<>();
    if (!text.isEmpty() && !text.endsWith("\n")) {
      throw new IllegalArgumentException("exposition must end with a newline");
    }
    int number = 0;
    for (String line : text.split("\n", -1)) {
      number++;
      if (line.isEmpty()) {
        continue;
      }
      Matcher comment = COMMENT.matcher(line);
      if (comment.matches()) {
        Map<String, String> into = comment.group(1).equals("TYPE") ? types : help;
        if (into.put(comment.group(2), comment.group(3)) != null) {
          throw new IllegalArgumentException(
              "line " + number + ": second " + comment.group(1) + " for " + comment.group(2));
        }
        continue;
      }
      Matcher sample = SAMPLE.matcher(line);
      if (!sample.matches()) {
        throw new IllegalArgumentException("line " + number + ": not a sample: " + line);
      }
      String key = sample.group(1) + (sample.group(2) == null ? "" : sample.group(2));
      if (samples.put(key, value(sample.group(3), number)) != null) {
        throw new IllegalArgumentException("line " + number + ": duplicate sample " + key);
      }
    }
    return new PrometheusText(samples, types, help);
  }

  /** The value of one sample; throws when the scrape has no such sample. */
  public double value(String sample) {
    Double value = samples.get(sample);
    if (value == null) {
      throw new AssertionError("no sample " + sample + " among " + samples.keySet());
    }
    return value;
  }

  private static double value(String text, int number) {
    return switch (text) {
      case "NaN" -> Double.NaN;
      case "+Inf" -> Double.POSITIVE_INFINITY;
      case "-Inf" -> Double.NEGATIVE_INFINITY;
      default -> {
        try {
          yield Double.parseDouble(text);
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("line " + number + ": bad value " + text);
        }
      }
    };
  }
}

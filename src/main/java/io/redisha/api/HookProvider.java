package io.redisha.api;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.stream.Collectors;

/** Who routes a group's VIP to the node that became master; {@link #text()} is the JSON form. */
public enum HookProvider {
  /** Run a command. */
  EXEC("Exec"),
  /** POST a JSON body to a URL. */
  WEBHOOK("Webhook"),
  /** Move a secondary private IP to this node's network interface. */
  AWS("AWS"),
  /** Associate the group's HAVIP with this instance. */
  ALIBABA("Alibaba");

  private final String text;

  HookProvider(String text) {
    this.text = text;
  }

  /** How the resource and the pair file spell it. */
  @JsonValue
  public String text() {
    return text;
  }

  /** The provider spelled {@code text}, or null. */
  public static HookProvider fromText(String text) {
    for (HookProvider provider : values()) {
      if (provider.text.equals(text)) {
        return provider;
      }
    }
    return null;
  }

  /** The provider spelled {@code text}; refuses any other text, naming the known ones. */
  @JsonCreator
  public static HookProvider of(String text) {
    HookProvider provider = fromText(text);
    if (provider == null) {
      throw new IllegalArgumentException("must be " + choices() + ", not '" + text + "'");
    }
    return provider;
  }

  /** {@code Exec, Webhook, AWS or Alibaba}. */
  public static String choices() {
    String all = Arrays.stream(values()).map(HookProvider::text).collect(Collectors.joining(", "));
    int last = all.lastIndexOf(", ");
    return all.substring(0, last) + " or " + all.substring(last + 2);
  }

  @Override
  public String toString() {
    return text;
  }
}

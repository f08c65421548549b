package io.redisha.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/**
 * Signed adverts, keepalived 2.4's {@code auth_hmac}: each advert carries an HMAC-SHA256/128
 * trailer with the id of the key that signed it and a sequence number against replays. Several keys
 * let the two nodes rotate without a flap; the active one signs.
 */
@ValidationRule(
    value = PairRules.HMAC_KEY_HAS_ONE_SOURCE,
    message = PairRules.HMAC_KEY_HAS_ONE_SOURCE_MESSAGE,
    fieldPath = ".keys")
@ValidationRule(
    value = PairRules.HMAC_UNIQUE_KEY_IDS,
    message = PairRules.HMAC_UNIQUE_KEY_IDS_MESSAGE,
    fieldPath = ".keys")
@ValidationRule(
    value = PairRules.HMAC_ACTIVE_KEY_DEFINED,
    message = PairRules.HMAC_ACTIVE_KEY_DEFINED_MESSAGE,
    fieldPath = ".activeKeyId")
@ValidationRule(
    value = PairRules.HMAC_WINDOW_ONLY_WITH_TIME,
    message = PairRules.HMAC_WINDOW_ONLY_WITH_TIME_MESSAGE,
    fieldPath = ".timeWindowSeconds")
@JsonInclude(JsonInclude.Include.NON_NULL)
public class HmacSpec {
  @JsonProperty("keys")
  @Required
  @Size(min = 1, max = PairLimits.HMAC_KEYS_MAX)
  @JsonPropertyDescription(
      "The keys that may sign the peer's adverts, each 32 to 64 bytes with an id of 1 to 255; keep"
          + " the old and the new key here while rotating.")
  private List<HmacKeySpec> keys;

  @JsonProperty("activeKeyId")
  @Required
  @Min(PairLimits.HMAC_KEY_ID_MIN)
  @Max(PairLimits.HMAC_KEY_ID_MAX)
  @JsonPropertyDescription("The id of the key that signs this node's adverts (active_key).")
  private Integer activeKeyId;

  @JsonProperty("antiReplay")
  @Pattern(Patterns.HMAC_ANTI_REPLAY)
  @Default(PairDefaults.HMAC_ANTI_REPLAY)
  @JsonPropertyDescription(
      "time (the sequence must grow and its timestamp be within timeWindowSeconds of this node's"
          + " clock) or monotonic (the sequence must grow; for nodes without synchronized clocks)."
          + " Default "
          + PairDefaults.HMAC_ANTI_REPLAY
          + ".")
  private String antiReplay;

  @JsonProperty("timeWindowSeconds")
  @Min(PairLimits.HMAC_WINDOW_MIN_SECONDS)
  @Max(PairLimits.HMAC_WINDOW_MAX_SECONDS)
  @JsonPropertyDescription(
      "antiReplay time: how far an advert's timestamp may be from this node's clock, 1 to 300"
          + " seconds. Default: three advert intervals, at least 5 s (as keepalived).")
  private Integer timeWindowSeconds;

  @JsonProperty("mode")
  @Pattern(Patterns.HMAC_MODE)
  @Default(PairDefaults.HMAC_MODE)
  @JsonPropertyDescription(
      "enforce (sign, accept only signed adverts), permissive (sign, also accept unsigned ones) or"
          + " receive-only (do not sign, accept both) for a rolling migration from unsigned adverts."
          + " Default "
          + PairDefaults.HMAC_MODE
          + ".")
  private String mode;

  public List<HmacKeySpec> getKeys() {
    return keys;
  }

  public void setKeys(List<HmacKeySpec> keys) {
    this.keys = keys;
  }

  public Integer getActiveKeyId() {
    return activeKeyId;
  }

  public void setActiveKeyId(Integer activeKeyId) {
    this.activeKeyId = activeKeyId;
  }

  public String getAntiReplay() {
    return antiReplay;
  }

  public void setAntiReplay(String antiReplay) {
    this.antiReplay = antiReplay;
  }

  public Integer getTimeWindowSeconds() {
    return timeWindowSeconds;
  }

  public void setTimeWindowSeconds(Integer timeWindowSeconds) {
    this.timeWindowSeconds = timeWindowSeconds;
  }

  public String getMode() {
    return mode;
  }

  public void setMode(String mode) {
    this.mode = mode;
  }
}

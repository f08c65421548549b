package io.redisha.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

/** Health check of the local Redis. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class HealthCheckSpec {
  @JsonProperty("intervalMillis")
  @Min(PairLimits.HEALTH_MIN_MILLIS)
  @Max(PairLimits.HEALTH_MAX_MILLIS)
  @Default("" + PairDefaults.HEALTH_INTERVAL_MILLIS)
  @JsonPropertyDescription(
      "Time between two checks. Default " + PairDefaults.HEALTH_INTERVAL_MILLIS + ".")
  private Integer intervalMillis;

  @JsonProperty("timeoutMillis")
  @Min(PairLimits.HEALTH_MIN_MILLIS)
  @Max(PairLimits.HEALTH_MAX_MILLIS)
  @Default("" + PairDefaults.HEALTH_TIMEOUT_MILLIS)
  @JsonPropertyDescription(
      "Time limit of one check. Default " + PairDefaults.HEALTH_TIMEOUT_MILLIS + ".")
  private Integer timeoutMillis;

  @JsonProperty("fall")
  @Min(PairLimits.FALL_RISE_MIN)
  @Max(PairLimits.FALL_RISE_MAX)
  @Default("" + PairDefaults.FALL)
  @JsonPropertyDescription(
      "Consecutive failures that mark Redis down. Default " + PairDefaults.FALL + ".")
  private Integer fall;

  @JsonProperty("rise")
  @Min(PairLimits.FALL_RISE_MIN)
  @Max(PairLimits.FALL_RISE_MAX)
  @Default("" + PairDefaults.RISE)
  @JsonPropertyDescription(
      "Consecutive successes that mark Redis up again. Default " + PairDefaults.RISE + ".")
  private Integer rise;

  public Integer getIntervalMillis() {
    return intervalMillis;
  }

  public void setIntervalMillis(Integer intervalMillis) {
    this.intervalMillis = intervalMillis;
  }

  public Integer getTimeoutMillis() {
    return timeoutMillis;
  }

  public void setTimeoutMillis(Integer timeoutMillis) {
    this.timeoutMillis = timeoutMillis;
  }

  public Integer getFall() {
    return fall;
  }

  public void setFall(Integer fall) {
    this.fall = fall;
  }

  public Integer getRise() {
    return rise;
  }

  public void setRise(Integer rise) {
    this.rise = rise;
  }
}

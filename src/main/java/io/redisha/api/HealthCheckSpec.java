package io.redisha.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

/** Health check of the local Redis. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class HealthCheckSpec {
  @JsonProperty("intervalMillis")
  @Min(10)
  @Max(60000)
  @JsonPropertyDescription("Time between two checks. Default 100.")
  private Integer intervalMillis;

  @JsonProperty("timeoutMillis")
  @Min(10)
  @Max(60000)
  @JsonPropertyDescription("Time limit of one check. Default 250.")
  private Integer timeoutMillis;

  @JsonProperty("fall")
  @Min(1)
  @Max(100)
  @JsonPropertyDescription("Consecutive failures that mark Redis down. Default 2.")
  private Integer fall;

  @JsonProperty("rise")
  @Min(1)
  @Max(100)
  @JsonPropertyDescription("Consecutive successes that mark Redis up again. Default 2.")
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

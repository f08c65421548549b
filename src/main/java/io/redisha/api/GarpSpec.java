package io.redisha.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

/** Gratuitous ARP settings; the defaults are keepalived's. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class GarpSpec {
  @JsonProperty("count")
  @Min(0)
  @Max(100)
  @JsonPropertyDescription("Gratuitous ARPs sent in each burst. Default 5.")
  private Integer count;

  @JsonProperty("intervalMillis")
  @Min(0)
  @Max(60000)
  @JsonPropertyDescription("Delay between two gratuitous ARPs of one burst. Default 0.")
  private Integer intervalMillis;

  @JsonProperty("secondBurstDelayMillis")
  @Min(0)
  @Max(3600000)
  @JsonPropertyDescription(
      "Delay before the second burst after becoming master; 0 disables it. Default 5000.")
  private Integer secondBurstDelayMillis;

  @JsonProperty("refreshMillis")
  @Min(0)
  @Max(3600000)
  @JsonPropertyDescription("Period of a refresh burst while master; 0 disables it. Default 0.")
  private Integer refreshMillis;

  public Integer getCount() {
    return count;
  }

  public void setCount(Integer count) {
    this.count = count;
  }

  public Integer getIntervalMillis() {
    return intervalMillis;
  }

  public void setIntervalMillis(Integer intervalMillis) {
    this.intervalMillis = intervalMillis;
  }

  public Integer getSecondBurstDelayMillis() {
    return secondBurstDelayMillis;
  }

  public void setSecondBurstDelayMillis(Integer secondBurstDelayMillis) {
    this.secondBurstDelayMillis = secondBurstDelayMillis;
  }

  public Integer getRefreshMillis() {
    return refreshMillis;
  }

  public void setRefreshMillis(Integer refreshMillis) {
    this.refreshMillis = refreshMillis;
  }
}

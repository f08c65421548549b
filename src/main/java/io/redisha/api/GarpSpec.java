package io.redisha.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Gratuitous ARP settings; the defaults are keepalived's. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class GarpSpec {
  @JsonProperty("count")
  @JsonPropertyDescription("Gratuitous ARPs sent in each burst. Default 5.")
  private Integer count;

  @JsonProperty("intervalMillis")
  @JsonPropertyDescription("Delay between two gratuitous ARPs of one burst. Default 0.")
  private Integer intervalMillis;

  @JsonProperty("secondBurstDelayMillis")
  @JsonPropertyDescription(
      "Delay before the second burst after becoming master; 0 disables it. Default 5000.")
  private Integer secondBurstDelayMillis;

  @JsonProperty("refreshMillis")
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

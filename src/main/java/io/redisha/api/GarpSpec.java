package io.redisha.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

/** Gratuitous ARP settings; the defaults are keepalived's. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class GarpSpec {
  @JsonProperty("count")
  @Min(0)
  @Max(PairLimits.GARP_COUNT_MAX)
  @Default("" + PairDefaults.GARP_COUNT)
  @JsonPropertyDescription(
      "Gratuitous ARPs sent in each burst. Default " + PairDefaults.GARP_COUNT + ".")
  private Integer count;

  @JsonProperty("intervalMillis")
  @Min(0)
  @Max(PairLimits.GARP_INTERVAL_MAX_MILLIS)
  @Default("" + PairDefaults.GARP_INTERVAL_MILLIS)
  @JsonPropertyDescription(
      "Delay between two gratuitous ARPs of one burst. Default "
          + PairDefaults.GARP_INTERVAL_MILLIS
          + ".")
  private Integer intervalMillis;

  @JsonProperty("secondBurstDelayMillis")
  @Min(0)
  @Max(PairLimits.GARP_SECOND_BURST_DELAY_MAX_MILLIS)
  @Default("" + PairDefaults.GARP_SECOND_BURST_DELAY_MILLIS)
  @JsonPropertyDescription(
      "Delay before the second burst after becoming master; 0 disables it. Default "
          + PairDefaults.GARP_SECOND_BURST_DELAY_MILLIS
          + ".")
  private Integer secondBurstDelayMillis;

  @JsonProperty("refreshMillis")
  @Min(0)
  @Max(PairLimits.GARP_REFRESH_MAX_MILLIS)
  @Default("" + PairDefaults.GARP_REFRESH_MILLIS)
  @JsonPropertyDescription(
      "Period of a refresh burst while master; 0 disables it. Default "
          + PairDefaults.GARP_REFRESH_MILLIS
          + ".")
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

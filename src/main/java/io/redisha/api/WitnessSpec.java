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

/** A witness address: a node may stay or become master only while it can reach it. */
@ValidationRule(
    value = PairRules.WITNESS_UNICAST,
    message = PairRules.WITNESS_UNICAST_MESSAGE,
    fieldPath = ".address")
@JsonInclude(JsonInclude.Include.NON_NULL)
public class WitnessSpec {
  @JsonProperty("address")
  @Required
  @Size(max = PairLimits.ADDRESS_MAX_LENGTH)
  @Pattern(Patterns.IPV4)
  @JsonPropertyDescription("IPv4 address of the witness.")
  private String address;

  @JsonProperty("port")
  @Required
  @Min(PairLimits.PORT_MIN)
  @Max(PairLimits.PORT_MAX)
  @JsonPropertyDescription("TCP port on the witness that accepts connections.")
  private Integer port;

  @JsonProperty("timeoutMillis")
  @Min(PairLimits.WITNESS_TIMEOUT_MIN_MILLIS)
  @Max(PairLimits.WITNESS_TIMEOUT_MAX_MILLIS)
  @Default("" + PairDefaults.WITNESS_TIMEOUT_MILLIS)
  @JsonPropertyDescription(
      "Connect timeout for one witness probe. Default " + PairDefaults.WITNESS_TIMEOUT_MILLIS + ".")
  private Integer timeoutMillis;

  public String getAddress() {
    return address;
  }

  public void setAddress(String address) {
    this.address = address;
  }

  public Integer getPort() {
    return port;
  }

  public void setPort(Integer port) {
    this.port = port;
  }

  public Integer getTimeoutMillis() {
    return timeoutMillis;
  }

  public void setTimeoutMillis(Integer timeoutMillis) {
    this.timeoutMillis = timeoutMillis;
  }
}

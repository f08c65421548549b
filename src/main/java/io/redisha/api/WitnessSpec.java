package io.redisha.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** A witness address: a node may stay or become master only while it can reach it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class WitnessSpec {
  @JsonProperty("address")
  @Required
  @Size(max = 15)
  @Pattern(Patterns.IPV4)
  @JsonPropertyDescription("IPv4 address of the witness.")
  private String address;

  @JsonProperty("port")
  @Required
  @Min(1)
  @Max(65535)
  @JsonPropertyDescription("TCP port on the witness that accepts connections.")
  private Integer port;

  @JsonProperty("timeoutMillis")
  @Min(1)
  @Max(60000)
  @JsonPropertyDescription("Connect timeout for one witness probe. Default 200.")
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

package io.redisha.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** A witness address: a node may stay or become master only while it can reach it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class WitnessSpec {
  @JsonProperty("address")
  @JsonPropertyDescription("IPv4 address of the witness.")
  private String address;

  @JsonProperty("port")
  @JsonPropertyDescription("TCP port on the witness that accepts connections.")
  private Integer port;

  @JsonProperty("timeoutMillis")
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

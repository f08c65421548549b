package io.redisha.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.util.List;

/**
 * A call that makes the cloud route a group's VIP to the node that became master (clouds ignore
 * gratuitous ARP), and releases it when the node steps down.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class VipHookSpec {
  @JsonProperty("provider")
  @Required
  @Pattern("^(Exec|Webhook|AWS|Alibaba)$")
  @JsonPropertyDescription(
      "Exec (run a command), Webhook (POST a JSON body), AWS (move a secondary private IP to this node's network interface) or Alibaba (associate the group's HAVIP with this instance).")
  private String provider;

  @JsonProperty("command")
  @Size(max = 64)
  @JsonPropertyDescription(
      "Exec: the command and its arguments; it gets REDISHA_GROUP, REDISHA_NODE, REDISHA_VIP, REDISHA_STATE (MASTER or BACKUP) and REDISHA_REASON in its environment; exit 0 means done.")
  private List<String> command;

  @JsonProperty("url")
  @Size(max = 2048)
  @Pattern("^https?://.+")
  @JsonPropertyDescription(
      "Webhook: the URL that receives POST {group, node, vip, state, reason}; any 2xx answer means done.")
  private String url;

  @JsonProperty("region")
  @Size(max = 64)
  @Pattern("^[a-z0-9-]+$")
  @JsonPropertyDescription("AWS region (us-east-1) or Alibaba Cloud region id (cn-hangzhou).")
  private String region;

  @JsonProperty("endpoint")
  @Size(max = 2048)
  @Pattern("^https?://.+")
  @JsonPropertyDescription(
      "AWS or Alibaba: API endpoint instead of the public one of the region (a VPC endpoint).")
  private String endpoint;

  @JsonProperty("metadataEndpoint")
  @Size(max = 2048)
  @Pattern("^https?://.+")
  @JsonPropertyDescription(
      "AWS or Alibaba: instance metadata service that names this node's instance, network interface and role credentials. Default http://169.254.169.254 (AWS, IMDSv2) or http://100.100.100.200 (Alibaba).")
  private String metadataEndpoint;

  @JsonProperty("credentialsFile")
  @Size(max = 4096)
  @JsonPropertyDescription(
      "AWS or Alibaba: file of key=value lines with the access key (AWS: aws_access_key_id, aws_secret_access_key, optional aws_session_token; Alibaba: access_key_id, access_key_secret, optional security_token). Default: the instance's role from the metadata service.")
  private String credentialsFile;

  @JsonProperty("timeoutMillis")
  @Min(100)
  @Max(120000)
  @JsonPropertyDescription("Time allowed for one call. Default 5000.")
  private Integer timeoutMillis;

  @JsonProperty("retryMaxMillis")
  @Min(100)
  @Max(600000)
  @JsonPropertyDescription(
      "Longest wait between two attempts of a failed call; the wait starts at 500 ms and doubles. Default 30000.")
  private Integer retryMaxMillis;

  public String getProvider() {
    return provider;
  }

  public void setProvider(String provider) {
    this.provider = provider;
  }

  public List<String> getCommand() {
    return command;
  }

  public void setCommand(List<String> command) {
    this.command = command;
  }

  public String getUrl() {
    return url;
  }

  public void setUrl(String url) {
    this.url = url;
  }

  public String getRegion() {
    return region;
  }

  public void setRegion(String region) {
    this.region = region;
  }

  public String getEndpoint() {
    return endpoint;
  }

  public void setEndpoint(String endpoint) {
    this.endpoint = endpoint;
  }

  public String getMetadataEndpoint() {
    return metadataEndpoint;
  }

  public void setMetadataEndpoint(String metadataEndpoint) {
    this.metadataEndpoint = metadataEndpoint;
  }

  public String getCredentialsFile() {
    return credentialsFile;
  }

  public void setCredentialsFile(String credentialsFile) {
    this.credentialsFile = credentialsFile;
  }

  public Integer getTimeoutMillis() {
    return timeoutMillis;
  }

  public void setTimeoutMillis(Integer timeoutMillis) {
    this.timeoutMillis = timeoutMillis;
  }

  public Integer getRetryMaxMillis() {
    return retryMaxMillis;
  }

  public void setRetryMaxMillis(Integer retryMaxMillis) {
    this.retryMaxMillis = retryMaxMillis;
  }
}

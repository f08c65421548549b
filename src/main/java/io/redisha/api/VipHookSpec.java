package io.redisha.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/**
 * A call that makes the cloud route a group's VIP to the node that became master (clouds ignore
 * gratuitous ARP), and releases it when the node steps down.
 *
 * <p>In a RedisHAPair the hook carries no command and no file (S10): a command is a hook of the
 * operator's own configuration, which the cluster admin writes and the pair names with {@code
 * hookRef}; cloud credentials come from a Secret ({@code credentialsSecretRef}). Nor does it carry
 * an address for the agents to call ({@code url}, {@code endpoint}, {@code metadataEndpoint}): the
 * agents call it from the node's network, where it reaches the node's own services, and sign cloud
 * calls with the node's role credentials; such hooks too are the admin's, named by {@code hookRef}.
 * A standalone pair file, written by whoever runs the VM, may give all of these.
 */
@ValidationRule(
    value = PairRules.PROVIDER_OR_HOOK_REF,
    message = PairRules.PROVIDER_OR_HOOK_REF_MESSAGE,
    fieldPath = ".provider")
@ValidationRule(
    value = PairRules.NO_EXEC_IN_RESOURCE,
    message = PairRules.NO_EXEC_IN_RESOURCE_MESSAGE,
    fieldPath = ".provider")
@ValidationRule(
    value = PairRules.NO_COMMAND_IN_RESOURCE,
    message = PairRules.NO_COMMAND_IN_RESOURCE_MESSAGE,
    fieldPath = ".command")
@ValidationRule(
    value = PairRules.NO_CREDENTIALS_FILE_IN_RESOURCE,
    message = PairRules.NO_CREDENTIALS_FILE_IN_RESOURCE_MESSAGE,
    fieldPath = ".credentialsFile")
@ValidationRule(
    value = PairRules.NO_URL_IN_RESOURCE,
    message = PairRules.NO_URL_IN_RESOURCE_MESSAGE,
    fieldPath = ".url")
@ValidationRule(
    value = PairRules.NO_ENDPOINT_IN_RESOURCE,
    message = PairRules.NO_ENDPOINT_IN_RESOURCE_MESSAGE,
    fieldPath = ".endpoint")
@ValidationRule(
    value = PairRules.NO_METADATA_ENDPOINT_IN_RESOURCE,
    message = PairRules.NO_METADATA_ENDPOINT_IN_RESOURCE_MESSAGE,
    fieldPath = ".metadataEndpoint")
@ValidationRule(
    value = PairRules.HOOK_REF_ALONE,
    message = PairRules.HOOK_REF_ALONE_MESSAGE,
    fieldPath = ".hookRef")
@ValidationRule(
    value = PairRules.CREDENTIALS_ONLY_FOR_CLOUD,
    message = PairRules.CREDENTIALS_ONLY_FOR_CLOUD_MESSAGE,
    fieldPath = ".credentialsSecretRef")
@ValidationRule(
    value = PairRules.WEBHOOK_NEEDS_URL,
    message = PairRules.WEBHOOK_NEEDS_URL_MESSAGE,
    fieldPath = ".url")
@ValidationRule(
    value = PairRules.URL_ONLY_WITH_WEBHOOK,
    message = PairRules.URL_ONLY_WITH_WEBHOOK_MESSAGE,
    fieldPath = ".url")
@ValidationRule(
    value = PairRules.CLOUD_NEEDS_REGION,
    message = PairRules.CLOUD_NEEDS_REGION_MESSAGE,
    fieldPath = ".region")
@JsonInclude(JsonInclude.Include.NON_NULL)
public class VipHookSpec {
  @JsonProperty("provider")
  @JsonPropertyDescription(
      "Exec (run a command; standalone pair files only), Webhook (POST a JSON body), AWS (move a secondary private IP to this node's network interface) or Alibaba (associate the group's HAVIP with this instance). Give either provider or hookRef.")
  private HookProvider provider;

  @JsonProperty("hookRef")
  @Size(max = PairLimits.HOOK_NAME_MAX_LENGTH)
  @Pattern(Patterns.DNS_LABEL)
  @JsonPropertyDescription(
      "Kubernetes: the name of a hook in the operator's configuration (set by the cluster admin, Helm value hooks), which brings the provider and its command, URL, region and endpoints. With hookRef the pair may add only credentialsSecretRef, timeoutMillis and retryMaxMillis.")
  private String hookRef;

  @JsonProperty("command")
  @Size(max = PairLimits.HOOK_COMMAND_MAX_ITEMS)
  @JsonPropertyDescription(
      "Exec, standalone pair files only (a RedisHAPair names an admin hook with hookRef instead): the command and its arguments; it gets REDISHA_GROUP, REDISHA_NODE, REDISHA_VIP, REDISHA_STATE (MASTER or BACKUP) and REDISHA_REASON in its environment; exit 0 means done.")
  private List<String> command;

  @JsonProperty("url")
  @Size(max = PairLimits.URL_MAX_LENGTH)
  @Pattern(Patterns.HTTP_URL)
  @JsonPropertyDescription(
      "Webhook: the URL that receives POST {group, node, vip, state, reason}; any 2xx answer means done.")
  private String url;

  @JsonProperty("region")
  @Size(max = PairLimits.REGION_MAX_LENGTH)
  @Pattern(Patterns.REGION)
  @JsonPropertyDescription("AWS region (us-east-1) or Alibaba Cloud region id (cn-hangzhou).")
  private String region;

  @JsonProperty("endpoint")
  @Size(max = PairLimits.URL_MAX_LENGTH)
  @Pattern(Patterns.HTTP_URL)
  @JsonPropertyDescription(
      "AWS or Alibaba: API endpoint instead of the public one of the region (a VPC endpoint).")
  private String endpoint;

  @JsonProperty("metadataEndpoint")
  @Size(max = PairLimits.URL_MAX_LENGTH)
  @Pattern(Patterns.HTTP_URL)
  @JsonPropertyDescription(
      "AWS or Alibaba: instance metadata service that names this node's instance, network interface and role credentials. Default http://169.254.169.254 (AWS, IMDSv2) or http://100.100.100.200 (Alibaba).")
  private String metadataEndpoint;

  @JsonProperty("credentialsSecretRef")
  @JsonPropertyDescription(
      "Kubernetes, AWS or Alibaba: Secret key holding the access key in the format of credentialsFile; mounted into the agents. Default: the instance's role from the metadata service.")
  private SecretKeyRef credentialsSecretRef;

  @JsonProperty("credentialsFile")
  @Size(max = PairLimits.PATH_MAX_LENGTH)
  @JsonPropertyDescription(
      "Standalone pair files only (a RedisHAPair uses credentialsSecretRef), AWS or Alibaba: file of key=value lines with the access key (AWS: aws_access_key_id, aws_secret_access_key, optional aws_session_token; Alibaba: access_key_id, access_key_secret, optional security_token). Default: the instance's role from the metadata service.")
  private String credentialsFile;

  @JsonProperty("timeoutMillis")
  @Min(PairLimits.HOOK_TIMEOUT_MIN_MILLIS)
  @Max(PairLimits.HOOK_TIMEOUT_MAX_MILLIS)
  @Default("" + PairDefaults.HOOK_TIMEOUT_MILLIS)
  @JsonPropertyDescription(
      "Time allowed for one call. Default " + PairDefaults.HOOK_TIMEOUT_MILLIS + ".")
  private Integer timeoutMillis;

  @JsonProperty("retryMaxMillis")
  @Min(PairLimits.HOOK_RETRY_MAX_MIN_MILLIS)
  @Max(PairLimits.HOOK_RETRY_MAX_MAX_MILLIS)
  @Default("" + PairDefaults.HOOK_RETRY_MAX_MILLIS)
  @JsonPropertyDescription(
      "Longest wait between two attempts of a failed call; the wait starts at 500 ms and doubles. Default "
          + PairDefaults.HOOK_RETRY_MAX_MILLIS
          + ".")
  private Integer retryMaxMillis;

  public HookProvider getProvider() {
    return provider;
  }

  public void setProvider(HookProvider provider) {
    this.provider = provider;
  }

  public String getHookRef() {
    return hookRef;
  }

  public void setHookRef(String hookRef) {
    this.hookRef = hookRef;
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

  public SecretKeyRef getCredentialsSecretRef() {
    return credentialsSecretRef;
  }

  public void setCredentialsSecretRef(SecretKeyRef credentialsSecretRef) {
    this.credentialsSecretRef = credentialsSecretRef;
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

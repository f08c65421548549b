package io.redisha.cloud;

import io.redisha.api.HookProvider;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A validated vipHook of the pair file.
 *
 * @param provider who routes the VIP
 * @param command Exec command, or empty
 * @param url Webhook URL, or null
 * @param region AWS region or Alibaba region id, or null
 * @param endpoint API endpoint, or null for the region's public one
 * @param metadataEndpoint instance metadata service, or null for the cloud's default
 * @param credentialsFile access key file, or null for the instance role
 * @param timeout time allowed for one call
 * @param retryMax longest wait between two attempts
 * @param haVipIds Alibaba HAVIP id per group name
 */
public record HookSettings(
    HookProvider provider,
    List<String> command,
    String url,
    String region,
    String endpoint,
    String metadataEndpoint,
    String credentialsFile,
    Duration timeout,
    Duration retryMax,
    Map<String, String> haVipIds) {
  public HookSettings {
    command = command == null ? List.of() : List.copyOf(command);
    haVipIds = haVipIds == null ? Map.of() : Map.copyOf(haVipIds);
  }
}

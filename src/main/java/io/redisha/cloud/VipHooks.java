package io.redisha.cloud;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.UUID;

/** Builds the provider a pair's vipHook names. */
public final class VipHooks {
  private VipHooks() {}

  /** The hook of {@code settings}, for a node whose VIPs live on {@code interfaceName}. */
  public static VipHook create(HookSettings settings, String interfaceName) {
    return switch (settings.provider()) {
      case EXEC -> new ExecHook(settings.command(), settings.timeout());
      case WEBHOOK -> new WebhookHook(URI.create(settings.url()), settings.timeout());
      case AWS -> new AwsHook(settings, () -> macOf(interfaceName), Clock.systemUTC());
      case ALIBABA ->
          new AlibabaHook(settings, Clock.systemUTC(), () -> UUID.randomUUID().toString());
    };
  }

  private static String macOf(String interfaceName) {
    try {
      return Files.readString(Path.of("/sys/class/net", interfaceName, "address")).strip();
    } catch (IOException e) {
      return null;
    }
  }
}

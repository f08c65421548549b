package io.redisha;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.Collections;
import java.util.Map;
import java.util.Properties;
import java.util.ServiceLoader;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Guards the class path that the POM pins: one Netty line (lettuce needs 4.2; a second line loads
 * mismatched halves of Netty) and one fabric8 HTTP client (with two, fabric8 picks one at random).
 * The test class path holds the runtime one plus the test libraries, so both are covered.
 */
class ClassPathHygieneTest {
  @Test
  void exactlyOneFabric8HttpClientFactoryTheJdkOne() {
    assertThat(ServiceLoader.load(HttpClient.Factory.class).stream().map(p -> p.type().getName()))
        .containsExactly(JdkHttpClientFactory.class.getName());
  }

  @Test
  void everyNettyArtifactHasTheSameVersion() throws IOException {
    Map<String, String> versions = nettyVersions();
    assertThat(versions).containsKeys("netty-common", "netty-transport", "netty-handler");
    assertThat(versions.values().stream().distinct())
        .as("Netty artifacts and their versions: %s", versions)
        .hasSize(1);
    assertThat(versions.get("netty-common")).startsWith("4.2.");
  }

  /** Artifact to version, from every {@code META-INF/io.netty.versions.properties}. */
  private static Map<String, String> nettyVersions() throws IOException {
    Map<String, String> versions = new TreeMap<>();
    for (URL url :
        Collections.list(
            ClassPathHygieneTest.class
                .getClassLoader()
                .getResources("META-INF/io.netty.versions.properties"))) {
      Properties properties = new Properties();
      try (InputStream in = url.openStream()) {
        properties.load(in);
      }
      for (String key : properties.stringPropertyNames()) {
        if (key.endsWith(".version")) {
          versions.put(
              key.substring(0, key.length() - ".version".length()), properties.getProperty(key));
        }
      }
    }
    return versions;
  }
}

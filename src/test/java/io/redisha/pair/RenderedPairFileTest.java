package io.redisha.pair;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.redisha.api.RedisHAPair;
import io.redisha.api.RedisHAPairSpec;
import io.redisha.operator.PairFileRenderer;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Under Kubernetes the agents read the pair file the operator renders from the resource; the strict
 * reading must take that file back unchanged, also where a text looks like a number or a boolean.
 */
class RenderedPairFileTest {
  @Test
  void theRenderedFileReadsBackAsTheSameSpec() throws Exception {
    RedisHAPair pair =
        Serialization.unmarshal(
            """
            apiVersion: redisha.io/v1alpha1
            kind: RedisHAPair
            metadata: {name: cache, namespace: redis}
            spec:
              nodes: [{name: "1234"}, {name: vm-b, address: 192.0.2.12}]
              interface: eth0
              vrrp: {version: 3, advertIntervalMillis: 100, preempt: false, v3Checksum: MessageOnly,
                     garp: {count: 3, refreshMillis: 60000}}
              healthCheck: {intervalMillis: 100, timeoutMillis: 250, fall: 2, rise: 2}
              splitBrainProtection: Lease
              redis: {passwordSecretRef: {name: cache-redis, key: password}}
              vipHook: {provider: Exec, command: [/usr/local/bin/route-vip, "010", "1e3", "yes", "0x1F", "6_379", "+5"]}
              instances:
              - {name: "010", port: 6379, vip: 192.0.2.100/24, virtualRouterId: 51, preferredMaster: "1234"}
              - {name: "1e3", port: 6389, vip: 192.0.2.101/24, virtualRouterId: 52}
            """,
            RedisHAPair.class);
    RedisHAPairSpec rendered =
        PairFileRenderer.render(pair.getSpec(), Map.of("1234", "192.0.2.11"));
    String yaml = PairFileRenderer.toYaml(rendered, "redis", "cache", 1);

    PairFile.Loaded loaded = PairFile.parse(yaml, "pair.yaml", "pair");

    ObjectMapper json = new ObjectMapper();
    JsonNode read = json.valueToTree(loaded.spec());
    JsonNode written = json.valueToTree(rendered);
    assertThat(read).isEqualTo(written);
    assertThat(PairValidation.validate(loaded.spec())).isEmpty();
  }
}

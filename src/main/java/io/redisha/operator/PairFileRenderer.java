package io.redisha.operator;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import io.redisha.api.EtcdSpec;
import io.redisha.api.EtcdTlsSecretRef;
import io.redisha.api.NodeSpec;
import io.redisha.api.RedisHAPairSpec;
import io.redisha.api.TlsSpec;
import io.redisha.kube.PairResources;
import io.redisha.pair.PairFile;
import java.util.Map;

/**
 * Turns a resource's spec into the pair file the agents read: the same shape as the standalone pair
 * file, with each node's address filled from its InternalIP where the spec leaves it out, and
 * Secret references replaced by the paths where the DaemonSet mounts those Secrets. A {@code
 * vipHook.hookRef} stays a name: the hook it names travels in its own file ({@link
 * AgentResources#configMap}), never in this one. Pure.
 */
public final class PairFileRenderer {
  private PairFileRenderer() {}

  static final ObjectMapper YAML =
      new ObjectMapper(
          new YAMLFactory()
              .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
              .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES));

  /** The spec as the agents must see it; {@code nodeAddresses} maps node name to InternalIP. */
  public static RedisHAPairSpec render(RedisHAPairSpec spec, Map<String, String> nodeAddresses) {
    RedisHAPairSpec file = copy(spec);
    if (file.getNodes() != null) {
      for (NodeSpec node : file.getNodes()) {
        if (node.getAddress() == null) {
          node.setAddress(nodeAddresses.get(node.getName()));
        }
      }
    }
    if (file.getVrrp() != null && file.getVrrp().getAuthSecretRef() != null) {
      file.getVrrp().setAuthSecretRef(null);
      file.getVrrp()
          .setAuthPasswordFile(PairResources.VRRP_SECRET_DIR + "/" + PairResources.SECRET_FILE);
    }
    VrrpSecrets.render(file);
    if (file.getRedis() != null && file.getRedis().getPasswordSecretRef() != null) {
      file.getRedis().setPasswordSecretRef(null);
      file.getRedis()
          .setPasswordFile(PairResources.REDIS_SECRET_DIR + "/" + PairResources.SECRET_FILE);
    }
    EtcdSpec etcd = file.getEtcd();
    if (etcd != null && etcd.getPasswordSecretRef() != null) {
      etcd.setPasswordSecretRef(null);
      etcd.setPasswordFile(PairResources.ETCD_SECRET_DIR + "/" + PairResources.SECRET_FILE);
    }
    if (etcd != null && etcd.getTlsSecretRef() != null) {
      EtcdTlsSecretRef tls = etcd.getTlsSecretRef();
      etcd.setTlsSecretRef(null);
      etcd.setCaFile(PairResources.ETCD_TLS_DIR + "/" + EtcdTlsSecretRef.CA_KEY);
      if (tls.clientCertificate()) {
        etcd.setCertFile(PairResources.ETCD_TLS_DIR + "/" + EtcdTlsSecretRef.CERT_KEY);
        etcd.setKeyFile(PairResources.ETCD_TLS_DIR + "/" + EtcdTlsSecretRef.KEY_KEY);
      }
    }
    if (file.getVipHook() != null && file.getVipHook().getCredentialsSecretRef() != null) {
      file.getVipHook().setCredentialsSecretRef(null);
      file.getVipHook()
          .setCredentialsFile(
              PairResources.CLOUD_SECRET_DIR + "/" + PairResources.CLOUD_CREDENTIALS_FILE);
    }
    TlsSpec tls = file.getRedis() == null ? null : file.getRedis().getTls();
    if (tls != null && tls.getCaSecretRef() != null) {
      tls.setCaSecretRef(null);
      tls.setCaFile(PairResources.REDIS_TLS_CA_FILE);
    }
    if (tls != null && tls.getCertSecretRef() != null) {
      tls.setCertSecretRef(null);
      tls.setCertFile(PairResources.REDIS_TLS_CERT_FILE);
    }
    if (tls != null && tls.getKeySecretRef() != null) {
      tls.setKeySecretRef(null);
      tls.setKeyFile(PairResources.REDIS_TLS_KEY_FILE);
    }
    return file;
  }

  /** The pair file as YAML, headed by where it comes from. */
  public static String toYaml(
      RedisHAPairSpec file, String namespace, String pair, long generation) {
    return "# rendered by the redisha operator from RedisHAPair "
        + namespace
        + "/"
        + pair
        + " generation "
        + generation
        + "; edit the resource, not this file\n"
        + write(file);
  }

  static String write(Object value) {
    return PairFile.write(value);
  }

  static RedisHAPairSpec copy(RedisHAPairSpec spec) {
    return YAML.convertValue(spec, RedisHAPairSpec.class);
  }
}

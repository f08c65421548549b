package io.redisha.operator;

import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.redisha.api.RedisHAPair;
import io.redisha.kube.PairResources;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Secret with the token a pair's agents want on every mutating request ({@code POST
 * /switchover}): generated once per pair, mounted read-only into the agents only, never written to
 * the ConfigMap. The operator only creates it and never reads it back: it needs {@code create} on
 * Secrets and nothing else of them, so it holds no right to read any Secret of the cluster. A
 * Secret that is already there (from an earlier run, or one the admin wrote) is kept as it is; the
 * admin rotates the token by writing a new one into it, and the agents read it at every request.
 *
 * <p>This is not a JOSDK dependent because a dependent needs an informer, and an informer needs
 * list and watch on every Secret of the watched namespaces.
 */
public final class AgentTokenSecret {
  /** Bytes of randomness in a generated token (256 bits). */
  static final int TOKEN_BYTES = 32;

  /** How long a confirmed Secret is taken to be there; a deleted one comes back after this. */
  static final Duration RECHECK = Duration.ofMinutes(5);

  private final SecureRandom random;
  private final Map<String, Long> ensuredAtNanos = new ConcurrentHashMap<>();

  public AgentTokenSecret(SecureRandom random) {
    this.random = random;
  }

  /** A fresh token: {@value #TOKEN_BYTES} random bytes, base64url without padding. */
  String newToken() {
    byte[] bytes = new byte[TOKEN_BYTES];
    random.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** The Secret of {@code pair} holding {@code token}, owned by the pair. */
  public static Secret desired(RedisHAPair pair, String token) {
    String name = PairResources.agentTokenSecretName(pair.getMetadata().getName());
    return new SecretBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(pair.getMetadata().getNamespace())
        .withLabels(PairResources.agentLabels(pair.getMetadata().getName()))
        .withOwnerReferences(
            new OwnerReferenceBuilder()
                .withApiVersion(pair.getApiVersion())
                .withKind(pair.getKind())
                .withName(pair.getMetadata().getName())
                .withUid(pair.getMetadata().getUid())
                .withController(true)
                .build())
        .endMetadata()
        .withType("Opaque")
        .withData(
            Map.of(
                PairResources.API_TOKEN_KEY,
                Base64.getEncoder().encodeToString(token.getBytes(StandardCharsets.UTF_8))))
        .build();
  }

  /**
   * Creates the pair's token Secret unless it exists; at most once per pair (by uid) every {@link
   * #RECHECK}, so a steady reconcile costs no request and a Secret the admin deleted comes back.
   *
   * @throws KubernetesClientException when the API server refuses the create for another reason
   */
  public void ensure(KubernetesClient client, RedisHAPair pair) {
    String uid = pair.getMetadata().getUid();
    Long ensuredAt = uid == null ? null : ensuredAtNanos.get(uid);
    if (ensuredAt != null && System.nanoTime() - ensuredAt < RECHECK.toNanos()) {
      return;
    }
    try {
      client.secrets().resource(desired(pair, newToken())).create();
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) {
        throw new KubernetesClientException(
            "cannot create the agents' token Secret "
                + pair.getMetadata().getNamespace()
                + "/"
                + PairResources.agentTokenSecretName(pair.getMetadata().getName())
                + " (HTTP "
                + e.getCode()
                + "): the operator needs create on secrets in this namespace",
            e);
      }
    }
    if (uid != null) {
      ensuredAtNanos.put(uid, System.nanoTime());
    }
  }
}

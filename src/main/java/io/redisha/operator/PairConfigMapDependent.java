package io.redisha.operator;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.redisha.api.RedisHAPair;
import io.redisha.kube.PairResources;

/**
 * The ConfigMap with the rendered pair file the agents read and reload. Built by {@link
 * AgentResources}; see {@link RedisHAPairReconciler}.
 */
@KubernetesDependent(informer = @Informer(labelSelector = PairResources.OWNED_SELECTOR))
public class PairConfigMapDependent
    extends CRUDKubernetesDependentResource<ConfigMap, RedisHAPair> {
  public PairConfigMapDependent() {
    super(ConfigMap.class);
  }

  @Override
  protected ConfigMap desired(RedisHAPair pair, Context<RedisHAPair> context) {
    return RedisHAPairReconciler.desiredOf(context).configMap();
  }
}

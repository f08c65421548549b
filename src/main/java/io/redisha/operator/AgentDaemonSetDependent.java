package io.redisha.operator;

import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.redisha.api.RedisHAPair;

/**
 * The agent DaemonSet, pinned to the pair's two nodes. Built by {@link AgentResources}; see {@link
 * RedisHAPairReconciler}.
 */
@KubernetesDependent(informer = @Informer(labelSelector = RedisHAPairReconciler.OWNED_SELECTOR))
public class AgentDaemonSetDependent
    extends CRUDKubernetesDependentResource<DaemonSet, RedisHAPair> {
  public AgentDaemonSetDependent() {
    super(DaemonSet.class);
  }

  @Override
  protected DaemonSet desired(RedisHAPair pair, Context<RedisHAPair> context) {
    return RedisHAPairReconciler.desiredOf(context).daemonSet();
  }
}

package io.redisha.operator;

import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.redisha.api.RedisHAPair;

/**
 * The agents' ServiceAccount. Built by {@link AgentResources}; see {@link RedisHAPairReconciler}.
 */
@KubernetesDependent(informer = @Informer(labelSelector = RedisHAPairReconciler.OWNED_SELECTOR))
public class AgentServiceAccountDependent
    extends CRUDKubernetesDependentResource<ServiceAccount, RedisHAPair> {
  public AgentServiceAccountDependent() {
    super(ServiceAccount.class);
  }

  @Override
  protected ServiceAccount desired(RedisHAPair pair, Context<RedisHAPair> context) {
    return RedisHAPairReconciler.desiredOf(context).serviceAccount();
  }
}

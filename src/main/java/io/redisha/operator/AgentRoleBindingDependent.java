package io.redisha.operator;

import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.redisha.api.RedisHAPair;

/**
 * Binds the agents' Role to their ServiceAccount. Built by {@link AgentResources}; see {@link
 * RedisHAPairReconciler}.
 */
@KubernetesDependent(informer = @Informer(labelSelector = RedisHAPairReconciler.OWNED_SELECTOR))
public class AgentRoleBindingDependent
    extends CRUDKubernetesDependentResource<RoleBinding, RedisHAPair> {
  public AgentRoleBindingDependent() {
    super(RoleBinding.class);
  }

  @Override
  protected RoleBinding desired(RedisHAPair pair, Context<RedisHAPair> context) {
    return RedisHAPairReconciler.desiredOf(context).roleBinding();
  }
}

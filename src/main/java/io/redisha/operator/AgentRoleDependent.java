package io.redisha.operator;

import io.fabric8.kubernetes.api.model.rbac.Role;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.redisha.api.RedisHAPair;

/**
 * The agents' Role: their report and split-brain Leases, and Events. Built by {@link
 * AgentResources}; see {@link RedisHAPairReconciler}.
 */
@KubernetesDependent(informer = @Informer(labelSelector = RedisHAPairReconciler.OWNED_SELECTOR))
public class AgentRoleDependent extends CRUDKubernetesDependentResource<Role, RedisHAPair> {
  public AgentRoleDependent() {
    super(Role.class);
  }

  @Override
  protected Role desired(RedisHAPair pair, Context<RedisHAPair> context) {
    return RedisHAPairReconciler.desiredOf(context).role();
  }
}

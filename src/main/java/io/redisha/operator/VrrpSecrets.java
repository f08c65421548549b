package io.redisha.operator;

import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.redisha.api.GroupAuthSpec;
import io.redisha.api.HmacKeySpec;
import io.redisha.api.HmacSpec;
import io.redisha.api.InstanceSpec;
import io.redisha.api.RedisHAPairSpec;
import io.redisha.api.SecretKeyRef;
import io.redisha.api.VrrpSpec;
import io.redisha.kube.PairResources;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * The Secrets of the adverts' authentication beyond the pair-wide PASS password: a group's own
 * password ({@code instances[].auth.passwordSecretRef}) and the auth_hmac keys ({@code
 * vrrp.authHmac}, {@code instances[].auth.hmac}). Each Secret is mounted whole into the agents, and
 * the rendered pair file points at its files, so the kubelet's in-place update of a mounted Secret
 * (a new key, a new value) reaches the agents without touching the DaemonSet: they re-read the
 * files on their next check and rebuild their filter, and no group moves. Pure.
 */
final class VrrpSecrets {
  private VrrpSecrets() {}

  /** The names of the Secrets the spec's per-group passwords and auth_hmac keys come from. */
  static SortedSet<String> names(RedisHAPairSpec spec) {
    SortedSet<String> names = new TreeSet<>();
    references(spec, ref -> names.add(ref.getName()));
    return names;
  }

  /**
   * Replaces, in the pair file being rendered, each Secret reference by the file where the
   * DaemonSet mounts it.
   */
  static void render(RedisHAPairSpec file) {
    VrrpSpec vrrp = file.getVrrp();
    if (vrrp != null) {
      renderKeys(vrrp.getAuthHmac());
    }
    for (InstanceSpec instance : instances(file)) {
      GroupAuthSpec auth = instance.getAuth();
      if (auth == null) {
        continue;
      }
      SecretKeyRef password = auth.getPasswordSecretRef();
      if (password != null) {
        auth.setPasswordSecretRef(null);
        auth.setPasswordFile(PairResources.vrrpSecretFile(password.getName(), password.getKey()));
      }
      renderKeys(auth.getHmac());
    }
  }

  private static void renderKeys(HmacSpec hmac) {
    if (hmac == null || hmac.getKeys() == null) {
      return;
    }
    for (HmacKeySpec key : hmac.getKeys()) {
      SecretKeyRef ref = key == null ? null : key.getSecretRef();
      if (ref != null) {
        key.setSecretRef(null);
        key.setSecretFile(PairResources.vrrpSecretFile(ref.getName(), ref.getKey()));
      }
    }
  }

  /** A volume and a read-only mount per Secret, the whole Secret in its directory. */
  static void mount(RedisHAPairSpec spec, List<Volume> volumes, List<VolumeMount> mounts) {
    for (String name : names(spec)) {
      String volume = PairResources.vrrpSecretVolume(name);
      volumes.add(
          new VolumeBuilder()
              .withName(volume)
              .withNewSecret()
              .withSecretName(name)
              .withDefaultMode(0400)
              .endSecret()
              .build());
      mounts.add(
          new VolumeMountBuilder()
              .withName(volume)
              .withMountPath(PairResources.VRRP_SECRETS_DIR + "/" + name)
              .withReadOnly(true)
              .build());
    }
  }

  /**
   * The rendered file without the adverts' authentication, for the restart digest: the agents apply
   * a new password, key, active key or mode themselves, group by group, without a restart.
   */
  static void leaveOutOfDigest(RedisHAPairSpec file) {
    VrrpSpec vrrp = file.getVrrp();
    if (vrrp != null) {
      vrrp.setAuthSecretRef(null);
      vrrp.setAuthPasswordFile(null);
      vrrp.setAuthHmac(null);
    }
  }

  private static void references(RedisHAPairSpec spec, Consumer<SecretKeyRef> out) {
    if (spec.getVrrp() != null) {
      keyReferences(spec.getVrrp().getAuthHmac(), out);
    }
    for (InstanceSpec instance : instances(spec)) {
      GroupAuthSpec auth = instance.getAuth();
      if (auth != null) {
        if (auth.getPasswordSecretRef() != null) {
          out.accept(auth.getPasswordSecretRef());
        }
        keyReferences(auth.getHmac(), out);
      }
    }
  }

  private static void keyReferences(HmacSpec hmac, Consumer<SecretKeyRef> out) {
    if (hmac == null || hmac.getKeys() == null) {
      return;
    }
    for (HmacKeySpec key : hmac.getKeys()) {
      if (key != null && key.getSecretRef() != null) {
        out.accept(key.getSecretRef());
      }
    }
  }

  private static List<InstanceSpec> instances(RedisHAPairSpec spec) {
    List<InstanceSpec> instances = new ArrayList<>();
    if (spec.getInstances() != null) {
      for (InstanceSpec instance : spec.getInstances()) {
        if (instance != null) {
          instances.add(instance);
        }
      }
    }
    return instances;
  }
}

package io.redisha.migrate;

import io.redisha.api.GroupAuthSpec;
import io.redisha.api.HmacKeySpec;
import io.redisha.api.HmacSpec;
import io.redisha.api.InstanceSpec;
import io.redisha.api.SecretKeyRef;
import io.redisha.api.VrrpSpec;
import io.redisha.migrate.KeepalivedFacts.At;
import io.redisha.migrate.KeepalivedFacts.Hmac;
import io.redisha.migrate.KeepalivedFacts.HmacKeyLine;
import io.redisha.migrate.KeepalivedFacts.Instance;
import io.redisha.vrrp.HmacKey;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The adverts' authentication of an import, instance by instance as keepalived has it: {@code
 * auth_pass} and {@code auth_hmac} become the pair-wide default of {@code vrrp} when every instance
 * has the same, else each group's own {@code auth}. An instance with both keeps only auth_hmac, as
 * keepalived 2.4.3 does. Secrets never enter the pair file: it names a file (or a Secret key) for
 * each, and a note says what goes there.
 */
final class ImportedAuth {
  /**
   * A secret the pair file points at.
   *
   * @param target the file (pair file) or the key of the Secret (resource)
   * @param what what it holds: "the auth_pass", "key 1 of auth_hmac"
   * @param from where keepalived has it
   * @param sourceFile for a {@code file:PATH} key, PATH; else null
   */
  record SecretNote(
      String target, String what, KeepalivedConfig.Location from, String sourceFile) {}

  /** One instance's authentication, as keepalived runs it. */
  private record Auth(At<String> password, Hmac hmac) {
    static final Auth NONE = new Auth(null, null);

    Object identity() {
      return hmac != null ? hmac.identity() : password == null ? null : password.value();
    }

    KeepalivedConfig.Location location() {
      return hmac != null ? hmac.location : password == null ? null : password.location();
    }
  }

  private final KeepalivedImport.Options options;
  private final List<SecretNote> notes = new ArrayList<>();
  private final Map<String, KeepalivedConfig.Location> fields = new LinkedHashMap<>();

  private ImportedAuth(KeepalivedImport.Options options) {
    this.options = options;
  }

  /**
   * Checks each instance's authentication as keepalived 2.4.3 would use it: what it refuses or
   * turns off is a problem at its line, since a pair that authenticates where keepalived does not
   * would refuse every advert of the keepalived host during the migration.
   */
  static void check(Instance i, List<String> problems, List<String> warnings) {
    if (i.hmac == null) {
      return;
    }
    if (i.authPass != null) {
      warnings.add(
          i.authPass.location()
              + ": vrrp_instance "
              + i.name
              + " auth_pass: keepalived 2.4.3 drops the PASS password of an instance with"
              + " auth_hmac ("
              + i.hmac.location
              + "), and so does the import: the group signs its adverts with auth_hmac only");
    }
    Hmac hmac = i.hmac;
    String off =
        ": keepalived 2.4.3 turns auth_hmac off for such an instance, which then runs"
            + " without authentication; ";
    if (hmac.keys.isEmpty()) {
      problems.add(
          hmac.location
              + ": auth_hmac of vrrp_instance "
              + i.name
              + " has no key"
              + off
              + "add a key line or remove auth_hmac");
    }
    Set<Integer> ids = new HashSet<>();
    for (HmacKeyLine key : hmac.keys) {
      if (!ids.add(key.id())) {
        problems.add(key.location() + ": auth_hmac key id " + key.id() + " is defined twice");
      }
      if (key.fromFile()) {
        if (key.path().isEmpty()) {
          problems.add(key.location() + ": auth_hmac key " + key.id() + " file: names no file");
        }
        continue; // read by the agent, where it runs
      }
      try {
        int length = HmacKey.parse(key.id(), key.written()).length();
        if (length < HmacKey.MIN_LENGTH || length > HmacKey.MAX_LENGTH) {
          problems.add(
              key.location()
                  + ": auth_hmac key "
                  + key.id()
                  + " is "
                  + length
                  + " bytes, not "
                  + HmacKey.MIN_LENGTH
                  + " to "
                  + HmacKey.MAX_LENGTH
                  + off
                  + "give a key of 32 to 64 bytes");
        }
      } catch (IllegalArgumentException e) {
        problems.add(key.location() + ": auth_hmac " + e.getMessage());
      }
    }
    if (hmac.activeKey == null || hmac.activeKey.value() == null) {
      problems.add(
          hmac.location
              + ": auth_hmac of vrrp_instance "
              + i.name
              + " has no active_key"
              + off
              + "add active_key with the id of the key that signs");
    } else if (!ids.contains(hmac.activeKey.value())) {
      problems.add(
          hmac.activeKey.location()
              + ": auth_hmac active_key "
              + hmac.activeKey.value()
              + " is none of the keys "
              + ids.stream().sorted().toList()
              + off
              + "name one of them");
    }
    if (hmac.timeWindow != null
        && hmac.antiReplay != null
        && "monotonic".equals(hmac.antiReplay.value())) {
      warnings.add(
          hmac.timeWindow.location()
              + ": auth_hmac time_window: only used with anti_replay time, not taken over");
      hmac.timeWindow = null;
    }
  }

  /**
   * Sets the authentication of {@code vrrp} and {@code groups} (in the order of {@code instances}),
   * and returns what the output must say about the secrets.
   */
  static ImportedAuth apply(
      List<Instance> instances,
      List<InstanceSpec> groups,
      VrrpSpec vrrp,
      KeepalivedImport.Options options,
      List<String> warnings) {
    ImportedAuth imported = new ImportedAuth(options);
    List<Auth> auths = new ArrayList<>();
    Set<Object> kinds = new HashSet<>();
    for (Instance i : instances) {
      Auth auth =
          i.hmac != null
              ? new Auth(null, i.hmac)
              : i.authPass != null ? new Auth(i.authPass, null) : Auth.NONE;
      auths.add(auth);
      kinds.add(Objects.requireNonNullElse(auth.identity(), Auth.NONE));
      if (auth.password() != null
          && auth.password().value().getBytes(StandardCharsets.UTF_8).length > 8) {
        warnings.add(
            auth.password().location()
                + ": auth_pass is longer than 8 bytes: keepalived sends only the first 8, and so"
                + " the password file must hold only those");
      }
    }
    Auth first = auths.getFirst();
    if (kinds.size() == 1) {
      if (first.password() != null) {
        imported.pairPassword(vrrp, first.password());
      } else if (first.hmac() != null) {
        vrrp.setAuthHmac(imported.hmac(first.hmac(), null, instances.getFirst()));
        imported.fields.put("vrrp.authHmac", first.hmac().location);
      }
      return imported;
    }
    for (int n = 0; n < instances.size(); n++) {
      Auth auth = auths.get(n);
      InstanceSpec group = groups.get(n);
      if (auth.identity() == null) {
        continue;
      }
      GroupAuthSpec spec = new GroupAuthSpec();
      if (auth.hmac() != null) {
        spec.setHmac(imported.hmac(auth.hmac(), group.getName(), instances.get(n)));
      } else if (options.authPasswordFile() != null) {
        String file = options.authPasswordFile() + "-" + group.getName();
        spec.setPasswordFile(file);
        imported.notes.add(new SecretNote(file, "the auth_pass", auth.password().location(), null));
      } else {
        String key = group.getName() + "-password";
        spec.setPasswordSecretRef(ref(options, key));
        imported.notes.add(new SecretNote(key, "the auth_pass", auth.password().location(), null));
      }
      group.setAuth(spec);
    }
    return imported;
  }

  private void pairPassword(VrrpSpec vrrp, At<String> password) {
    if (options.authPasswordFile() != null) {
      vrrp.setAuthPasswordFile(options.authPasswordFile());
      notes.add(
          new SecretNote(options.authPasswordFile(), "the auth_pass", password.location(), null));
    } else {
      vrrp.setAuthSecretRef(ref(options, "password"));
      notes.add(new SecretNote("password", "the auth_pass", password.location(), null));
    }
    fields.put("vrrp.auth", password.location());
  }

  /** The auth_hmac settings, each key in a file (or a Secret key) of its own. */
  private HmacSpec hmac(Hmac hmac, String group, Instance instance) {
    HmacSpec spec = new HmacSpec();
    List<HmacKeySpec> keys = new ArrayList<>();
    String prefix = group == null ? "" : group + "-";
    for (HmacKeyLine line : hmac.keys) {
      HmacKeySpec key = new HmacKeySpec();
      key.setId(line.id());
      String what = "key " + line.id() + " of auth_hmac of vrrp_instance " + instance.name;
      String source = line.fromFile() ? line.path() : null;
      if (options.authPasswordFile() != null) {
        String file =
            source != null
                ? source
                : keyDirectory().resolve("vrrp-hmac-" + prefix + "key-" + line.id()).toString();
        key.setSecretFile(file);
        notes.add(new SecretNote(file, what, line.location(), source));
      } else {
        String name = prefix + "hmac-key-" + line.id();
        key.setSecretRef(ref(options, name));
        notes.add(new SecretNote(name, what, line.location(), source));
      }
      keys.add(key);
    }
    spec.setKeys(keys);
    spec.setActiveKeyId(hmac.activeKey.value());
    if (hmac.antiReplay != null) {
      spec.setAntiReplay(hmac.antiReplay.value());
    }
    if (hmac.timeWindow != null) {
      spec.setTimeWindowSeconds(hmac.timeWindow.value());
    }
    if (hmac.mode != null) {
      spec.setMode(hmac.mode.value());
    }
    return spec;
  }

  /** Where the key files go: beside the password file (by default /etc/redisha). */
  private Path keyDirectory() {
    Path parent = Path.of(options.authPasswordFile()).toAbsolutePath().getParent();
    return parent == null ? Path.of("/etc/redisha") : parent;
  }

  private static SecretKeyRef ref(KeepalivedImport.Options options, String key) {
    SecretKeyRef ref = new SecretKeyRef();
    ref.setName(options.pairName() + "-vrrp");
    ref.setKey(key);
    return ref;
  }

  /** The files or Secret keys the output names, in the order of the file. */
  List<SecretNote> notes() {
    return List.copyOf(notes);
  }

  /** The fields of the pair-wide authentication by the keepalived line they came from. */
  Map<String, KeepalivedConfig.Location> fields() {
    return fields;
  }
}

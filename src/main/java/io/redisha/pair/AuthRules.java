package io.redisha.pair;

import io.redisha.api.GroupAuthSpec;
import io.redisha.api.HmacKeySpec;
import io.redisha.api.HmacSpec;
import io.redisha.api.InstanceSpec;
import io.redisha.api.PairDefaults;
import io.redisha.api.PairLimits;
import io.redisha.api.PairRules;
import io.redisha.api.RedisHAPairSpec;
import io.redisha.api.VrrpSpec;
import io.redisha.vrrp.HmacAuth;
import io.redisha.vrrp.HmacKey;
import io.redisha.vrrp.VrrpCodec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The rules of the adverts' authentication, per group as keepalived has it per instance: the
 * pair-wide default of {@code vrrp} (a PASS password or {@code authHmac}) and a group's own {@code
 * auth}, which replaces it. The structure is checked without reading anything ({@link #validate});
 * the standalone agent then reads the password and key files ({@link #resolve}), and a key's length
 * is checked by {@link HmacAuth#problems}, under the field of the file it came from.
 */
final class AuthRules {
  private static final String DEFAULT_HMAC = "vrrp.authHmac";

  private AuthRules() {}

  /** Problems of every auth setting of {@code spec} but the pair-wide PASS password. Pure. */
  static void validate(RedisHAPairSpec spec, int version, List<String> problems) {
    VrrpSpec vrrp = spec.getVrrp() == null ? new VrrpSpec() : spec.getVrrp();
    if (vrrp.getAuthHmac() != null) {
      if (vrrp.getAuthSecretRef() != null || vrrp.getAuthPasswordFile() != null) {
        problems.add(PairRules.ONE_PAIR_AUTH_MESSAGE);
      }
      validateHmac(DEFAULT_HMAC, vrrp.getAuthHmac(), problems);
    }
    List<InstanceSpec> instances = spec.getInstances() == null ? List.of() : spec.getInstances();
    for (int i = 0; i < instances.size(); i++) {
      InstanceSpec instance = instances.get(i);
      if (instance == null || instance.getAuth() == null) {
        continue;
      }
      GroupAuthSpec auth = instance.getAuth();
      String field = "instances[" + i + "].auth";
      int kinds =
          (auth.getPasswordSecretRef() != null ? 1 : 0)
              + (auth.getPasswordFile() != null ? 1 : 0)
              + (auth.getHmac() != null ? 1 : 0);
      if (kinds != 1) {
        problems.add(PairRules.ONE_GROUP_AUTH_MESSAGE.replace("instances[].auth", field));
      }
      String passField =
          auth.getPasswordFile() != null ? field + ".passwordFile" : field + ".passwordSecretRef";
      if (version != 2 && (auth.getPasswordFile() != null || auth.getPasswordSecretRef() != null)) {
        problems.add(
            passField
                + ": a PASS password exists only in VRRP version 2; set vrrp.version: 2, or sign"
                + " the group's adverts with auth.hmac");
      }
      PairValidation.secretRef(field + ".passwordSecretRef", auth.getPasswordSecretRef(), problems);
      PairValidation.path(field + ".passwordFile", auth.getPasswordFile(), problems);
      if (auth.getHmac() != null) {
        validateHmac(field + ".hmac", auth.getHmac(), problems);
      }
    }
  }

  /**
   * The structure of one auth_hmac block at {@code field}; the key bytes are not known here, so
   * {@link HmacAuth#problems} runs on stand-ins of a valid length.
   */
  private static void validateHmac(String field, HmacSpec hmac, List<String> problems) {
    List<HmacKeySpec> keys = hmac.getKeys() == null ? List.of() : hmac.getKeys();
    boolean idsKnown = true;
    if (keys.size() > PairLimits.HMAC_KEYS_MAX) {
      problems.add(
          field
              + ".keys: at most "
              + PairLimits.HMAC_KEYS_MAX
              + " keys, found "
              + keys.size()
              + "; remove the keys no node signs with any more");
    }
    for (int j = 0; j < keys.size(); j++) {
      HmacKeySpec key = keys.get(j);
      String at = field + ".keys[" + j + "]";
      if (key == null) {
        problems.add(at + ": must not be empty; give id and secretRef or secretFile");
        idsKnown = false;
        continue;
      }
      if (key.getId() == null) {
        problems.add(
            at
                + ".id: required, "
                + PairLimits.HMAC_KEY_ID_MIN
                + " to "
                + PairLimits.HMAC_KEY_ID_MAX);
        idsKnown = false;
      }
      if ((key.getSecretRef() == null) == (key.getSecretFile() == null)) {
        problems.add(at + ": give exactly one of secretRef (a Secret) or secretFile (a file)");
      }
      PairValidation.secretRef(at + ".secretRef", key.getSecretRef(), problems);
      PairValidation.path(at + ".secretFile", key.getSecretFile(), problems);
    }
    boolean activeKnown = true;
    if (hmac.getActiveKeyId() == null) {
      problems.add(
          field + ".activeKeyId: required, the id of the key that signs this node's adverts");
      activeKnown = false;
    } else if (hmac.getActiveKeyId() < PairLimits.HMAC_KEY_ID_MIN
        || hmac.getActiveKeyId() > PairLimits.HMAC_KEY_ID_MAX) {
      problems.add(
          field
              + ".activeKeyId: must be "
              + PairLimits.HMAC_KEY_ID_MIN
              + " to "
              + PairLimits.HMAC_KEY_ID_MAX
              + ", not "
              + hmac.getActiveKeyId());
      activeKnown = false;
    }
    HmacAuth.AntiReplay antiReplay = antiReplay(field, hmac, problems);
    HmacAuth.Mode mode = mode(field, hmac, problems);
    int window = window(hmac);
    if (hmac.getTimeWindowSeconds() != null
        && (window < PairLimits.HMAC_WINDOW_MIN_SECONDS
            || window > PairLimits.HMAC_WINDOW_MAX_SECONDS)) {
      // 0 stands for the default in HmacAuth; written out, it is no window.
      problems.add(
          field
              + ".timeWindowSeconds: must be "
              + PairLimits.HMAC_WINDOW_MIN_SECONDS
              + " to "
              + PairLimits.HMAC_WINDOW_MAX_SECONDS
              + ", not "
              + window);
      window = HmacAuth.DEFAULT_WINDOW;
    }
    if (!idsKnown) {
      return;
    }
    List<HmacKey> standIns = new ArrayList<>();
    for (HmacKeySpec key : keys) {
      standIns.add(new HmacKey(key.getId(), new byte[HmacKey.MIN_LENGTH]));
    }
    for (String problem :
        HmacAuth.problems(
            field,
            standIns,
            activeKnown ? hmac.getActiveKeyId() : standIns.isEmpty() ? 0 : standIns.getFirst().id(),
            antiReplay,
            window,
            mode)) {
      problems.add(problem);
    }
  }

  private static HmacAuth.AntiReplay antiReplay(
      String field, HmacSpec hmac, List<String> problems) {
    String text =
        hmac.getAntiReplay() == null ? PairDefaults.HMAC_ANTI_REPLAY : hmac.getAntiReplay();
    try {
      return HmacAuth.AntiReplay.parse(text);
    } catch (IllegalArgumentException e) {
      problems.add(field + ".antiReplay: " + e.getMessage());
      return HmacAuth.AntiReplay.parse(PairDefaults.HMAC_ANTI_REPLAY);
    }
  }

  private static HmacAuth.Mode mode(String field, HmacSpec hmac, List<String> problems) {
    String text = hmac.getMode() == null ? PairDefaults.HMAC_MODE : hmac.getMode();
    try {
      return HmacAuth.Mode.parse(text);
    } catch (IllegalArgumentException e) {
      problems.add(field + ".mode: " + e.getMessage());
      return HmacAuth.Mode.parse(PairDefaults.HMAC_MODE);
    }
  }

  private static int window(HmacSpec hmac) {
    return hmac.getTimeWindowSeconds() == null
        ? HmacAuth.DEFAULT_WINDOW
        : hmac.getTimeWindowSeconds();
  }

  /**
   * Each group's authentication for the standalone agent, in the order of {@code spec}'s instances,
   * reading the password and key files. Problems are added for Secret references (the operator
   * turns them into mounted files) and for files that cannot be used; auth_hmac blocks whose
   * structure {@code problems} already refuses are not read. Null entries where a group has a
   * problem.
   */
  static List<PairSettings.Auth> resolve(RedisHAPairSpec spec, List<String> problems) {
    Set<String> refused = refusedFields(problems);
    Map<String, byte[]> files = new HashMap<>();
    VrrpSpec vrrp = spec.getVrrp() == null ? new VrrpSpec() : spec.getVrrp();
    PairSettings.Auth pairDefault = PairSettings.Auth.NONE;
    if (vrrp.getAuthSecretRef() != null) {
      problems.add(
          "vrrp.authSecretRef: Secrets are read by the operator; standalone needs authPasswordFile");
    } else if (vrrp.getAuthPasswordFile() != null) {
      String password = password("vrrp.authPasswordFile", vrrp.getAuthPasswordFile(), problems);
      pairDefault = password == null ? null : PairSettings.Auth.pass(password);
    } else if (vrrp.getAuthHmac() != null && !refused.contains(DEFAULT_HMAC)) {
      HmacAuth hmac = hmac(DEFAULT_HMAC, vrrp.getAuthHmac(), files, problems);
      pairDefault = hmac == null ? null : PairSettings.Auth.hmac(hmac);
    }
    List<PairSettings.Auth> auths = new ArrayList<>();
    List<InstanceSpec> instances = spec.getInstances() == null ? List.of() : spec.getInstances();
    for (int i = 0; i < instances.size(); i++) {
      GroupAuthSpec auth = instances.get(i) == null ? null : instances.get(i).getAuth();
      String field = "instances[" + i + "].auth";
      if (auth == null) {
        auths.add(pairDefault);
      } else if (auth.getPasswordSecretRef() != null) {
        problems.add(
            field
                + ".passwordSecretRef: Secrets are read by the operator; standalone needs"
                + " passwordFile");
        auths.add(null);
      } else if (auth.getPasswordFile() != null) {
        String password = password(field + ".passwordFile", auth.getPasswordFile(), problems);
        auths.add(password == null ? null : PairSettings.Auth.pass(password));
      } else if (auth.getHmac() != null && !refused.contains(field + ".hmac")) {
        HmacAuth hmac = hmac(field + ".hmac", auth.getHmac(), files, problems);
        auths.add(hmac == null ? null : PairSettings.Auth.hmac(hmac));
      } else {
        auths.add(null);
      }
    }
    return auths;
  }

  /** The auth_hmac blocks (by field) that already have a problem. */
  private static Set<String> refusedFields(List<String> problems) {
    Set<String> refused = new LinkedHashSet<>();
    for (String problem : problems) {
      int hmac = problem.indexOf(".hmac");
      if (problem.startsWith(DEFAULT_HMAC)) {
        refused.add(DEFAULT_HMAC);
      } else if (problem.startsWith("instances[") && hmac > 0 && hmac < problem.indexOf(": ")) {
        refused.add(problem.substring(0, hmac + ".hmac".length()));
      }
    }
    return refused;
  }

  private static String password(String field, String file, List<String> problems) {
    String password = PairValidation.readSecret(field, file, "the PASS password", problems);
    if (password != null
        && VrrpCodec.passwordBytes(password).length > PairLimits.VRRP_PASSWORD_MAX_BYTES) {
      problems.add(
          field
              + ": the PASS password is at most "
              + PairLimits.VRRP_PASSWORD_MAX_BYTES
              + " bytes");
      return null;
    }
    return password;
  }

  /** The settings of a structurally valid auth_hmac block, reading its key files. */
  private static HmacAuth hmac(
      String field, HmacSpec spec, Map<String, byte[]> files, List<String> problems) {
    List<HmacKey> keys = new ArrayList<>();
    boolean complete = true;
    for (int j = 0; j < spec.getKeys().size(); j++) {
      HmacKeySpec key = spec.getKeys().get(j);
      String at = field + ".keys[" + j + "]";
      if (key.getSecretRef() != null) {
        problems.add(
            at + ".secretRef: Secrets are read by the operator; standalone needs secretFile");
        complete = false;
        continue;
      }
      byte[] content = keyFile(at + ".secretFile", key.getSecretFile(), files, problems);
      if (content == null) {
        complete = false;
        continue;
      }
      try {
        keys.add(HmacKey.fromFileContent(key.getId(), content));
      } catch (IllegalArgumentException e) {
        problems.add(at + ".secretFile: " + key.getSecretFile() + ": " + e.getMessage());
        complete = false;
      }
    }
    if (!complete) {
      return null;
    }
    HmacAuth.AntiReplay antiReplay =
        HmacAuth.AntiReplay.parse(
            spec.getAntiReplay() == null ? PairDefaults.HMAC_ANTI_REPLAY : spec.getAntiReplay());
    HmacAuth.Mode mode =
        HmacAuth.Mode.parse(spec.getMode() == null ? PairDefaults.HMAC_MODE : spec.getMode());
    List<String> found =
        HmacAuth.problems(field, keys, spec.getActiveKeyId(), antiReplay, window(spec), mode);
    if (!found.isEmpty()) {
      for (String problem : found) {
        problems.add(inFile(problem, field, spec));
      }
      return null;
    }
    return new HmacAuth(keys, spec.getActiveKeyId(), antiReplay, window(spec), mode);
  }

  /** A problem of a key's bytes, under the field of the file they came from. */
  private static String inFile(String problem, String field, HmacSpec spec) {
    for (int j = 0; j < spec.getKeys().size(); j++) {
      String secret = field + ".keys[" + j + "].secret: ";
      if (problem.startsWith(secret)) {
        return field
            + ".keys["
            + j
            + "].secretFile: "
            + spec.getKeys().get(j).getSecretFile()
            + ": the key "
            + problem.substring(secret.length())
            + " (trailing line breaks do not count, as in keepalived)";
      }
    }
    return problem;
  }

  private static byte[] keyFile(
      String field, String file, Map<String, byte[]> files, List<String> problems) {
    if (files.containsKey(file)) {
      return files.get(file);
    }
    byte[] content;
    try {
      content = Files.readAllBytes(Path.of(file));
    } catch (IOException e) {
      problems.add(field + ": cannot read " + file + ": " + e.getMessage());
      return null;
    }
    if (new String(content, StandardCharsets.ISO_8859_1).replaceAll("[\r\n]", "").isEmpty()) {
      problems.add(field + ": " + file + " is empty; it must hold the key (32 to 64 bytes)");
      return null;
    }
    files.put(file, content);
    return content;
  }

  /**
   * The password and key files {@code spec} names, for the agent's reload check: a key rotated in
   * its file (a mounted Secret changes in place) is noticed although the pair file is unchanged.
   */
  static List<String> files(RedisHAPairSpec spec) {
    Set<String> files = new LinkedHashSet<>();
    VrrpSpec vrrp = spec.getVrrp();
    if (vrrp != null) {
      if (vrrp.getAuthPasswordFile() != null) {
        files.add(vrrp.getAuthPasswordFile());
      }
      hmacFiles(vrrp.getAuthHmac(), files);
    }
    if (spec.getInstances() != null) {
      for (InstanceSpec instance : spec.getInstances()) {
        GroupAuthSpec auth = instance == null ? null : instance.getAuth();
        if (auth != null) {
          if (auth.getPasswordFile() != null) {
            files.add(auth.getPasswordFile());
          }
          hmacFiles(auth.getHmac(), files);
        }
      }
    }
    return List.copyOf(files);
  }

  private static void hmacFiles(HmacSpec hmac, Set<String> files) {
    if (hmac == null || hmac.getKeys() == null) {
      return;
    }
    for (HmacKeySpec key : hmac.getKeys()) {
      if (key != null && key.getSecretFile() != null) {
        files.add(key.getSecretFile());
      }
    }
  }
}

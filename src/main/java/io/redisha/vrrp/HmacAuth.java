package io.redisha.vrrp;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * One virtual router's auth_hmac settings, as keepalived 2.4.3 has them: several keys for rotation
 * (each advert names the key that signed it), the active key that signs ours, the anti-replay rule
 * and the mode of a rolling migration.
 *
 * <p>The modes, as measured against the keepalived 2.4.3 binary in network namespaces (tcpdump on
 * the receiving side, forged adverts of a higher priority sent to a keepalived master):
 *
 * <ul>
 *   <li>{@code enforce}: sends signed adverts; accepts only adverts whose trailer verifies.
 *   <li>{@code permissive}: sends signed adverts; accepts an advert without a trailer, but one that
 *       carries a trailer must verify (a bad HMAC, an unknown key id, a stale or replayed sequence
 *       is refused exactly as in enforce).
 *   <li>{@code receive-only}: sends unsigned adverts (no trailer, the IP length without it);
 *       receives exactly as permissive does.
 * </ul>
 *
 * A rolling migration therefore goes receive-only on both sides, then permissive (signing) one side
 * at a time, then enforce. Unsigned adverts accepted in the two lenient modes are counted by {@link
 * DropCounters#unsignedAccepted()}.
 *
 * @param keys the keys that may sign a received advert, at least one, distinct ids 1 to 255, each
 *     32 to 64 bytes
 * @param activeKeyId the id of the key that signs ours; one of {@code keys}
 * @param antiReplay {@link AntiReplay#TIME} (sequence and clock window) or {@link
 *     AntiReplay#MONOTONIC} (sequence only)
 * @param timeWindowSeconds the clock window of {@link AntiReplay#TIME}, 1 to 300 seconds, or {@link
 *     #DEFAULT_WINDOW} for keepalived's default, see {@link #windowSeconds(int)}
 * @param mode enforce, permissive or receive-only
 */
public record HmacAuth(
    List<HmacKey> keys, int activeKeyId, AntiReplay antiReplay, int timeWindowSeconds, Mode mode) {

  /** {@link #timeWindowSeconds} value that asks for the default window. */
  public static final int DEFAULT_WINDOW = 0;

  /** Smallest configurable window. */
  public static final int MIN_WINDOW_SECONDS = 1;

  /** Largest window, configured or default (keepalived caps its default here too). */
  public static final int MAX_WINDOW_SECONDS = 300;

  private static final int MIN_DEFAULT_WINDOW_SECONDS = 5;

  /** How a receiver refuses an old advert. */
  public enum AntiReplay {
    /** The sequence must grow and the trailer's seconds be within the window of our clock. */
    TIME,
    /** The sequence must grow; the sender's clock may be anywhere. */
    MONOTONIC;

    /** The word used in configuration, {@code time} or {@code monotonic}. */
    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** The value for a configuration word, or an error naming the allowed words. */
    public static AntiReplay parse(String label) {
      for (AntiReplay value : values()) {
        if (value.label().equals(label)) {
          return value;
        }
      }
      throw new IllegalArgumentException("must be time or monotonic, not '" + label + "'");
    }
  }

  /** Which adverts are signed and which are accepted; see the class comment. */
  public enum Mode {
    ENFORCE,
    PERMISSIVE,
    RECEIVE_ONLY;

    /**
     * The word used in configuration: {@code enforce}, {@code permissive}, {@code receive-only}.
     */
    public String label() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The value for a configuration word, or an error naming the allowed words. */
    public static Mode parse(String label) {
      for (Mode value : values()) {
        if (value.label().equals(label)) {
          return value;
        }
      }
      throw new IllegalArgumentException(
          "must be enforce, permissive or receive-only, not '" + label + "'");
    }
  }

  public HmacAuth {
    List<String> problems =
        problems("hmac", keys, activeKeyId, antiReplay, timeWindowSeconds, mode);
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", problems));
    }
    keys = List.copyOf(keys);
  }

  /** Enforce mode, time anti-replay with the default window, {@code key} active. */
  public static HmacAuth enforce(HmacKey key) {
    return new HmacAuth(List.of(key), key.id(), AntiReplay.TIME, DEFAULT_WINDOW, Mode.ENFORCE);
  }

  /**
   * Everything wrong with these settings, one message per problem, each starting with the field's
   * name under {@code field} (for example {@code vrrp.authHmac.keys[1].secret: ...}); empty when
   * they are valid. Pure, so the pair model can report every problem at once.
   */
  public static List<String> problems(
      String field,
      List<HmacKey> keys,
      int activeKeyId,
      AntiReplay antiReplay,
      int timeWindowSeconds,
      Mode mode) {
    List<String> problems = new ArrayList<>();
    if (keys == null || keys.isEmpty()) {
      problems.add(field + ".keys: at least one key is needed");
    } else {
      Set<Integer> seen = new HashSet<>();
      for (int i = 0; i < keys.size(); i++) {
        HmacKey key = keys.get(i);
        String at = field + ".keys[" + i + "]";
        if (key == null) {
          problems.add(at + ": missing");
          continue;
        }
        if (key.id() < 1 || key.id() > 255) {
          problems.add(at + ".id: must be 1 to 255, not " + key.id());
        } else if (!seen.add(key.id())) {
          problems.add(at + ".id: " + key.id() + " is used by another key");
        }
        if (key.length() < HmacKey.MIN_LENGTH || key.length() > HmacKey.MAX_LENGTH) {
          problems.add(
              at
                  + ".secret: must be "
                  + HmacKey.MIN_LENGTH
                  + " to "
                  + HmacKey.MAX_LENGTH
                  + " bytes, not "
                  + key.length());
        }
      }
      if (!seen.contains(activeKeyId)) {
        problems.add(
            field + ".activeKeyId: " + activeKeyId + " is none of the key ids " + sortedIds(keys));
      }
    }
    if (antiReplay == null) {
      problems.add(field + ".antiReplay: must be time or monotonic");
    }
    if (timeWindowSeconds != DEFAULT_WINDOW) {
      if (timeWindowSeconds < MIN_WINDOW_SECONDS || timeWindowSeconds > MAX_WINDOW_SECONDS) {
        problems.add(
            field
                + ".timeWindowSeconds: must be "
                + MIN_WINDOW_SECONDS
                + " to "
                + MAX_WINDOW_SECONDS
                + ", not "
                + timeWindowSeconds);
      } else if (antiReplay == AntiReplay.MONOTONIC) {
        problems.add(field + ".timeWindowSeconds: only applies to antiReplay time, not monotonic");
      }
    }
    if (mode == null) {
      problems.add(field + ".mode: must be enforce, permissive or receive-only");
    }
    return problems;
  }

  private static List<Integer> sortedIds(List<HmacKey> keys) {
    return keys.stream().filter(Objects::nonNull).map(HmacKey::id).sorted().toList();
  }

  /** The key with {@code id}, or null when none has it. */
  public HmacKey key(int id) {
    for (HmacKey key : keys) {
      if (key.id() == id) {
        return key;
      }
    }
    return null;
  }

  /** The key that signs our adverts. */
  public HmacKey activeKey() {
    return key(activeKeyId);
  }

  /** Whether our adverts carry a trailer: in enforce and permissive, not in receive-only. */
  public boolean signsOutgoing() {
    return mode != Mode.RECEIVE_ONLY;
  }

  /** Whether an advert without a trailer is refused: only in enforce. */
  public boolean requiresSignature() {
    return mode == Mode.ENFORCE;
  }

  /**
   * The clock window in seconds for a router advertising every {@code intervalCentis}: the
   * configured one, or by default three advert intervals (rounded up to a whole second) and at
   * least 5 s, at most 300 s. Measured on keepalived 2.4.3: 5 s for 100 ms adverts, 9 s for 3 s,
   * 300 s for 120 s.
   */
  public int windowSeconds(int intervalCentis) {
    if (timeWindowSeconds != DEFAULT_WINDOW) {
      return timeWindowSeconds;
    }
    int threeIntervals = (3 * intervalCentis + 99) / 100;
    return Math.min(MAX_WINDOW_SECONDS, Math.max(MIN_DEFAULT_WINDOW_SECONDS, threeIntervals));
  }

  /** The same settings signing with another of its keys, for a rotation. */
  public HmacAuth withActiveKey(int keyId) {
    return new HmacAuth(keys, keyId, antiReplay, timeWindowSeconds, mode);
  }

  /** The same settings in another mode, for a migration step. */
  public HmacAuth withMode(Mode newMode) {
    return new HmacAuth(keys, activeKeyId, antiReplay, timeWindowSeconds, newMode);
  }
}

package io.redisha.bench;

import io.redisha.lab.PairLab;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The Redis groups of a footprint pair with {@code n} groups: the lab's two default groups first (a
 * on 6379, b on 6389), then {@code g03}, {@code g04}, ... on every tenth port, VIPs from
 * 192.0.2.100 up, router ids from 51 up, preferred masters alternating between the hosts.
 */
final class LabGroups {
  /** The most groups a pair may have (the resource's maximum). */
  static final int MAX = 32;

  private LabGroups() {}

  static List<PairLab.Group> of(int n) {
    if (n < 1 || n > MAX) {
      throw new IllegalArgumentException(
          "--footprint-groups: a pair has 1 to " + MAX + " groups, not " + n);
    }
    List<PairLab.Group> groups = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      if (i < PairLab.DEFAULT_GROUPS.size()) {
        groups.add(PairLab.DEFAULT_GROUPS.get(i));
        continue;
      }
      groups.add(
          new PairLab.Group(
              String.format(Locale.ROOT, "g%02d", i + 1),
              6379 + 10 * i,
              "192.0.2." + (100 + i),
              51 + i,
              i % 2 == 0 ? PairLab.VM_A : PairLab.VM_B));
    }
    return List.copyOf(groups);
  }
}

package io.redisha.redis;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The replication streams the agent has seen its own Redis go through, so that a stream which added
 * nothing does not hide where the data came from. Redis remembers one previous stream only: a
 * replica detached to keep its data ({@code REPLICAOF NO ONE}, new stream B after stream A), then
 * pointed at the peer and detached again before it ever linked (new stream C after B) reports C
 * after B, and A is gone, although B carried no byte: its data is still A's up to the same offset.
 * {@link DataGuard} then finds neither side holding the other's data, both refuse the master role,
 * and the group has no master at all (simulation seed 715725).
 *
 * <p>{@link #resolve} notes each stream's predecessor and, for a previous stream that began at the
 * same offset as the current one (it added nothing), reports its own predecessor instead. A stream
 * that added nothing is a fact about the data whichever Redis reports it, so the agent resolves the
 * peer's INFO through the same memory: after both Redis servers detached a few times each without a
 * write (a lossy pair link, simulation seed 1295), each agent knew only its own chain, both found
 * the histories unrelated and neither took the role. What the peer's agent saw of our Redis stays
 * unknown here; the histories clear once one Redis follows the other and resynchronises.
 *
 * <p>Pure apart from its memory of the last {@value #REMEMBERED} streams; used on the scheduler's
 * thread only.
 */
public final class ReplicationLineage {
  static final int REMEMBERED = 16;

  private record Predecessor(String replId, long secondReplOffset) {}

  private final Map<String, Predecessor> predecessors =
      new LinkedHashMap<>(REMEMBERED, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Predecessor> eldest) {
          return size() > REMEMBERED;
        }
      };

  /**
   * Notes the streams of {@code info} and returns it with its previous stream resolved past any
   * stream that added nothing.
   */
  public ReplicationInfo resolve(ReplicationInfo info) {
    Objects.requireNonNull(info, "info");
    if (!info.hasPreviousHistory()) {
      return info;
    }
    String previous = info.replId2();
    long start = info.secondReplOffset();
    for (int hop = 0; hop < REMEMBERED; hop++) {
      Predecessor before = predecessors.get(previous);
      if (before == null
          || before.secondReplOffset() != start
          || before.replId().equals(previous)) {
        break;
      }
      previous = before.replId();
    }
    predecessors.put(info.replId(), new Predecessor(previous, start));
    return previous.equals(info.replId2()) ? info : info.withPreviousStream(previous, start);
  }
}

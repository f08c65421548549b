package io.redisha.redis;

import io.redisha.redis.ReplicationInfo.ConnectedReplica;
import io.redisha.redis.ReplicationInfo.MasterLink;
import io.redisha.redis.ReplicationInfo.Role;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/** Builds the INFO snapshots the rule tests feed in; defaults are a master of stream A at 0. */
final class Info {
  static final String A = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
  static final String B = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
  static final String C = "cccccccccccccccccccccccccccccccccccccccc";
  static final String PEER_HOST = "192.0.2.2";
  static final int PORT = 6379;

  private Role role = Role.MASTER;
  private String runId = "run-1";
  private String replId = A;
  private long offset;
  private String replId2 = ReplicationInfo.NO_REPL_ID;
  private long secondOffset = -1;
  private OptionalLong keys = OptionalLong.of(10);
  private Optional<MasterLink> link = Optional.empty();
  private final List<ConnectedReplica> replicas = new ArrayList<>();
  private OptionalInt minReplicasToWrite = OptionalInt.empty();

  private Info() {}

  /** A master of stream {@code replId} at {@code offset}, with 10 keys. */
  static Info master(String replId, long offset) {
    Info info = new Info();
    info.replId = replId;
    info.offset = offset;
    return info;
  }

  /**
   * A replica of the peer's Redis ({@link #PEER_HOST}:{@link #PORT}) that applied stream {@code
   * replId} up to {@code offset}, its link up, with 10 keys.
   */
  static Info replicaOfPeer(String replId, long offset) {
    return replicaOf(PEER_HOST, PORT, replId, offset);
  }

  static Info replicaOf(String host, int port, String replId, long offset) {
    Info info = master(replId, offset);
    info.role = Role.REPLICA;
    info.link = Optional.of(new MasterLink(host, port, true, false, offset));
    return info;
  }

  Info keys(long count) {
    keys = OptionalLong.of(count);
    return this;
  }

  Info unknownKeys() {
    keys = OptionalLong.empty();
    return this;
  }

  Info runId(String id) {
    runId = id;
    return this;
  }

  /** Promoted once: followed {@code previousReplId} up to {@code switchedAt} before. */
  Info promotedFrom(String previousReplId, long switchedAt) {
    replId2 = previousReplId;
    secondOffset = switchedAt + 1;
    return this;
  }

  Info link(boolean up, boolean syncInProgress) {
    MasterLink old = link.orElseThrow();
    link = Optional.of(new MasterLink(old.host(), old.port(), up, syncInProgress, offset));
    return this;
  }

  Info connectedReplica(String ip, String state, long lagSeconds) {
    replicas.add(new ConnectedReplica(ip, PORT, state, offset, lagSeconds));
    return this;
  }

  /** The agent's dead-man replica, as INFO lists it (port {@link WriteKeeper#LISTENING_PORT}). */
  Info keeper(String ip, long lagSeconds) {
    replicas.add(new ConnectedReplica(ip, WriteKeeper.LISTENING_PORT, "online", 0, lagSeconds));
    return this;
  }

  /** {@code min-replicas-to-write} as CONFIG GET read it. */
  Info minReplicasToWrite(int value) {
    minReplicasToWrite = OptionalInt.of(value);
    return this;
  }

  /** The write fence closed ({@link WriteFence#CLOSED}). */
  Info fenced() {
    return minReplicasToWrite(WriteFence.CLOSED);
  }

  /** The write fence open (0). */
  Info open() {
    return minReplicasToWrite(WriteFence.OPEN);
  }

  ReplicationInfo build() {
    return new ReplicationInfo(
        role,
        runId,
        60,
        replId,
        replId2,
        offset,
        secondOffset,
        keys,
        link,
        replicas,
        minReplicasToWrite);
  }
}

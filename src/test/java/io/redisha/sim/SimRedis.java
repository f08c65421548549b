package io.redisha.sim;

import io.redisha.redis.ReplicationInfo;
import io.redisha.redis.ReplicationInfo.ConnectedReplica;
import io.redisha.redis.ReplicationInfo.MasterLink;
import io.redisha.redis.WriteFence;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One simulated Redis server of one group on one node: its data is the list of write ids it holds,
 * one offset per write, with Redis's replication ids and its partial / full resync rules. It
 * replicates from the server it is told to follow whenever the pair link lets it. Its {@code
 * min-replicas-to-write} starts at {@link WriteFence#CLOSED}, as the documented {@code redis.conf}
 * sets it, and a master refuses client writes (NOREPLICAS) while fewer good replicas are connected.
 * It counts good replicas as Redis does: online (not in a full sync) and acknowledged at most
 * {@code min-replicas-max-lag} whole seconds ago, recounted at each acknowledgement, when a replica
 * comes or goes, and by a once-a-second cron (so a count may be up to a second stale); the agent
 * sets the lag with every fence. It boots as a replica of its peer ({@code replicaof} in the same
 * file, as the documentation says) unless the world runs {@link RedisBoot#MASTER}, the setup of
 * users who did not add it.
 */
final class SimRedis {
  private static final long REPL_TIMEOUT_NANOS = Duration.ofSeconds(60).toNanos();
  private static final long FULL_SYNC_NANOS = Duration.ofMillis(50).toNanos();

  final SimWorld world;
  final int node;
  final String group;
  final String ip;
  final int port;

  boolean alive = true;
  String runId;
  long startedNanos;
  boolean master = true;
  String masterHost;
  int masterPort;
  boolean connected; // replica linked to its master
  String connectedRunId; // the master process the link goes to
  long reconnectAtNanos; // a broken link is retried by Redis's once-a-second cron
  long syncDoneNanos = Long.MIN_VALUE; // full sync in progress until then
  String replId;
  String replId2 = ReplicationInfo.NO_REPL_ID;
  long secondOffset = -1;
  List<Long> log = new ArrayList<>();
  long pausedUntilNanos = Long.MIN_VALUE;
  int minReplicasToWrite;
  int minReplicasMaxLagSeconds;
  int goodReplicaCount; // as Redis last counted them
  long nextGoodRecountNanos;

  /** A client write held back by CLIENT PAUSE WRITE. */
  record Blocked(long id, java.util.function.Consumer<Boolean> reply) {}

  final List<Blocked> blocked = new ArrayList<>();
  long lagUntilNanos = Long.MIN_VALUE;
  long nextAckNanos;
  // node -> {ackNanos, offset, onlineFromNanos}
  final Map<Integer, long[]> replicaAcks = new LinkedHashMap<>();
  // The agent's dead-man replica (WriteKeeper) on this server: attached or not, its last ACK.
  boolean keeperAttached;
  long keeperAckNanos;
  Runnable connectionLost = () -> {};

  SimRedis(SimWorld world, int node, String group, String ip, int port) {
    this.world = world;
    this.node = node;
    this.group = group;
    this.ip = ip;
    this.port = port;
    freshProcess();
  }

  private void freshProcess() {
    runId = world.newId("run");
    replId = world.newId("repl");
    replId2 = ReplicationInfo.NO_REPL_ID;
    secondOffset = -1;
    startedNanos = world.now();
    // With replicaof in redis.conf a restarted Redis boots as a replica of its peer and serves no
    // sync (-NOMASTERLINK) until an agent decides, so it cannot wipe the peer's replica even when
    // its own agent is stalled or dead (seeds 2877, 6270). Without it, it boots as an empty master.
    master = world.boot == RedisBoot.MASTER;
    masterHost = master ? null : world.nodeIp(1 - node);
    masterPort = port;
    reconnectAtNanos = world.now();
    connected = false;
    log = new ArrayList<>();
    pausedUntilNanos = Long.MIN_VALUE;
    minReplicasToWrite = WriteFence.CLOSED;
    minReplicasMaxLagSeconds = 10; // Redis's default
    blocked.clear();
    replicaAcks.clear();
    keeperAttached = false;
    goodReplicaCount = 0;
    nextAckNanos = world.now() + world.random.nextInt(1_000) * 1_000_000L;
    nextGoodRecountNanos = world.now(); // replicationCron runs once a second from the start
  }

  long offset() {
    return log.size();
  }

  SimRedis peer() {
    return world.redis(1 - node, group);
  }

  boolean paused() {
    return world.now() < pausedUntilNanos;
  }

  // ---- faults ----

  void crash() {
    if (!alive) {
      return;
    }
    world.checker.redisCrashing(this);
    alive = false;
    killNormalClients();
    if (world.network.up(node, 1 - node)) {
      peer().replicaGone(node); // the master sees its replica's connection close
    }
    world.event("redis " + world.nodeName(node) + "/" + group + " crashed");
    connectionLost.run();
  }

  /**
   * Comes back as a fresh process without data: as master (the empty-restart trap), or as a replica
   * of the peer when redis.conf says so.
   */
  void restartEmpty() {
    if (alive) {
      crash();
    }
    alive = true;
    freshProcess();
    world.event("redis " + world.nodeName(node) + "/" + group + " restarted empty");
  }

  void lagFor(Duration duration) {
    lagUntilNanos = world.now() + duration.toNanos();
  }

  // ---- commands ----

  ReplicationInfo info() {
    long now = world.now();
    List<ConnectedReplica> replicas = new ArrayList<>();
    for (Map.Entry<Integer, long[]> entry : replicaAcks.entrySet()) {
      long[] ack = entry.getValue();
      long lag = now / 1_000_000_000L - ack[0] / 1_000_000_000L;
      String state = now < ack[2] ? "send_bulk" : "online";
      replicas.add(new ConnectedReplica(world.nodeIp(entry.getKey()), port, state, ack[1], lag));
    }
    if (keeperAttached) {
      long lag = now / 1_000_000_000L - keeperAckNanos / 1_000_000_000L;
      replicas.add(new ConnectedReplica("127.0.0.1", 0, "online", 0, lag));
    }
    Optional<MasterLink> link =
        master
            ? Optional.empty()
            : Optional.of(
                new MasterLink(
                    masterHost,
                    masterPort,
                    connected && world.network.up(node, 1 - node),
                    now < syncDoneNanos,
                    offset()));
    return new ReplicationInfo(
            master ? ReplicationInfo.Role.MASTER : ReplicationInfo.Role.REPLICA,
            runId,
            (now - startedNanos) / 1_000_000_000L,
            replId,
            replId2,
            offset(),
            secondOffset,
            OptionalLong.of(log.size()),
            link,
            replicas)
        .withMinReplicasToWrite(minReplicasMaxLagSeconds == 0 ? 0 : minReplicasToWrite);
  }

  /** CONFIG SET min-replicas-max-lag min-replicas-to-write, as the agent sends it. */
  void setWriteFence(WriteFence.Setting setting) {
    minReplicasToWrite = setting.minReplicasToWrite();
    minReplicasMaxLagSeconds = WriteFence.GUARD_MAX_LAG_SECONDS;
  }

  /** Whether the fence refuses a write now: fewer good replicas than min-replicas-to-write. */
  private boolean fenceRefuses() {
    return minReplicasMaxLagSeconds != 0 && minReplicasToWrite > goodReplicaCount;
  }

  /** Redis's refreshGoodSlavesCount: online replicas within min-replicas-max-lag whole seconds. */
  private void recountGoodReplicas() {
    long now = world.now();
    long nowSeconds = now / 1_000_000_000L;
    goodReplicaCount =
        (int)
            replicaAcks.values().stream()
                .filter(
                    ack ->
                        now >= ack[2]
                            && nowSeconds - ack[0] / 1_000_000_000L <= minReplicasMaxLagSeconds)
                .count();
    if (keeperAttached
        && nowSeconds - keeperAckNanos / 1_000_000_000L <= minReplicasMaxLagSeconds) {
      goodReplicaCount++;
    }
  }

  /**
   * REPLCONF ACK from the agent's dead-man replica, attaching it first (a partial resync over
   * loopback, online at once) while this server is a master.
   */
  void keeperAcked() {
    if (!alive || !master) {
      return;
    }
    keeperAttached = true;
    keeperAckNanos = world.now();
    recountGoodReplicas();
  }

  /** The dead-man replica's connection closed: released, or the agent's process died. */
  void keeperGone() {
    if (keeperAttached) {
      keeperAttached = false;
      recountGoodReplicas();
    }
  }

  /** REPLCONF ACK (or a replica coming online) from {@code replica}. */
  private void replicaAcked(int replica, long offset, long onlineFromNanos) {
    replicaAcks.put(replica, new long[] {world.now(), offset, onlineFromNanos});
    recountGoodReplicas();
  }

  /** The connection of {@code replica} closed. */
  private void replicaGone(int replica) {
    replicaAcks.remove(replica);
    recountGoodReplicas();
  }

  /** Whether a client write would be acknowledged now (alive, master, not paused, not fenced). */
  boolean acceptsWrites() {
    return alive && master && !paused() && !fenceRefuses();
  }

  void promote() {
    if (master) {
      return;
    }
    disconnectFromMaster();
    replId2 = replId;
    secondOffset = offset() + 1;
    replId = world.newId("repl");
    master = true;
    masterHost = null;
    world.promoted(this);
  }

  void follow(String host, int masterPort) {
    if (!master && host.equals(masterHost) && masterPort == this.masterPort) {
      return;
    }
    disconnectFromMaster();
    if (master) {
      dropReplicas();
      keeperGone();
    }
    master = false;
    masterHost = host;
    this.masterPort = masterPort;
    connected = false;
    reconnectAtNanos = world.now(); // REPLICAOF connects at once
    replicate();
  }

  void pauseWrites(Duration duration) {
    pausedUntilNanos = world.now() + duration.toNanos();
    world.scheduler.schedule(duration, this::releaseBlockedIfUnpaused);
  }

  /** CLIENT KILL TYPE normal: clients blocked by a pause are disconnected without a reply. */
  void killNormalClients() {
    List<Blocked> waiting = new ArrayList<>(blocked);
    blocked.clear();
    waiting.forEach(b -> b.reply().accept(false));
  }

  void unpause() {
    pausedUntilNanos = Long.MIN_VALUE;
    releaseBlockedIfUnpaused();
  }

  private void releaseBlockedIfUnpaused() {
    if (paused()) {
      return;
    }
    List<Blocked> waiting = new ArrayList<>(blocked);
    blocked.clear();
    waiting.forEach(b -> write(b.id(), b.reply()));
  }

  /** A client write arriving: {@code reply} gets true when Redis acknowledged it. */
  void write(long id, java.util.function.Consumer<Boolean> reply) {
    if (!alive) {
      reply.accept(false);
      return;
    }
    if (paused()) {
      blocked.add(new Blocked(id, reply));
      return;
    }
    if (!master) {
      reply.accept(false); // READONLY
      return;
    }
    if (fenceRefuses()) {
      reply.accept(false); // NOREPLICAS
      return;
    }
    log.add(id);
    reply.accept(true);
    for (int replica : replicaAcks.keySet()) {
      world.scheduler.schedule(
          world.network.pairDelay(), () -> world.redis(replica, group).replicate());
    }
  }

  // ---- replication ----

  private void disconnectFromMaster() {
    if (!master && connected) {
      SimRedis source = peer();
      if (world.network.up(node, 1 - node)) {
        source.replicaGone(node);
      }
    }
    connected = false;
  }

  private void dropReplicas() {
    if (world.network.up(node, 1 - node)) {
      replicaAcks.clear();
      recountGoodReplicas();
    }
  }

  /** Periodic work: expire silent replicas, send acknowledgements, pull new data. */
  void cron() {
    long now = world.now();
    if (!alive) {
      return;
    }
    replicaAcks.entrySet().removeIf(e -> now - e.getValue()[0] > REPL_TIMEOUT_NANOS);
    if (now >= nextGoodRecountNanos) {
      nextGoodRecountNanos = now + 1_000_000_000L;
      recountGoodReplicas(); // replicationCron
    }
    replicate();
    if (now >= nextAckNanos) {
      nextAckNanos = now + 1_000_000_000L;
      acknowledge();
    }
  }

  private SimRedis source() {
    if (master || masterHost == null) {
      return null;
    }
    SimRedis other = peer();
    return masterHost.equals(other.ip) && masterPort == other.port ? other : null;
  }

  /** Pulls what the source has, as a connected replica does; partial or full resync first. */
  void replicate() {
    SimRedis source = source();
    long now = world.now();
    if (connected && source != null && (!source.alive || !source.runId.equals(connectedRunId))) {
      connected = false; // the master process died: the replica sees the connection close
      reconnectAtNanos = now + world.random.nextInt(1_000) * 1_000_000L;
    }
    if (!alive || source == null || !source.alive || !world.network.up(node, 1 - node)) {
      return;
    }
    if (!connected && !source.master && !source.connected) {
      return; // -NOMASTERLINK: a replica without its own master link refuses to serve a sync
    }
    if (now < lagUntilNanos || now < syncDoneNanos || world.network.lossySegmentDropped()) {
      return;
    }
    if (!connected) {
      if (now < reconnectAtNanos) {
        return;
      }
      connected = true;
      connectedRunId = source.runId;
      long onlineFrom = now;
      if (!source.holdsHistoryOf(this)) {
        world.fullSync(this, source);
        log = new ArrayList<>(source.log);
        syncDoneNanos = now + FULL_SYNC_NANOS;
        onlineFrom = syncDoneNanos;
        // The master buffers what it takes during the sync and streams it right after, and counts
        // the replica good once it is online.
        world.scheduler.schedule(Duration.ofNanos(FULL_SYNC_NANOS), this::replicate);
        String syncedFrom = source.runId;
        world.scheduler.schedule(
            Duration.ofNanos(FULL_SYNC_NANOS),
            () -> {
              if (source.alive && source.runId.equals(syncedFrom)) {
                source.recountGoodReplicas();
              }
            });
      }
      replId = source.replId;
      replId2 = source.replId2;
      secondOffset = source.secondOffset;
      source.replicaAcked(node, offset(), onlineFrom);
    }
    if (source.log.size() > log.size()) {
      log.addAll(source.log.subList(log.size(), source.log.size()));
    }
    if (!replId.equals(source.replId)) {
      // The source was promoted (a chained replica detached): Redis then drops its replicas, which
      // continue at once (+CONTINUE) with its new stream and its old one as their previous stream,
      // as the source itself has them. Keeping our own previous stream instead made two copies of
      // the same data look unrelated (simulation seed 1295).
      replId2 = source.replId2;
      secondOffset = source.secondOffset;
    }
    replId = source.replId;
  }

  private void acknowledge() {
    SimRedis source = source();
    if (source != null
        && !world.network.lossySegmentDropped()
        && connected
        && source.alive
        && world.network.up(node, 1 - node)
        && world.now() >= syncDoneNanos) {
      source.replicaAcked(node, offset(), world.now());
    }
  }

  /** Whether {@code replica} could continue from our stream (PSYNC succeeds). */
  private boolean holdsHistoryOf(SimRedis replica) {
    long at = replica.offset();
    if (replica.log.size() > log.size()
        || !log.subList(0, at == 0 ? 0 : (int) at).equals(replica.log)) {
      return false;
    }
    return replId.equals(replica.replId)
        || (replId2.equals(replica.replId) && at <= secondOffset - 1);
  }
}

package io.gregor.coordinator.group;

import io.gregor.metadata.MetadataImage;
import io.gregor.metadata.MetadataListener;
import io.gregor.metadata.TopicImage;
import io.gregor.replication.Partition;
import io.gregor.replication.ReplicaManager;
import io.gregor.storage.log.FetchDataInfo;
import io.gregor.storage.log.FetchIsolation;
import io.gregor.storage.log.Log;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.DescribeGroupsResponseData.DescribedGroup;
import org.apache.kafka.common.message.DescribeGroupsResponseData.DescribedGroupMember;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.ListGroupsResponseData.ListedGroup;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The group coordinator of this broker: it coordinates the groups whose {@code __consumer_offsets}
 * partition this broker leads (the partition is {@code abs(groupId.hashCode()) % partitions}, as
 * in Kafka).
 *
 * <p>It follows leadership of the offsets partitions through the metadata: becoming leader loads
 * the partition (replaying its records into groups and offsets; requests meanwhile get
 * COORDINATOR_LOAD_IN_PROGRESS); losing it unloads the shard (NOT_COORDINATOR). So in a cluster
 * the coordinator moves with the partition leader without further work.
 *
 * <p>Each shard is served by one thread of a small pool; every operation on a shard runs there.
 */
public final class GroupCoordinator implements MetadataListener, AutoCloseable {
    public static final String OFFSETS_TOPIC = "__consumer_offsets";
    private static final Logger log = LoggerFactory.getLogger(GroupCoordinator.class);

    private final GroupConfig config;
    private final ReplicaManager replicaManager;
    private final Time time;
    private final long commitTimeoutMs;
    private final long retentionCheckIntervalMs;
    private final ScheduledExecutorService[] threads;
    private final ConcurrentHashMap<Integer, ShardRuntime> shards = new ConcurrentHashMap<>();
    private volatile int numPartitions;
    /** Set by {@link #close}; later metadata images (the cache outlives the coordinator) are ignored. */
    private volatile boolean closed;

    /** A shard, its thread and whether it is serving. */
    private static final class ShardRuntime {
        final int partition;
        final int leaderEpoch;
        final ScheduledExecutorService executor;
        final GroupShard shard;
        final OffsetOps offsets;
        volatile boolean loaded;
        ScheduledFuture<?> expiration;

        ShardRuntime(int partition, int leaderEpoch, ScheduledExecutorService executor, GroupShard shard) {
            this.partition = partition;
            this.leaderEpoch = leaderEpoch;
            this.executor = executor;
            this.shard = shard;
            this.offsets = new OffsetOps(shard);
        }
    }

    public GroupCoordinator(GroupConfig config, ReplicaManager replicaManager, Time time, int threadCount, int defaultPartitions,
                            long commitTimeoutMs, long retentionCheckIntervalMs) {
        this.config = config;
        this.replicaManager = replicaManager;
        this.time = time;
        this.commitTimeoutMs = commitTimeoutMs;
        this.retentionCheckIntervalMs = retentionCheckIntervalMs;
        this.numPartitions = defaultPartitions;
        this.threads = new ScheduledExecutorService[Math.max(1, threadCount)];
        for (int i = 0; i < threads.length; i++) {
            int id = i;
            ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, r -> {
                Thread t = new Thread(r, "gregor-group-coordinator-" + id);
                t.setDaemon(true);
                return t;
            });
            executor.setRemoveOnCancelPolicy(true);
            threads[i] = executor;
        }
    }

    /** The {@code __consumer_offsets} partition of a group. */
    public int partitionFor(String groupId) {
        return Utils.abs(groupId.hashCode()) % numPartitions;
    }

    public int numPartitions() {
        return numPartitions;
    }

    /** Whether this broker currently coordinates (and has loaded) the group. */
    public boolean isCoordinatorFor(String groupId) {
        ShardRuntime rt = shards.get(partitionFor(groupId));
        return rt != null && rt.loaded;
    }

    // ---------------------------------------------------------------- leadership

    @Override
    public void onMetadataUpdate(MetadataImage previous, MetadataImage current) {
        if (closed) {
            return;
        }
        TopicImage topic = current.topic(OFFSETS_TOPIC);
        if (topic != null && !topic.partitions().isEmpty()) {
            numPartitions = topic.partitions().size();
        }
        for (int p = 0; topic != null && p < topic.partitions().size(); p++) {
            Partition partition = replicaManager.partition(new TopicPartition(OFFSETS_TOPIC, p));
            ShardRuntime current0 = shards.get(p);
            boolean leader = partition != null && partition.isLeader();
            if (leader && (current0 == null || current0.leaderEpoch != partition.leaderEpoch())) {
                if (current0 != null) {
                    unload(current0);
                }
                load(p, partition);
            } else if (!leader && current0 != null) {
                unload(current0);
            }
        }
        for (ShardRuntime rt : new ArrayList<>(shards.values())) {
            if (topic == null || rt.partition >= topic.partitions().size()) {
                unload(rt);
            }
        }
    }

    private void load(int p, Partition partition) {
        ScheduledExecutorService executor = threads[p % threads.length];
        TopicPartition tp = new TopicPartition(OFFSETS_TOPIC, p);
        ExecutorTimer timer = new ExecutorTimer(executor);
        GroupShard shard = new GroupShard(p, config, time, timer, new LogWriter(replicaManager, tp, executor, commitTimeoutMs, time));
        ShardRuntime rt = new ShardRuntime(p, partition.leaderEpoch(), executor, shard);
        shards.put(p, rt);
        executor.execute(() -> {
            long t0 = System.nanoTime();
            try {
                int records = replay(partition.log(), shard);
                shard.onLoaded();
                rt.loaded = true;
                rt.expiration = executor.scheduleAtFixedRate(() -> rt.offsets.expire(), retentionCheckIntervalMs,
                    retentionCheckIntervalMs, TimeUnit.MILLISECONDS);
                log.debug("Loaded {} ({} records, {} groups) in {} ms", tp, records, shard.groups().size(),
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
            } catch (IOException | RuntimeException e) {
                log.error("Failed to load group metadata from {}", tp, e);
                shards.remove(p, rt);
            }
        });
    }

    private static int replay(Log log, GroupShard shard) throws IOException {
        if (log == null) {
            return 0;
        }
        long offset = log.logStartOffset();
        long end = log.logEndOffset();
        int count = 0;
        while (offset < end) {
            FetchDataInfo info = log.read(offset, 8 * 1024 * 1024, FetchIsolation.LOG_END, true);
            MemoryRecords records = info.toMemoryRecords();
            long next = offset;
            for (MutableRecordBatch batch : records.batches()) {
                if (!batch.isControlBatch()) {
                    for (Record r : batch) {
                        if (r.offset() >= offset) {
                            GroupRecords.replay(r.key(), r.value(), shard);
                            count++;
                        }
                    }
                }
                next = batch.nextOffset();
            }
            if (next == offset) {
                break;
            }
            offset = next;
        }
        return count;
    }

    private void unload(ShardRuntime rt) {
        shards.remove(rt.partition, rt);
        rt.executor.execute(() -> {
            rt.loaded = false;
            if (rt.expiration != null) {
                rt.expiration.cancel(false);
            }
            rt.shard.unload();
            log.debug("Unloaded group metadata of {}-{}", OFFSETS_TOPIC, rt.partition);
        });
    }

    // ---------------------------------------------------------------- routing

    private <T> CompletableFuture<T> onShard(String groupId, Function<Errors, T> onError,
                                             BiFunction<ShardRuntime, GroupShard, CompletableFuture<T>> op) {
        if (groupId == null || groupId.isEmpty()) {
            return CompletableFuture.completedFuture(onError.apply(Errors.INVALID_GROUP_ID));
        }
        ShardRuntime rt = shards.get(partitionFor(groupId));
        if (rt == null) {
            return CompletableFuture.completedFuture(onError.apply(Errors.NOT_COORDINATOR));
        }
        CompletableFuture<T> result = new CompletableFuture<>();
        rt.executor.execute(() -> {
            if (shards.get(rt.partition) != rt) {
                result.complete(onError.apply(Errors.NOT_COORDINATOR));
            } else if (!rt.loaded) {
                result.complete(onError.apply(Errors.COORDINATOR_LOAD_IN_PROGRESS));
            } else {
                try {
                    op.apply(rt, rt.shard).whenComplete((r, e) -> {
                        if (e != null) {
                            result.completeExceptionally(e);
                        } else {
                            result.complete(r);
                        }
                    });
                } catch (RuntimeException e) {
                    result.completeExceptionally(e);
                }
            }
        });
        return result;
    }

    public CompletableFuture<JoinGroupResponseData> joinGroup(JoinGroupRequestData request, short version, String clientId, String clientHost) {
        return onShard(request.groupId(), e -> GroupShard.joinError(request.memberId(), e, version),
            (rt, shard) -> shard.joinGroup(request, version, clientId, clientHost));
    }

    public CompletableFuture<SyncGroupResponseData> syncGroup(SyncGroupRequestData request, short version) {
        return onShard(request.groupId(), GroupShard::syncError, (rt, shard) -> shard.syncGroup(request, version));
    }

    public CompletableFuture<Errors> heartbeat(String groupId, String memberId, String instanceId, int generation) {
        return onShard(groupId, e -> e, (rt, shard) -> GroupShard.done(shard.heartbeat(groupId, memberId, instanceId, generation)));
    }

    /** Member identity for LeaveGroup. */
    public record Leaving(String memberId, String instanceId, String reason) {
    }

    /** @return the group-level error, or NONE with member-level errors in order */
    public CompletableFuture<Map.Entry<Errors, List<Errors>>> leaveGroup(String groupId, List<Leaving> members) {
        return onShard(groupId, e -> Map.entry(e, List.of()), (rt, shard) -> {
            List<Errors> errors = new ArrayList<>();
            for (Leaving m : members) {
                errors.add(shard.leave(groupId, m.memberId(), m.instanceId(), m.reason()));
            }
            return GroupShard.done(Map.entry(Errors.NONE, errors));
        });
    }

    public CompletableFuture<OffsetOps.CommitResult> commitOffsets(String groupId, int generation, String memberId, String instanceId,
                                                                  long retentionMs, Map<TopicPartition, OffsetOps.Commit> offsets) {
        return onShard(groupId, e -> new OffsetOps.CommitResult(e, Map.of()),
            (rt, shard) -> rt.offsets.commit(groupId, generation, memberId, instanceId, retentionMs, offsets));
    }

    /** @return a group-level error, or NONE with the offsets ({@code partitions == null}: all) */
    public CompletableFuture<Map.Entry<Errors, Map<TopicPartition, OffsetAndMetadata>>> fetchOffsets(String groupId,
                                                                                                  List<TopicPartition> partitions) {
        return onShard(groupId, e -> Map.entry(e, Map.of()),
            (rt, shard) -> GroupShard.done(Map.entry(Errors.NONE, rt.offsets.fetch(groupId, partitions))));
    }

    public CompletableFuture<Errors> deleteGroup(String groupId) {
        return onShard(groupId, e -> e, (rt, shard) -> rt.offsets.deleteGroup(groupId));
    }

    public CompletableFuture<OffsetOps.DeleteOffsetsResult> deleteOffsets(String groupId, List<TopicPartition> partitions) {
        return onShard(groupId, e -> new OffsetOps.DeleteOffsetsResult(e, Map.of()), (rt, shard) -> rt.offsets.deleteOffsets(groupId, partitions));
    }

    /** Runs offset expiration on every loaded shard now (normally periodic). */
    public CompletableFuture<Integer> expireOffsetsNow() {
        List<CompletableFuture<Integer>> all = new ArrayList<>();
        for (ShardRuntime rt : shards.values()) {
            CompletableFuture<Integer> f = new CompletableFuture<>();
            rt.executor.execute(() -> rt.offsets.expire().whenComplete((n, e) -> f.complete(e == null ? n : 0)));
            all.add(f);
        }
        return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new))
            .thenApply(v -> all.stream().mapToInt(CompletableFuture::join).sum());
    }

    public CompletableFuture<DescribedGroup> describeGroup(String groupId, short version) {
        return onShard(groupId, e -> new DescribedGroup().setGroupId(groupId).setErrorCode(e.code()).setGroupState("")
                .setProtocolType("").setProtocolData(""),
            (rt, shard) -> GroupShard.done(describe(shard.group(groupId), groupId, version)));
    }

    private static DescribedGroup describe(ClassicGroup group, String groupId, short version) {
        DescribedGroup out = new DescribedGroup().setGroupId(groupId).setErrorCode(Errors.NONE.code());
        if (group == null || group.is(GroupState.DEAD)) {
            out.setGroupState(GroupState.DEAD.displayName()).setProtocolType("").setProtocolData("");
            if (version >= 6) {
                out.setErrorCode(Errors.GROUP_ID_NOT_FOUND.code()).setErrorMessage("Group " + groupId + " not found.");
            }
            return out;
        }
        boolean stable = group.is(GroupState.STABLE);
        out.setGroupState(group.state().displayName())
            .setProtocolType(group.protocolType == null ? "" : group.protocolType)
            .setProtocolData(stable && group.protocolName != null ? group.protocolName : "");
        for (GroupMember m : group.members.values()) {
            out.members().add(new DescribedGroupMember().setMemberId(m.memberId).setGroupInstanceId(m.groupInstanceId)
                .setClientId(m.clientId).setClientHost(m.clientHost)
                .setMemberMetadata(stable ? m.metadata(group.protocolName) : new byte[0])
                .setMemberAssignment(stable ? m.assignment : new byte[0]));
        }
        return out;
    }

    /** Groups coordinated by this broker, optionally filtered by state names (case-insensitive). */
    public CompletableFuture<List<ListedGroup>> listGroups(List<String> statesFilter) {
        List<CompletableFuture<List<ListedGroup>>> parts = new ArrayList<>();
        for (ShardRuntime rt : shards.values()) {
            CompletableFuture<List<ListedGroup>> f = new CompletableFuture<>();
            rt.executor.execute(() -> {
                List<ListedGroup> out = new ArrayList<>();
                if (rt.loaded) {
                    for (ClassicGroup g : rt.shard.groups()) {
                        String state = g.state().displayName();
                        boolean keep = statesFilter == null || statesFilter.isEmpty()
                            || statesFilter.stream().anyMatch(s -> s.equalsIgnoreCase(state));
                        if (keep && !g.is(GroupState.DEAD)) {
                            out.add(new ListedGroup().setGroupId(g.groupId).setProtocolType(g.protocolType == null ? "" : g.protocolType)
                                .setGroupState(state).setGroupType("classic"));
                        }
                    }
                }
                f.complete(out);
            });
            parts.add(f);
        }
        return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new)).thenApply(v -> {
            List<ListedGroup> all = new ArrayList<>();
            parts.forEach(p -> all.addAll(p.join()));
            return all;
        });
    }

    /** Whether any offsets partition is still loading (ListGroups answers COORDINATOR_LOAD_IN_PROGRESS then). */
    public boolean anyLoading() {
        return shards.values().stream().anyMatch(rt -> !rt.loaded);
    }

    @Override
    public void close() {
        closed = true;
        for (ShardRuntime rt : new ArrayList<>(shards.values())) {
            unload(rt);
        }
        for (ScheduledExecutorService t : threads) {
            t.shutdown();
        }
        for (ScheduledExecutorService t : threads) {
            try {
                t.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}

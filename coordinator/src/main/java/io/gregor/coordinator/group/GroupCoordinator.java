package io.gregor.coordinator.group;

import io.gregor.common.Futures;
import io.gregor.coordinator.runtime.CoordinatorResult;
import io.gregor.coordinator.runtime.CoordinatorRuntime;
import io.gregor.coordinator.runtime.PartitionWriter;
import io.gregor.storage.log.ReadableLog;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.CoordinatorLoadInProgressException;
import org.apache.kafka.common.errors.NotCoordinatorException;
import org.apache.kafka.common.message.DescribeGroupsResponseData.DescribedGroup;
import org.apache.kafka.common.message.DescribeGroupsResponseData.DescribedGroupMember;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.ListGroupsResponseData.ListedGroup;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.common.utils.Utils;

/**
 * The group coordinator of this broker: it coordinates the groups whose {@code __consumer_offsets}
 * partition this broker leads (the partition is {@code abs(groupId.hashCode()) % partitions}, as
 * in Kafka), each partition a {@link GroupShard} of the {@link CoordinatorRuntime}.
 *
 * <p>The broker tells it when it becomes leader of an offsets partition ({@link #onElection}:
 * the shard loads by replaying the partition, and requests that arrive meanwhile wait for the
 * load; ListGroups, which spans all shards, answers COORDINATOR_LOAD_IN_PROGRESS instead) and
 * when it stops being leader ({@link #onResignation}: NOT_COORDINATOR), so in a cluster the
 * coordinator moves with the partition leader. This class
 * routes each request to its group's shard and turns "not here" into each API's error answer.
 *
 * <p>Thread-safe; every operation on a shard runs on the shard's thread.
 */
public final class GroupCoordinator implements AutoCloseable {
    public static final String OFFSETS_TOPIC = "__consumer_offsets";

    private final CoordinatorRuntime<GroupShard> runtime;
    private volatile int numPartitions;

    /**
     * @param writer            appends to the offsets partitions (acks=all)
     * @param threadCount       threads serving the shards
     * @param defaultPartitions {@code offsets.topic.num.partitions}, until the topic exists
     */
    public GroupCoordinator(GroupConfig config, PartitionWriter writer, Time time, int threadCount, int defaultPartitions) {
        this.numPartitions = defaultPartitions;
        this.runtime = new CoordinatorRuntime<>(OFFSETS_TOPIC, "gregor-group-coordinator", threadCount,
            context -> new GroupShard(config, context), writer, time);
    }

    /** The {@code __consumer_offsets} partition of a group. */
    public int partitionFor(String groupId) {
        return Utils.abs(groupId.hashCode()) % numPartitions;
    }

    public int numPartitions() {
        return numPartitions;
    }

    /** The offsets topic exists with this many partitions (it decides which partition a group maps to). */
    public void setNumPartitions(int partitions) {
        if (partitions > 0) {
            numPartitions = partitions;
        }
    }

    /** Whether this broker currently coordinates (and has loaded) the group. */
    public boolean isCoordinatorFor(String groupId) {
        return runtime.isActive(partitionFor(groupId));
    }

    // ---------------------------------------------------------------- leadership

    /** This broker leads offsets partition {@code partition} at {@code leaderEpoch}: load its groups. */
    public void onElection(int partition, int leaderEpoch, ReadableLog partitionLog) {
        runtime.onElection(partition, leaderEpoch, partitionLog);
    }

    /** This broker no longer leads offsets partition {@code partition}. */
    public void onResignation(int partition) {
        runtime.onResignation(partition);
    }

    /** The offsets partitions this broker coordinates (loaded or loading). */
    public List<Integer> coordinatedPartitions() {
        return runtime.partitions();
    }

    // ---------------------------------------------------------------- routing

    /** A write on the group's shard; "not here" and "still loading" become {@code onError}'s answer. */
    private <T> CompletableFuture<T> write(String groupId, Function<Errors, T> onError, Function<GroupShard, CoordinatorResult<T>> op) {
        if (groupId == null || groupId.isEmpty()) {
            return CompletableFuture.completedFuture(onError.apply(Errors.INVALID_GROUP_ID));
        }
        return recover(runtime.write(partitionFor(groupId), groupId, op), onError);
    }

    /** A write whose answer comes later than its records (a rebalance): the inner future. */
    private <T> CompletableFuture<T> writeDeferred(String groupId, Function<Errors, T> onError,
                                                   Function<GroupShard, CoordinatorResult<CompletableFuture<T>>> op) {
        return write(groupId, e -> CompletableFuture.completedFuture(onError.apply(e)), op).thenCompose(Function.identity());
    }

    private <T> CompletableFuture<T> read(String groupId, Function<Errors, T> onError, Function<GroupShard, T> op) {
        if (groupId == null || groupId.isEmpty()) {
            return CompletableFuture.completedFuture(onError.apply(Errors.INVALID_GROUP_ID));
        }
        return recover(runtime.read(partitionFor(groupId), op), onError);
    }

    private static <T> CompletableFuture<T> recover(CompletableFuture<T> result, Function<Errors, T> onError) {
        return result.handle((value, error) -> {
            if (error == null) {
                return CompletableFuture.completedFuture(value);
            }
            Throwable cause = Futures.unwrap(error);
            if (cause instanceof NotCoordinatorException) {
                return CompletableFuture.completedFuture(onError.apply(Errors.NOT_COORDINATOR));
            }
            if (cause instanceof CoordinatorLoadInProgressException) {
                return CompletableFuture.completedFuture(onError.apply(Errors.COORDINATOR_LOAD_IN_PROGRESS));
            }
            return CompletableFuture.<T>failedFuture(cause);
        }).thenCompose(Function.identity());
    }

    // ---------------------------------------------------------------- the group APIs

    public CompletableFuture<JoinGroupResponseData> joinGroup(JoinGroupRequestData request, short version, String clientId, String clientHost) {
        return writeDeferred(request.groupId(), e -> GroupShard.joinError(request.memberId(), e, version),
            shard -> shard.joinGroup(request, version, clientId, clientHost));
    }

    public CompletableFuture<SyncGroupResponseData> syncGroup(SyncGroupRequestData request, short version) {
        return writeDeferred(request.groupId(), GroupShard::syncError, shard -> shard.syncGroup(request, version));
    }

    public CompletableFuture<Errors> heartbeat(String groupId, String memberId, String instanceId, int generation) {
        return write(groupId, e -> e, shard -> CoordinatorResult.respond(shard.heartbeat(groupId, memberId, instanceId, generation)));
    }

    /** Member identity for LeaveGroup. */
    public record Leaving(String memberId, String instanceId, String reason) {
    }

    /** @return the group-level error, or NONE with member-level errors in order */
    public CompletableFuture<Map.Entry<Errors, List<Errors>>> leaveGroup(String groupId, List<Leaving> members) {
        return write(groupId, e -> Map.entry(e, List.of()), shard -> shard.leave(groupId, members));
    }

    public CompletableFuture<OffsetOps.CommitResult> commitOffsets(String groupId, int generation, String memberId, String instanceId,
                                                                  long retentionMs, Map<TopicPartition, OffsetOps.Commit> offsets) {
        return write(groupId, e -> new OffsetOps.CommitResult(e, Map.of()),
            shard -> shard.offsets.commit(groupId, generation, memberId, instanceId, retentionMs, offsets));
    }

    /** @return a group-level error, or NONE with the offsets ({@code partitions == null}: all) */
    public CompletableFuture<Map.Entry<Errors, Map<TopicPartition, OffsetAndMetadata>>> fetchOffsets(String groupId,
                                                                                                  List<TopicPartition> partitions) {
        return read(groupId, e -> Map.entry(e, Map.of()), shard -> Map.entry(Errors.NONE, shard.offsets.fetch(groupId, partitions)));
    }

    public CompletableFuture<Errors> deleteGroup(String groupId) {
        return write(groupId, e -> e, shard -> shard.offsets.deleteGroup(groupId));
    }

    public CompletableFuture<OffsetOps.DeleteOffsetsResult> deleteOffsets(String groupId, List<TopicPartition> partitions) {
        return write(groupId, e -> new OffsetOps.DeleteOffsetsResult(e, Map.of()), shard -> shard.offsets.deleteOffsets(groupId, partitions));
    }

    /** Runs offset expiration on every loaded shard now (normally periodic). */
    public CompletableFuture<Integer> expireOffsetsNow() {
        List<CompletableFuture<Integer>> all = new ArrayList<>();
        for (int p : runtime.partitions()) {
            all.add(runtime.write(p, null, shard -> shard.offsets.expire()).handle((n, e) -> e == null ? n : 0));
        }
        return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new))
            .thenApply(v -> all.stream().mapToInt(CompletableFuture::join).sum());
    }

    public CompletableFuture<DescribedGroup> describeGroup(String groupId, short version) {
        return read(groupId, e -> new DescribedGroup().setGroupId(groupId).setErrorCode(e.code()).setGroupState("")
                .setProtocolType("").setProtocolData(""),
            shard -> describe(shard.group(groupId), groupId, version));
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
        for (int p : runtime.partitions()) {
            parts.add(runtime.read(p, shard -> listed(shard, statesFilter)).handle((groups, e) -> e == null ? groups : List.of()));
        }
        return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new)).thenApply(v -> {
            List<ListedGroup> all = new ArrayList<>();
            parts.forEach(part -> all.addAll(part.join()));
            return all;
        });
    }

    private static List<ListedGroup> listed(GroupShard shard, List<String> statesFilter) {
        List<ListedGroup> out = new ArrayList<>();
        for (ClassicGroup g : shard.groups()) {
            String state = g.state().displayName();
            boolean keep = statesFilter == null || statesFilter.isEmpty() || statesFilter.stream().anyMatch(s -> s.equalsIgnoreCase(state));
            if (keep && !g.is(GroupState.DEAD)) {
                out.add(new ListedGroup().setGroupId(g.groupId).setProtocolType(g.protocolType == null ? "" : g.protocolType)
                    .setGroupState(state).setGroupType("classic"));
            }
        }
        return out;
    }

    /** Whether any offsets partition is still loading (ListGroups answers COORDINATOR_LOAD_IN_PROGRESS then). */
    public boolean anyLoading() {
        return runtime.anyLoading();
    }

    @Override
    public void close() {
        runtime.close();
    }
}

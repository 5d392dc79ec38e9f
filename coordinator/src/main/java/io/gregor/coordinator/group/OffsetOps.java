package io.gregor.coordinator.group;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Committed offsets and group administration of one shard: OffsetCommit (with Kafka's generation
 * and member checks), OffsetFetch, OffsetDelete, DeleteGroups and offset expiration
 * ({@code offsets.retention.minutes}). Runs on the shard's thread like {@link GroupShard}.
 */
public final class OffsetOps {
    private static final Logger log = LoggerFactory.getLogger(OffsetOps.class);

    private final GroupShard shard;

    OffsetOps(GroupShard shard) {
        this.shard = shard;
    }

    /** One partition of an OffsetCommit. */
    public record Commit(long offset, int leaderEpoch, String metadata) {
    }

    /** Result of a commit: a group-level error applies to every partition. */
    public record CommitResult(Errors groupError, Map<TopicPartition, Errors> partitions) {
    }

    CompletableFuture<CommitResult> commit(String groupId, int generation, String memberId, String instanceId, long retentionMs,
                                           Map<TopicPartition, Commit> offsets) {
        if (groupId == null || groupId.isEmpty()) {
            return GroupShard.done(new CommitResult(Errors.INVALID_GROUP_ID, Map.of()));
        }
        ClassicGroup group = shard.group(groupId);
        Errors error = validate(group, generation, memberId, instanceId);
        if (error != null) {
            return GroupShard.done(new CommitResult(error, Map.of()));
        }
        if (group == null) {
            group = new ClassicGroup(groupId, shard.time.milliseconds());
            shard.groups.put(groupId, group);
        } else if (generation >= 0 && group.member(memberId) != null) {
            // A commit proves the member is alive.
            shard.heartbeat(groupId, memberId, instanceId, generation);
        }
        long now = shard.time.milliseconds();
        Map<TopicPartition, Errors> results = new LinkedHashMap<>();
        Map<TopicPartition, OffsetAndMetadata> accepted = new LinkedHashMap<>();
        List<CoordinatorRecord> records = new ArrayList<>();
        for (Map.Entry<TopicPartition, Commit> e : offsets.entrySet()) {
            String metadata = e.getValue().metadata() == null ? "" : e.getValue().metadata();
            if (metadata.length() > shard.config.offsetMetadataMaxBytes()) {
                results.put(e.getKey(), Errors.OFFSET_METADATA_TOO_LARGE);
                continue;
            }
            OffsetAndMetadata om = new OffsetAndMetadata(e.getValue().offset(), e.getValue().leaderEpoch(), metadata, now,
                retentionMs > 0 ? now + retentionMs : -1);
            accepted.put(e.getKey(), om);
            records.add(GroupRecords.offsetCommit(groupId, e.getKey().topic(), e.getKey().partition(), om));
            results.put(e.getKey(), Errors.NONE);
        }
        if (records.isEmpty()) {
            return GroupShard.done(new CommitResult(Errors.NONE, results));
        }
        ClassicGroup g = group;
        g.pendingOffsetCommits++;
        return shard.writer.append(records).handle((v, failure) -> {
            g.pendingOffsetCommits--;
            if (failure != null) {
                Errors err = GroupShard.appendError(failure);
                accepted.keySet().forEach(tp -> results.put(tp, err));
            } else {
                g.offsets.putAll(accepted);
                if (!shard.groups.containsKey(g.groupId)) {
                    shard.groups.put(g.groupId, g);
                }
            }
            return new CommitResult(Errors.NONE, results);
        });
    }

    private static Errors validate(ClassicGroup group, int generation, String memberId, String instanceId) {
        boolean simple = generation < 0 && (memberId == null || memberId.isEmpty());
        if (group == null) {
            return generation < 0 ? null : Errors.ILLEGAL_GENERATION;
        }
        if (group.is(GroupState.DEAD)) {
            return Errors.COORDINATOR_NOT_AVAILABLE;
        }
        if (generation < 0 && group.is(GroupState.EMPTY)) {
            return null;
        }
        if (simple) {
            // A standalone commit while the group has active members would interfere with them.
            return group.members.isEmpty() ? null : Errors.UNKNOWN_MEMBER_ID;
        }
        if (instanceId != null) {
            String current = group.staticMemberId(instanceId);
            if (current != null && !current.equals(memberId)) {
                return Errors.FENCED_INSTANCE_ID;
            }
        }
        if (group.is(GroupState.EMPTY) || !group.has(memberId)) {
            return Errors.UNKNOWN_MEMBER_ID;
        }
        if (generation != group.generationId) {
            return Errors.ILLEGAL_GENERATION;
        }
        if (group.is(GroupState.COMPLETING_REBALANCE)) {
            return Errors.REBALANCE_IN_PROGRESS;
        }
        return null;
    }

    /**
     * Committed offsets of a group; {@code partitions == null} means all. Missing offsets are
     * reported as {@code null} values.
     */
    Map<TopicPartition, OffsetAndMetadata> fetch(String groupId, List<TopicPartition> partitions) {
        ClassicGroup group = shard.group(groupId);
        Map<TopicPartition, OffsetAndMetadata> out = new LinkedHashMap<>();
        if (partitions == null) {
            if (group != null) {
                out.putAll(group.offsets);
            }
            return out;
        }
        for (TopicPartition tp : partitions) {
            out.put(tp, group == null ? null : group.offsets.get(tp));
        }
        return out;
    }

    CompletableFuture<Errors> deleteGroup(String groupId) {
        if (groupId == null || groupId.isEmpty()) {
            return GroupShard.done(Errors.INVALID_GROUP_ID);
        }
        ClassicGroup group = shard.group(groupId);
        if (group == null || group.is(GroupState.DEAD)) {
            return GroupShard.done(Errors.GROUP_ID_NOT_FOUND);
        }
        if (!group.is(GroupState.EMPTY)) {
            return GroupShard.done(Errors.NON_EMPTY_GROUP);
        }
        List<CoordinatorRecord> records = new ArrayList<>();
        for (TopicPartition tp : group.offsets.keySet()) {
            records.add(GroupRecords.offsetTombstone(groupId, tp.topic(), tp.partition()));
        }
        records.add(GroupRecords.groupTombstone(groupId));
        return shard.writer.append(records).handle((v, failure) -> {
            if (failure != null) {
                return GroupShard.appendError(failure);
            }
            group.transitionTo(GroupState.DEAD, shard.time.milliseconds());
            shard.groups.remove(groupId);
            log.info("Deleted group {}", groupId);
            return Errors.NONE;
        });
    }

    /** OffsetDelete: group-level error, or per-partition errors. */
    public record DeleteOffsetsResult(Errors groupError, Map<TopicPartition, Errors> partitions) {
    }

    CompletableFuture<DeleteOffsetsResult> deleteOffsets(String groupId, List<TopicPartition> partitions) {
        if (groupId == null || groupId.isEmpty()) {
            return GroupShard.done(new DeleteOffsetsResult(Errors.INVALID_GROUP_ID, Map.of()));
        }
        ClassicGroup group = shard.group(groupId);
        if (group == null || group.is(GroupState.DEAD)) {
            return GroupShard.done(new DeleteOffsetsResult(Errors.GROUP_ID_NOT_FOUND, Map.of()));
        }
        if (!group.is(GroupState.EMPTY) && !"consumer".equals(group.protocolType)) {
            return GroupShard.done(new DeleteOffsetsResult(Errors.NON_EMPTY_GROUP, Map.of()));
        }
        Optional<Set<String>> subscribed = group.is(GroupState.EMPTY) ? Optional.of(Set.of()) : group.subscribedTopics();
        Map<TopicPartition, Errors> results = new LinkedHashMap<>();
        List<CoordinatorRecord> records = new ArrayList<>();
        List<TopicPartition> deleted = new ArrayList<>();
        for (TopicPartition tp : partitions) {
            if (subscribed.isEmpty() || subscribed.get().contains(tp.topic())) {
                results.put(tp, Errors.GROUP_SUBSCRIBED_TO_TOPIC);
                continue;
            }
            results.put(tp, Errors.NONE);
            if (group.offsets.containsKey(tp)) {
                records.add(GroupRecords.offsetTombstone(groupId, tp.topic(), tp.partition()));
                deleted.add(tp);
            }
        }
        if (records.isEmpty()) {
            return GroupShard.done(new DeleteOffsetsResult(Errors.NONE, results));
        }
        return shard.writer.append(records).handle((v, failure) -> {
            if (failure != null) {
                return new DeleteOffsetsResult(GroupShard.appendError(failure), Map.of());
            }
            deleted.forEach(group.offsets::remove);
            return new DeleteOffsetsResult(Errors.NONE, results);
        });
    }

    /**
     * Expires offsets: those of empty groups idle for the retention time, those with an explicit
     * expiry, and, in consumer groups, those of topics nobody subscribes to anymore (KIP-496).
     * Empty groups left without offsets are deleted.
     */
    CompletableFuture<Integer> expire() {
        long now = shard.time.milliseconds();
        long retention = shard.config.offsetsRetentionMs();
        List<CoordinatorRecord> records = new ArrayList<>();
        Map<ClassicGroup, List<TopicPartition>> expired = new HashMap<>();
        List<ClassicGroup> emptied = new ArrayList<>();
        for (ClassicGroup group : shard.groups()) {
            if (group.pendingOffsetCommits > 0 || group.is(GroupState.DEAD)) {
                continue;
            }
            Optional<Set<String>> subscribed = group.is(GroupState.EMPTY) ? Optional.empty() : group.subscribedTopics();
            List<TopicPartition> gone = new ArrayList<>();
            for (Map.Entry<TopicPartition, OffsetAndMetadata> e : group.offsets.entrySet()) {
                OffsetAndMetadata om = e.getValue();
                boolean expiredExplicitly = om.expireTimestamp() > 0 && om.expireTimestamp() <= now;
                boolean expiredEmpty = group.is(GroupState.EMPTY)
                    && Math.max(group.stateTimestamp(), om.commitTimestamp()) + retention <= now;
                boolean expiredUnsubscribed = subscribed.isPresent() && !subscribed.get().contains(e.getKey().topic())
                    && om.commitTimestamp() + retention <= now;
                if (expiredExplicitly || expiredEmpty || expiredUnsubscribed) {
                    gone.add(e.getKey());
                    records.add(GroupRecords.offsetTombstone(group.groupId, e.getKey().topic(), e.getKey().partition()));
                }
            }
            if (!gone.isEmpty()) {
                expired.put(group, gone);
            }
            if (group.is(GroupState.EMPTY) && group.offsets.size() == gone.size() && group.stateTimestamp() + retention <= now) {
                emptied.add(group);
                records.add(GroupRecords.groupTombstone(group.groupId));
            }
        }
        if (records.isEmpty()) {
            return GroupShard.done(0);
        }
        return shard.writer.append(records).handle((v, failure) -> {
            if (failure != null) {
                log.warn("Could not write expired offsets: {}", failure.toString());
                return 0;
            }
            int count = 0;
            for (Map.Entry<ClassicGroup, List<TopicPartition>> e : expired.entrySet()) {
                e.getValue().forEach(e.getKey().offsets::remove);
                count += e.getValue().size();
            }
            for (ClassicGroup g : emptied) {
                if (g.is(GroupState.EMPTY) && g.offsets.isEmpty()) {
                    g.transitionTo(GroupState.DEAD, now);
                    shard.groups.remove(g.groupId);
                }
            }
            if (count > 0 || !emptied.isEmpty()) {
                log.info("Removed {} expired offsets and {} empty groups", count, emptied.size());
            }
            return count;
        });
    }
}

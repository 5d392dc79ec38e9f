package io.gregor.coordinator.group;

import io.gregor.coordinator.runtime.CoordinatorRecord;
import io.gregor.coordinator.runtime.CoordinatorResult;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Committed offsets and group administration of one shard: OffsetCommit (with Kafka's generation
 * and member checks), OffsetFetch, OffsetDelete, DeleteGroups and offset expiration
 * ({@code offsets.retention.minutes}). Runs on the shard's thread like {@link GroupShard}; like it,
 * its operations return records, and the offsets change only when the records are replayed.
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

    CoordinatorResult<CommitResult> commit(String groupId, int generation, String memberId, String instanceId, long retentionMs,
                                           Map<TopicPartition, Commit> offsets) {
        if (groupId == null || groupId.isEmpty()) {
            return CoordinatorResult.respond(new CommitResult(Errors.INVALID_GROUP_ID, Map.of()));
        }
        ClassicGroup group = shard.group(groupId);
        Errors error = validate(group, generation, memberId, instanceId);
        if (error != null) {
            return CoordinatorResult.respond(new CommitResult(error, Map.of()));
        }
        if (group != null && generation >= 0 && group.member(memberId) != null) {
            // A commit proves the member is alive.
            shard.heartbeat(groupId, memberId, instanceId, generation);
        }
        long now = shard.time.milliseconds();
        Map<TopicPartition, Errors> results = new LinkedHashMap<>();
        List<TopicPartition> accepted = new ArrayList<>();
        List<CoordinatorRecord> records = new ArrayList<>();
        for (Map.Entry<TopicPartition, Commit> e : offsets.entrySet()) {
            String metadata = e.getValue().metadata() == null ? "" : e.getValue().metadata();
            if (metadata.length() > shard.config.offsetMetadataMaxBytes()) {
                results.put(e.getKey(), Errors.OFFSET_METADATA_TOO_LARGE);
                continue;
            }
            OffsetAndMetadata om = new OffsetAndMetadata(e.getValue().offset(), e.getValue().leaderEpoch(), metadata, now,
                retentionMs > 0 ? now + retentionMs : -1);
            accepted.add(e.getKey());
            records.add(GroupRecords.offsetCommit(groupId, e.getKey().topic(), e.getKey().partition(), om));
            results.put(e.getKey(), Errors.NONE);
        }
        // The offsets (and a group new to this coordinator) appear when the records are replayed.
        return CoordinatorResult.of(records, new CommitResult(Errors.NONE, results)).onAppendFailure(failure -> {
            Errors err = GroupShard.appendError(failure);
            Map<TopicPartition, Errors> failed = new LinkedHashMap<>(results);
            accepted.forEach(tp -> failed.put(tp, err));
            return new CommitResult(Errors.NONE, failed);
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

    CoordinatorResult<Errors> deleteGroup(String groupId) {
        if (groupId == null || groupId.isEmpty()) {
            return CoordinatorResult.respond(Errors.INVALID_GROUP_ID);
        }
        ClassicGroup group = shard.group(groupId);
        if (group == null || group.is(GroupState.DEAD)) {
            return CoordinatorResult.respond(Errors.GROUP_ID_NOT_FOUND);
        }
        if (!group.is(GroupState.EMPTY)) {
            return CoordinatorResult.respond(Errors.NON_EMPTY_GROUP);
        }
        List<CoordinatorRecord> records = new ArrayList<>();
        for (TopicPartition tp : group.offsets.keySet()) {
            records.add(GroupRecords.offsetTombstone(groupId, tp.topic(), tp.partition()));
        }
        records.add(GroupRecords.groupTombstone(groupId));
        log.info("Deleting group {}", groupId);
        return CoordinatorResult.of(records, Errors.NONE).onAppendFailure(GroupShard::appendError);
    }

    /** OffsetDelete: group-level error, or per-partition errors. */
    public record DeleteOffsetsResult(Errors groupError, Map<TopicPartition, Errors> partitions) {
    }

    CoordinatorResult<DeleteOffsetsResult> deleteOffsets(String groupId, List<TopicPartition> partitions) {
        if (groupId == null || groupId.isEmpty()) {
            return CoordinatorResult.respond(new DeleteOffsetsResult(Errors.INVALID_GROUP_ID, Map.of()));
        }
        ClassicGroup group = shard.group(groupId);
        if (group == null || group.is(GroupState.DEAD)) {
            return CoordinatorResult.respond(new DeleteOffsetsResult(Errors.GROUP_ID_NOT_FOUND, Map.of()));
        }
        if (!group.is(GroupState.EMPTY) && !"consumer".equals(group.protocolType)) {
            return CoordinatorResult.respond(new DeleteOffsetsResult(Errors.NON_EMPTY_GROUP, Map.of()));
        }
        Optional<Set<String>> subscribed = group.is(GroupState.EMPTY) ? Optional.of(Set.of()) : group.subscribedTopics();
        Map<TopicPartition, Errors> results = new LinkedHashMap<>();
        List<CoordinatorRecord> records = new ArrayList<>();
        for (TopicPartition tp : partitions) {
            if (subscribed.isEmpty() || subscribed.get().contains(tp.topic())) {
                results.put(tp, Errors.GROUP_SUBSCRIBED_TO_TOPIC);
                continue;
            }
            results.put(tp, Errors.NONE);
            if (group.offsets.containsKey(tp)) {
                records.add(GroupRecords.offsetTombstone(groupId, tp.topic(), tp.partition()));
            }
        }
        return CoordinatorResult.of(records, new DeleteOffsetsResult(Errors.NONE, results))
            .onAppendFailure(failure -> new DeleteOffsetsResult(GroupShard.appendError(failure), Map.of()));
    }

    /**
     * Expires offsets: those of empty groups idle for the retention time, those with an explicit
     * expiry, and, in consumer groups, those of topics nobody subscribes to anymore (KIP-496).
     * Empty groups left without offsets are deleted.
     */
    CoordinatorResult<Integer> expire() {
        long now = shard.time.milliseconds();
        long retention = shard.config.offsetsRetentionMs();
        List<CoordinatorRecord> records = new ArrayList<>();
        int expired = 0;
        int emptied = 0;
        for (ClassicGroup group : shard.groups()) {
            // A commit still being written could refresh what looks expired here.
            if (shard.context.writesInFlight(group.groupId) > 0 || group.is(GroupState.DEAD)) {
                continue;
            }
            Optional<Set<String>> subscribed = group.is(GroupState.EMPTY) ? Optional.empty() : group.subscribedTopics();
            int gone = 0;
            for (Map.Entry<TopicPartition, OffsetAndMetadata> e : group.offsets.entrySet()) {
                OffsetAndMetadata om = e.getValue();
                boolean expiredExplicitly = om.expireTimestamp() > 0 && om.expireTimestamp() <= now;
                boolean expiredEmpty = group.is(GroupState.EMPTY)
                    && Math.max(group.stateTimestamp(), om.commitTimestamp()) + retention <= now;
                boolean expiredUnsubscribed = subscribed.isPresent() && !subscribed.get().contains(e.getKey().topic())
                    && om.commitTimestamp() + retention <= now;
                if (expiredExplicitly || expiredEmpty || expiredUnsubscribed) {
                    gone++;
                    records.add(GroupRecords.offsetTombstone(group.groupId, e.getKey().topic(), e.getKey().partition()));
                }
            }
            expired += gone;
            if (group.is(GroupState.EMPTY) && group.offsets.size() == gone && group.stateTimestamp() + retention <= now) {
                emptied++;
                records.add(GroupRecords.groupTombstone(group.groupId));
            }
        }
        if (!records.isEmpty()) {
            log.info("Removing {} expired offsets and {} empty groups of {}", expired, emptied, shard.context.partition());
        }
        return CoordinatorResult.of(records, expired).onAppendFailure(failure -> {
            log.warn("Could not write expired offsets: {}", failure.toString());
            return 0;
        });
    }
}

package io.gregor.server.handlers.group;

import static org.assertj.core.api.Assertions.tuple;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetDeleteRequestData;
import org.apache.kafka.common.message.OffsetFetchRequestData;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponseGroup;
import org.assertj.core.groups.Tuple;

/**
 * Offset request data for the group handler tests. Partition {@code p} is always committed at
 * {@link #offsetOf}{@code (p)}, leader epoch {@link #LEADER_EPOCH} and metadata {@link #metadataOf}{@code (p)}.
 */
final class OffsetRequests {
    static final int LEADER_EPOCH = 3;

    /** Partitions of a topic named by name ({@code id} zero) or by id ({@code name} empty), as a request names them. */
    record Topic(String name, Uuid id, int... partitions) {
    }

    private OffsetRequests() {
    }

    static long offsetOf(int partition) {
        return 100L + partition;
    }

    static String metadataOf(int partition) {
        return "metadata of " + partition;
    }

    static Topic named(String name, int... partitions) {
        return new Topic(name, Uuid.ZERO_UUID, partitions);
    }

    static Topic byId(Uuid id, int... partitions) {
        return new Topic("", id, partitions);
    }

    /** A commit of a member of a group at {@code generation}. */
    static OffsetCommitRequestData commit(String groupId, int generation, String memberId, Topic... topics) {
        OffsetCommitRequestData request = new OffsetCommitRequestData().setGroupId(groupId).setGenerationIdOrMemberEpoch(generation)
            .setMemberId(memberId);
        for (Topic t : topics) {
            List<OffsetCommitRequestData.OffsetCommitRequestPartition> partitions = new ArrayList<>();
            for (int p : t.partitions()) {
                partitions.add(new OffsetCommitRequestData.OffsetCommitRequestPartition().setPartitionIndex(p)
                    .setCommittedOffset(offsetOf(p)).setCommittedLeaderEpoch(LEADER_EPOCH).setCommittedMetadata(metadataOf(p)));
            }
            request.topics().add(new OffsetCommitRequestData.OffsetCommitRequestTopic().setName(t.name()).setTopicId(t.id())
                .setPartitions(partitions));
        }
        return request;
    }

    /** A commit from outside the group (an admin client or a consumer that assigns itself partitions). */
    static OffsetCommitRequestData standalone(String groupId, Topic... topics) {
        return commit(groupId, -1, "", topics);
    }

    /** An OffsetFetch (v8+) of some partitions of one group. */
    static OffsetFetchRequestData fetchOf(String groupId, Topic... topics) {
        List<OffsetFetchRequestData.OffsetFetchRequestTopics> requested = new ArrayList<>();
        for (Topic t : topics) {
            requested.add(new OffsetFetchRequestData.OffsetFetchRequestTopics().setName(t.name()).setTopicId(t.id())
                .setPartitionIndexes(Arrays.stream(t.partitions()).boxed().toList()));
        }
        return new OffsetFetchRequestData().setGroups(List.of(new OffsetFetchRequestData.OffsetFetchRequestGroup().setGroupId(groupId)
            .setTopics(requested)));
    }

    /** An OffsetFetch (v8+) of all committed offsets of one group. */
    static OffsetFetchRequestData fetchAll(String groupId) {
        return new OffsetFetchRequestData().setGroups(List.of(new OffsetFetchRequestData.OffsetFetchRequestGroup().setGroupId(groupId)
            .setTopics(null)));
    }

    /** The fetched partitions of a group, as (topic name, partition, committed offset). */
    static List<Tuple> partitions(OffsetFetchResponseGroup group) {
        List<Tuple> out = new ArrayList<>();
        group.topics().forEach(t -> t.partitions().forEach(p -> out.add(tuple(t.name(), p.partitionIndex(), p.committedOffset()))));
        return out;
    }

    /** OffsetDelete topics: one partition of each topic. */
    static OffsetDeleteRequestData.OffsetDeleteRequestTopicCollection deleting(Map<String, Integer> partitions) {
        OffsetDeleteRequestData.OffsetDeleteRequestTopicCollection topics = new OffsetDeleteRequestData.OffsetDeleteRequestTopicCollection();
        partitions.forEach((topic, p) -> topics.add(new OffsetDeleteRequestData.OffsetDeleteRequestTopic().setName(topic)
            .setPartitions(List.of(new OffsetDeleteRequestData.OffsetDeleteRequestPartition().setPartitionIndex(p)))));
        return topics;
    }
}

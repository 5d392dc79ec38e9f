package io.gregor.server.handlers.group;

import static io.gregor.server.handlers.group.OffsetRequests.byId;
import static io.gregor.server.handlers.group.OffsetRequests.commit;
import static io.gregor.server.handlers.group.OffsetRequests.fetchAll;
import static io.gregor.server.handlers.group.OffsetRequests.fetchOf;
import static io.gregor.server.handlers.group.OffsetRequests.named;
import static io.gregor.server.handlers.group.OffsetRequests.offsetOf;
import static io.gregor.server.handlers.group.OffsetRequests.partitions;
import static io.gregor.server.handlers.group.OffsetRequests.standalone;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.util.List;
import java.util.Map;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetCommitResponseData;
import org.apache.kafka.common.message.OffsetCommitResponseData.OffsetCommitResponsePartition;
import org.apache.kafka.common.message.OffsetCommitResponseData.OffsetCommitResponseTopic;
import org.apache.kafka.common.message.OffsetDeleteRequestData;
import org.apache.kafka.common.message.OffsetDeleteResponseData;
import org.apache.kafka.common.message.OffsetFetchRequestData;
import org.apache.kafka.common.message.OffsetFetchResponseData;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponseGroup;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponsePartition;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponsePartitions;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponseTopics;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * OffsetCommit, OffsetFetch and OffsetDelete through their handlers, on a real coordinator (see
 * {@link GroupHandlers}): topic {@code t} has partitions 0 and 1; committed offsets are those of
 * {@link OffsetRequests#offsetOf}.
 */
class OffsetHandlersTest {
    private static final String GROUP = "g";

    @RegisterExtension
    final GroupHandlers groups = GroupHandlers.alone();

    private Uuid t;

    @BeforeEach
    void start() throws Exception {
        t = groups.broker().topic("t").id();
    }

    @Test
    void shouldCommitByTopicNameAndRefuseUnknownTopicsAndPartitions() throws Exception {
        OffsetCommitResponseData response = groups.commit((short) 9, standalone(GROUP, named("t", 0, 1, 7), named("nope", 0)));

        assertThat(response.topics()).extracting(OffsetCommitResponseTopic::name).containsExactly("t", "nope");
        assertThat(response.topics().get(0).partitions()).extracting(OffsetCommitResponsePartition::partitionIndex,
            OffsetCommitResponsePartition::errorCode).containsExactly(tuple(0, Errors.NONE.code()), tuple(1, Errors.NONE.code()),
            tuple(7, Errors.UNKNOWN_TOPIC_OR_PARTITION.code()));
        assertThat(response.topics().get(1).partitions().get(0).errorCode()).isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
        OffsetFetchResponsePartitions p1 = fetchedByName(fetchOf(GROUP, named("t", 1))).partitions().get(0);
        assertThat(p1.committedOffset()).isEqualTo(offsetOf(1));
        assertThat(p1.committedLeaderEpoch()).isEqualTo(OffsetRequests.LEADER_EPOCH);
        assertThat(p1.metadata()).isEqualTo(OffsetRequests.metadataOf(1));
    }

    @Test
    void shouldCommitByTopicIdAndAnswerUnknownTopicIdFromVersion10() throws Exception {
        Uuid unknown = Uuid.randomUuid();

        OffsetCommitResponseData response = groups.commit((short) 10, standalone(GROUP, byId(t, 0, 5), byId(unknown, 0)));

        assertThat(response.topics()).extracting(OffsetCommitResponseTopic::topicId, OffsetCommitResponseTopic::name)
            .containsExactly(tuple(t, ""), tuple(unknown, ""));
        assertThat(response.topics().get(0).partitions()).extracting(OffsetCommitResponsePartition::errorCode)
            .containsExactly(Errors.NONE.code(), Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
        assertThat(response.topics().get(1).partitions().get(0).errorCode()).isEqualTo(Errors.UNKNOWN_TOPIC_ID.code());
        OffsetFetchResponseTopics fetched = groups.fetch((short) 10, fetchOf(GROUP, byId(t, 0))).groups().get(0)
            .topics().get(0);
        assertThat(fetched.topicId()).isEqualTo(t);
        assertThat(fetched.name()).isEmpty();
        assertThat(fetched.partitions().get(0).committedOffset()).isEqualTo(offsetOf(0));
    }

    @Test
    void shouldAnswerUnknownTopicIdForAnOffsetFetchOfATopicIdTheMetadataDoesNotKnow() throws Exception {
        Uuid unknown = Uuid.randomUuid();
        groups.commit((short) 10, standalone(GROUP, byId(t, 0)));

        OffsetFetchResponseGroup fetched = groups.fetch((short) 10, fetchOf(GROUP, byId(t, 0), byId(unknown, 2))).groups().get(0);

        assertThat(fetched.topics()).extracting(OffsetFetchResponseTopics::topicId).containsExactly(t, unknown);
        assertThat(fetched.topics().get(1).partitions()).extracting(OffsetFetchResponsePartitions::partitionIndex,
            OffsetFetchResponsePartitions::committedOffset, OffsetFetchResponsePartitions::errorCode)
            .containsExactly(tuple(2, -1L, Errors.UNKNOWN_TOPIC_ID.code()));
    }

    @Test
    void shouldRefuseCommitsOfAnOldGenerationAndOfUnknownMembers() throws Exception {
        GroupHandlers.Member member = groups.stableMember(GROUP);

        short current = commitError(commit(GROUP, member.generation(), member.id(), named("t", 0)));
        short stale = commitError(commit(GROUP, member.generation() - 1, member.id(), named("t", 0)));
        short unknown = commitError(commit(GROUP, member.generation(), "nobody", named("t", 0)));
        short standaloneWhileActive = commitError(standalone(GROUP, named("t", 0)));

        assertThat(current).isEqualTo(Errors.NONE.code());
        assertThat(stale).isEqualTo(Errors.ILLEGAL_GENERATION.code());
        assertThat(unknown).isEqualTo(Errors.UNKNOWN_MEMBER_ID.code());
        assertThat(standaloneWhileActive).isEqualTo(Errors.UNKNOWN_MEMBER_ID.code());
    }

    @Test
    void shouldFetchAllCommittedOffsetsWhenTheRequestNamesNoTopics() throws Exception {
        groups.commit((short) 9, standalone(GROUP, named("t", 0, 1)));

        OffsetFetchResponseGroup v8 = groups.fetch((short) 8, fetchAll(GROUP)).groups().get(0);
        OffsetFetchResponseData v7 = groups.fetch((short) 7, new OffsetFetchRequestData().setGroupId(GROUP).setTopics(null));

        assertThat(v8.errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(v8.topics()).extracting(OffsetFetchResponseTopics::name).containsExactly("t");
        assertThat(v8.topics().get(0).partitions()).extracting(OffsetFetchResponsePartitions::partitionIndex,
            OffsetFetchResponsePartitions::committedOffset).containsExactlyInAnyOrder(tuple(0, offsetOf(0)), tuple(1, offsetOf(1)));
        assertThat(v7.errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(v7.topics().get(0).partitions()).extracting(OffsetFetchResponsePartition::partitionIndex,
            OffsetFetchResponsePartition::committedOffset).containsExactlyInAnyOrder(tuple(0, offsetOf(0)), tuple(1, offsetOf(1)));
    }

    @Test
    void shouldAnswerMinusOneForPartitionsWithoutACommittedOffset() throws Exception {
        groups.commit((short) 9, standalone(GROUP, named("t", 0)));

        OffsetFetchResponseData v1 = groups.fetch((short) 1, new OffsetFetchRequestData().setGroupId(GROUP)
            .setTopics(List.of(new OffsetFetchRequestData.OffsetFetchRequestTopic().setName("t").setPartitionIndexes(List.of(0, 1)))));
        OffsetFetchResponsePartitions neverCommitted = fetchedByName(fetchOf("never-committed", named("t", 0)))
            .partitions().get(0);

        assertThat(v1.topics().get(0).partitions()).extracting(OffsetFetchResponsePartition::partitionIndex,
            OffsetFetchResponsePartition::committedOffset, OffsetFetchResponsePartition::errorCode)
            .containsExactly(tuple(0, offsetOf(0), Errors.NONE.code()), tuple(1, -1L, Errors.NONE.code()));
        assertThat(neverCommitted.committedOffset()).isEqualTo(-1);
        assertThat(neverCommitted.committedLeaderEpoch()).isEqualTo(-1);
        assertThat(neverCommitted.metadata()).isEmpty();
    }

    @Test
    void shouldFetchTheOffsetsOfSeveralGroupsInOneRequestFromVersion8() throws Exception {
        groups.commit((short) 9, standalone("g1", named("t", 0)));
        groups.commit((short) 9, standalone("g2", named("t", 1)));
        OffsetFetchRequestData request = new OffsetFetchRequestData().setGroups(List.of(
            fetchOf("g1", named("t", 0)).groups().get(0), fetchAll("g2").groups().get(0)));

        OffsetFetchResponseData response = groups.fetch((short) 8, request);

        assertThat(response.groups()).extracting(OffsetFetchResponseGroup::groupId).containsExactly("g1", "g2");
        assertThat(partitions(response.groups().get(0))).containsExactly(tuple("t", 0, offsetOf(0)));
        assertThat(partitions(response.groups().get(1))).containsExactly(tuple("t", 1, offsetOf(1)));
    }

    @Test
    void shouldRefuseToDeleteOffsetsOfATopicTheGroupSubscribesTo() throws Exception {
        groups.broker().createTopic("u", Map.of(0, List.of(0)));
        GroupHandlers.Member member = groups.stableMember(GROUP);
        groups.commit((short) 9, commit(GROUP, member.generation(), member.id(), named("t", 0), named("u", 0)));

        OffsetDeleteResponseData response = groups.deleteOffsets(new OffsetDeleteRequestData().setGroupId(GROUP)
            .setTopics(OffsetRequests.deleting(Map.of("t", 0, "u", 0, "nope", 0))));

        assertThat(response.errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(response.topics().find("t").partitions().find(0).errorCode()).isEqualTo(Errors.GROUP_SUBSCRIBED_TO_TOPIC.code());
        assertThat(response.topics().find("u").partitions().find(0).errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(response.topics().find("nope").partitions().find(0).errorCode()).isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
        assertThat(partitions(groups.fetch((short) 8, fetchAll(GROUP)).groups().get(0)))
            .as("the offsets of t stay, those of u are gone").containsExactly(tuple("t", 0, offsetOf(0)));
    }

    @Test
    void shouldAnswerGroupIdNotFoundWhenDeletingOffsetsOfAMissingGroup() throws Exception {
        OffsetDeleteResponseData response = groups.deleteOffsets(new OffsetDeleteRequestData().setGroupId("missing")
            .setTopics(OffsetRequests.deleting(Map.of("t", 0))));

        assertThat(response.errorCode()).isEqualTo(Errors.GROUP_ID_NOT_FOUND.code());
        assertThat(response.topics()).isEmpty();
    }

    private short commitError(OffsetCommitRequestData request) throws Exception {
        return groups.commit((short) 9, request).topics().get(0).partitions().get(0).errorCode();
    }

    private OffsetFetchResponseTopics fetchedByName(OffsetFetchRequestData request) throws Exception {
        OffsetFetchResponseGroup group = groups.fetch((short) 9, request).groups().get(0);
        assertThat(group.errorCode()).isEqualTo(Errors.NONE.code());
        return group.topics().get(0);
    }
}

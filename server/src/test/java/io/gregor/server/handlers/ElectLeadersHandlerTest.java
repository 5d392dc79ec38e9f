package io.gregor.server.handlers;

import static io.gregor.server.InMemoryBroker.answer;
import static org.assertj.core.api.Assertions.assertThat;

import io.gregor.metadata.PartitionState;
import io.gregor.server.InMemoryBroker;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.message.ElectLeadersRequestData;
import org.apache.kafka.common.message.ElectLeadersRequestData.TopicPartitions;
import org.apache.kafka.common.message.ElectLeadersRequestData.TopicPartitionsCollection;
import org.apache.kafka.common.message.ElectLeadersResponseData;
import org.apache.kafka.common.message.ElectLeadersResponseData.PartitionResult;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

class ElectLeadersHandlerTest {
    private static final byte PREFERRED = 0;
    private static final byte UNCLEAN = 1;

    @AutoClose
    private final InMemoryBroker broker = InMemoryBroker.of(3);

    @Test
    void shouldMoveLeadershipToThePreferredReplicaInANewLeaderEpoch() throws Exception {
        broker.createTopic("t", Map.of(0, List.of(1, 0)), Map.of(0, new PartitionState(0, 3, List.of(0, 1), 1, 5)));

        PartitionResult result = result(elect(PREFERRED, partitions("t", 0)));

        assertThat(result.errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(broker.partition("t", 0).state()).isEqualTo(new PartitionState(1, 4, List.of(0, 1), 1, 6));
    }

    @Test
    void shouldSayWhenAPreferredElectionIsNotNeededOrNotPossible() throws Exception {
        broker.createTopic("t", Map.of(0, List.of(0, 1), 1, List.of(2, 0)),
            Map.of(0, new PartitionState(0, 0, List.of(0, 1), 1, 0), 1, new PartitionState(0, 0, List.of(0), 1, 0)));

        ElectLeadersResponseData response = elect(PREFERRED, partitions("t", 0, 1, 7));

        List<PartitionResult> results = response.replicaElectionResults().get(0).partitionResult();
        assertThat(results).extracting(PartitionResult::errorCode).containsExactly(Errors.ELECTION_NOT_NEEDED.code(),
            Errors.PREFERRED_LEADER_NOT_AVAILABLE.code(), Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
        assertThat(broker.partition("t", 1).leader()).isZero();
    }

    @Test
    void shouldLeaveOutPartitionsThatNeedNoElectionWhenAskedForAll() throws Exception {
        broker.createTopic("t", Map.of(0, List.of(0, 1), 1, List.of(1, 0)),
            Map.of(0, new PartitionState(0, 0, List.of(0, 1), 1, 0), 1, new PartitionState(0, 0, List.of(0, 1), 1, 0)));

        ElectLeadersResponseData response = elect(PREFERRED, null);

        assertThat(response.replicaElectionResults()).hasSize(1);
        assertThat(response.replicaElectionResults().get(0).partitionResult()).extracting(PartitionResult::partitionId).containsExactly(1);
        assertThat(broker.partition("t", 1).leader()).isEqualTo(1);
    }

    @Test
    void shouldElectALiveReplicaUncleanlyOnlyWhenTheLeaderIsGone() throws Exception {
        broker.createTopic("t", Map.of(0, List.of(1, 2), 1, List.of(0, 2), 2, List.of(1)),
            Map.of(0, new PartitionState(1, 2, List.of(1), 1, 2), 1, new PartitionState(0, 0, List.of(0, 2), 1, 0),
                2, new PartitionState(1, 0, List.of(1), 1, 0)));
        broker.metadata.expireSession(1);

        ElectLeadersResponseData response = elect(UNCLEAN, partitions("t", 0, 1, 2));

        assertThat(response.replicaElectionResults().get(0).partitionResult()).extracting(PartitionResult::errorCode).containsExactly(
            Errors.NONE.code(), Errors.ELECTION_NOT_NEEDED.code(), Errors.ELIGIBLE_LEADERS_NOT_AVAILABLE.code());
        assertThat(broker.partition("t", 0).state()).isEqualTo(new PartitionState(2, 3, List.of(2), 1, 3));
    }

    @Test
    void shouldRefuseAnUnknownElectionType() throws Exception {
        broker.createTopic("t", Map.of(0, List.of(1, 0)), Map.of(0, new PartitionState(0, 0, List.of(0, 1), 1, 0)));

        ElectLeadersResponseData response = elect((byte) 2, partitions("t", 0));

        assertThat(response.errorCode()).isEqualTo(Errors.INVALID_REQUEST.code());
        assertThat(broker.partition("t", 0).leader()).isZero();
    }

    private ElectLeadersResponseData elect(byte type, TopicPartitionsCollection partitions) throws Exception {
        ElectLeadersRequestData request = new ElectLeadersRequestData().setElectionType(type).setTopicPartitions(partitions).setTimeoutMs(5_000);
        return answer(new ElectLeadersHandler(broker.partitionAdmin).handle(broker.latest(ApiKeys.ELECT_LEADERS), request),
            ElectLeadersResponseData.class);
    }

    private static PartitionResult result(ElectLeadersResponseData response) {
        assertThat(response.errorCode()).isEqualTo(Errors.NONE.code());
        return response.replicaElectionResults().get(0).partitionResult().get(0);
    }

    private static TopicPartitionsCollection partitions(String topic, Integer... partitions) {
        TopicPartitionsCollection out = new TopicPartitionsCollection();
        out.add(new TopicPartitions().setTopic(topic).setPartitions(new ArrayList<>(List.of(partitions))));
        return out;
    }
}

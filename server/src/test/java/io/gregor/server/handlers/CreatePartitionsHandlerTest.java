package io.gregor.server.handlers;

import static io.gregor.server.InMemoryBroker.answer;
import static org.assertj.core.api.Assertions.assertThat;

import io.gregor.server.InMemoryBroker;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.message.CreatePartitionsRequestData;
import org.apache.kafka.common.message.CreatePartitionsRequestData.CreatePartitionsAssignment;
import org.apache.kafka.common.message.CreatePartitionsRequestData.CreatePartitionsTopic;
import org.apache.kafka.common.message.CreatePartitionsResponseData;
import org.apache.kafka.common.message.CreatePartitionsResponseData.CreatePartitionsTopicResult;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CreatePartitionsHandlerTest {
    private InMemoryBroker broker;
    private CreatePartitionsHandler handler;

    @BeforeEach
    void start() throws Exception {
        broker = InMemoryBroker.start(3);
        broker.createTopic("orders", Map.of(0, List.of(0, 1), 1, List.of(1, 2)));
        handler = new CreatePartitionsHandler(broker.topicAdmin);
    }

    @AfterEach
    void close() {
        broker.close();
    }

    @Test
    void shouldGrowATopicKeepingItsReplicationFactorAndLeadingTheNewPartitions() throws Exception {
        CreatePartitionsTopicResult result = grow(topic("orders", 5, null)).results().get(0);

        assertThat(result.errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(broker.topic("orders").partitions()).hasSize(5);
        assertThat(broker.topic("orders").assignmentVersion()).isEqualTo(1);
        for (int p = 2; p < 5; p++) {
            assertThat(broker.partition("orders", p).replicas()).hasSize(2).doesNotHaveDuplicates();
            assertThat(broker.partition("orders", p).hasLeader()).isTrue();
        }
        assertThat(broker.partition("orders", 0).replicas()).containsExactly(0, 1);
    }

    @Test
    void shouldUseExplicitAssignmentsOfTheNewPartitions() throws Exception {
        CreatePartitionsTopicResult result = grow(topic("orders", 3, List.of(List.of(2, 0)))).results().get(0);

        assertThat(result.errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(broker.partition("orders", 2).replicas()).containsExactly(2, 0);
        assertThat(broker.partition("orders", 2).leader()).isEqualTo(2);
    }

    @Test
    void shouldRefuseToShrinkOrKeepThePartitionCount() throws Exception {
        CreatePartitionsResponseData response = grow(topic("orders", 1, null));
        assertThat(response.results().get(0).errorCode()).isEqualTo(Errors.INVALID_PARTITIONS.code());
        assertThat(response.results().get(0).errorMessage()).contains("higher than the requested 1");

        assertThat(grow(topic("orders", 2, null)).results().get(0).errorMessage()).isEqualTo("Topic already has 2 partitions.");
        assertThat(broker.topic("orders").partitions()).hasSize(2);
    }

    @Test
    void shouldRefuseAssignmentsThatDoNotMatchTheNewPartitionsOrTheReplicationFactor() throws Exception {
        CreatePartitionsResponseData tooFew = grow(topic("orders", 4, List.of(List.of(0, 1))));
        CreatePartitionsResponseData otherFactor = grow(topic("orders", 3, List.of(List.of(0, 1, 2))));
        CreatePartitionsResponseData unknownBroker = grow(topic("orders", 3, List.of(List.of(0, 9))));

        assertThat(tooFew.results().get(0).errorCode()).isEqualTo(Errors.INVALID_REPLICA_ASSIGNMENT.code());
        assertThat(otherFactor.results().get(0).errorCode()).isEqualTo(Errors.INVALID_REPLICA_ASSIGNMENT.code());
        assertThat(otherFactor.results().get(0).errorMessage()).contains("Inconsistent replication factor");
        assertThat(unknownBroker.results().get(0).errorCode()).isEqualTo(Errors.INVALID_REPLICA_ASSIGNMENT.code());
        assertThat(broker.topic("orders").partitions()).hasSize(2);
    }

    @Test
    void shouldReportAnUnknownTopicAndATopicNamedTwice() throws Exception {
        CreatePartitionsRequestData request = new CreatePartitionsRequestData().setTimeoutMs(5_000);
        request.topics().add(topic("nope", 3, null));
        request.topics().add(topic("orders", 3, null));
        request.topics().add(topic("orders", 4, null));

        CreatePartitionsResponseData response = grow(request);

        assertThat(response.results()).extracting(CreatePartitionsTopicResult::errorCode).containsExactly(
            Errors.UNKNOWN_TOPIC_OR_PARTITION.code(), Errors.NONE.code(), Errors.INVALID_REQUEST.code());
        assertThat(broker.topic("orders").partitions()).hasSize(3);
    }

    @Test
    void shouldOnlyValidateWhenAskedTo() throws Exception {
        CreatePartitionsRequestData request = new CreatePartitionsRequestData().setTimeoutMs(5_000).setValidateOnly(true);
        request.topics().add(topic("orders", 6, null));

        assertThat(grow(request).results().get(0).errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(broker.topic("orders").partitions()).hasSize(2);
    }

    private CreatePartitionsResponseData grow(CreatePartitionsTopic topic) throws Exception {
        CreatePartitionsRequestData request = new CreatePartitionsRequestData().setTimeoutMs(5_000);
        request.topics().add(topic);
        return grow(request);
    }

    private CreatePartitionsResponseData grow(CreatePartitionsRequestData request) throws Exception {
        return answer(handler.handle(broker.latest(ApiKeys.CREATE_PARTITIONS), request), CreatePartitionsResponseData.class);
    }

    private static CreatePartitionsTopic topic(String name, int count, List<List<Integer>> assignments) {
        CreatePartitionsTopic topic = new CreatePartitionsTopic().setName(name).setCount(count);
        if (assignments != null) {
            List<CreatePartitionsAssignment> list = new ArrayList<>();
            assignments.forEach(a -> list.add(new CreatePartitionsAssignment().setBrokerIds(a)));
            topic.setAssignments(list);
        } else {
            topic.setAssignments(null);
        }
        return topic;
    }
}

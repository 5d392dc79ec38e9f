package io.gregor.server.handlers;

import static io.gregor.server.InMemoryBroker.answer;
import static org.assertj.core.api.Assertions.assertThat;

import io.gregor.metadata.PartitionImage;
import io.gregor.metadata.PartitionState;
import io.gregor.metadata.store.TopicStore;
import io.gregor.server.InMemoryBroker;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.message.AlterPartitionReassignmentsRequestData;
import org.apache.kafka.common.message.AlterPartitionReassignmentsRequestData.ReassignablePartition;
import org.apache.kafka.common.message.AlterPartitionReassignmentsRequestData.ReassignableTopic;
import org.apache.kafka.common.message.AlterPartitionReassignmentsResponseData;
import org.apache.kafka.common.message.AlterPartitionReassignmentsResponseData.ReassignablePartitionResponse;
import org.apache.kafka.common.message.ListPartitionReassignmentsRequestData;
import org.apache.kafka.common.message.ListPartitionReassignmentsRequestData.ListPartitionReassignmentsTopics;
import org.apache.kafka.common.message.ListPartitionReassignmentsResponseData;
import org.apache.kafka.common.message.ListPartitionReassignmentsResponseData.OngoingPartitionReassignment;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** AlterPartitionReassignments and ListPartitionReassignments, and the controller completing a reassignment. */
class PartitionReassignmentsHandlersTest {
    private InMemoryBroker broker;

    @BeforeEach
    void start() throws Exception {
        broker = InMemoryBroker.start(4);
        broker.createTopic("t", Map.of(0, List.of(0, 1), 1, List.of(1, 2)));
    }

    @AfterEach
    void close() {
        broker.close();
    }

    @Test
    void shouldRecordAReassignmentAndListItWithTheAddingAndRemovingReplicas() throws Exception {
        ReassignablePartitionResponse result = alter(1, move("t", 0, 2, 1)).get(0);

        assertThat(result.errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(result.errorMessage()).isNull();
        List<OngoingPartitionReassignment> ongoing = list(null);
        assertThat(ongoing).hasSize(1);
        assertThat(ongoing.get(0).partitionIndex()).isZero();
        assertThat(ongoing.get(0).replicas()).containsExactly(2, 1, 0);
        assertThat(ongoing.get(0).addingReplicas()).containsExactly(2);
        assertThat(ongoing.get(0).removingReplicas()).containsExactly(0);
        assertThat(broker.partition("t", 0).leader()).as("nothing moves until the new replica is in sync").isZero();
    }

    @Test
    void shouldListOnlyTheRequestedPartitions() throws Exception {
        alter(1, move("t", 0, 2, 1), move("t", 1, 3, 2));

        List<OngoingPartitionReassignment> only = list(List.of(new ListPartitionReassignmentsTopics().setName("t").setPartitionIndexes(List.of(1))));

        assertThat(only).extracting(OngoingPartitionReassignment::partitionIndex).containsExactly(1);
        assertThat(list(null)).hasSize(2);
    }

    @Test
    void shouldCancelAReassignmentRestoringTheOriginalReplicas() throws Exception {
        alter(1, move("t", 0, 2, 3));

        ReassignablePartitionResponse cancelled = alter(1, cancel("t", 0)).get(0);

        assertThat(cancelled.errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(list(null)).isEmpty();
        assertThat(broker.partition("t", 0).replicas()).containsExactly(0, 1);
        assertThat(alter(1, cancel("t", 0)).get(0).errorCode()).isEqualTo(Errors.NO_REASSIGNMENT_IN_PROGRESS.code());
    }

    @Test
    void shouldRefuseAReplicationFactorChangeUnlessAllowed() throws Exception {
        AlterPartitionReassignmentsRequestData refused = request(move("t", 0, 0, 1, 2)).setAllowReplicationFactorChange(false);

        assertThat(alter(1, refused).get(0).errorCode()).isEqualTo(Errors.INVALID_REPLICATION_FACTOR.code());
        assertThat(list(null)).isEmpty();
        assertThat(alter(0, move("t", 0, 0, 1, 2)).get(0).errorCode()).as("version 0 always allows it").isEqualTo(Errors.NONE.code());
    }

    @Test
    void shouldRefuseUnknownBrokersDuplicatesEmptyListsAndUnknownPartitions() throws Exception {
        List<ReassignablePartitionResponse> results = alter(1, move("t", 0, 0, 9), move("t", 1, 2, 2), move("t", 5, 0, 1));
        ReassignablePartitionResponse empty = alter(1, move("t", 0)).get(0);
        ReassignablePartitionResponse unknownTopic = alter(1, move("nope", 0, 0, 1)).get(0);

        assertThat(results).extracting(ReassignablePartitionResponse::errorCode).containsExactly(Errors.INVALID_REPLICA_ASSIGNMENT.code(),
            Errors.INVALID_REPLICA_ASSIGNMENT.code(), Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
        assertThat(results.get(0).errorMessage()).isEqualTo("Broker 9 is not registered.");
        assertThat(empty.errorCode()).isEqualTo(Errors.INVALID_REPLICA_ASSIGNMENT.code());
        assertThat(unknownTopic.errorCode()).isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
        assertThat(list(null)).isEmpty();
    }

    @Test
    void shouldBeCompletedByTheControllerOnceTheNewReplicaIsInSync() throws Exception {
        broker.startController();
        alter(1, move("t", 0, 2, 1));
        PartitionImage moving = broker.partition("t", 0);

        // The leader adds the caught-up replica to the ISR, as its IsrWriter does.
        broker.metadata.updatePartitionState("t", 0, moving.state().withIsr(List.of(0, 1, 2)), moving.stateVersion(), TopicStore.UNFENCED);

        PartitionImage done = broker.await(i -> !i.topic("t").partition(0).isReassigning()).topic("t").partition(0);
        assertThat(done.replicas()).containsExactly(2, 1);
        assertThat(done.state()).isEqualTo(new PartitionState(2, 1, List.of(1, 2), 1, 2));
        assertThat(list(null)).isEmpty();
    }

    private List<ReassignablePartitionResponse> alter(int version, ReassignableTopic... topics) throws Exception {
        return alter(version, request(topics));
    }

    private List<ReassignablePartitionResponse> alter(int version, AlterPartitionReassignmentsRequestData request) throws Exception {
        AlterPartitionReassignmentsResponseData response = answer(new AlterPartitionReassignmentsHandler(broker.partitionAdmin)
            .handle(broker.context(ApiKeys.ALTER_PARTITION_REASSIGNMENTS, (short) version), request), AlterPartitionReassignmentsResponseData.class);
        assertThat(response.errorCode()).isEqualTo(Errors.NONE.code());
        List<ReassignablePartitionResponse> out = new ArrayList<>();
        response.responses().forEach(t -> out.addAll(t.partitions()));
        return out;
    }

    private List<OngoingPartitionReassignment> list(List<ListPartitionReassignmentsTopics> topics) throws Exception {
        ListPartitionReassignmentsResponseData response = answer(new ListPartitionReassignmentsHandler(broker.partitionAdmin)
            .handle(broker.latest(ApiKeys.LIST_PARTITION_REASSIGNMENTS), new ListPartitionReassignmentsRequestData().setTopics(topics)),
            ListPartitionReassignmentsResponseData.class);
        List<OngoingPartitionReassignment> out = new ArrayList<>();
        response.topics().forEach(t -> out.addAll(t.partitions()));
        return out;
    }

    private static AlterPartitionReassignmentsRequestData request(ReassignableTopic... topics) {
        return new AlterPartitionReassignmentsRequestData().setTimeoutMs(5_000).setTopics(new ArrayList<>(Arrays.asList(topics)));
    }

    private static ReassignableTopic move(String topic, int partition, Integer... replicas) {
        return new ReassignableTopic().setName(topic)
            .setPartitions(List.of(new ReassignablePartition().setPartitionIndex(partition).setReplicas(new ArrayList<>(List.of(replicas)))));
    }

    private static ReassignableTopic cancel(String topic, int partition) {
        return new ReassignableTopic().setName(topic).setPartitions(List.of(new ReassignablePartition().setPartitionIndex(partition).setReplicas(null)));
    }
}

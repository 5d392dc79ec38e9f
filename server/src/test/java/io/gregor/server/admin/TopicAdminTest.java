package io.gregor.server.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.gregor.common.Futures;
import io.gregor.server.InMemoryBroker;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.errors.InvalidPartitionsException;
import org.apache.kafka.common.errors.InvalidReplicaAssignmentException;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/** TopicAdmin's validation rules, with the Kafka errors they map to. */
class TopicAdminTest {
    @AutoClose
    private final InMemoryBroker broker = InMemoryBroker.of(4);
    private final TopicAdmin admin = broker.topicAdmin;

    @Test
    void shouldPutTheReplicasOfEachPartitionOnDifferentRacks() {
        Map<Integer, List<Integer>> assignment = admin.validate(spec("racked", 8, 2));

        assertThat(assignment).hasSize(8);
        // Brokers 0 and 2 are on rack0, 1 and 3 on rack1.
        assertThat(assignment.values()).allSatisfy(r -> assertThat(r.get(0) % 2).isNotEqualTo(r.get(1) % 2));
    }

    @Test
    void shouldRefuseInvalidSpecsWithTheirKafkaErrors() throws Exception {
        broker.createTopic("taken.name", Map.of(0, List.of(0)));

        assertThat(error(spec("taken.name", 1, 1))).isInstanceOf(TopicExistsException.class);
        assertThat(error(spec("taken_name", 1, 1))).isInstanceOf(InvalidTopicException.class);
        assertThat(error(spec("", 1, 1))).isInstanceOf(InvalidTopicException.class);
        assertThat(error(spec("t", 0, 1))).isInstanceOf(InvalidPartitionsException.class);
        assertThat(error(spec("t", 1, 0))).isInstanceOf(InvalidReplicationFactorException.class);
        assertThat(error(spec("t", 1, 5))).isInstanceOf(InvalidReplicationFactorException.class);
        assertThat(error(new TopicAdmin.TopicSpec("t", -1, (short) -1, Map.of(0, List.of(0), 1, List.of()), Map.of())))
            .isInstanceOf(InvalidReplicaAssignmentException.class).hasMessageContaining("empty replica list");
    }

    @Test
    void shouldRefuseToGrowATopicMarkedForDeletion() throws Exception {
        broker.createTopic("going", Map.of(0, List.of(0)));
        broker.metadata.markTopicForDeletion("going");

        assertThat(failure(admin.createPartitions("going", 2, null, false, 1_000))).isInstanceOf(UnknownTopicOrPartitionException.class);
        assertThat(broker.topic("going").partitions()).hasSize(1);
    }

    @Test
    void shouldFindTheKafkaErrorInsideTheExceptionsFuturesWrapItIn() {
        TopicExistsException cause = new TopicExistsException("Topic 't' already exists.");
        Throwable wrapped = new ExecutionException(new CompletionException(cause));

        assertThat(TopicAdmin.errorOf(wrapped)).isEqualTo(Errors.TOPIC_ALREADY_EXISTS);
        assertThat(TopicAdmin.messageOf(wrapped)).isEqualTo("Topic 't' already exists.");
        assertThat(TopicAdmin.errorOf(new IllegalStateException("bug"))).isEqualTo(Errors.UNKNOWN_SERVER_ERROR);
    }

    @Test
    void shouldKnowTheNamesOfExistingTopics() throws Exception {
        broker.createTopic("a", Map.of(0, List.of(0)));
        admin.createTopic(spec("b", 1, 1), false, 1_000).get(10, TimeUnit.SECONDS);

        assertThat(admin.topicNames()).containsExactlyInAnyOrder("a", "b");
    }

    private Throwable error(TopicAdmin.TopicSpec spec) {
        return catchThrowable(() -> admin.validate(spec));
    }

    private static Throwable failure(CompletableFuture<?> future) {
        assertThatThrownBy(() -> future.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class);
        return future.handle((v, e) -> Futures.unwrap(e)).join();
    }

    private static TopicAdmin.TopicSpec spec(String name, int partitions, int replicationFactor) {
        return new TopicAdmin.TopicSpec(name, partitions, (short) replicationFactor, Map.of(), Map.of());
    }
}

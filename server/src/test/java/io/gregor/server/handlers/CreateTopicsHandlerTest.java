package io.gregor.server.handlers;

import static io.gregor.server.InMemoryBroker.answer;
import static org.assertj.core.api.Assertions.assertThat;

import io.gregor.metadata.PartitionImage;
import io.gregor.metadata.TopicImage;
import io.gregor.server.InMemoryBroker;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableReplicaAssignment;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableTopic;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableTopicConfig;
import org.apache.kafka.common.message.CreateTopicsResponseData;
import org.apache.kafka.common.message.CreateTopicsResponseData.CreatableTopicConfigs;
import org.apache.kafka.common.message.CreateTopicsResponseData.CreatableTopicResult;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.DescribeConfigsResponse.ConfigSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CreateTopicsHandlerTest {
    private InMemoryBroker broker;
    private CreateTopicsHandler handler;

    @BeforeEach
    void start() throws Exception {
        broker = InMemoryBroker.start(3, "num.partitions", "4", "log.retention.hours", "24");
        handler = new CreateTopicsHandler(broker.topicAdmin, broker.metadata, broker.describer);
    }

    @AfterEach
    void close() {
        broker.close();
    }

    @Test
    void shouldCreateATopicWithLeadersOnLiveReplicasAndAnswerWithItsId() throws Exception {
        CreatableTopicResult result = create(topic("orders", 3, 2)).topics().find("orders");

        assertThat(result.errorCode()).isEqualTo(Errors.NONE.code());
        TopicImage topic = broker.topic("orders");
        assertThat(result.topicId()).isEqualTo(topic.id());
        assertThat(result.numPartitions()).isEqualTo(3);
        assertThat(result.replicationFactor()).isEqualTo((short) 2);
        assertThat(topic.partitions().values()).hasSize(3).allSatisfy(p -> {
            assertThat(p.replicas()).hasSize(2).doesNotHaveDuplicates();
            assertThat(p.leader()).isEqualTo(p.replicas().get(0));
            assertThat(p.isr()).isEqualTo(p.replicas());
        });
    }

    @Test
    void shouldUseTheBrokerDefaultsForMissingPartitionsAndReplicationFactor() throws Exception {
        CreatableTopicResult result = create(topic("defaults", -1, -1)).topics().find("defaults");

        assertThat(result.numPartitions()).isEqualTo(4);
        assertThat(result.replicationFactor()).isEqualTo((short) 1);
        assertThat(broker.topic("defaults").partitions()).hasSize(4);
    }

    @Test
    void shouldOnlyValidateWhenAskedTo() throws Exception {
        CreateTopicsRequestData request = request(topic("dry", 2, 3)).setValidateOnly(true);

        CreatableTopicResult result = create(request).topics().find("dry");

        assertThat(result.errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(result.topicId()).isEqualTo(Uuid.ZERO_UUID);
        assertThat(result.numPartitions()).isEqualTo(2);
        assertThat(result.replicationFactor()).isEqualTo((short) 3);
        assertThat(broker.topic("dry")).isNull();
    }

    @Test
    void shouldStoreConfigOverridesAndDescribeTheEffectiveConfigsFromVersion5() throws Exception {
        CreatableTopic compacted = topic("compacted", 1, 1);
        compacted.configs().add(new CreatableTopicConfig().setName("cleanup.policy").setValue("compact"));

        CreatableTopicResult result = create(request(compacted), 7).topics().find("compacted");

        assertThat(broker.topic("compacted").configs()).containsExactly(Map.entry("cleanup.policy", "compact"));
        CreatableTopicConfigs policy = result.configs().stream().filter(c -> c.name().equals("cleanup.policy")).findFirst().orElseThrow();
        assertThat(policy.value()).isEqualTo("compact");
        assertThat(policy.configSource()).isEqualTo(ConfigSource.TOPIC_CONFIG.id());
        CreatableTopicConfigs retention = result.configs().stream().filter(c -> c.name().equals("retention.ms")).findFirst().orElseThrow();
        assertThat(retention.value()).isEqualTo(Long.toString(24 * 3_600_000L));
        assertThat(retention.configSource()).isEqualTo(ConfigSource.STATIC_BROKER_CONFIG.id());
        assertThat(create(request(topic("old", 1, 1)), 4).topics().find("old").configs()).isEmpty();
    }

    @Test
    void shouldRefuseAnUnknownOrInvalidConfig() throws Exception {
        CreatableTopic unknown = topic("unknown", 1, 1);
        unknown.configs().add(new CreatableTopicConfig().setName("no.such.config").setValue("1"));
        CreatableTopic invalid = topic("invalid", 1, 1);
        invalid.configs().add(new CreatableTopicConfig().setName("retention.ms").setValue("soon"));

        CreateTopicsResponseData response = create(request(unknown, invalid));

        assertThat(response.topics().find("unknown").errorCode()).isEqualTo(Errors.INVALID_CONFIG.code());
        assertThat(response.topics().find("invalid").errorCode()).isEqualTo(Errors.INVALID_CONFIG.code());
        assertThat(broker.image().topics()).isEmpty();
    }

    @Test
    void shouldCreateATopicWithAnExplicitAssignment() throws Exception {
        CreatableTopic assigned = topic("assigned", -1, -1);
        assigned.assignments().add(new CreatableReplicaAssignment().setPartitionIndex(0).setBrokerIds(List.of(2, 0)));
        assigned.assignments().add(new CreatableReplicaAssignment().setPartitionIndex(1).setBrokerIds(List.of(0, 1)));

        CreatableTopicResult result = create(request(assigned)).topics().find("assigned");

        assertThat(result.errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(result.replicationFactor()).isEqualTo((short) 2);
        PartitionImage p0 = broker.partition("assigned", 0);
        assertThat(p0.replicas()).containsExactly(2, 0);
        assertThat(p0.leader()).isEqualTo(2);
        assertThat(broker.partition("assigned", 1).replicas()).containsExactly(0, 1);
    }

    @Test
    void shouldRefuseAssignmentsWithUnknownBrokersDuplicatesGapsOrTogetherWithACount() throws Exception {
        CreatableTopic unknownBroker = assigned("unknown-broker", Map.of(0, List.of(0, 7)));
        CreatableTopic duplicate = assigned("duplicate", Map.of(0, List.of(1, 1)));
        CreatableTopic gap = assigned("gap", Map.of(0, List.of(0), 2, List.of(1)));
        CreatableTopic uneven = assigned("uneven", Map.of(0, List.of(0), 1, List.of(1, 2)));
        CreatableTopic both = assigned("both", Map.of(0, List.of(0))).setNumPartitions(1);

        CreateTopicsResponseData response = create(request(unknownBroker, duplicate, gap, uneven, both));

        assertThat(response.topics().find("unknown-broker").errorCode()).isEqualTo(Errors.INVALID_REPLICA_ASSIGNMENT.code());
        assertThat(response.topics().find("duplicate").errorCode()).isEqualTo(Errors.INVALID_REPLICA_ASSIGNMENT.code());
        assertThat(response.topics().find("gap").errorCode()).isEqualTo(Errors.INVALID_REPLICA_ASSIGNMENT.code());
        assertThat(response.topics().find("uneven").errorCode()).isEqualTo(Errors.INVALID_REPLICA_ASSIGNMENT.code());
        assertThat(response.topics().find("both").errorCode()).isEqualTo(Errors.INVALID_REQUEST.code());
        assertThat(broker.image().topics()).isEmpty();
    }

    @Test
    void shouldRefuseAReplicationFactorAboveTheLiveBrokers() throws Exception {
        CreatableTopicResult result = create(topic("wide", 1, 4)).topics().find("wide");

        assertThat(result.errorCode()).isEqualTo(Errors.INVALID_REPLICATION_FACTOR.code());
        assertThat(result.errorMessage()).contains("only 3 broker(s) are registered");
        assertThat(result.topicId()).isEqualTo(Uuid.ZERO_UUID);
    }

    @Test
    void shouldRefuseNonPositivePartitionsAndReplicationFactors() throws Exception {
        CreateTopicsResponseData response = create(request(topic("no-partitions", 0, 1), topic("no-replicas", 1, 0)));

        assertThat(response.topics().find("no-partitions").errorCode()).isEqualTo(Errors.INVALID_PARTITIONS.code());
        assertThat(response.topics().find("no-replicas").errorCode()).isEqualTo(Errors.INVALID_REPLICATION_FACTOR.code());
    }

    @Test
    void shouldRefuseInvalidNamesAndNamesCollidingWithAnExistingTopic() throws Exception {
        broker.createTopic("metrics.cpu", Map.of(0, List.of(0)));

        CreateTopicsResponseData response = create(request(topic("bad name", 1, 1), topic("..", 1, 1), topic("a".repeat(250), 1, 1),
            topic("metrics_cpu", 1, 1)));

        assertThat(response.topics()).allSatisfy(t -> assertThat(t.errorCode()).isEqualTo(Errors.INVALID_TOPIC_EXCEPTION.code()));
        assertThat(response.topics().find("metrics_cpu").errorMessage()).contains("collides with existing topic: metrics.cpu");
        assertThat(broker.image().topics()).containsOnlyKeys("metrics.cpu");
    }

    @Test
    void shouldRefuseATopicThatExists() throws Exception {
        broker.createTopic("orders", Map.of(0, List.of(0)));

        CreatableTopicResult result = create(topic("orders", 1, 1)).topics().find("orders");

        assertThat(result.errorCode()).isEqualTo(Errors.TOPIC_ALREADY_EXISTS.code());
        assertThat(result.errorMessage()).isEqualTo("Topic 'orders' already exists.");
    }

    @Test
    void shouldRefuseATopicNamedTwiceInOneRequestButCreateTheOthers() throws Exception {
        CreateTopicsResponseData response = create(request(topic("twice", 1, 1), topic("once", 1, 1), topic("twice", 2, 1)));

        assertThat(response.topics()).hasSize(2);
        assertThat(response.topics().find("twice").errorCode()).isEqualTo(Errors.INVALID_REQUEST.code());
        assertThat(response.topics().find("twice").errorMessage()).contains("test-client").contains("multiple entries");
        assertThat(response.topics().find("once").errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(broker.image().topics()).containsOnlyKeys("once");
    }

    private CreateTopicsResponseData create(CreatableTopic topic) throws Exception {
        return create(request(topic));
    }

    private CreateTopicsResponseData create(CreateTopicsRequestData request) throws Exception {
        return create(request, ApiKeys.CREATE_TOPICS.latestVersion(false));
    }

    private CreateTopicsResponseData create(CreateTopicsRequestData request, int version) throws Exception {
        return answer(handler.handle(broker.context(ApiKeys.CREATE_TOPICS, (short) version), request), CreateTopicsResponseData.class);
    }

    private static CreateTopicsRequestData request(CreatableTopic... topics) {
        CreateTopicsRequestData request = new CreateTopicsRequestData().setTimeoutMs(5_000);
        for (CreatableTopic t : topics) {
            request.topics().mustAdd(t);
        }
        return request;
    }

    private static CreatableTopic topic(String name, int partitions, int replicationFactor) {
        return new CreatableTopic().setName(name).setNumPartitions(partitions).setReplicationFactor((short) replicationFactor);
    }

    private static CreatableTopic assigned(String name, Map<Integer, List<Integer>> assignment) {
        CreatableTopic topic = topic(name, -1, -1);
        assignment.forEach((p, brokers) -> topic.assignments().add(new CreatableReplicaAssignment().setPartitionIndex(p).setBrokerIds(brokers)));
        return topic;
    }
}

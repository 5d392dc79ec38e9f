package io.gregor.server.handlers;

import static io.gregor.server.InMemoryBroker.answer;
import static org.assertj.core.api.Assertions.assertThat;

import io.gregor.server.InMemoryBroker;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataRequestData.MetadataRequestTopic;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponsePartition;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponseTopic;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MetadataHandlerTest {
    private InMemoryBroker broker;

    @AfterEach
    void close() {
        broker.close();
    }

    @Test
    void shouldDescribeBrokersControllerClusterAndTopicsWithLeadersAndIsrs() throws Exception {
        broker = InMemoryBroker.start(3);
        broker.metadata.registerController(2, 0);
        Uuid id = broker.createTopic("orders", Map.of(0, List.of(1, 2), 1, List.of(2, 0)));

        MetadataResponseData response = metadata(all(), 12);

        assertThat(response.clusterId()).isEqualTo(InMemoryBroker.CLUSTER_ID);
        assertThat(response.controllerId()).isEqualTo(2);
        assertThat(response.brokers()).hasSize(3);
        assertThat(response.brokers().find(1).host()).isEqualTo("broker1");
        assertThat(response.brokers().find(1).port()).isEqualTo(9093);
        assertThat(response.brokers().find(1).rack()).isEqualTo("rack1");
        MetadataResponseTopic topic = response.topics().find("orders");
        assertThat(topic.topicId()).isEqualTo(id);
        assertThat(topic.errorCode()).isZero();
        assertThat(topic.isInternal()).isFalse();
        MetadataResponsePartition p1 = topic.partitions().stream().filter(p -> p.partitionIndex() == 1).findFirst().orElseThrow();
        assertThat(p1.leaderId()).isEqualTo(2);
        assertThat(p1.leaderEpoch()).isZero();
        assertThat(p1.replicaNodes()).containsExactly(2, 0);
        assertThat(p1.isrNodes()).containsExactly(2, 0);
        assertThat(p1.offlineReplicas()).isEmpty();
    }

    @Test
    void shouldCreateAnUnknownTopicWhenAutoCreationIsOnAndAnswerWithItsLeader() throws Exception {
        broker = InMemoryBroker.start(3, "num.partitions", "2", "default.replication.factor", "2");

        MetadataResponseData response = metadata(topics("fresh").setAllowAutoTopicCreation(true), 12);

        MetadataResponseTopic topic = response.topics().find("fresh");
        assertThat(topic.errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(topic.topicId()).isNotEqualTo(Uuid.ZERO_UUID).isEqualTo(broker.topic("fresh").id());
        assertThat(topic.partitions()).hasSize(2).allSatisfy(p -> {
            assertThat(p.leaderId()).isEqualTo(p.replicaNodes().get(0));
            assertThat(p.replicaNodes()).hasSize(2);
        });
    }

    @Test
    void shouldNotCreateATopicWhenTheRequestDoesNotAllowIt() throws Exception {
        broker = InMemoryBroker.start(1);

        MetadataResponseData response = metadata(topics("fresh").setAllowAutoTopicCreation(false), 12);

        assertThat(response.topics().find("fresh").errorCode()).isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
        assertThat(response.topics().find("fresh").topicId()).isEqualTo(Uuid.ZERO_UUID);
        assertThat(broker.topic("fresh")).isNull();
    }

    @Test
    void shouldNotCreateATopicWhenAutoCreationIsOffEvenIfTheRequestAllowsIt() throws Exception {
        broker = InMemoryBroker.start(1, "auto.create.topics.enable", "false");

        MetadataResponseData response = metadata(topics("fresh").setAllowAutoTopicCreation(true), 3);

        assertThat(response.topics().find("fresh").errorCode()).isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
        assertThat(broker.topic("fresh")).isNull();
    }

    @Test
    void shouldCreateTopicsForRequestsBeforeVersion4WhichCannotOptOut() throws Exception {
        broker = InMemoryBroker.start(1);

        MetadataResponseData response = metadata(topics("legacy").setAllowAutoTopicCreation(false), 3);

        assertThat(response.topics().find("legacy").errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(broker.topic("legacy")).isNotNull();
    }

    @Test
    void shouldReportAnInvalidTopicNameWithoutCreatingIt() throws Exception {
        broker = InMemoryBroker.start(1);

        MetadataResponseData response = metadata(topics("bad/name").setAllowAutoTopicCreation(true), 12);

        assertThat(response.topics().find("bad/name").errorCode()).isEqualTo(Errors.INVALID_TOPIC_EXCEPTION.code());
        assertThat(broker.image().topics()).isEmpty();
    }

    @Test
    void shouldLookUpTopicsByIdAndReportUnknownIds() throws Exception {
        broker = InMemoryBroker.start(1);
        Uuid id = broker.createTopic("orders", Map.of(0, List.of(0)));
        Uuid unknown = Uuid.randomUuid();
        List<MetadataRequestTopic> byId = new ArrayList<>();
        byId.add(new MetadataRequestTopic().setTopicId(id).setName(null));
        byId.add(new MetadataRequestTopic().setTopicId(unknown).setName(null));

        MetadataResponseData response = metadata(new MetadataRequestData().setTopics(byId).setAllowAutoTopicCreation(false), 12);

        assertThat(response.topics()).hasSize(2);
        MetadataResponseTopic known = response.topics().stream().filter(t -> id.equals(t.topicId())).findFirst().orElseThrow();
        assertThat(known.name()).isEqualTo("orders");
        MetadataResponseTopic missing = response.topics().stream().filter(t -> unknown.equals(t.topicId())).findFirst().orElseThrow();
        assertThat(missing.errorCode()).isEqualTo(Errors.UNKNOWN_TOPIC_ID.code());
        assertThat(missing.name()).isNull();
    }

    @Test
    void shouldReportAPartitionWhoseLeaderIsDeadAsLeaderNotAvailableWithItsOfflineReplicas() throws Exception {
        broker = InMemoryBroker.start(3);
        broker.createTopic("orders", Map.of(0, List.of(1, 2, 0)));
        broker.metadata.expireSession(1);

        MetadataResponsePartition p = metadata(topics("orders"), 12).topics().find("orders").partitions().get(0);

        assertThat(p.errorCode()).isEqualTo(Errors.LEADER_NOT_AVAILABLE.code());
        assertThat(p.leaderId()).isEqualTo(-1);
        assertThat(p.offlineReplicas()).containsExactly(1);
        assertThat(p.isrNodes()).containsExactly(1, 2, 0);
    }

    @Test
    void shouldHideTopicsMarkedForDeletion() throws Exception {
        broker = InMemoryBroker.start(1);
        broker.createTopic("going", Map.of(0, List.of(0)));
        broker.createTopic("staying", Map.of(0, List.of(0)));
        broker.metadata.markTopicForDeletion("going");

        assertThat(metadata(all(), 12).topics()).extracting(MetadataResponseTopic::name).containsExactly("staying");
        assertThat(metadata(topics("going").setAllowAutoTopicCreation(false), 12).topics().find("going").errorCode())
            .isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
    }

    @Test
    void shouldTreatAnEmptyTopicListAsAllTopicsOnlyInVersion0() throws Exception {
        broker = InMemoryBroker.start(1);
        broker.createTopic("orders", Map.of(0, List.of(0)));

        assertThat(metadata(new MetadataRequestData().setTopics(new ArrayList<>()), 0).topics()).hasSize(1);
        assertThat(metadata(new MetadataRequestData().setTopics(new ArrayList<>()), 1).topics()).isEmpty();
    }

    private MetadataResponseData metadata(MetadataRequestData request, int version) throws Exception {
        MetadataHandler handler = new MetadataHandler(broker.metadata, broker.topicAdmin, broker.config);
        return answer(handler.handle(broker.context(ApiKeys.METADATA, (short) version), request), MetadataResponseData.class);
    }

    private static MetadataRequestData all() {
        return new MetadataRequestData().setTopics(null);
    }

    private static MetadataRequestData topics(String... names) {
        List<MetadataRequestTopic> topics = new ArrayList<>();
        for (String name : names) {
            topics.add(new MetadataRequestTopic().setName(name).setTopicId(Uuid.ZERO_UUID));
        }
        return new MetadataRequestData().setTopics(topics);
    }
}

package io.gregor.server.handlers;

import static io.gregor.server.InMemoryBroker.answer;
import static org.assertj.core.api.Assertions.assertThat;

import io.gregor.server.InMemoryBroker;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.DeleteTopicsRequestData;
import org.apache.kafka.common.message.DeleteTopicsRequestData.DeleteTopicState;
import org.apache.kafka.common.message.DeleteTopicsResponseData;
import org.apache.kafka.common.message.DeleteTopicsResponseData.DeletableTopicResult;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DeleteTopicsHandlerTest {
    private InMemoryBroker broker;

    @AfterEach
    void close() {
        broker.close();
    }

    @Test
    void shouldAnswerOnceTheControllerHasDeletedTheTopic() throws Exception {
        broker = InMemoryBroker.start(1);
        broker.startController();
        Uuid id = broker.createTopic("orders", Map.of(0, List.of(0)));

        DeleteTopicsResponseData response = delete(new DeleteTopicsRequestData().setTopicNames(List.of("orders")), 5);

        DeletableTopicResult result = response.responses().find("orders");
        assertThat(result.errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(result.topicId()).isEqualTo(id);
        assertThat(broker.topic("orders")).as("gone when the answer comes").isNull();
    }

    @Test
    void shouldDeleteByTopicIdFromVersion6AndNameTheTopic() throws Exception {
        broker = InMemoryBroker.start(1);
        broker.startController();
        Uuid id = broker.createTopic("orders", Map.of(0, List.of(0)));
        DeleteTopicsRequestData request = new DeleteTopicsRequestData();
        request.topics().add(new DeleteTopicState().setName(null).setTopicId(id));

        DeleteTopicsResponseData response = delete(request, 6);

        DeletableTopicResult result = response.responses().iterator().next();
        assertThat(result.errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(result.name()).isEqualTo("orders");
        assertThat(broker.image().topic(id)).isNull();
    }

    @Test
    void shouldReportUnknownTopicsAndUnknownIds() throws Exception {
        broker = InMemoryBroker.start(1);
        DeleteTopicsRequestData request = new DeleteTopicsRequestData().setTopicNames(List.of("nope"));
        Uuid unknown = Uuid.randomUuid();
        request.topics().add(new DeleteTopicState().setName(null).setTopicId(unknown));

        DeleteTopicsResponseData response = delete(request, 6);

        assertThat(response.responses()).hasSize(2);
        assertThat(response.responses()).anySatisfy(r -> {
            assertThat(r.topicId()).isEqualTo(unknown);
            assertThat(r.errorCode()).isEqualTo(Errors.UNKNOWN_TOPIC_ID.code());
        });
        assertThat(response.responses()).anySatisfy(r -> {
            assertThat(r.name()).isEqualTo("nope");
            assertThat(r.errorCode()).isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
        });
    }

    @Test
    void shouldRefuseWhenTopicDeletionIsDisabled() throws Exception {
        broker = InMemoryBroker.start(1, "delete.topic.enable", "false");
        broker.createTopic("orders", Map.of(0, List.of(0)));

        DeleteTopicsResponseData response = delete(new DeleteTopicsRequestData().setTopicNames(List.of("orders")), 5);

        assertThat(response.responses().find("orders").errorCode()).isEqualTo(Errors.TOPIC_DELETION_DISABLED.code());
        assertThat(broker.topic("orders").markedForDeletion()).isFalse();
    }

    @Test
    void shouldTimeOutWhenNoControllerCarriesTheDeletionOut() throws Exception {
        broker = InMemoryBroker.start(1);
        broker.createTopic("orders", Map.of(0, List.of(0)));

        DeleteTopicsResponseData response = delete(new DeleteTopicsRequestData().setTopicNames(List.of("orders")).setTimeoutMs(50), 5);

        assertThat(response.responses().find("orders").errorCode()).isEqualTo(Errors.REQUEST_TIMED_OUT.code());
        assertThat(broker.topic("orders").markedForDeletion()).as("still requested").isTrue();
    }

    private DeleteTopicsResponseData delete(DeleteTopicsRequestData request, int version) throws Exception {
        if (request.timeoutMs() == 0) {
            request.setTimeoutMs(10_000);
        }
        DeleteTopicsHandler handler = new DeleteTopicsHandler(broker.topicAdmin, broker.metadata);
        return answer(handler.handle(broker.context(ApiKeys.DELETE_TOPICS, (short) version), request), DeleteTopicsResponseData.class);
    }
}

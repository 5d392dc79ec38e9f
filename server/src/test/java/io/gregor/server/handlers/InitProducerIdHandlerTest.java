package io.gregor.server.handlers;

import static io.gregor.server.InMemoryBroker.answer;
import static org.assertj.core.api.Assertions.assertThat;

import io.gregor.metadata.ProducerIdManager;
import io.gregor.server.InMemoryBroker;
import org.apache.kafka.common.errors.DisconnectException;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.InitProducerIdResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class InitProducerIdHandlerTest {
    private InMemoryBroker broker;
    private InitProducerIdHandler handler;

    @BeforeEach
    void start() throws Exception {
        broker = InMemoryBroker.start(1);
        handler = new InitProducerIdHandler(new ProducerIdManager(broker.metadata, 0), Runnable::run);
    }

    @AfterEach
    void close() {
        broker.close();
    }

    @Test
    void shouldGiveEachIdempotentProducerANewIdAtEpochZero() throws Exception {
        InitProducerIdResponseData first = init(null);
        InitProducerIdResponseData second = init(null);

        assertThat(first.errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(first.producerId()).isZero();
        assertThat(first.producerEpoch()).isZero();
        assertThat(second.producerId()).isEqualTo(1);
    }

    @Test
    void shouldTakeIdsAfterTheBlocksOtherBrokersReserved() throws Exception {
        broker.metadata.allocateProducerIdBlock(1, 1000);

        assertThat(init(null).producerId()).isEqualTo(1000);
    }

    @Test
    void shouldRefuseTransactionalProducers() throws Exception {
        InitProducerIdResponseData response = init("tx-1");

        assertThat(response.errorCode()).isEqualTo(Errors.UNSUPPORTED_VERSION.code());
        assertThat(response.producerId()).isEqualTo(-1);
        assertThat(response.producerEpoch()).isEqualTo((short) -1);
    }

    @Test
    void shouldAnswerCoordinatorNotAvailableWhenNoBlockCanBeReserved() throws Exception {
        broker.metadata.failNextWrite(new DisconnectException("connection lost"));

        InitProducerIdResponseData failed = init(null);

        assertThat(failed.errorCode()).isEqualTo(Errors.COORDINATOR_NOT_AVAILABLE.code());
        assertThat(failed.producerId()).isEqualTo(-1);
        assertThat(init(null).producerId()).as("the producer's retry").isZero();
    }

    private InitProducerIdResponseData init(String transactionalId) throws Exception {
        InitProducerIdRequestData request = new InitProducerIdRequestData().setTransactionalId(transactionalId).setTransactionTimeoutMs(60_000);
        return answer(handler.handle(broker.latest(ApiKeys.INIT_PRODUCER_ID), request), InitProducerIdResponseData.class);
    }
}

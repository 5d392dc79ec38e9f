package io.gregor.server.handlers.group;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.gregor.coordinator.group.GroupCoordinator;
import io.gregor.metadata.TopicImage;
import java.util.List;
import org.apache.kafka.common.message.FindCoordinatorRequestData;
import org.apache.kafka.common.message.FindCoordinatorResponseData;
import org.apache.kafka.common.message.FindCoordinatorResponseData.Coordinator;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * FindCoordinator through its handler, on broker 0 alone, before {@code __consumer_offsets}
 * exists (see {@link GroupHandlers#withoutOffsetsTopic}).
 */
class FindCoordinatorHandlerTest {
    private static final byte GROUP_KEY = 0;
    private static final byte TRANSACTION_KEY = 1;

    @RegisterExtension
    final GroupHandlers groups = GroupHandlers.withoutOffsetsTopic();

    @Test
    void shouldCreateTheOffsetsTopicOnFirstUseAndAnswerItsLeader() throws Exception {
        assertThat(groups.broker().topic(GroupCoordinator.OFFSETS_TOPIC)).isNull();

        FindCoordinatorResponseData response = groups.findCoordinator((short) 3, new FindCoordinatorRequestData().setKey("g"));

        assertThat(response.errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(response.nodeId()).isZero();
        assertThat(response.host()).isEqualTo("broker0");
        assertThat(response.port()).isEqualTo(9092);
        TopicImage offsets = groups.broker().topic(GroupCoordinator.OFFSETS_TOPIC);
        assertThat(offsets.partitions()).as("offsets.topic.num.partitions").hasSize(3);
        assertThat(offsets.configs()).containsEntry("cleanup.policy", "compact");
    }

    @Test
    void shouldAnswerEachKeyOfABatchedRequestFromVersion4() throws Exception {
        FindCoordinatorRequestData request = new FindCoordinatorRequestData().setKeyType(GROUP_KEY).setCoordinatorKeys(List.of("g1", "g2", ""));

        FindCoordinatorResponseData response = groups.findCoordinator((short) 4, request);

        assertThat(response.coordinators()).extracting(Coordinator::key, Coordinator::errorCode, Coordinator::nodeId, Coordinator::host)
            .containsExactly(tuple("g1", Errors.NONE.code(), 0, "broker0"), tuple("g2", Errors.NONE.code(), 0, "broker0"),
                tuple("", Errors.INVALID_REQUEST.code(), -1, ""));
    }

    @Test
    void shouldRefuseAnEmptyGroupIdBeforeVersion4() throws Exception {
        FindCoordinatorResponseData response = groups.findCoordinator((short) 3, new FindCoordinatorRequestData().setKey(""));

        assertThat(response.errorCode()).isEqualTo(Errors.INVALID_REQUEST.code());
        assertThat(response.nodeId()).isEqualTo(-1);
    }

    @Test
    void shouldAnswerUnsupportedVersionForTransactionKeysWithoutCreatingTheOffsetsTopic() throws Exception {
        FindCoordinatorResponseData v3 = groups.findCoordinator((short) 3,
            new FindCoordinatorRequestData().setKeyType(TRANSACTION_KEY).setKey("tx"));
        FindCoordinatorResponseData v6 = groups.findCoordinator((short) 6,
            new FindCoordinatorRequestData().setKeyType(TRANSACTION_KEY).setCoordinatorKeys(List.of("tx-1", "tx-2")));

        assertThat(v3.errorCode()).isEqualTo(Errors.UNSUPPORTED_VERSION.code());
        assertThat(v3.errorMessage()).isEqualTo("Transactions are not supported by Gregor yet");
        assertThat(v6.coordinators()).extracting(Coordinator::key, Coordinator::errorCode)
            .containsExactly(tuple("tx-1", Errors.UNSUPPORTED_VERSION.code()), tuple("tx-2", Errors.UNSUPPORTED_VERSION.code()));
        assertThat(groups.broker().topic(GroupCoordinator.OFFSETS_TOPIC)).isNull();
    }
}

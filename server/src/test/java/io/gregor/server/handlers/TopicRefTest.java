package io.gregor.server.handlers;

import static org.assertj.core.api.Assertions.assertThat;

import io.gregor.metadata.MetadataImage;
import io.gregor.server.InMemoryBroker;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Topic {@code t} has one partition. */
class TopicRefTest {
    private InMemoryBroker broker;
    private MetadataImage image;
    private Uuid id;

    @BeforeEach
    void start() throws Exception {
        broker = InMemoryBroker.start(1);
        id = broker.createTopic("t", Map.of(0, List.of(0)));
        image = broker.image();
    }

    @AfterEach
    void close() {
        broker.close();
    }

    @Test
    void shouldResolveByIdAndIgnoreTheNameWhenTheVersionNamesTopicsById() {
        TopicRef known = TopicRef.resolve(image, true, id, "");
        TopicRef unknown = TopicRef.resolve(image, true, Uuid.randomUuid(), "t");

        assertThat(known.name()).isEqualTo("t");
        assertThat(known.partitionError(0)).isEqualTo(Errors.NONE);
        assertThat(known.partitionError(1)).isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION);
        assertThat(unknown.exists()).isFalse();
        assertThat(unknown.name()).as("the request's name, unresolved").isEqualTo("t");
        assertThat(unknown.partitionError(0)).isEqualTo(Errors.UNKNOWN_TOPIC_ID);
        assertThat(unknown.requested()).isEqualTo(unknown.id().toString());
    }

    @Test
    void shouldResolveByNameAndIgnoreTheIdBeforeTheVersionNamesTopicsById() {
        TopicRef known = TopicRef.resolve(image, false, Uuid.randomUuid(), "t");
        TopicRef unknown = TopicRef.resolve(image, false, id, "nope");

        assertThat(known.topic().id()).isEqualTo(id);
        assertThat(unknown.exists()).isFalse();
        assertThat(unknown.partitionError(0)).isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION);
        assertThat(unknown.requested()).isEqualTo("nope");
    }

    @Test
    void shouldNameAnUnknownTopicWithoutANameWithTheEmptyString() {
        assertThat(TopicRef.resolve(image, false, Uuid.ZERO_UUID, null).name()).isEmpty();
    }
}

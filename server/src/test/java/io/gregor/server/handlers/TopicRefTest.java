package io.gregor.server.handlers;

import static org.assertj.core.api.Assertions.assertThat;

import io.gregor.metadata.MetadataImage;
import io.gregor.metadata.store.memory.InMemoryMetadata;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Topic {@code t} has one partition. */
class TopicRefTest {
    private final Uuid id = Uuid.randomUuid();
    private MetadataImage image;

    @BeforeEach
    void createTopic() throws Exception {
        InMemoryMetadata metadata = new InMemoryMetadata(0);
        metadata.createTopic("t", id, Map.of(0, List.of(0)), Map.of(), Map.of());
        image = metadata.image();
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

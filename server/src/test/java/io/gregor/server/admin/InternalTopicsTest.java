package io.gregor.server.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.gregor.coordinator.group.GroupCoordinator;
import io.gregor.metadata.ReplicaAssignor;
import io.gregor.metadata.TopicImage;
import io.gregor.server.InMemoryBroker;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class InternalTopicsTest {
    private InMemoryBroker broker;

    @AfterEach
    void close() {
        broker.close();
    }

    @Test
    void shouldCreateACompactedOffsetsTopicWithTheReplicationFactorCappedAtTheLiveBrokers() throws Exception {
        broker = InMemoryBroker.start(2, "offsets.topic.num.partitions", "5", "offsets.topic.segment.bytes", "1048576");

        broker.internalTopics.ensureOffsetsTopic().get(10, TimeUnit.SECONDS);

        TopicImage offsets = broker.topic(GroupCoordinator.OFFSETS_TOPIC);
        assertThat(offsets.partitions()).hasSize(5);
        assertThat(offsets.replicationFactor()).isEqualTo(2);
        assertThat(offsets.isInternal()).isTrue();
        assertThat(offsets.configs()).containsOnly(Map.entry("cleanup.policy", "compact"), Map.entry("segment.bytes", "1048576"),
            Map.entry("compression.type", "producer"));
    }

    @Test
    void shouldCreateTheOffsetsTopicOnceForConcurrentCallers() throws Exception {
        broker = InMemoryBroker.start(1, "offsets.topic.num.partitions", "3");
        List<Runnable> adminWork = new ArrayList<>();
        TopicAdmin queued = new TopicAdmin(broker.metadata, broker.metadata, broker.config, new ReplicaAssignor(new Random(1)), adminWork::add);
        InternalTopics internalTopics = new InternalTopics(queued, broker.metadata, broker.config);

        CompletableFuture<Void> first = internalTopics.ensureOffsetsTopic();
        CompletableFuture<Void> second = internalTopics.ensureOffsetsTopic();

        assertThat(second).isSameAs(first);
        assertThat(adminWork).hasSize(1);
        adminWork.forEach(Runnable::run);
        first.get(10, TimeUnit.SECONDS);
        assertThat(internalTopics.ensureOffsetsTopic()).as("exists now").isCompleted();
        assertThat(broker.topic(GroupCoordinator.OFFSETS_TOPIC).partitions()).hasSize(3);
    }
}

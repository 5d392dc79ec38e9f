package io.gregor.server.admin;

import io.gregor.common.Futures;
import io.gregor.coordinator.group.GroupCoordinator;
import io.gregor.metadata.MetadataView;
import io.gregor.server.BrokerConfig;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Creates the internal topics on first use, like Kafka: {@code __consumer_offsets} with
 * {@code offsets.topic.num.partitions} partitions, a replication factor of
 * {@code offsets.topic.replication.factor} capped at the live brokers, and log compaction.
 */
public final class InternalTopics {
    private static final long CREATE_TIMEOUT_MS = 30_000;

    private final TopicAdmin topicAdmin;
    private final MetadataView cache;
    private final BrokerConfig config;
    private final AtomicReference<CompletableFuture<Void>> creating = new AtomicReference<>();

    public InternalTopics(TopicAdmin topicAdmin, MetadataView cache, BrokerConfig config) {
        this.topicAdmin = topicAdmin;
        this.cache = cache;
        this.config = config;
    }

    public CompletableFuture<Void> ensureOffsetsTopic() {
        if (cache.image().topic(GroupCoordinator.OFFSETS_TOPIC) != null) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> mine = new CompletableFuture<>();
        CompletableFuture<Void> existing = creating.compareAndExchange(null, mine);
        if (existing != null) {
            return existing;
        }
        int live = Math.max(1, cache.image().brokers().size());
        short rf = (short) Math.min(config.intValue(BrokerConfig.OFFSETS_TOPIC_REPLICATION_FACTOR), live);
        Map<String, String> configs = Map.of(
            "cleanup.policy", "compact",
            "segment.bytes", Integer.toString(config.intValue(BrokerConfig.OFFSETS_TOPIC_SEGMENT_BYTES)),
            "compression.type", "producer");
        topicAdmin.createTopic(new TopicAdmin.TopicSpec(GroupCoordinator.OFFSETS_TOPIC,
                config.intValue(BrokerConfig.OFFSETS_TOPIC_NUM_PARTITIONS), rf, Map.of(), configs), false, CREATE_TIMEOUT_MS)
            .whenComplete((created, error) -> {
                creating.set(null);
                if (error == null || Futures.unwrap(error) instanceof TopicExistsException) {
                    mine.complete(null);
                } else {
                    mine.completeExceptionally(error);
                }
            });
        return mine;
    }
}

package io.gregor.examples.springdemo;

import java.util.Collection;
import java.util.Map;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.listener.ConsumerAwareRebalanceListener;
import org.springframework.stereotype.Component;

/**
 * The seed's {@code onPartitionsRevoked()} note: when the group coordinator is about to move
 * partitions to another member (one joined or left), commit synchronously what this member has
 * processed on them, so that the next owner starts right after it rather than re-reading
 * records. Runs on the consumer's thread, inside its poll, before the partitions are gone.
 */
@Component
public class CommitBeforeRevoke implements ConsumerAwareRebalanceListener {
    private static final Logger log = LoggerFactory.getLogger(CommitBeforeRevoke.class);

    private final ProcessedOffsets processed;

    public CommitBeforeRevoke(ProcessedOffsets processed) {
        this.processed = processed;
    }

    @Override
    public void onPartitionsRevokedBeforeCommit(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        Map<TopicPartition, OffsetAndMetadata> offsets = processed.take(partitions);
        if (!offsets.isEmpty()) {
            consumer.commitSync(offsets);
        }
        log.info("Partitions {} revoked; committed {} first", partitions, offsets);
    }

    @Override
    public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        log.info("Partitions {} assigned", partitions);
    }
}

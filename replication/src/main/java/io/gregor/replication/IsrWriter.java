package io.gregor.replication;

import io.gregor.metadata.PartitionState;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;

/**
 * Persists an ISR change decided by a partition leader. The write is conditional on the
 * partition state's ZooKeeper version, so a change based on a stale view (the controller moved
 * leadership meanwhile) fails instead of overwriting the newer state.
 */
public interface IsrWriter {
    /** @return true when written, false when the version no longer matched */
    CompletableFuture<Boolean> write(TopicPartition tp, PartitionState newState, int expectedVersion);
}

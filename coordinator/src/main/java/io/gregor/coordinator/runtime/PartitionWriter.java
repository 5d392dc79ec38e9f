package io.gregor.coordinator.runtime;

import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.internal.MemoryRecords;

/**
 * Appends a coordinator's batches to its internal partition: the one path by which coordinator
 * state reaches the log. The broker's implementation appends as leader with acks=all, so a
 * write is committed (on every in-sync replica) when the future completes.
 *
 * <p>The future completes on any thread; the runtime hops back to the shard's thread. It fails
 * with the Kafka exception of the append (NOT_LEADER_OR_FOLLOWER, NOT_ENOUGH_REPLICAS,
 * REQUEST_TIMED_OUT, ...).
 */
public interface PartitionWriter {
    /**
     * @param records one batch whose offsets the log assigns; ownership passes to the writer
     * @return the offset the log gave the batch's first record
     */
    CompletableFuture<Long> append(TopicPartition partition, MemoryRecords records);
}

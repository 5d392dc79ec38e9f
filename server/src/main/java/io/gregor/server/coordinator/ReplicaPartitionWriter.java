package io.gregor.server.coordinator;

import io.gregor.coordinator.runtime.PartitionWriter;
import io.gregor.replication.ProduceResult;
import io.gregor.replication.ReplicaManager;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;

/**
 * Coordinator writes go through the replica manager as leader appends with acks=all, so a
 * committed offset is on every in-sync replica before the client hears "committed". The append
 * itself runs on the calling (shard) thread; the wait for the replicas costs no thread, and its
 * timeout and completion run on {@code executor}.
 */
public final class ReplicaPartitionWriter implements PartitionWriter {
    private final ReplicaManager replicaManager;
    private final long timeoutMs;
    private final ScheduledExecutorService executor;

    /** @param timeoutMs how long to wait for the in-sync replicas ({@code offsets.commit.timeout.ms}) */
    public ReplicaPartitionWriter(ReplicaManager replicaManager, long timeoutMs, ScheduledExecutorService executor) {
        this.replicaManager = replicaManager;
        this.timeoutMs = timeoutMs;
        this.executor = executor;
    }

    @Override
    public CompletableFuture<Long> append(TopicPartition partition, MemoryRecords records) {
        return replicaManager.appendRecords((short) -1, timeoutMs, Map.of(partition, records), executor).thenApply(results -> {
            ProduceResult r = results.get(partition);
            if (r.error() != Errors.NONE) {
                throw r.error().exception(r.errorMessage());
            }
            return r.baseOffset();
        });
    }
}

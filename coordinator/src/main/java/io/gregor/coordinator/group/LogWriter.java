package io.gregor.coordinator.group;

import io.gregor.replication.ProduceResult;
import io.gregor.replication.ReplicaManager;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MemoryRecordsBuilder;
import org.apache.kafka.common.utils.Time;

/**
 * Writes coordinator records to a {@code __consumer_offsets} partition through the replica
 * manager with acks=all, so a committed offset is on every in-sync replica before the client
 * hears "committed". Completion is delivered on the shard's executor.
 */
final class LogWriter implements CoordinatorWriter {
    private final ReplicaManager replicaManager;
    private final TopicPartition partition;
    private final ScheduledExecutorService executor;
    private final long timeoutMs;
    private final Time time;

    LogWriter(ReplicaManager replicaManager, TopicPartition partition, ScheduledExecutorService executor, long timeoutMs, Time time) {
        this.replicaManager = replicaManager;
        this.partition = partition;
        this.executor = executor;
        this.timeoutMs = timeoutMs;
        this.time = time;
    }

    /** The records as one uncompressed batch, sized to fit them; offsets are assigned by the log. */
    static MemoryRecords toBatch(List<CoordinatorRecord> records, long now) {
        int size = 128;
        for (CoordinatorRecord r : records) {
            size += r.key().length + (r.value() == null ? 0 : r.value().length) + 32;
        }
        MemoryRecordsBuilder builder = MemoryRecords.builder(ByteBuffer.allocate(size), Compression.NONE, TimestampType.CREATE_TIME, 0L);
        for (CoordinatorRecord r : records) {
            builder.append(now, r.key(), r.value());
        }
        return builder.build();
    }

    @Override
    public CompletableFuture<Void> append(List<CoordinatorRecord> records) {
        MemoryRecords batch = toBatch(records, time.milliseconds());
        CompletableFuture<Void> done = new CompletableFuture<>();
        replicaManager.appendRecords((short) -1, timeoutMs, Map.of(partition, batch), executor).whenCompleteAsync((results, error) -> {
            if (error != null) {
                done.completeExceptionally(error);
                return;
            }
            ProduceResult r = results.get(partition);
            if (r.error() != Errors.NONE) {
                done.completeExceptionally(r.error().exception(r.errorMessage()));
            } else {
                done.complete(null);
            }
        }, executor);
        return done;
    }
}

package io.gregor.coordinator.group;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Appends records to the shard's {@code __consumer_offsets} partition. The future completes (on
 * the shard's thread) once the records are durable as configured (acks=all), or fails with the
 * append error.
 */
public interface CoordinatorWriter {
    CompletableFuture<Void> append(List<CoordinatorRecord> records);
}

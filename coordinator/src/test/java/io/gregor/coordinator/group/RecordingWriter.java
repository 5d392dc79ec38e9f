package io.gregor.coordinator.group;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Keeps written records in memory; writes succeed at once unless {@link #fail} is set. */
final class RecordingWriter implements CoordinatorWriter {
    final List<CoordinatorRecord> records = new ArrayList<>();
    RuntimeException fail;

    @Override
    public CompletableFuture<Void> append(List<CoordinatorRecord> batch) {
        if (fail != null) {
            return CompletableFuture.failedFuture(fail);
        }
        records.addAll(batch);
        return CompletableFuture.completedFuture(null);
    }

    /** Replays everything written into another shard, as a new coordinator would on load. */
    void replayInto(GroupShard shard) {
        for (CoordinatorRecord r : records) {
            GroupRecords.replay(java.nio.ByteBuffer.wrap(r.key()), r.value() == null ? null : java.nio.ByteBuffer.wrap(r.value()), shard);
        }
    }
}

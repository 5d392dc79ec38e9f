package io.gregor.coordinator.runtime;

import io.gregor.storage.config.LogConfig;
import io.gregor.storage.log.Log;
import io.gregor.storage.log.LogAppendInfo;
import io.gregor.storage.log.ManualScheduler;
import io.gregor.testsupport.ManualTime;
import java.io.File;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.internal.MemoryRecords;

/**
 * A partition writer over a real {@link Log} in a test directory: appends as leader and commits
 * at once (the high watermark follows the log end), like a broker with one replica. With
 * {@link #holdCompletions} set, appends are written but their futures wait until the test
 * releases them, in any order; with {@link #fail} set, appends fail without writing.
 */
public final class LogPartitionWriter implements PartitionWriter, AutoCloseable {
    private final Log log;
    private final ArrayDeque<Runnable> held = new ArrayDeque<>();
    public RuntimeException fail;
    public boolean holdCompletions;
    public int appends;

    public LogPartitionWriter(File dir, TopicPartition partition, ManualTime time) throws IOException {
        this.log = Log.open(partition, new File(dir, partition.toString()), LogConfig.create(Map.of(), Map.of()), time,
            new ManualScheduler(), false, 0, -1, -1);
    }

    /** The partition, as the loader reads it. */
    public Log log() {
        return log;
    }

    @Override
    public CompletableFuture<Long> append(TopicPartition partition, MemoryRecords records) {
        if (fail != null) {
            return CompletableFuture.failedFuture(fail);
        }
        LogAppendInfo info = log.appendAsLeader(records, 0);
        log.updateHighWatermark(log.logEndOffsetMetadata());
        appends++;
        if (!holdCompletions) {
            return CompletableFuture.completedFuture(info.firstOffset());
        }
        CompletableFuture<Long> future = new CompletableFuture<>();
        held.add(() -> future.complete(info.firstOffset()));
        return future;
    }

    /** Completes the held append that was made {@code index}-th among those still held (0 = oldest). */
    public void release(int index) {
        Runnable r = new java.util.ArrayList<>(held).get(index);
        held.remove(r);
        r.run();
    }

    public int heldCount() {
        return held.size();
    }

    @Override
    public void close() throws IOException {
        log.close();
    }
}

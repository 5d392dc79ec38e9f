package io.gregor.replication;

import io.gregor.common.Threads;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.common.TopicPartition;

/**
 * Threads for the leader appends that may block: the ones that roll a segment (file creation,
 * index mapping, a producer-state snapshot with its fsync) or fsync because of
 * {@code flush.messages}. Every other append runs on the network thread that received it,
 * which is faster than any hand-off (see docs/ARCHITECTURE.md, threading).
 *
 * <p>A partition always maps to the same thread, so its appends keep their order; a thread is
 * started when first needed and stops after a minute without work, so an idle broker holds
 * none. Thread-safe.
 */
final class AppendThreads implements AutoCloseable {
    private final ThreadPoolExecutor[] executors;

    /** @param count threads ({@code num.io.threads}); at least one */
    AppendThreads(int count) {
        executors = new ThreadPoolExecutor[Math.max(1, count)];
        for (int i = 0; i < executors.length; i++) {
            ThreadPoolExecutor e = new ThreadPoolExecutor(1, 1, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                Threads.singleDaemonFactory("gregor-append-" + i));
            e.allowCoreThreadTimeOut(true);
            executors[i] = e;
        }
    }

    /** Runs {@code append} on the partition's thread, after the appends submitted for it before. */
    <T> CompletableFuture<T> submit(TopicPartition partition, Supplier<T> append) {
        int index = Math.floorMod(partition.hashCode(), executors.length);
        return CompletableFuture.supplyAsync(append, executors[index]);
    }

    @Override
    public void close() {
        for (ThreadPoolExecutor e : executors) {
            e.shutdown();
        }
        for (ThreadPoolExecutor e : executors) {
            try {
                e.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
        }
    }
}

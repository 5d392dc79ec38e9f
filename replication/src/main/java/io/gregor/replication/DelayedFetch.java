package io.gregor.replication;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * A fetch waiting for {@code fetch.min.bytes} (long polling). It re-reads its partitions when one
 * of them changes, and answers with whatever there is when {@code fetch.max.wait.ms} expires.
 * All its work runs on the connection's event loop, so it never blocks a thread while waiting.
 */
final class DelayedFetch implements PartitionWatcher {
    private final FetchParams params;
    private final Supplier<List<PartitionFetchResult>> reader;
    private final ScheduledExecutorService executor;
    private final CompletableFuture<List<PartitionFetchResult>> future = new CompletableFuture<>();
    private final AtomicBoolean checkScheduled = new AtomicBoolean();
    private volatile ScheduledFuture<?> timeout;

    DelayedFetch(FetchParams params, Supplier<List<PartitionFetchResult>> reader, ScheduledExecutorService executor) {
        this.params = params;
        this.reader = reader;
        this.executor = executor;
    }

    CompletableFuture<List<PartitionFetchResult>> start() {
        timeout = executor.schedule(this::expire, params.maxWaitMs(), TimeUnit.MILLISECONDS);
        return future;
    }

    @Override
    public void onPartitionChange() {
        if (!future.isDone() && checkScheduled.compareAndSet(false, true)) {
            try {
                executor.execute(this::check);
            } catch (RejectedExecutionException e) {
                // The connection's event loop has shut down: nobody is left to answer.
                future.completeExceptionally(e);
            }
        }
    }

    @Override
    public boolean isCompleted() {
        return future.isDone();
    }

    private void check() {
        checkScheduled.set(false);
        if (future.isDone()) {
            return;
        }
        List<PartitionFetchResult> results = reader.get();
        if (ReplicaManager.satisfied(params, results)) {
            complete(results);
        }
    }

    private void expire() {
        if (!future.isDone()) {
            complete(reader.get());
        }
    }

    private void complete(List<PartitionFetchResult> results) {
        if (future.complete(results)) {
            ScheduledFuture<?> t = timeout;
            if (t != null) {
                t.cancel(false);
            }
        }
    }
}

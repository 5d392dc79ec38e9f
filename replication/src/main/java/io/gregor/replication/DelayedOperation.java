package io.gregor.replication;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A request waiting on partitions without holding a thread (Kafka's "purgatory" idea): it
 * re-checks its condition on its executor whenever a watched partition changes, and completes
 * with whatever it has when its timeout expires. At most one check is queued at a time.
 *
 * @param <T> the result
 */
abstract class DelayedOperation<T> implements PartitionWatcher {
    private final ScheduledExecutorService executor;
    private final CompletableFuture<T> future = new CompletableFuture<>();
    private final AtomicBoolean checkScheduled = new AtomicBoolean();
    private volatile ScheduledFuture<?> timeout;

    DelayedOperation(ScheduledExecutorService executor) {
        this.executor = executor;
    }

    /** Arms the timeout and checks once; the returned future completes exactly once. */
    final CompletableFuture<T> start(long timeoutMs) {
        timeout = executor.schedule(this::expire, timeoutMs, TimeUnit.MILLISECONDS);
        onPartitionChange();
        return future;
    }

    /** @return the result if the operation can complete now, else null */
    abstract T tryComplete();

    /** The result to answer with when the timeout expires. */
    abstract T onExpiration();

    @Override
    public final void onPartitionChange() {
        if (!future.isDone() && checkScheduled.compareAndSet(false, true)) {
            try {
                executor.execute(this::check);
            } catch (RejectedExecutionException e) {
                // The connection's event loop is gone (the broker is stopping): nobody is left to answer.
                future.cancel(false);
            }
        }
    }

    @Override
    public final boolean isCompleted() {
        return future.isDone();
    }

    private void check() {
        checkScheduled.set(false);
        if (future.isDone()) {
            return;
        }
        T result = tryComplete();
        if (result != null) {
            complete(result);
        }
    }

    private void expire() {
        if (!future.isDone()) {
            complete(onExpiration());
        }
    }

    private void complete(T result) {
        if (future.complete(result)) {
            ScheduledFuture<?> t = timeout;
            if (t != null) {
                t.cancel(false);
            }
        }
    }
}

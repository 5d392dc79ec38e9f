package io.gregor.coordinator.runtime;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * {@link TaskScheduler} on the shard's own single-threaded executor, so tasks run on the shard's
 * thread. A task that was replaced or cancelled after it fell due but before it ran is skipped.
 * Only used from that thread.
 */
final class ExecutorTaskScheduler implements TaskScheduler {
    private final ScheduledExecutorService executor;
    private final Map<String, ScheduledFuture<?>> tasks = new HashMap<>();

    ExecutorTaskScheduler(ScheduledExecutorService executor) {
        this.executor = executor;
    }

    @Override
    public void schedule(String key, long delayMs, Runnable task) {
        cancel(key);
        ScheduledFuture<?>[] self = new ScheduledFuture<?>[1];
        try {
            self[0] = executor.schedule(() -> {
                if (tasks.get(key) == self[0]) {
                    tasks.remove(key);
                    task.run();
                }
            }, delayMs, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException stopping) {
            return;
        }
        tasks.put(key, self[0]);
    }

    @Override
    public void cancel(String key) {
        ScheduledFuture<?> f = tasks.remove(key);
        if (f != null) {
            f.cancel(false);
        }
    }

    @Override
    public boolean isScheduled(String key) {
        return tasks.containsKey(key);
    }

    @Override
    public void cancelAll() {
        tasks.values().forEach(f -> f.cancel(false));
        tasks.clear();
    }
}

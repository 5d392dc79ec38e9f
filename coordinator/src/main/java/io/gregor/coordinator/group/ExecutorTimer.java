package io.gregor.coordinator.group;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * {@link CoordinatorTimer} on the shard's own single-threaded executor, so timeouts run on the
 * shard's thread. Only used from that thread.
 */
final class ExecutorTimer implements CoordinatorTimer {
    private final ScheduledExecutorService executor;
    private final Map<String, ScheduledFuture<?>> tasks = new HashMap<>();

    ExecutorTimer(ScheduledExecutorService executor) {
        this.executor = executor;
    }

    @Override
    public void schedule(String key, long delayMs, Runnable task) {
        cancel(key);
        ScheduledFuture<?>[] self = new ScheduledFuture<?>[1];
        self[0] = executor.schedule(() -> {
            if (tasks.get(key) == self[0]) {
                tasks.remove(key);
                task.run();
            }
        }, delayMs, TimeUnit.MILLISECONDS);
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
    public void cancelAll() {
        tasks.values().forEach(f -> f.cancel(false));
        tasks.clear();
    }
}

package io.gregor.benchmarks;

import io.gregor.storage.util.Scheduler;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Delayed;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Collects one-shot tasks (segment deletions, post-roll flushes) and runs them only when the
 * benchmark asks, outside the measured call where possible; periodic tasks are dropped.
 */
public final class QueueScheduler implements Scheduler {
    private final List<Runnable> pending = new ArrayList<>();

    @Override
    public synchronized ScheduledFuture<?> schedule(String name, Runnable task, long delayMs, long periodMs) {
        if (periodMs <= 0) {
            pending.add(task);
        }
        return new Done();
    }

    public void runPending() {
        List<Runnable> now;
        synchronized (this) {
            now = new ArrayList<>(pending);
            pending.clear();
        }
        now.forEach(Runnable::run);
    }

    @Override
    public void close() {
        runPending();
    }

    private static final class Done extends CompletableFuture<Object> implements ScheduledFuture<Object> {
        @Override
        public long getDelay(TimeUnit unit) {
            return 0;
        }

        @Override
        public int compareTo(Delayed o) {
            return 0;
        }
    }
}

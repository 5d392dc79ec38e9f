package io.gregor.storage.util;

import io.gregor.common.Threads;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A {@link Scheduler} on a small pool of daemon threads; task failures are logged, never fatal. */
public final class ThreadPoolScheduler implements Scheduler {
    private static final Logger log = LoggerFactory.getLogger(ThreadPoolScheduler.class);

    private final ScheduledThreadPoolExecutor executor;

    public ThreadPoolScheduler(int threads, String prefix) {
        this.executor = new ScheduledThreadPoolExecutor(threads, Threads.daemonFactory(prefix));
        executor.setRemoveOnCancelPolicy(true);
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    }

    @Override
    public ScheduledFuture<?> schedule(String name, Runnable task, long delayMs, long periodMs) {
        Runnable guarded = () -> {
            try {
                task.run();
            } catch (Throwable t) {
                log.error("Background task {} failed", name, t);
            }
        };
        if (periodMs > 0) {
            return executor.scheduleAtFixedRate(guarded, delayMs, periodMs, TimeUnit.MILLISECONDS);
        }
        return executor.schedule(guarded, delayMs, TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        executor.shutdownNow();
        try {
            executor.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

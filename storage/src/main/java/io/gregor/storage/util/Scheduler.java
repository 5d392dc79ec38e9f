package io.gregor.storage.util;

import java.util.concurrent.ScheduledFuture;

/**
 * Runs background tasks (retention, flushes, checkpoints, delayed deletes). Injected so that
 * tests can run tasks deterministically.
 */
public interface Scheduler extends AutoCloseable {

    /** Runs {@code task} after {@code delayMs}, then every {@code periodMs} if {@code periodMs > 0}. */
    ScheduledFuture<?> schedule(String name, Runnable task, long delayMs, long periodMs);

    default ScheduledFuture<?> scheduleOnce(String name, Runnable task, long delayMs) {
        return schedule(name, task, delayMs, -1);
    }

    @Override
    void close();
}

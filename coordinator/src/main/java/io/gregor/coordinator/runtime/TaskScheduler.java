package io.gregor.coordinator.runtime;

/**
 * Runs tasks after a delay on a shard's thread, keyed so that a task can be replaced or
 * cancelled: the clock underneath a {@link CoordinatorTimer}. The broker's is
 * {@link ExecutorTaskScheduler}; tests drive a manual one. Used from the shard's thread only.
 */
public interface TaskScheduler {
    /** Schedules {@code task}, replacing a task scheduled under the same key. */
    void schedule(String key, long delayMs, Runnable task);

    void cancel(String key);

    boolean isScheduled(String key);

    void cancelAll();
}

package io.gregor.coordinator.group;

/**
 * Timeouts of a shard (sessions, rebalances, delayed joins). Tasks run on the shard's thread.
 * Scheduling a key that is already scheduled replaces it. Injected so that tests drive time.
 */
public interface CoordinatorTimer {
    void schedule(String key, long delayMs, Runnable task);

    void cancel(String key);

    void cancelAll();
}

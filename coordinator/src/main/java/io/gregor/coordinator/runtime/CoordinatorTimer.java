package io.gregor.coordinator.runtime;

import java.util.List;

/**
 * Timeouts of a shard (sessions, rebalances, periodic expiration). An operation runs on the
 * shard's thread when its delay has passed and the shard is still loaded; the records it returns
 * are written like a request's (a failed write is logged). Scheduling a key that is already
 * scheduled replaces the earlier operation. Used from the shard's thread only.
 */
public interface CoordinatorTimer {
    /** A timed operation: runs on the shard's thread, returns records to write (or none). */
    @FunctionalInterface
    interface Operation {
        List<CoordinatorRecord> run();
    }

    void schedule(String key, long delayMs, Operation operation);

    void cancel(String key);

    boolean isScheduled(String key);
}

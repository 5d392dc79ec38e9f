package io.gregor.metadata;

import io.gregor.common.Threads;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Runs tasks one at a time, now or after a delay: the thread of a state machine such as the
 * {@link Controller}, whose decisions must not interleave. Injected, so that tests run the tasks
 * when they choose and move time by hand.
 */
public interface SerialScheduler extends AutoCloseable {

    /**
     * Runs {@code task} after the tasks already due.
     *
     * @throws RejectedExecutionException once closed
     */
    void execute(Runnable task);

    /**
     * Runs {@code task} once {@code delayMs} have passed.
     *
     * @throws RejectedExecutionException once closed
     */
    void schedule(Runnable task, long delayMs);

    /** Drops the tasks not yet run; a running task is interrupted. */
    @Override
    void close();

    /** A scheduler on one daemon thread named {@code threadName}, started on the first task. */
    static SerialScheduler singleThread(String threadName) {
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, Threads.singleDaemonFactory(threadName));
        executor.setRemoveOnCancelPolicy(true);
        return new SerialScheduler() {
            @Override
            public void execute(Runnable task) {
                executor.execute(task);
            }

            @Override
            public void schedule(Runnable task, long delayMs) {
                executor.schedule(task, delayMs, TimeUnit.MILLISECONDS);
            }

            @Override
            public void close() {
                executor.shutdownNow();
            }
        };
    }
}

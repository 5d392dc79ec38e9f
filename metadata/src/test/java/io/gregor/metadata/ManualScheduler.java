package io.gregor.metadata;

import io.gregor.testsupport.ManualTime;
import java.util.Comparator;
import java.util.PriorityQueue;
import java.util.concurrent.RejectedExecutionException;

/**
 * A {@link SerialScheduler} whose tasks run only when the test says so: {@link #runDue()} runs
 * what is due now (including what those tasks add), {@link #advance} moves the {@link ManualTime}
 * and runs each task when its time comes. Tasks run on the test's thread, in due-time order and
 * then in submission order.
 */
final class ManualScheduler implements SerialScheduler {
    private final ManualTime time;
    private final PriorityQueue<Task> tasks = new PriorityQueue<>(Comparator.comparingLong(Task::dueMs).thenComparingLong(Task::seq));
    private long seq;
    private boolean closed;

    private record Task(long dueMs, long seq, Runnable task) {
    }

    ManualScheduler(ManualTime time) {
        this.time = time;
    }

    @Override
    public void execute(Runnable task) {
        schedule(task, 0);
    }

    @Override
    public synchronized void schedule(Runnable task, long delayMs) {
        if (closed) {
            throw new RejectedExecutionException("closed");
        }
        tasks.add(new Task(time.milliseconds() + delayMs, seq++, task));
    }

    /** Runs every task due by now, and the due tasks they schedule. */
    void runDue() {
        Runnable next;
        while ((next = poll(time.milliseconds())) != null) {
            next.run();
        }
    }

    /** Moves time forward by {@code ms}, running each task once its time has come. */
    void advance(long ms) {
        long target = time.milliseconds() + ms;
        runDue();
        while (true) {
            Long due = nextDue();
            if (due == null || due > target) {
                break;
            }
            time.advance(due - time.milliseconds());
            runDue();
        }
        time.advance(target - time.milliseconds());
        runDue();
    }

    synchronized int pending() {
        return tasks.size();
    }

    private synchronized Long nextDue() {
        return tasks.isEmpty() ? null : tasks.peek().dueMs();
    }

    private synchronized Runnable poll(long nowMs) {
        return !tasks.isEmpty() && tasks.peek().dueMs() <= nowMs ? tasks.poll().task() : null;
    }

    @Override
    public synchronized void close() {
        closed = true;
        tasks.clear();
    }
}

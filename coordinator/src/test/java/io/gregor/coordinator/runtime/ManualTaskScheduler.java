package io.gregor.coordinator.runtime;

import io.gregor.testsupport.ManualTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A task scheduler driven by {@link ManualTime}: tasks run, in due order, when the test advances time past them. */
public final class ManualTaskScheduler implements TaskScheduler {
    private record Task(long dueMs, long seq, Runnable run) {
    }

    private final ManualTime time;
    private final Map<String, Task> tasks = new HashMap<>();
    private long seq;

    public ManualTaskScheduler(ManualTime time) {
        this.time = time;
    }

    @Override
    public void schedule(String key, long delayMs, Runnable task) {
        tasks.put(key, new Task(time.milliseconds() + delayMs, seq++, task));
    }

    @Override
    public void cancel(String key) {
        tasks.remove(key);
    }

    @Override
    public void cancelAll() {
        tasks.clear();
    }

    @Override
    public boolean isScheduled(String key) {
        return tasks.containsKey(key);
    }

    /** Moves time forward, running every task that falls due, in order. */
    public void advance(long ms) {
        long target = time.milliseconds() + ms;
        Comparator<Task> order = Comparator.<Task>comparingLong(Task::dueMs).thenComparingLong(Task::seq);
        while (true) {
            Map.Entry<String, Task> next = null;
            for (Map.Entry<String, Task> e : tasks.entrySet()) {
                if (e.getValue().dueMs() <= target && (next == null || order.compare(e.getValue(), next.getValue()) < 0)) {
                    next = e;
                }
            }
            if (next == null) {
                break;
            }
            tasks.remove(next.getKey());
            long wait = next.getValue().dueMs() - time.milliseconds();
            if (wait > 0) {
                time.advance(wait);
            }
            next.getValue().run().run();
        }
        long rest = target - time.milliseconds();
        if (rest > 0) {
            time.advance(rest);
        }
    }

    public List<String> keys() {
        return new ArrayList<>(tasks.keySet());
    }
}

package io.gregor.coordinator.group;

import io.gregor.storage.util.ManualTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A timer driven by {@link ManualTime}: tasks run when the test advances time past them. */
final class ManualTimer implements CoordinatorTimer {
    private record Task(long dueMs, long seq, Runnable run) {
    }

    private final ManualTime time;
    private final Map<String, Task> tasks = new HashMap<>();
    private long seq;

    ManualTimer(ManualTime time) {
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

    boolean isScheduled(String key) {
        return tasks.containsKey(key);
    }

    /** Moves time forward, running every task that falls due, in order. */
    void advance(long ms) {
        long target = time.milliseconds() + ms;
        while (true) {
            Map.Entry<String, Task> next = null;
            for (Map.Entry<String, Task> e : tasks.entrySet()) {
                if (e.getValue().dueMs() <= target && (next == null
                    || Comparator.<Task>comparingLong(Task::dueMs).thenComparingLong(Task::seq).compare(e.getValue(), next.getValue()) < 0)) {
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

    List<String> keys() {
        return new ArrayList<>(tasks.keySet());
    }
}

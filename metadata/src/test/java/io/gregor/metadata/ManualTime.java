package io.gregor.metadata;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.apache.kafka.common.utils.Time;

/** A clock that moves only when a test (or a {@link ManualScheduler}) says so. */
final class ManualTime implements Time {
    private final AtomicLong nanos = new AtomicLong(1_700_000_000_000L * 1_000_000L);

    @Override
    public long milliseconds() {
        return nanos.get() / 1_000_000L;
    }

    @Override
    public long nanoseconds() {
        return nanos.get();
    }

    @Override
    public void sleep(long ms) {
        advance(ms);
    }

    void advance(long ms) {
        nanos.addAndGet(ms * 1_000_000L);
    }

    @Override
    public void waitObject(Object obj, Supplier<Boolean> condition, long deadlineMs) {
        if (!condition.get()) {
            throw new IllegalStateException("ManualTime cannot wait for a condition");
        }
    }
}

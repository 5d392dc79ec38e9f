package io.gregor.storage.cleaner;

import org.apache.kafka.common.utils.Time;

/**
 * Keeps the cleaner's I/O under {@code log.cleaner.io.max.bytes.per.second} by sleeping when it
 * gets ahead. Per-thread; not thread-safe.
 */
final class Throttler {
    private final double bytesPerSecond;
    private final Time time;
    private long windowStartNs;
    private long bytesInWindow;

    Throttler(double bytesPerSecond, Time time) {
        this.bytesPerSecond = bytesPerSecond;
        this.time = time;
        this.windowStartNs = time.nanoseconds();
    }

    void maybeThrottle(long bytes) throws InterruptedException {
        if (bytesPerSecond >= Double.MAX_VALUE / 2) {
            return;
        }
        bytesInWindow += bytes;
        long elapsedNs = time.nanoseconds() - windowStartNs;
        double allowedNs = bytesInWindow / bytesPerSecond * 1e9;
        if (allowedNs > elapsedNs) {
            Thread.sleep((long) ((allowedNs - elapsedNs) / 1e6));
        }
        if (elapsedNs > 1_000_000_000L) {
            windowStartNs = time.nanoseconds();
            bytesInWindow = 0;
        }
    }
}

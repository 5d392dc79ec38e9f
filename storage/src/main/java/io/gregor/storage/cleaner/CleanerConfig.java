package io.gregor.storage.cleaner;

/**
 * Log cleaner settings (Kafka's names).
 *
 * @param threads              log.cleaner.threads (0 disables cleaning)
 * @param dedupeBufferBytes    log.cleaner.dedupe.buffer.size, shared by all threads
 * @param ioBufferBytes        log.cleaner.io.buffer.size
 * @param ioMaxBytesPerSecond  log.cleaner.io.max.bytes.per.second
 * @param backoffMs            log.cleaner.backoff.ms: pause when no log needs cleaning
 * @param enabled              log.cleaner.enable
 */
public record CleanerConfig(int threads, long dedupeBufferBytes, int ioBufferBytes, double ioMaxBytesPerSecond, long backoffMs,
                            boolean enabled) {
    public static CleanerConfig defaults() {
        return new CleanerConfig(1, 128L * 1024 * 1024, 512 * 1024, Double.MAX_VALUE, 15_000, true);
    }
}

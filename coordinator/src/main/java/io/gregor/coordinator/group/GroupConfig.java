package io.gregor.coordinator.group;

/**
 * Group coordinator settings (Kafka's broker config names in the comments).
 *
 * @param minSessionTimeoutMs              group.min.session.timeout.ms
 * @param maxSessionTimeoutMs              group.max.session.timeout.ms
 * @param initialRebalanceDelayMs          group.initial.rebalance.delay.ms
 * @param maxGroupSize                     group.max.size
 * @param offsetMetadataMaxBytes           offset.metadata.max.bytes
 * @param offsetsRetentionMs               offsets.retention.minutes, in ms
 * @param offsetsRetentionCheckIntervalMs  offsets.retention.check.interval.ms
 */
public record GroupConfig(int minSessionTimeoutMs, int maxSessionTimeoutMs, int initialRebalanceDelayMs, int maxGroupSize,
                          int offsetMetadataMaxBytes, long offsetsRetentionMs, long offsetsRetentionCheckIntervalMs) {
    /** Kafka's default {@code offsets.retention.check.interval.ms}. */
    public static final long DEFAULT_RETENTION_CHECK_INTERVAL_MS = 600_000L;

    public GroupConfig(int minSessionTimeoutMs, int maxSessionTimeoutMs, int initialRebalanceDelayMs, int maxGroupSize,
                       int offsetMetadataMaxBytes, long offsetsRetentionMs) {
        this(minSessionTimeoutMs, maxSessionTimeoutMs, initialRebalanceDelayMs, maxGroupSize, offsetMetadataMaxBytes, offsetsRetentionMs,
            DEFAULT_RETENTION_CHECK_INTERVAL_MS);
    }

    public static GroupConfig defaults() {
        return new GroupConfig(6000, 1_800_000, 3000, Integer.MAX_VALUE, 4096, 7L * 24 * 3600 * 1000);
    }
}

package io.gregor.metadata;

/**
 * Settings of the controller's failure detector ({@link BrokerLiveness}), after Kafka's KRaft
 * settings of the same names.
 *
 * @param intervalMs       {@code broker.heartbeat.interval.ms}: how often a broker heartbeats to
 *                         the active controller
 * @param sessionTimeoutMs {@code broker.session.timeout.ms}: a broker the controller has not heard
 *                         from for this long is fenced
 */
public record BrokerHeartbeatConfig(long intervalMs, long sessionTimeoutMs) {

    public BrokerHeartbeatConfig {
        if (intervalMs <= 0 || sessionTimeoutMs <= intervalMs) {
            throw new IllegalArgumentException("broker.session.timeout.ms (" + sessionTimeoutMs
                + ") must be larger than broker.heartbeat.interval.ms (" + intervalMs + "), which must be positive");
        }
    }

    /** A broker silent for this long gets its endpoint probed (connection refused: fenced at once). */
    public long probeAfterMs() {
        return 2 * intervalMs;
    }

    /** How often the controller checks for silent brokers. */
    public long checkIntervalMs() {
        return Math.max(10, intervalMs / 2);
    }
}
